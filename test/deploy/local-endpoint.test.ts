// deploy-canary on the local backend, end to end with real processes and real HTTP: the endpoint
// created with the challenger alone, a second version beside it at the canary weight (weights
// honoured within sampling error), a shadow mirrored, the contract smoke test removing a broken
// challenger, a killed variant showing as 5XX, and stop leaving no process.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { findStep } from '@modelship/catalog';
import {
  endpointMetrics,
  endpointStatus,
  httpCall,
  readEndpointState,
  runTraffic,
  stopEndpoint,
  stopTree,
  treeAlive,
  updateEndpointWeights,
  variantMetricQuery,
  withEndpointLock,
  type VariantMetric,
} from '@modelship/local';
import { configErrorLine, runStep, tempDir } from '../lib/step.js';
import { CHURN_REQUEST, churnModel, deployWorkspace, registerLocal } from '../lib/deploy.js';

const step = findStep('deploy-canary')!;
const started: { root: string; name: string }[] = [];

afterEach(async () => {
  for (const e of started.splice(0)) await stopEndpoint(e.root, e.name, 2_000);
});

const ENV = { PATH: process.env.PATH, HOME: process.env.HOME };

async function deploy(dir: string, inputs: Record<string, string>) {
  const run = await runStep(step, inputs, { cwd: dir, env: ENV });
  started.push({ root: join(dir, '.modelship/endpoints'), name: 'churn' });
  return run;
}

async function invokeMany(port: number, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const batch = 25;
  for (let i = 0; i < n; i += batch) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, () =>
        httpCall(port, 'POST', '/invocations', { body: CHURN_REQUEST }),
      ),
    );
    for (const a of answers) {
      const v = String(a.headers['x-amzn-invoked-production-variant'] ?? `status ${a.status}`);
      counts[v] = (counts[v] ?? 0) + 1;
    }
  }
  return counts;
}

