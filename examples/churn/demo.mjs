#!/usr/bin/env node
// The whole story of one model on the local backend, from data to production, as `npm run demo`
// runs it: every step is the modelship CLI, run as a user would run it, in a workspace of its own
// (.modelship/demo), with the churn example's modelship.yml.
//
//   validate-data → train v1 → evaluate-gate (no champion) → register, approve → deploy-canary
//   (first deploy) → traffic → train v2 (other hyperparameters) → evaluate-gate against v1 on
//   paired predictions → register, approve → deploy-canary (v2 at 25% beside v1) → traffic +
//   promote-on-metrics (promoted) → a third model, slower to serve → gate, register, approve,
//   deploy-canary → traffic + promote-on-metrics (rolled back, rejected) → the final state.
//
// serve_delay_ms (a hyperparameter of train.mjs that serve.mjs honours) stands in for what a real
// model costs to serve: 5 ms for v1 and v2, 15 ms for v3.
//
// It prints an account of each step, writes the lifecycle report (report.md and a standalone
// report.html with the drift, gate and canary charts) and stops the endpoint at the end, so a
// second run starts clean and no process is left running. Exit 1 when any step does not do what
// the story expects. Usage: node examples/churn/demo.mjs [--keep-endpoint]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReport } from './report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const CLI = join(ROOT, 'dist/cli/index.js');
const CONFIG = join(HERE, 'modelship.yml');
const WORK = join(ROOT, '.modelship/demo');
const REQUESTS = join(HERE, 'contract/smoke-requests.jsonl');
const keepEndpoint = process.argv.includes('--keep-endpoint');
const t0 = performance.now();
const story = [];

const seconds = () => ((performance.now() - t0) / 1000).toFixed(1).padStart(5);
function say(line) {
  process.stdout.write(`[${seconds()} s] ${line}\n`);
}

/** Run one CLI command in the demo workspace; its outputs (JSON) back, or exit on an unexpected "no". */
function modelship(args, { expect = 0, label } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--quiet'], { cwd: WORK, encoding: 'utf8' });
  let outputs = {};
  try {
    outputs = JSON.parse(r.stdout || '{}');
  } catch {
    outputs = {};
  }
  if (r.status !== expect) {
    process.stderr.write(r.stderr);
    say(`✗ ${label ?? args[0]}: exit ${r.status}, expected ${expect}`);
    stopEndpoint();
    process.exit(1);
  }
  return outputs;
}

function stopEndpoint() {
  spawnSync(process.execPath, [CLI, 'endpoint', 'stop', 'churn'], { cwd: WORK, encoding: 'utf8' });
}

/** Traffic through the endpoint's router in the background; returns a function that stops it. */
function traffic(rate, duration) {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'traffic',
      '--endpoint',
      'churn',
      '--requests',
      REQUESTS,
      '--rate',
      String(rate),
      '--duration',
      String(duration),
    ],
    { cwd: WORK, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise((res) => child.on('close', () => res(err)));
  return {
    done,
    stop: async () => {
      child.kill('SIGTERM');
      return done;
    },
  };
}

function record(step, text, extra = {}) {
  story.push({ step, text, ...extra });
  say(`${step}: ${text}`);
}

function manifestOf(name) {
  return JSON.parse(readFileSync(join(WORK, name), 'utf8'));
}

/** train → evaluate-gate → register → approve for one version; its manifest name. */
function candidate(version, hyperparameters, why) {
  const manifest = `v${version}/manifest.json`; // a folder per version: its reports beside it
  const m = ['--config', CONFIG, '--manifest', manifest];
  const t = modelship(['train', ...m, '--hyperparameters', JSON.stringify(hyperparameters)], {
    label: `train v${version}`,
  });
  const metrics = JSON.parse(t.metrics);
  record(
    `train v${version}`,
    `${why}: ${JSON.stringify(hyperparameters)} → validation AUC ${metrics.auc}, accuracy ${metrics.accuracy} (${t['billable-seconds']} s)`,
    { manifest },
  );
  const g = modelship(['evaluate-gate', ...m], { label: `evaluate-gate v${version}` });
  const ev = manifestOf(manifest).evaluation;
  const lines = (ev?.checks ?? []).map((c) => `${c.check} ${c.condition} ${c.status}`).join(', ');
  record(
    `evaluate-gate v${version}`,
    `${g.verdict} (${lines})${g.champion ? ` against the champion ${g.champion} on paired predictions` : ': no champion yet, value checks only'}`,
    { manifest },
  );
  const r = modelship(['register', ...m], { label: `register v${version}` });
  const a = modelship(['register', ...m, '--operation', 'approve', '--description', 'approved in the demo'], {
    label: `approve v${version}`,
  });
  record(
    `register v${version}`,
    `${r['model-package-arn']} ${r['approval-status']} → ${a['approval-status']} (the manual approval gate)`,
    { manifest },
  );
  return { manifest, arn: r['model-package-arn'] };
}

