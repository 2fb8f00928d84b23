/**
 * npm run bench:drift — false-alarm and detection rates of validate-data's default drift rule, side
 * by side with Evidently's default DataDriftPreset, on the same seeded draws in the same run.
 *
 * Each repetition of a size draws, per case, one baseline sample and a current sample per variant
 * ("same": the baseline's distribution, so a flag is a false alarm; a move: a flag is a detection).
 * modelship profiles the baseline as `--write-profile` does (KLL sketches) and the current sample as
 * a run against that baseline does (exact counts in the baseline's reference bins), then judges the
 * feature with computeDrift (alpha 0.05, one feature: 2 tests). Evidently gets the same values as
 * one table per repetition (bench/drift_evidently.py; each column gets its default test).
 *
 * REPS (default 100) repetitions per cell up to 10,000 rows; REPS_100K (default 20) at 100k rows;
 * REPS_1M (default 10) at 1M rows. SIZES=500x500,2000x2000 picks sizes. NO_EVIDENTLY=1 skips it.
 * EVIDENTLY_WORKERS (default 2) Evidently processes take alternate repetitions. About 25 minutes on 2
 * cores, nearly all of it Evidently's.
 */
import { computeDrift } from '../packages/data/src/drift.js';
import {
  createAccumulator,
  profileFromAccumulators,
  referenceEdgesOf,
  type DatasetProfile,
} from '@modelship/stats';
import { mulberry32, normal } from '../packages/stats/test/prng.js';
import { EvidentlyJudge, type EvidentlyColumn, type EvidentlyVerdict } from './evidently-client.js';

type Rand = () => number;

function poisson(rand: Rand, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

/** Index drawn with probability proportional to weights (cumulative weights given). */
function pick(rand: Rand, cum: readonly number[]): number {
  const u = rand() * cum[cum.length - 1]!;
  let a = 0;
  let b = cum.length - 1;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (cum[m]! <= u) a = m + 1;
    else b = m;
  }
  return a;
}

function cumulative(w: readonly number[]): number[] {
  let c = 0;
  return w.map((x) => (c += x));
}

const W5 = cumulative([0.2, 0.2, 0.2, 0.2, 0.2]);
const W5_MOVED = cumulative([0.3, 0.175, 0.175, 0.175, 0.175]);
const W200 = Array.from({ length: 200 }, (_, i) => 1 / (i + 1));
// The less frequent levels (from the 21st on) swap their shares end for end: the head is unchanged.
const W200_TAIL = W200.map((w, i) => (i >= 20 ? W200[219 - i]! : w));
const C200 = cumulative(W200);
const C200_TAIL = cumulative(W200_TAIL);

interface Case {
  name: string;
  kind: 'numeric' | 'categorical';
  base: (r: Rand) => number;
  /** The moves: name and draw. "same" (the base draw) is always added. */
  moves: [string, (r: Rand) => number][];
  /** Replace the baseline's last value with 1e12. */
  outlier?: boolean;
}

const NUMERIC: Case[] = [
  {
    name: 'normal',
    kind: 'numeric',
    base: (r) => normal(r),
    moves: [
      ['+0.25 sd', (r) => 0.25 + normal(r)],
      ['sd x1.5', (r) => 1.5 * normal(r)],
    ],
  },
  {
    name: 'lognormal s=2',
    kind: 'numeric',
    base: (r) => Math.exp(2 * normal(r)),
    moves: [
      ['+0.25 sd (log)', (r) => Math.exp(0.5 + 2 * normal(r))],
      ['sd x1.5 (log)', (r) => Math.exp(3 * normal(r))],
    ],
  },
  {
    name: 'Poisson(3)',
    kind: 'numeric',
    base: (r) => poisson(r, 3),
    moves: [['+0.25 sd', (r) => poisson(r, 3 + 0.25 * Math.sqrt(3))]],
  },
  {
    name: 'N(1000, 1)',
    kind: 'numeric',
    base: (r) => 1000 + normal(r),
    moves: [
      ['+0.25 sd', (r) => 1000.25 + normal(r)],
      ['sd x1.5', (r) => 1000 + 1.5 * normal(r)],
    ],
  },
];

