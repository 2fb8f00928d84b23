/**
 * Benchmark of the evaluate gate's statistics on 1,000,000 predictions: `npm run bench:gate`.
 * Paired bootstrap (2,000 resamples) of mean-type metrics and of roc_auc (fewer resamples, scaled),
 * DeLong's test, beside a Python peer (bench/gate_peer.py) on the same data: scipy.stats.bootstrap
 * (paired=True, percentile, batch=5) with fewer resamples, scaled to 2,000, and a NumPy fast DeLong.
 * Our bootstrap runs on worker threads (the committed bundle's worker, as the actions run it; its
 * interval is checked equal to the one-thread run's, which is printed too). Prints wall seconds
 * (and this process's CPU seconds, workers included: the machine may be shared).
 *
 *   npm run bench:gate [-- --rows 1000000 --peer-resamples 20]   (BENCH_PYTHON overrides the Python)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { availableParallelism } from 'node:os';
import { delong, pairedBootstrap, type MetricName } from '@modelship/stats';
import { parallelBootstrap } from '../packages/gate/src/bootstrap-parallel.js';
import { mulberry32, normal } from '../packages/stats/test/prng.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out', 'gate');
const PYTHON = process.env['BENCH_PYTHON'] ?? join(ROOT, '.cache', 'venv', 'bin', 'python');
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('rows', 1_000_000);
const RESAMPLES = 2000;
const PEER_RESAMPLES = arg('peer-resamples', 20);
const AUC_RESAMPLES = arg('auc-resamples', 20);

const r = mulberry32(2024);
const label = new Float64Array(N);
const scoreA = new Float64Array(N);
const scoreB = new Float64Array(N);
const regLabel = new Float64Array(N);
const regA = new Float64Array(N);
const regB = new Float64Array(N);
for (let i = 0; i < N; i++) {
  label[i] = r() < 0.3 ? 1 : 0;
  const m = label[i] ? 1 : -1;
  scoreA[i] = 1 / (1 + Math.exp(-(m + 1.3 * normal(r))));
  scoreB[i] = 1 / (1 + Math.exp(-(m + 1.5 * normal(r))));
  regLabel[i] = 50 + 10 * normal(r);
  regA[i] = regLabel[i]! + 2 * normal(r);
  regB[i] = regLabel[i]! + 2.2 * normal(r);
}
mkdirSync(OUT, { recursive: true });
for (const [name, a] of Object.entries({
  label,
  score_a: scoreA,
  score_b: scoreB,
  reg_label: regLabel,
  reg_a: regA,
  reg_b: regB,
}))
  writeFileSync(join(OUT, `${name}.f64`), new Uint8Array(a.buffer));

// The worker threads run the committed bundle's worker (npm run bundle), as the actions do.
const WORKER = join(ROOT, 'dist', 'workers', 'bootstrap-worker.js');
const THREADS = availableParallelism();

async function time<T>(run: () => T | Promise<T>): Promise<{ wall: number; cpu: number; value: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await run();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, value };
}

const boot = (name: MetricName, resamples: number, threads = 1) => {
  const reg = name === 'mae' || name === 'rmse' || name === 'r2' || name === 'mape';
  const cand = reg ? { label: regLabel, prediction: regA } : { label, score: scoreA };
  const champ = reg ? { label: regLabel, prediction: regB } : { label, score: scoreB };
  const opts = { resamples, seed: 1 };
  return time(() =>
    threads === 1
      ? pairedBootstrap(name, cand, champ, opts)
      : parallelBootstrap(name, cand, champ, opts, { script: WORKER, threads }),
  );
};

console.log(`evaluate-gate statistics on ${N.toLocaleString('en')} rows`);
const rows: { task: string; ours: number; cpu: number; one?: number; peer?: number; note?: string }[] = [];
const peer = spawnSync(PYTHON, [join(ROOT, 'bench', 'gate_peer.py'), OUT, String(PEER_RESAMPLES)], {
  encoding: 'utf8',
});
const py = peer.status === 0 ? (JSON.parse(peer.stdout) as Record<string, number>) : undefined;
if (!py) console.log(`(python peer failed: ${peer.stderr.slice(-500)})`);
const scale = RESAMPLES / PEER_RESAMPLES;

for (const name of ['accuracy', 'f1', 'brier', 'log_loss', 'mae', 'rmse', 'r2'] as const) {
  const one = await boot(name, RESAMPLES);
  const t = await boot(name, RESAMPLES, THREADS);
  if (t.value.low !== one.value.low || t.value.high !== one.value.high)
    throw new Error(`${name}: the ${THREADS}-thread interval differs from the one-thread interval`);
  const key = `bootstrap_${name}`;
  rows.push({
    task: `bootstrap ${name} ×${RESAMPLES} (BCa)`,
    ours: t.wall,
    one: one.wall,
    cpu: t.cpu,
    ...(py?.[key] !== undefined ? { peer: py[key]! * scale } : {}),
  });
}
const auc = await boot('roc_auc', AUC_RESAMPLES);
rows.push({
  task: `bootstrap roc_auc ×${AUC_RESAMPLES}, scaled to ×${RESAMPLES}`,
  ours: (auc.wall * RESAMPLES) / AUC_RESAMPLES,
  cpu: (auc.cpu * RESAMPLES) / AUC_RESAMPLES,
  note: 'includes sorts and jackknife once',
});
const dl = await time(() => delong(label, scoreA, scoreB));
rows.push({ task: 'DeLong', ours: dl.wall, cpu: dl.cpu, ...(py ? { peer: py['delong']! } : {}) });

console.log(
  `${'task'.padEnd(44)} ${`modelship s (${THREADS} thr)`.padStart(18)} ${'(cpu s)'.padStart(8)} ${'1 thread s'.padStart(11)} ${'python s'.padStart(10)} ${'py/ours'.padStart(8)}`,
);
for (const row of rows) {
  console.log(
    `${row.task.padEnd(44)} ${row.ours.toFixed(2).padStart(18)} ${row.cpu.toFixed(2).padStart(8)} ${
      row.one !== undefined ? row.one.toFixed(2).padStart(11) : '—'.padStart(11)
    } ${row.peer !== undefined ? row.peer.toFixed(2).padStart(10) : '—'.padStart(10)} ${
      row.peer !== undefined ? (row.peer / row.ours).toFixed(1).padStart(8) : ''
    }`,
  );
}
console.log(
  `python bootstrap: scipy.stats.bootstrap(paired=True, percentile, batch=5) with ${PEER_RESAMPLES} resamples, scaled ×${scale}` +
    (py
      ? `; DeLong check: estimate ${py['delong_estimate']!.toExponential(6)} vs ${dl.value.estimate.toExponential(6)}`
      : ''),
);
