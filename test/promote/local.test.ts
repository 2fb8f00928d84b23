// promote-on-metrics on the local backend, end to end: two real serving processes behind the real
// router, real traffic through it, the judge reading the router's metrics every few seconds. An
// equal challenger is ramped and promoted (the champion's process stopped, the package recorded as
// deployed); a slower or failing one is rolled back (its process stopped, its package Rejected);
// the decision audit replays to the same decision; a dry run changes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { findStep } from '@modelship/catalog';
import { readEndpointState, runTraffic, stopEndpoint, treeAlive } from '@modelship/local';
import { CHURN_REQUEST, deployWorkspace, registerLocal } from '../lib/deploy.js';
import { fastPromote } from '../lib/promote.js';
import { runStep } from '../lib/step.js';

const deploy = findStep('deploy-canary')!;
const promote = findStep('promote-on-metrics')!;
const ENV = { PATH: process.env.PATH, HOME: process.env.HOME };
const started: string[] = [];

afterEach(async () => {
  for (const dir of started.splice(0)) await stopEndpoint(join(dir, '.modelship/endpoints'), 'churn', 2_000);
});

// A serving process whose model says how slow it is and how often it fails.
const SERVE = `import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const model = JSON.parse(readFileSync(join(process.env.SM_MODEL_DIR, 'model.json'), 'utf8'));
let n = 0;
const server = createServer((req, res) => {
  if (req.url === '/ping') { res.end('{}'); return; }
  req.resume();
  req.on('end', () => setTimeout(() => {
    n++;
    const fail = model.failEvery && n % model.failEvery === 0;
    res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
    res.end(fail ? '{"error":"boom"}' : JSON.stringify({ score: model.score, churn: Boolean(model.flip) }));
  }, model.delayMs));
});
server.listen(Number(process.env.SAGEMAKER_BIND_TO_PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

const PROMOTE = fastPromote({ steps: [20, 50], latency: '25%' });

async function canary(challenger: object, extra = '', strategy = 'variants') {
  const dir = deployWorkspace(
    `  serve: [node, serve-test.mjs]\n  canary-percent: 20\n  strategy: ${strategy}\n`,
    PROMOTE + extra,
  );
  started.push(dir);
  writeFileSync(join(dir, 'serve-test.mjs'), SERVE);
  const reg = join(dir, '.modelship/registry');
  const v1 = await registerLocal(reg, 'churn', 1, { delayMs: 3, score: 0.3 });
  const v2 = await registerLocal(reg, 'churn', 2, challenger);
  for (const arn of [v1, v2]) {
    const run = await runStep(deploy, { 'model-package-arn': arn }, { cwd: dir, env: ENV });
    expect(run.result.ok).toBe(true);
  }
  const state = await readEndpointState(join(dir, '.modelship/endpoints'), 'churn');
  return {
    dir,
    v1,
    v2,
    reg,
    port: state!.router.port,
    pids: Object.fromEntries(state!.variants.map((v) => [v.name, v.pid])),
  };
}

/** Traffic through the router while `fn` runs. */
async function underTraffic<T>(port: number, fn: () => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const traffic = runTraffic({
    port,
    bodies: [CHURN_REQUEST],
    rate: 150,
    durationMs: 120_000,
    signal: ac.signal,
    timeoutMs: 5_000,
  });
  try {
    return await fn();
  } finally {
    ac.abort();
    await traffic.catch(() => undefined);
  }
}

const pkg = (reg: string, v: number) =>
  JSON.parse(readFileSync(join(reg, 'churn/versions', `${v}.json`), 'utf8')) as {
    ModelApprovalStatus: string;
    ApprovalDescription?: string;
    CustomerMetadataProperties: Record<string, string>;
  };

describe('promote-on-metrics on the local backend', () => {
  it('ramps an equal challenger through its steps and promotes it; the audit replays to the same decision', async () => {
    const c = await canary({ delayMs: 3, score: 0.3 });
    const run = await underTraffic(c.port, () => runStep(promote, {}, { cwd: c.dir, env: ENV }));
    expect(run.result.headline).toMatch(/^promoted churn-v2 on churn to 100%/);
    expect(run.result.ok).toBe(true);
    expect(run.result.outputs.decision).toBe('promoted');
    expect(JSON.parse(run.result.outputs['final-weights']!)).toEqual({ 'churn-v2': 100 });
    expect(run.text).toMatch(/weights: churn-v2 50%, churn-v1 50%/);
    const state = await readEndpointState(join(c.dir, '.modelship/endpoints'), 'churn');
    expect(state!.variants.map((v) => [v.name, v.weight])).toEqual([['churn-v2', 100]]);
    expect(treeAlive(c.pids['churn-v1']!)).toBe(false);
    expect(treeAlive(c.pids['churn-v2']!)).toBe(true);
    expect(pkg(c.reg, 2).CustomerMetadataProperties).toMatchObject({
      'modelship:deployed-endpoint': 'churn',
      'modelship:replaced-package': c.v1,
    });
    const m = run.manifest() as unknown as { promotion: Record<string, unknown> };
    expect(m.promotion).toMatchObject({
      decision: 'promoted',
      replacedModelPackageArn: c.v1,
      report: run.result.outputs.report,
    });
    const audit = JSON.parse(readFileSync(join(c.dir, run.result.outputs.report!), 'utf8')) as {
      steps: { weight: number; verdict: string; looks: { series: Record<string, { v: number[] }> }[] }[];
    };
    expect(audit.steps.map((s) => [s.weight, s.verdict])).toEqual([
      [20, 'pass'],
      [50, 'pass'],
    ]);
    expect(audit.steps[0]!.looks.at(-1)!.series.m0_challenger!.v.length).toBeGreaterThanOrEqual(4);
    const again = await runStep(promote, { replay: run.result.outputs.report! }, { cwd: c.dir, env: ENV });
    expect(again.result.ok).toBe(true);
    expect(again.result.headline).toMatch(/promoted again from \d+ look/);
  }, 120_000);

  it('rolls back a slower challenger: its process stopped, its package Rejected, exit 1', async () => {
    const c = await canary({ delayMs: 15, score: 0.3 });
    const run = await underTraffic(c.port, () => runStep(promote, {}, { cwd: c.dir, env: ENV }));
    expect(run.result.ok).toBe(false);
    expect(run.result.outputs.decision).toBe('rolled-back');
    expect(run.result.headline).toMatch(/^rolled back churn-v2 on churn: a metric failed: ModelLatency/);
    const state = await readEndpointState(join(c.dir, '.modelship/endpoints'), 'churn');
    expect(state!.variants.map((v) => [v.name, v.weight])).toEqual([['churn-v1', 100]]);
    expect(treeAlive(c.pids['churn-v2']!)).toBe(false);
    expect(pkg(c.reg, 2)).toMatchObject({ ModelApprovalStatus: 'Rejected' });
    expect(pkg(c.reg, 2).ApprovalDescription).toMatch(/rolled back by promote-on-metrics on churn/);
  }, 120_000);

  it('rolls back a failing challenger at once on the critical error rate', async () => {
    const c = await canary({ delayMs: 3, score: 0.3, failEvery: 5 });
    const run = await underTraffic(c.port, () => runStep(promote, {}, { cwd: c.dir, env: ENV }));
    expect(run.result.outputs.decision).toBe('rolled-back');
    expect(run.result.headline).toMatch(/a critical metric failed: Invocation5XXErrors/);
  }, 120_000);

  it('is inconclusive with no traffic: rolled back after max-bake, never promoted, the package not rejected', async () => {
    const c = await canary({ delayMs: 3, score: 0.3 });
    const run = await runStep(promote, {}, { cwd: c.dir, env: ENV });
    expect(run.result.ok).toBe(false);
    expect(run.result.outputs.decision).toBe('inconclusive');
    expect(pkg(c.reg, 2).ModelApprovalStatus).toBe('Approved');
    const state = await readEndpointState(join(c.dir, '.modelship/endpoints'), 'churn');
    expect(state!.variants.map((v) => v.name)).toEqual(['churn-v1']);
  }, 120_000);

  it('in a dry run judges and reports, and changes nothing', async () => {
    const c = await canary({ delayMs: 3, score: 0.3 });
    const run = await underTraffic(c.port, () =>
      runStep(promote, { 'dry-run': 'true' }, { cwd: c.dir, env: ENV }),
    );
    expect(run.result.ok).toBe(true);
    expect(run.result.headline).toMatch(/^dry run: would ramp to 50%/);
    const state = await readEndpointState(join(c.dir, '.modelship/endpoints'), 'churn');
    expect(state!.variants.map((v) => [v.name, v.weight])).toEqual([
      ['churn-v1', 80],
      ['churn-v2', 20],
    ]);
    expect((run.manifest() as unknown as { promotion?: unknown }).promotion).toBeUndefined();
  }, 120_000);

  it("judges a shadow challenger on its copies of the traffic and the answers' divergence, then promotes it", async () => {
    const shadow = '  shadow: { max-label-difference: 10%, field: churn }\n';
    const c = await canary({ delayMs: 3, score: 0.31 }, shadow, 'shadow');
    const run = await underTraffic(c.port, () => runStep(promote, {}, { cwd: c.dir, env: ENV }));
    expect(run.result.outputs.decision).toBe('promoted');
    const audit = JSON.parse(readFileSync(join(c.dir, run.result.outputs.report!), 'utf8')) as {
      shadow: boolean;
      steps: {
        looks: { shadow?: { pairs: number; differing: number }; divergence?: { status: string }[] }[];
      }[];
    };
    expect(audit.shadow).toBe(true);
    const last = audit.steps[0]!.looks.at(-1)!;
    expect(last.shadow!.pairs).toBeGreaterThan(100);
    expect(last.shadow!.differing).toBe(0);
    expect(last.divergence!.map((d) => d.status)).toEqual(['pass']);
    const state = await readEndpointState(join(c.dir, '.modelship/endpoints'), 'churn');
    expect(state!.variants.map((v) => [v.name, v.weight, v.shadow])).toEqual([['churn-v2', 100, false]]);
  }, 120_000);

  it("rolls back a shadow challenger whose answers differ from the champion's", async () => {
    const shadow = '  shadow: { max-label-difference: 10%, field: churn }\n';
    const c = await canary({ delayMs: 3, score: 0.9, flip: true }, shadow, 'shadow');
    const run = await underTraffic(c.port, () => runStep(promote, {}, { cwd: c.dir, env: ENV }));
    expect(run.result.outputs.decision).toBe('rolled-back');
    expect(run.result.headline).toMatch(/shadow label difference: 100\.00% \[/);
    const state = await readEndpointState(join(c.dir, '.modelship/endpoints'), 'churn');
    expect(state!.variants.map((v) => v.name)).toEqual(['churn-v1']);
  }, 120_000);
});