const CASES: Case[] = [
  ...NUMERIC,
  ...NUMERIC.map((c) => ({ ...c, name: `${c.name} +1e12`, outlier: true })),
  {
    name: '5 levels',
    kind: 'categorical',
    base: (r) => pick(r, W5),
    moves: [['one 20% -> 30%', (r) => pick(r, W5_MOVED)]],
  },
  {
    name: '200 levels, long tail',
    kind: 'categorical',
    base: (r) => pick(r, C200),
    moves: [['tail reversed', (r) => pick(r, C200_TAIL)]],
  },
  {
    name: '5 levels (new level)',
    kind: 'categorical',
    base: (r) => pick(r, W5),
    moves: [['new level at 0.1%', (r) => (r() < 0.001 ? 999 : pick(r, W5))]],
  },
];

interface Column {
  name: string;
  kind: Case['kind'];
  baseline: Float64Array | Int32Array;
  current: Float64Array | Int32Array;
}

function draw(kind: Case['kind'], n: number, f: (r: Rand) => number, rand: Rand): Float64Array | Int32Array {
  const out = kind === 'numeric' ? new Float64Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(rand);
  return out;
}

/** The columns of one repetition: per case, "same" and each move, sharing the case's baseline. */
function table(nb: number, nc: number, seed: number): Column[] {
  const cols: Column[] = [];
  CASES.forEach((c, k) => {
    const rand = mulberry32(seed * 1000 + k);
    const baseline = draw(c.kind, nb, c.base, rand);
    if (c.outlier) baseline[nb - 1] = 1e12;
    for (const [move, f] of [['same', c.base] as const, ...c.moves]) {
      cols.push({ name: `${c.name} | ${move}`, kind: c.kind, baseline, current: draw(c.kind, nc, f, rand) });
    }
  });
  return cols;
}

function profile(
  name: string,
  values: Float64Array | Int32Array,
  kind: Case['kind'],
  against?: DatasetProfile,
): DatasetProfile {
  const reference = against ? referenceEdgesOf(against).get(name) : undefined;
  const acc = createAccumulator(name, kind, { reference });
  if (kind === 'numeric') for (const v of values) acc.add(v);
  else for (const v of values) acc.add(`l${v}`);
  return profileFromAccumulators([acc], {
    rows: values.length,
    sources: [],
    createdAt: '2026-01-01T00:00:00Z',
  });
}

