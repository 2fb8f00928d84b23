/**
 * The committed promote-on-metrics bundle, run the way the runner runs it (INPUT_*, GITHUB_OUTPUT,
 * the job summary; Node 24 and 22) against a real local canary with traffic through its router:
 * an equal challenger promoted, its decision audit replayed by the bundle under the other Node,
 * the runner's SIGTERM mid-bake returning the weights to the champion, and a config error as one
 * ::error:: line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { findStep } from '@modelship/catalog';
import { readEndpointState, runTraffic, stopEndpoint } from '@modelship/local';
import { runActionBundle } from '../support/action-runner.js';
import { CHURN_REQUEST, churnModel, deployWorkspace, registerLocal } from '../lib/deploy.js';
import { fastPromote } from '../lib/promote.js';
import { runStep } from '../lib/step.js';

const BUNDLE = 'actions/promote-on-metrics';
const ENV = { PATH: process.env.PATH, HOME: process.env.HOME };
const started: string[] = [];
afterEach(async () => {
  for (const dir of started.splice(0)) await stopEndpoint(join(dir, '.modelship/endpoints'), 'churn', 2_000);
});

const PROMOTE = fastPromote({ steps: [30], latency: '50%' });

async function canary(): Promise<{ dir: string; port: number }> {
  const dir = deployWorkspace('  serve: [node, serve.mjs]\n  canary-percent: 30\n', PROMOTE);
  started.push(dir);
  const reg = join(dir, '.modelship/registry');
  for (const [v, bias] of [
    [1, -1],
    [2, -0.9],
  ] as const) {
    const arn = await registerLocal(reg, 'churn', v, churnModel(bias));
    const run = await runStep(
      findStep('deploy-canary')!,
      { 'model-package-arn': arn },
      { cwd: dir, env: ENV },
    );
    expect(run.result.ok).toBe(true);
  }
  const state = await readEndpointState(join(dir, '.modelship/endpoints'), 'churn');
  return { dir, port: state!.router.port };
}

function traffic(port: number): { stop: () => Promise<void> } {
  const ac = new AbortController();
  const t = runTraffic({ port, bodies: [CHURN_REQUEST], rate: 150, durationMs: 120_000, signal: ac.signal });
  return {
    stop: async () => {
      ac.abort();
      await t.catch(() => undefined);
    },
  };
}

describe('promote-on-metrics bundle, run as the runner runs it', () => {
  it('promotes an equal challenger under node24; the audit replays under node22', async () => {
    const c = await canary();
    const t = traffic(c.port);
    let run;
    try {
      run = await runActionBundle(BUNDLE, { cwd: c.dir, node: 'node24', timeoutMs: 90_000 });
    } finally {
      await t.stop();
    }
    if (run.code !== 0) console.log(run.stdout.slice(-3000));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({
      decision: 'promoted',
      report: '.modelship/promote-on-metrics/decision.json',
      'final-weights': '{"churn-v2":100}',
    });
    expect(run.summary).toContain('## ✅ promote-on-metrics: churn');
    expect(run.summary).toMatch(/\| ModelLatency \| pass \|/);
    const again = await runActionBundle(BUNDLE, {
      cwd: c.dir,
      node: 'node22',
      inputs: { replay: '.modelship/promote-on-metrics/decision.json' },
    });
    expect(again.code).toBe(0);
    expect(again.outputs.decision).toBe('promoted');
  }, 150_000);

  it("returns the weights to the champion on the runner's SIGTERM mid-bake, and fails", async () => {
    const c = await canary();
    const t = traffic(c.port);
    let run;
    try {
      run = await runActionBundle(BUNDLE, {
        cwd: c.dir,
        node: 'node22',
        signal: 'SIGTERM',
        signalAfterMs: 5_000,
      });
    } finally {
      await t.stop();
    }
    expect(run.code).toBe(1);
    expect(run.commands.filter((x) => x.command === 'error').map((x) => x.message)).toEqual([
      expect.stringMatching(/^cancelled: churn-v2 on churn was not promoted/),
    ]);
    // Not held (the weights did not stay): inconclusive, and the record says it was a cancel.
    expect(run.outputs.decision).toBe('inconclusive');
    expect(
      (JSON.parse(readFileSync(join(c.dir, '.modelship/manifest.json'), 'utf8')) as { promotion: object })
        .promotion,
    ).toMatchObject({ decision: 'inconclusive', cancelled: true });
    const state = await readEndpointState(join(c.dir, '.modelship/endpoints'), 'churn');
    expect(Object.fromEntries(state!.variants.map((v) => [v.name, v.weight]))).toEqual({
      'churn-v1': 100,
      'churn-v2': 0,
    });
  }, 60_000);

  it('fails with one ::error:: line when there is no canary to judge', async () => {
    const dir = deployWorkspace('  serve: [node, serve.mjs]\n', PROMOTE);
    writeFileSync(join(dir, 'unused'), '');
    const run = await runActionBundle(BUNDLE, { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.commands.filter((x) => x.command === 'error').map((x) => x.message)).toEqual([
      'local endpoint churn: is not running (no state file)',
    ]);
    expect(run.stdout).not.toContain('    at ');
  });
});
