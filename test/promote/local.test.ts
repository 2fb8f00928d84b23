// promote-on-metrics on the local backend, end to end: two real serving processes behind the real
// router, real traffic through it, the judge reading the router's metrics every few seconds. An
// equal challenger is ramped and promoted (the champion's process stopped, the package recorded as
// deployed); a slower or failing one is rolled back (its process stopped, its package Rejected);
// the decision audit replays to the same decision; a dry run changes nothing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { findStep } from '@modelship/catalog';
import { readEndpointState, runTraffic, stopEndpoint, treeAlive } from '@modelship/local';
import { CHURN_REQUEST, deployWorkspace, registerLocal } from '../lib/deploy.js';
import { fastPromote } from '../lib/promote.js';
import { lookupChampion } from '@modelship/registry';
import { configErrorLine, makeContext, runStep } from '../lib/step.js';

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

const PROMOTE = fastPromote({ steps: [20, 50], latency: '50%' });

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

const register = findStep('register')!;

/**
 * Record in the canary's manifest that it registered `arn` (as register does), status Approved,
 * and the manifest digest in the package's metadata (register's idempotency key).
 */
function withRegistration(dir: string, arn: string): void {
  const pkgFile = join(dir, '.modelship/registry/churn/versions', `${arn.split('/').at(-1)}.json`);
  const p = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
    CustomerMetadataProperties?: Record<string, string>;
  };
  p.CustomerMetadataProperties = {
    ...p.CustomerMetadataProperties,
    'modelship:manifest-sha256': '0'.repeat(64),
  };
  writeFileSync(pkgFile, JSON.stringify(p, null, 2));
  const file = join(dir, '.modelship/manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  m.registration = {
    backend: 'local',
    registry: '.modelship/registry',
    group: 'churn',
    arn,
    version: Number(arn.split('/').at(-1)),
    status: 'Approved',
    manifestSha256: '0'.repeat(64),
  };
  writeFileSync(file, JSON.stringify(m, null, 2));
}

