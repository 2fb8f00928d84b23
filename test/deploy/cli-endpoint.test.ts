// The committed CLI bundle drives a local endpoint the way a person does: deploy-canary (whose
// router runs from the built dist/workers/canary-router.js), `modelship endpoint status`,
// `modelship traffic`, the challenger the manifest registered, and `modelship endpoint stop` leaving no
// process behind.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { readEndpointState, stopEndpoint, treeAlive } from '@modelship/local';
import { churnModel, deployWorkspace, registerLocal } from '../lib/deploy.js';

const CLI = join(process.cwd(), 'dist/cli/index.js');
const ws = deployWorkspace(
  '  endpoint: churn-dev\n  serve: [node, serve.mjs]\n  canary-percent: 30\n  smoke-requests: contract/smoke-requests.jsonl\n',
);
const root = join(ws, '.modelship/endpoints');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ws,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(async () => {
  await stopEndpoint(root, 'churn-dev', 2_000);
});

describe('modelship endpoint / traffic (committed bundle)', () => {
  it('deploys, reports, replays traffic by weight and stops without leftovers', async () => {
    const reg = join(ws, '.modelship/registry');
    const v1 = await registerLocal(reg, 'churn', 1, churnModel(-1));
    const v2 = await registerLocal(reg, 'churn', 2, churnModel(1));
    const first = cli(['deploy-canary', '--model-package-arn', v1]);
    expect(first.stderr).toContain(
      'deploy-canary: created local endpoint churn-dev with the challenger churn-v1 alone',
    );
    expect(first.code).toBe(0);

    // Without --model-package-arn: the manifest's registration names the challenger.
    writeFileSync(
      join(ws, '.modelship/manifest.json'),
      JSON.stringify({
        schemaVersion: 1,
        kind: 'modelship.manifest',
        createdAt: '2026-11-22T09:00:00.000Z',
        updatedAt: '2026-11-22T09:00:00.000Z',
        history: [],
        registration: {
          backend: 'local',
          group: 'churn',
          arn: v2,
          version: 2,
          status: 'Approved',
          manifestSha256: 'a'.repeat(64),
        },
      }),
    );
    // (modelship run leaves deploy-canary out when no register runs before it: the step is run alone.)
    const run = cli(['deploy-canary']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('deploy-canary: churn-v2 serves 30% of churn-dev beside churn-v1 at 70%');

    const status = cli(['endpoint', 'status', 'churn-dev']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/churn-v1 +model-package\/churn\/1 +70 +\d+ +\d+ +running/);
    expect(status.stdout).toMatch(/churn-v2 +model-package\/churn\/2 +30 +\d+ +\d+ +running/);

    const traffic = cli([
      'traffic',
      '--endpoint',
      'churn-dev',
      '--requests',
      'contract/smoke-requests.jsonl',
      '--rate',
      '200',
      '--duration',
      '2',
    ]);
    expect(traffic.code).toBe(0);
    const t = JSON.parse(traffic.stdout) as {
      sent: number;
      variants: Record<string, { requests: number; ok: number; errors5xx: number }>;
    };
    expect(t.sent).toBe(400);
    expect(t.variants['churn-v1']!.requests + t.variants['churn-v2']!.requests).toBe(400);
    expect(t.variants['churn-v1']!.errors5xx + t.variants['churn-v2']!.errors5xx).toBe(0);
    // 30% of 400: sd ≈ 9.2; ±5 sd.
    expect(Math.abs(t.variants['churn-v2']!.requests - 120)).toBeLessThan(46);
    expect(traffic.stderr).toMatch(/variant +requests +share +2xx +4xx +5xx +p50 ms +p99 ms/);

    const state = (await readEndpointState(root, 'churn-dev'))!;
    const pids = [state.router.pid, ...state.variants.map((v) => v.pid)];
    const stop = cli(['endpoint', 'stop', 'churn-dev']);
    expect(stop.code).toBe(0);
    expect(stop.stderr).toContain('stopped churn-dev: router');
    expect(pids.filter((p) => treeAlive(p))).toEqual([]);
    expect(cli(['endpoint', '--help']).stdout).toContain('modelship endpoint status <name>');
    const gone = cli(['endpoint', 'status', 'churn-dev']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(
      `error: endpoint churn-dev: is stopped: nothing runs (its logs and metrics stay in ${root}/churn-dev)\nhint: deploy it again with modelship deploy-canary\n`,
    );
  });
});