/** modelship's verdict per column, as validate-data makes it. */
function modelship(cols: readonly Column[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  const baselines = new Map<Column['baseline'], DatasetProfile>();
  for (const c of cols) {
    let base = baselines.get(c.baseline);
    if (!base) baselines.set(c.baseline, (base = profile(c.name, c.baseline, c.kind)));
    // The baseline profile's column has the case's first column name: rename to this one.
    const b: DatasetProfile = { ...base, columns: base.columns.map((col) => ({ ...col, name: c.name })) };
    const cur = profile(c.name, c.current, c.kind, b);
    out[c.name] = computeDrift(b, cur).drifted.length > 0;
  }
  return out;
}

function parseSizes(): [number, number][] {
  const all: [number, number][] = [
    [500, 500],
    [2000, 2000],
    [5000, 500],
    [10_000, 10_000],
    [100_000, 100_000],
    [1_000_000, 100_000],
  ];
  const want = process.env.SIZES;
  if (!want) return all;
  return want.split(',').map((s) => s.split('x').map(Number) as [number, number]);
}

function repsFor(nb: number): number {
  if (nb >= 1_000_000) return Number(process.env.REPS_1M ?? 10);
  if (nb >= 100_000) return Number(process.env.REPS_100K ?? 20);
  return Number(process.env.REPS ?? 100);
}

async function main(): Promise<void> {
  const sizes = parseSizes();
  // Two Evidently workers take alternate repetitions (Evidently is the slow side).
  const judges = process.env.NO_EVIDENTLY
    ? []
    : await Promise.all(
        Array.from({ length: Number(process.env.EVIDENTLY_WORKERS ?? 2) }, () => EvidentlyJudge.start()),
      );
  const judge = judges[0];
  // flags[column][size] = [modelship flags, Evidently flags, reps]
  const flags = new Map<string, Map<string, [number, number, number]>>();
  const tests = new Map<string, Set<string>>();
  const seconds = new Map<string, [number, number]>();
  for (const [nb, nc] of sizes) {
    const size = `${nb}/${nc}`;
    const reps = repsFor(nb);
    let ours = 0;
    let theirs = 0;
    const pendings: Promise<void>[] = judges.map(() => Promise.resolve());
    for (let r = 0; r < reps; r++) {
      const w = judges.length > 0 ? r % judges.length : 0;
      const cols = table(nb, nc, r + 1);
      const t0 = performance.now();
      const ms = modelship(cols);
      ours += (performance.now() - t0) / 1000;
      // Evidently works on this repetition while the next ones are drawn and judged here.
      await pendings[w];
      const ev: Promise<Record<string, EvidentlyVerdict> | undefined> = judges[w]
        ? judges[w].judgeMany(
            cols.map(
              (c) =>
                ({
                  name: c.name,
                  kind: c.kind,
                  reference: c.baseline,
                  current: c.current,
                }) as EvidentlyColumn,
            ),
          )
        : Promise.resolve(undefined);
      pendings[w] = ev.then((verdicts) => {
        for (const c of cols) {
          const cell = flags.get(c.name) ?? new Map<string, [number, number, number]>();
          flags.set(c.name, cell);
          const f = cell.get(size) ?? [0, 0, 0];
          f[0] += ms[c.name] ? 1 : 0;
          const v = verdicts?.[c.name];
          f[1] += v?.drift ? 1 : 0;
          f[2] += 1;
          cell.set(size, f);
          if (v) {
            const key = `${c.name.split(' | ')[0]} @ ${size}`;
            (tests.get(key) ?? tests.set(key, new Set()).get(key)!).add(v.test);
            if (c === cols[0]) theirs += v.seconds;
          }
        }
      });
    }
    await Promise.all(pendings);
    seconds.set(size, [ours, theirs]);
    process.stderr.write(`${size}: ${reps} repetitions done\n`);
  }
  await Promise.all(judges.map((j) => j.close()));

  const head = ['case | variant'.padEnd(42), ...sizes.map(([a, b]) => `${a}/${b}`.padStart(17))].join('');
  console.log(
    `\nDrift verdicts: % of repetitions flagged, modelship | Evidently DataDriftPreset (same draws)`,
  );
  console.log(`"same" rows are false alarms (lower is better); the others detections (higher is better).`);
  console.log(`Repetitions per cell: ${sizes.map(([a]) => repsFor(a)).join(', ')}.\n`);
  console.log(head);
  for (const [name, cell] of flags) {
    const cells = sizes.map(([a, b]) => {
      const f = cell.get(`${a}/${b}`);
      if (!f) return ''.padStart(17);
      const pct = (x: number): string => `${Math.round((100 * x) / f[2])}`;
      return `${pct(f[0]).padStart(7)} | ${judge ? pct(f[1]).padEnd(7) : '-'.padEnd(7)}`;
    });
    console.log([name.padEnd(42), ...cells].join(''));
  }
  console.log('\nSeconds spent judging (all columns, all repetitions): modelship | Evidently');
  for (const [size, [a, b]] of seconds)
    console.log(`  ${size.padEnd(16)} ${a.toFixed(1).padStart(8)} | ${b.toFixed(1)}`);
  if (judge) {
    console.log("\nEvidently's tests per case and size:");
    for (const [k, v] of tests) console.log(`  ${k}: ${[...v].join(', ')}`);
  }
}

await main();