describe('deploy-canary on the local backend', () => {
  it('creates the endpoint with the challenger alone, then puts v2 beside it at the canary weight', async () => {
    const dir = deployWorkspace(
      '  serve: [node, serve.mjs]\n  canary-percent: 20\n  contract: {request: contract/request.schema.json, response: contract/response.schema.json}\n  smoke-requests: contract/smoke-requests.jsonl\n',
    );
    const reg = join(dir, '.modelship/registry');
    const v1 = await registerLocal(reg, 'churn', 1, churnModel(-1));
    const v2 = await registerLocal(reg, 'churn', 2, churnModel(1));

    const first = await deploy(dir, { 'model-package-arn': v1 });
    expect(first.result.ok).toBe(true);
    expect(first.result.outputs.status).toBe('created');
    expect(first.result.outputs['challenger-variant']).toBe('churn-v1');
    expect(first.result.outputs['champion-variant']).toBe('');
    const url = first.result.outputs['endpoint-url']!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(url.split(':').pop());
    const alone = await invokeMany(port, 20);
    expect(alone).toEqual({ 'churn-v1': 20 });

    const second = await deploy(dir, { 'model-package-arn': v2 });
    expect(second.result.ok).toBe(true);
    expect(second.result.outputs).toMatchObject({
      status: 'deployed',
      'champion-variant': 'churn-v1',
      'challenger-variant': 'churn-v2',
      'endpoint-url': url, // the endpoint keeps its address
    });
    expect(second.manifest().deployment).toMatchObject({
      endpoint: 'churn',
      strategy: 'variants',
      smoke: { requests: 4, passed: 4 },
      variants: [
        { name: 'churn-v1', role: 'champion', weightBefore: 100, weightAfter: 80 },
        { name: 'churn-v2', role: 'challenger', weightBefore: 0, weightAfter: 20 },
      ],
    });
    const n = 1000;
    const counts = await invokeMany(port, n);
    expect((counts['churn-v1'] ?? 0) + (counts['churn-v2'] ?? 0)).toBe(n);
    // 20% of 1000: sd = sqrt(1000 · 0.2 · 0.8) ≈ 12.6; ±5 sd.
    expect(Math.abs((counts['churn-v2'] ?? 0) - 200)).toBeLessThan(64);

    // The metrics store answers GetMetricData per variant.
    await httpCall(port, 'POST', '/_modelship/flush');
    const store = endpointMetrics(join(dir, '.modelship/endpoints'), 'churn');
    const q = (id: string, variant: string, metric: VariantMetric, stat: string) =>
      variantMetricQuery({ id, endpoint: 'churn', variant, metric, stat, period: 3600 });
    const data = await store.getMetricData({
      MetricDataQueries: [
        q('v1', 'churn-v1', 'Invocations', 'Sum'),
        q('v2', 'churn-v2', 'Invocations', 'Sum'),
        q('e2', 'churn-v2', 'Invocation5XXErrors', 'Sum'),
        q('l2', 'churn-v2', 'ModelLatency', 'p99'),
      ],
      StartTime: new Date(Date.now() - 3600_000),
      EndTime: new Date(Date.now() + 3600_000),
    });
    const sum = (id: string) =>
      data.MetricDataResults.find((r) => r.Id === id)!.Values.reduce((a, b) => a + b, 0);
    expect(sum('v1') + sum('v2')).toBe(20 + n + 0); // the 20 before the canary went to v1
    expect(sum('v2')).toBe(counts['churn-v2']);
    expect(sum('e2')).toBe(0);
    expect(sum('l2')).toBeGreaterThan(0);
    // One log line per request.
    const log = readFileSync(join(dir, '.modelship/endpoints/churn/requests.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(log).toHaveLength(20 + n);
    expect(JSON.parse(log.at(-1)!)).toMatchObject({
      endpoint: 'churn',
      status: 200,
      modelVersion: expect.any(String),
    });

    // A re-run finds it as it is.
    const again = await deploy(dir, { 'model-package-arn': v2 });
    expect(again.result.outputs.status).toBe('unchanged');

    // Stop leaves no process.
    const state = (await readEndpointState(join(dir, '.modelship/endpoints'), 'churn'))!;
    const pids = [state.router.pid, ...state.variants.map((v) => v.pid)];
    expect(pids.every((p) => treeAlive(p))).toBe(true);
    await stopEndpoint(join(dir, '.modelship/endpoints'), 'churn', 2_000);
    expect(pids.filter((p) => treeAlive(p))).toEqual([]);
    expect(await endpointStatus(join(dir, '.modelship/endpoints'), 'churn')).toBeUndefined();
  });

  it('mirrors every request to a shadow challenger and keeps its answers, returning only the champion', async () => {
    const dir = deployWorkspace('  serve: [node, serve.mjs]\n  strategy: shadow\n');
    const reg = join(dir, '.modelship/registry');
    const v1 = await registerLocal(reg, 'churn', 1, churnModel(-3));
    const v2 = await registerLocal(reg, 'churn', 2, churnModel(3));
    await deploy(dir, { 'model-package-arn': v1 });
    const run = await deploy(dir, { 'model-package-arn': v2 });
    expect(run.result.outputs.status).toBe('deployed');
    const port = Number(run.result.outputs['endpoint-url']!.split(':').pop());
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => httpCall(port, 'POST', '/invocations', { body: CHURN_REQUEST })),
    );
    expect(new Set(answers.map((a) => a.headers['x-amzn-invoked-production-variant']))).toEqual(
      new Set(['churn-v1']),
    );
    const championScore = (JSON.parse(answers[0]!.body) as { predictions: { score: number }[] })
      .predictions[0]!.score;
    // The shadow's answers come after the champion's (the mirror is not waited on): flush until
    // all 30 are recorded.
    const shadowLines = () =>
      readFileSync(join(dir, '.modelship/endpoints/churn/shadow.jsonl'), 'utf8').trim().split('\n');
    const deadline = Date.now() + 10_000;
    for (;;) {
      await httpCall(port, 'POST', '/_modelship/flush');
      if (shadowLines().length >= 30 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const shadow = shadowLines();
    expect(shadow).toHaveLength(30);
    const line = JSON.parse(shadow[0]!) as {
      variant: string;
      status: number;
      body: string;
      production: { variant: string; body: string };
    };
    expect(line.variant).toBe('churn-v2');
    expect(line.production.variant).toBe('churn-v1');
    const shadowScore = (JSON.parse(line.body) as { predictions: { score: number }[] }).predictions[0]!.score;
    expect(shadowScore).toBeGreaterThan(championScore); // bias 3 vs -3
  });

  it('refuses a challenger that breaks the contract: removed, the endpoint unchanged', async () => {
    const dir = deployWorkspace(
      '  serve: [node, serve.mjs]\n  contract: {request: contract/request.schema.json, response: contract/strict.schema.json}\n  smoke-requests: contract/smoke-requests.jsonl\n',
    );
    // A response contract the model does not meet: it wants a `label` field.
    const strict = JSON.parse(readFileSync(join(dir, 'contract/response.schema.json'), 'utf8'));
    strict.properties.predictions.items.required.push('label');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'contract/strict.schema.json'), JSON.stringify(strict));
    const reg = join(dir, '.modelship/registry');
    const v1 = await registerLocal(reg, 'churn', 1, churnModel(-1));
    const run = await deploy(dir, { 'model-package-arn': v1 });
    expect(run.result.ok).toBe(false);
    expect(run.result.outputs.status).toBe('failed');
    expect(run.result.headline).toMatch(
      /contract smoke test failed \(4 of 4 requests; first contract\/smoke-requests\.jsonl:1: the answer breaks the response schema: .*label/,
    );
    expect(run.result.headline).toMatch(/the challenger was removed/);
    expect(await readEndpointState(join(dir, '.modelship/endpoints'), 'churn')).toBeUndefined();
  });

  it('from a trial: refuses a canary of the package the endpoint serves alone (its true champion), and a canary beside a dead champion', async () => {
    // Smoke requests without a contract: only the status is checked, and the step says so.
    const dir = deployWorkspace(
      '  serve: [node, serve.mjs]\n  smoke-requests: contract/smoke-requests.jsonl\n',
    );
    const reg = join(dir, '.modelship/registry');
    const v1 = await registerLocal(reg, 'churn', 1, churnModel(-1));
    const v2 = await registerLocal(reg, 'churn', 2, churnModel(1));
    const v3 = await registerLocal(reg, 'churn', 3, churnModel(0.5));
    expect((await deploy(dir, { 'model-package-arn': v1 })).result.ok).toBe(true);
    const root = join(dir, '.modelship/endpoints');
    const weights = async () =>
      Object.fromEntries((await readEndpointState(root, 'churn'))!.variants.map((v) => [v.name, v.weight]));
    // The endpoint serves v1 alone: a re-run is unchanged, anything else has nothing to canary against.
    expect((await deploy(dir, { 'model-package-arn': v1 })).result.outputs.status).toBe('unchanged');
    writeFileSync(join(dir, 'serve-copy.mjs'), readFileSync(join(dir, 'serve.mjs')));
    writeFileSync(
      join(dir, 'modelship.yml'),
      readFileSync(join(dir, 'modelship.yml'), 'utf8').replace('[node, serve.mjs]', '[node, serve-copy.mjs]'),
    );
    const alone = await configErrorLine(runStep(step, { 'model-package-arn': v1 }, { cwd: dir, env: ENV }));
    expect(alone).toBe(
      `local endpoint churn: already serves ${v1} as its champion (variant churn-v1, its sole production variant): there is nothing to canary it against`,
    );
    expect(await weights()).toEqual({ 'churn-v1': 100 });
    const second = await deploy(dir, { 'model-package-arn': v2 });
    expect(second.result.ok).toBe(true);
    expect(second.text).toContain('with no deploy.contract their bodies were not checked');
    const before = await weights();
    // A dead champion: the challenger must not get the whole traffic.
    const state = (await readEndpointState(root, 'churn'))!;
    process.kill(-state.variants.find((v) => v.name === 'churn-v1')!.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const dead = await configErrorLine(runStep(step, { 'model-package-arn': v3 }, { cwd: dir, env: ENV }));
    expect(dead).toBe(
      `local endpoint churn: its champion, variant churn-v1 (${v1}), is not running: a canary needs the champion serving beside it`,
    );
    expect(await weights()).toEqual(before);
  });

  it('from a trial: a changed deploy.serve is a change: the challenger restarts with the new command', async () => {
    const dir = deployWorkspace('  serve: [node, serve.mjs]\n');
    const reg = join(dir, '.modelship/registry');
    const v1 = await registerLocal(reg, 'churn', 1, churnModel(-1));
    const v2 = await registerLocal(reg, 'churn', 2, churnModel(1));
    expect((await deploy(dir, { 'model-package-arn': v1 })).result.outputs.status).toBe('created');
    expect((await deploy(dir, { 'model-package-arn': v2 })).result.outputs.status).toBe('deployed');
    const same = await deploy(dir, { 'model-package-arn': v2 });
    expect(same.result.headline).toMatch(/unchanged$/);
    writeFileSync(join(dir, 'serve-copy.mjs'), readFileSync(join(dir, 'serve.mjs')));
    writeFileSync(
      join(dir, 'modelship.yml'),
      readFileSync(join(dir, 'modelship.yml'), 'utf8').replace('[node, serve.mjs]', '[node, serve-copy.mjs]'),
    );
    const changed = await deploy(dir, { 'model-package-arn': v2 });
    expect(changed.result.ok).toBe(true);
    expect(changed.result.headline).not.toMatch(/unchanged$/);
    const state = (await readEndpointState(join(dir, '.modelship/endpoints'), 'churn'))!;
    expect(state.variants.find((v) => v.name === 'churn-v2')!.command.at(-1)).toMatch(/serve-copy\.mjs$/);
  });

  it('from a trial: errors name the config file given, not modelship.yml', async () => {
    const dir = deployWorkspace('  serve: [node, serve.mjs]\n');
    const v1 = await registerLocal(join(dir, '.modelship/registry'), 'churn', 1, churnModel(-1));
    writeFileSync(
      join(dir, 'other.yml'),
      readFileSync(join(dir, 'modelship.yml'), 'utf8').replace(
        '  serve: [node, serve.mjs]\n',
        '  canary-percent: 10\n',
      ),
    );
    const line = await configErrorLine(
      runStep(step, { 'model-package-arn': v1, config: 'other.yml' }, { cwd: dir, env: ENV }),
    );
    expect(line).toMatch(
      /^other\.yml: deploy\.serve: the local backend needs the command that serves a model/,
    );
  });

  it('from a trial: a pinned deploy.port that is taken is refused before anything starts', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const dir = deployWorkspace(`  serve: [node, serve.mjs]\n  port: ${port}\n`);
      const v1 = await registerLocal(join(dir, '.modelship/registry'), 'churn', 1, churnModel(-1));
      const line = await configErrorLine(runStep(step, { 'model-package-arn': v1 }, { cwd: dir, env: ENV }));
      expect(line).toBe(`modelship.yml: deploy.port: port ${port} is in use: the router cannot listen on it`);
      expect(await readEndpointState(join(dir, '.modelship/endpoints'), 'churn')).toBeUndefined();
    } finally {
      busy.close();
    }
  });

  it('shows a variant killed mid-traffic as 5XX errors, not a hang', async () => {
    const dir = deployWorkspace('  serve: [python3, serve.py]\n  canary-percent: 50\n');
    const reg = join(dir, '.modelship/registry');
    await deploy(dir, { 'model-package-arn': await registerLocal(reg, 'churn', 1, churnModel(-1)) });
    const run = await deploy(dir, {
      'model-package-arn': await registerLocal(reg, 'churn', 2, churnModel(1)),
    });
    expect(run.result.outputs.status).toBe('deployed');
    const root = join(dir, '.modelship/endpoints');
    const state = (await readEndpointState(root, 'churn'))!;
    const v2 = state.variants.find((v) => v.name === 'churn-v2')!;
    // 600 requests at 200/s; the challenger's process group is killed once 200 have been sent.
    let killed = false;
    let killedAt = 0;
    const report = await runTraffic({
      port: state.router.port,
      bodies: [CHURN_REQUEST],
      rate: 200,
      durationMs: 3000,
      timeoutMs: 20_000,
      tickMs: 0,
      onTick: (r) => {
        if (!killed && r.sent >= 200) {
          killed = true;
          killedAt = Date.now();
          process.kill(-v2.pid, 'SIGKILL');
        }
      },
    });
    expect(killed).toBe(true);
    expect(report.answered).toBe(report.sent);
    expect(report.byVariant['(no answer)']).toBeUndefined();
    await httpCall(state.router.port, 'POST', '/_modelship/flush');
    const lines = readFileSync(join(root, 'churn/requests.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { variant: string; status: number; time: string });
    const v2Lines = lines.filter((l) => l.variant === 'churn-v2');
    // Served until it was killed, then a 502 for every request, each at once (requests in flight
    // at the kill may finish either way; on a loaded machine a few may fail before it, also 502).
    const ok = v2Lines.filter((l) => l.status === 200);
    const failed = v2Lines.filter((l) => l.status !== 200);
    expect(ok.length).toBeGreaterThan(50);
    expect(failed.filter((l) => Date.parse(l.time) >= killedAt).length).toBeGreaterThan(100);
    expect(new Set(failed.map((l) => l.status))).toEqual(new Set([502]));
    expect(ok.filter((l) => Date.parse(l.time) > killedAt + 1000)).toEqual([]);
    expect(lines.filter((l) => l.variant === 'churn-v1').every((l) => l.status === 200)).toBe(true);
    const errors = await endpointMetrics(root, 'churn').getMetricData({
      MetricDataQueries: [
        variantMetricQuery({
          id: 'e',
          endpoint: 'churn',
          variant: 'churn-v2',
          metric: 'Invocation5XXErrors',
          stat: 'Sum',
          period: 3600,
        }),
      ],
      StartTime: new Date(Date.now() - 3600_000),
      EndTime: new Date(Date.now() + 3600_000),
    });
    expect(errors.MetricDataResults[0]!.Values.reduce((a, b) => a + b, 0)).toBe(failed.length);
    const status = (await endpointStatus(root, 'churn'))!;
    expect(status.variants.find((v) => v.variant.name === 'churn-v2')!.status).toBe('stopped');
    expect(status.router).toBe('running');
  });
});

describe('the local endpoint, between deploys', () => {
  it('shifts weights without restarting a variant, as UpdateEndpointWeightsAndCapacities does', async () => {
    const dir = deployWorkspace('  serve: [node, serve.mjs]\n  canary-percent: 10\n');
    const reg = join(dir, '.modelship/registry');
    await deploy(dir, { 'model-package-arn': await registerLocal(reg, 'churn', 1, churnModel(-1)) });
    await deploy(dir, { 'model-package-arn': await registerLocal(reg, 'churn', 2, churnModel(1)) });
    const root = join(dir, '.modelship/endpoints');
    const before = (await readEndpointState(root, 'churn'))!;
    const after = await updateEndpointWeights(root, 'churn', [
      { VariantName: 'churn-v1', DesiredWeight: 0 },
      { VariantName: 'churn-v2', DesiredWeight: 100 },
    ]);
    expect(after.variants.map((v) => [v.name, v.weight, v.pid])).toEqual(
      before.variants.map((v) => [v.name, v.name === 'churn-v2' ? 100 : 0, v.pid]),
    );
    expect(await invokeMany(after.router.port, 50)).toEqual({ 'churn-v2': 50 });
    await expect(
      updateEndpointWeights(root, 'churn', [{ VariantName: 'churn-v2', DesiredWeight: 0 }]),
    ).rejects.toMatchObject({
      line: 'endpoint churn: no production variant would keep any weight',
    });
    await expect(
      updateEndpointWeights(root, 'churn', [{ VariantName: 'churn-v9', DesiredWeight: 1 }]),
    ).rejects.toMatchObject({
      line: 'endpoint churn: has no variant churn-v9',
    });
  });

  it('starts a router that died again, on a free port when its old one is taken', async () => {
    const dir = deployWorkspace('  serve: [node, serve.mjs]\n');
    const reg = join(dir, '.modelship/registry');
    await deploy(dir, { 'model-package-arn': await registerLocal(reg, 'churn', 1, churnModel(-1)) });
    const root = join(dir, '.modelship/endpoints');
    const before = (await readEndpointState(root, 'churn'))!;
    await stopTree(before.router.pid, 2_000);
    const squatter = createServer((_q, r) => r.end('not the router'));
    await new Promise<void>((r) => squatter.listen(before.router.port, '127.0.0.1', () => r()));
    try {
      const run = await deploy(dir, {
        'model-package-arn': await registerLocal(reg, 'churn', 2, churnModel(1)),
      });
      expect(run.text).toContain(
        `the router of local endpoint churn (pid ${before.router.pid}) is not running: it is started again`,
      );
      expect(run.text).toContain(`the router could not listen on port ${before.router.port} again`);
      expect(run.result.outputs).toMatchObject({
        status: 'deployed',
        'champion-variant': 'churn-v1',
        'challenger-variant': 'churn-v2',
      });
      const after = (await readEndpointState(root, 'churn'))!;
      expect(after.router.port).not.toBe(before.router.port);
      const counts = await invokeMany(after.router.port, 40);
      expect(Object.keys(counts).every((v) => v === 'churn-v1' || v === 'churn-v2')).toBe(true);
    } finally {
      squatter.close();
    }
  });

  it('waits for a deploy in progress, and takes over the lock of one that died', async () => {
    const root = tempDir('modelship-lock-');
    const order: string[] = [];
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = withEndpointLock(root, 'churn', async () => {
      order.push('first in');
      entered();
      await held;
      order.push('first out');
    });
    await inside;
    const second = withEndpointLock(root, 'churn', async () => {
      order.push('second');
    });
    // The second waits while the first holds the lock, however long that is.
    await new Promise((r) => setTimeout(r, 250));
    expect(order).toEqual(['first in']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second']);
    // A holder that no longer runs.
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(root, 'churn', 'deploy.lock'));
    writeFileSync(join(root, 'churn', 'deploy.lock', 'pid'), '999999999');
    expect(await withEndpointLock(root, 'churn', async () => 'taken', 1_000)).toBe('taken');
    // One that does: a one-line error after the wait.
    mkdirSync(join(root, 'churn', 'deploy.lock'));
    writeFileSync(join(root, 'churn', 'deploy.lock', 'pid'), String(process.ppid));
    await expect(withEndpointLock(root, 'churn', async () => 'never', 300)).rejects.toMatchObject({
      line: `endpoint churn: another command is changing this endpoint (pid ${process.ppid})`,
    });
  });
});