type Sections = {
  promotion: Record<string, unknown>;
  registration: { status: string; approval?: { status: string; description: string } };
};

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
    withRegistration(c.dir, c.v2);
    const run = await underTraffic(c.port, () => runStep(promote, {}, { cwd: c.dir, env: ENV }));
    expect(run.result.ok).toBe(false);
    expect(run.result.outputs.decision).toBe('rolled-back');
    // The manifest's registration says what the registry says.
    const m = run.manifest() as unknown as Sections;
    expect(m.promotion.registry).toEqual({ arn: c.v2, status: 'Rejected' });
    expect(m.registration.status).toBe('Rejected');
    expect(m.registration.approval).toMatchObject({
      status: 'Rejected',
      description: expect.stringMatching(/^rolled back by promote-on-metrics on churn/) as unknown,
    });
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

  it('is inconclusive with no traffic: rolled back after max-bake, never promoted, the package not rejected but no longer Approved', async () => {
    const c = await canary({ delayMs: 3, score: 0.3 });
    withRegistration(c.dir, c.v2);
    const run = await runStep(promote, {}, { cwd: c.dir, env: ENV });
    expect(run.result.ok).toBe(false);
    expect(run.result.outputs.decision).toBe('inconclusive');
    const state = await readEndpointState(join(c.dir, '.modelship/endpoints'), 'churn');
    expect(state!.variants.map((v) => v.name)).toEqual(['churn-v1']);
    // It never served alone: not the group's champion (the latest Approved package) any more.
    expect(pkg(c.reg, 2).ModelApprovalStatus).toBe('PendingManualApproval');
    expect(pkg(c.reg, 2).ApprovalDescription).toMatch(
      /^not promoted by promote-on-metrics on churn \(inconclusive\): still inconclusive after /,
    );
    expect(pkg(c.reg, 2).CustomerMetadataProperties['modelship:canary-decision']).toBe('inconclusive');
    const { ctx } = await makeContext(c.dir, { env: ENV });
    expect((await lookupChampion(ctx, { group: 'churn' })).champion?.ModelPackageArn).toBe(c.v1);
    const m = run.manifest() as unknown as Sections;
    expect(m.promotion.registry).toEqual({ arn: c.v2, status: 'PendingManualApproval' });
    expect(m.registration.status).toBe('PendingManualApproval');

    // Deploying it again needs an approval; once approved, the new canary is judged (not refused
    // as decided), and a second run on that same deployment is refused.
    expect(
      await configErrorLine(
        runStep(deploy, { 'model-package-arn': c.v2 }, { cwd: c.dir, env: ENV }).then((r) => r.result),
      ),
    ).toMatch(/^model package model-package\/churn\/2: is PendingManualApproval, not Approved/);
    const approved = await runStep(
      register,
      { operation: 'approve', 'model-package-arn': c.v2 },
      { cwd: c.dir, env: ENV },
    );
    expect(approved.result.ok).toBe(true);
    expect((await runStep(deploy, { 'model-package-arn': c.v2 }, { cwd: c.dir, env: ENV })).result.ok).toBe(
      true,
    );
    const again = await runStep(promote, {}, { cwd: c.dir, env: ENV });
    expect(again.result.outputs.decision).toBe('inconclusive');
    expect(
      await configErrorLine(runStep(promote, {}, { cwd: c.dir, env: ENV }).then((r) => r.result)),
    ).toMatch(/records that this canary on churn was already decided: inconclusive at /);
  }, 180_000);

  it('on cancel mid-bake returns the weights to the champion: inconclusive and cancelled, not held, the package no longer Approved', async () => {
    const c = await canary({ delayMs: 3, score: 0.3 });
    withRegistration(c.dir, c.v2);
    const ac = new AbortController();
    const run = await underTraffic(c.port, async () => {
      const r = runStep(promote, {}, { cwd: c.dir, env: ENV, signal: ac.signal });
      await new Promise((res) => setTimeout(res, 5_000));
      ac.abort();
      return r;
    });
    expect(run.result.ok).toBe(false);
    expect(run.result.headline).toMatch(/^cancelled: churn-v2 on churn was not promoted/);
    expect(run.result.outputs.decision).toBe('inconclusive');
    expect(JSON.parse(run.result.outputs['final-weights']!)).toEqual({ 'churn-v1': 100, 'churn-v2': 0 });
    const state = await readEndpointState(join(c.dir, '.modelship/endpoints'), 'churn');
    expect(Object.fromEntries(state!.variants.map((v) => [v.name, v.weight]))).toEqual({
      'churn-v1': 100,
      'churn-v2': 0,
    });
    const m = run.manifest() as unknown as Sections;
    expect(m.promotion).toMatchObject({ decision: 'inconclusive', cancelled: true });
    expect(m.registration.status).toBe('PendingManualApproval');
    expect(pkg(c.reg, 2).ApprovalDescription).toMatch(
      /^not promoted by promote-on-metrics on churn \(cancelled\)/,
    );
    const audit = JSON.parse(readFileSync(join(c.dir, run.result.outputs.report!), 'utf8')) as {
      cancelled?: boolean;
      decision: string;
    };
    expect(audit).toMatchObject({ cancelled: true, decision: 'inconclusive' });
    const replayed = await runStep(promote, { replay: run.result.outputs.report! }, { cwd: c.dir, env: ENV });
    expect(replayed.result.ok).toBe(true);
  }, 120_000);

  it('in a dry run judges and reports, and changes nothing: its audit is its own, never the real one', async () => {
    const c = await canary({ delayMs: 3, score: 0.3 });
    // The audit of an earlier real decision, which the dry run must leave as it is.
    const real = join(c.dir, '.modelship/promote-on-metrics/decision.json');
    mkdirSync(join(c.dir, '.modelship/promote-on-metrics'), { recursive: true });
    writeFileSync(real, '{"kind":"an earlier decision"}\n');
    const run = await underTraffic(c.port, () =>
      runStep(promote, { 'dry-run': 'true' }, { cwd: c.dir, env: ENV }),
    );
    expect(run.result.ok).toBe(true);
    expect(run.result.outputs.report).toBe('.modelship/promote-on-metrics/decision.dry-run.json');
    expect(readFileSync(real, 'utf8')).toBe('{"kind":"an earlier decision"}\n');
    expect(existsSync(join(c.dir, run.result.outputs.report!))).toBe(true);
    const replayed = await runStep(promote, { replay: run.result.outputs.report! }, { cwd: c.dir, env: ENV });
    expect(replayed.result.ok).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('{"kind":"an earlier decision"}\n');
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

  it('refuses, before any change, a metric or namespace the local endpoint does not record', async () => {
    const c = await canary({ delayMs: 3, score: 0.3 });
    const cfg = join(c.dir, 'modelship.yml');
    const text = readFileSync(cfg, 'utf8');
    writeFileSync(cfg, text.replace('  metrics:\n', '  metrics:\n    - { name: FooBar, kind: kpi }\n'));
    expect(await configErrorLine(runStep(promote, {}, { cwd: c.dir, env: ENV }).then((r) => r.result))).toBe(
      'modelship.yml: promote.metrics[0].name: FooBar is not a metric the local endpoint records',
    );
    writeFileSync(
      cfg,
      text.replace(
        '  metrics:\n',
        '  metrics:\n    - { name: Conversions, namespace: Churn/Business, kind: kpi }\n',
      ),
    );
    expect(
      await configErrorLine(runStep(promote, {}, { cwd: c.dir, env: ENV }).then((r) => r.result)),
    ).toMatch(
      /^modelship\.yml: promote\.metrics\[0\]\.namespace: namespace Churn\/Business is not recorded by the local endpoint/,
    );
    const state = await readEndpointState(join(c.dir, '.modelship/endpoints'), 'churn');
    expect(state!.variants.map((v) => [v.name, v.weight])).toEqual([
      ['churn-v1', 80],
      ['churn-v2', 20],
    ]);
  }, 60_000);

  it('lets one promote judge an endpoint at a time, and refuses to judge a decided canary again', async () => {
    const c = await canary({ delayMs: 3, score: 0.3 });
    const first = underTraffic(c.port, () => runStep(promote, {}, { cwd: c.dir, env: ENV }));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await configErrorLine(runStep(promote, {}, { cwd: c.dir, env: ENV }).then((r) => r.result))).toBe(
      'local endpoint churn: another promote-on-metrics is judging this endpoint',
    );
    const run = await first;
    expect(run.result.outputs.decision).toBe('promoted');
    expect(
      await configErrorLine(runStep(promote, {}, { cwd: c.dir, env: ENV }).then((r) => r.result)),
    ).toMatch(
      /^manifest \.modelship\/manifest\.json: records that this canary on churn was already decided: promoted at /,
    );
  }, 120_000);
});