async function canary(c, label, expectDecision) {
  const m = ['--config', CONFIG, '--manifest', c.manifest];
  const d = modelship(['deploy-canary', ...m, '--model-package-arn', c.arn], {
    label: `deploy-canary ${label}`,
  });
  record(
    `deploy-canary ${label}`,
    `${d['challenger-variant']} ${d.status} beside ${d['champion-variant'] || '(none)'} at ${d['endpoint-url']}`,
    {
      manifest: c.manifest,
    },
  );
  const load = traffic(150, 60);
  const p = modelship(['promote-on-metrics', ...m], {
    expect: expectDecision === 'promoted' ? 0 : 1,
    label: `promote-on-metrics ${label}`,
  });
  await load.stop();
  const promotion = manifestOf(c.manifest).promotion;
  if (p.decision !== expectDecision) {
    say(`✗ promote-on-metrics ${label}: ${p.decision}, expected ${expectDecision} (${promotion?.reason})`);
    stopEndpoint();
    process.exit(1);
  }
  record(
    `promote-on-metrics ${label}`,
    `${p.decision}: ${promotion.reason} → weights ${p['final-weights']}`,
    {
      manifest: c.manifest,
      audit: p.report,
    },
  );
}

// Ctrl-C (or the runner's SIGTERM): the endpoint's processes go too, then the demo ends.
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    say(`${signal}: stopping the endpoint`);
    stopEndpoint();
    process.exit(130);
  });

async function main() {
  if (!existsSync(CLI)) {
    process.stderr.write(
      `${relative(process.cwd(), CLI)} is missing: run npm ci (the bundle is committed) from the repository root\n`,
    );
    process.exit(1);
  }
  // A clean slate: what a previous demo left (its endpoint's processes first).
  if (existsSync(WORK)) stopEndpoint();
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  say(
    `the churn model's story, in ${relative(ROOT, WORK)} (config ${relative(ROOT, CONFIG)}, backend local)`,
  );

  const v = modelship(
    [
      'validate-data',
      '--config',
      CONFIG,
      '--manifest',
      'v1/manifest.json',
      '--data',
      join(HERE, 'data/current.csv'),
    ],
    {
      label: 'validate-data',
    },
  );
  record(
    'validate-data',
    `${v.rows} rows, ${v['invalid-rows']} invalid; drift in ${v['drifted-features']} feature(s): ${v.drifted || 'none'}`,
    { manifest: 'v1/manifest.json', report: v.report },
  );

  const v1 = candidate(1, { c: 1.0, serve_delay_ms: 5 }, 'the first model');
  const d1 = modelship(
    ['deploy-canary', '--config', CONFIG, '--manifest', v1.manifest, '--model-package-arn', v1.arn],
    {
      label: 'deploy-canary v1',
    },
  );
  record(
    'deploy-canary v1',
    `first deploy: ${d1['challenger-variant']} ${d1.status} alone at ${d1['endpoint-url']}`,
    { manifest: v1.manifest },
  );
  const warm = traffic(50, 1);
  await warm.done;
  record('traffic', 'the endpoint answers: 50 requests over 1 s through the router');

  const v2 = candidate(2, { c: 0.3, serve_delay_ms: 5 }, 'a retrained model with stronger regularisation');
  await canary(v2, 'v2', 'promoted');

  const v3 = candidate(3, { c: 0.3, serve_delay_ms: 15 }, 'the same model, three times heavier to serve');
  await canary(v3, 'v3', 'rolled-back');

  const status = spawnSync(process.execPath, [CLI, 'endpoint', 'status', 'churn', '--json'], {
    cwd: WORK,
    encoding: 'utf8',
  });
  const state = JSON.parse(status.stdout || '{}');
  const serving = (state.variants ?? [])
    .map((x) => `${x.variant.name} (${x.variant.modelPackageArn}) at ${x.variant.weight}%, ${x.status}`)
    .join('; ');
  const rejected = manifestOf(v3.manifest).promotion?.registry;
  record(
    'final state',
    `endpoint churn serves ${serving || 'nothing'}; ${rejected ? `${rejected.arn} is ${rejected.status} in the registry` : 'the registry records no rejection'}`,
  );

  // The report ends as the demo does: with the endpoint stopped (or kept, when asked).
  if (keepEndpoint)
    record(
      'endpoint',
      'keeps running (--keep-endpoint): modelship endpoint stop churn --dir .modelship/demo/.modelship/endpoints',
    );
  else {
    stopEndpoint();
    record('endpoint', 'stopped by the demo: no process left running');
  }
  const files = writeReport({ work: WORK, story, elapsedSeconds: (performance.now() - t0) / 1000 });
  say(`report: ${relative(ROOT, files.markdown)} and ${relative(ROOT, files.html)} (open it in a browser)`);
  say(`done in ${seconds().trim()} s`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  stopEndpoint();
  process.exit(1);
});
