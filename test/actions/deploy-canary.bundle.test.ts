/**
 * The committed deploy-canary bundle, run the way the runner runs it (INPUT_*, GITHUB_OUTPUT, the
 * job summary; Node 24 and 22) on the local backend: the endpoint it starts outlives the step (the
 * router from dist/workers/canary-router.js), answers over HTTP, and is stopped by the test.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { httpCall, stopEndpoint, treeAlive, readEndpointState } from '@modelship/local';
import { runActionBundle } from '../support/action-runner.js';
import { CHURN_REQUEST, churnModel, deployWorkspace, registerLocal } from '../lib/deploy.js';

const BUNDLE = 'actions/deploy-canary';
const started: string[] = [];
afterEach(async () => {
  for (const dir of started.splice(0)) await stopEndpoint(join(dir, '.modelship/endpoints'), 'churn', 2_000);
});

describe('deploy-canary bundle, run as the runner runs it', () => {
  it.each(['node24', 'node22'] as const)(
    'starts a local endpoint that outlives the step under %s',
    async (node) => {
      const cwd = deployWorkspace(
        '  serve: [node, serve.mjs]\n  smoke-requests: contract/smoke-requests.jsonl\n',
      );
      started.push(cwd);
      const arn = await registerLocal(join(cwd, '.modelship/registry'), 'churn', 1, churnModel(0));
      const run = await runActionBundle(BUNDLE, { cwd, node, inputs: { 'model-package-arn': arn } });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.outputs).toEqual({
        'endpoint-name': 'churn',
        'endpoint-config': expect.stringMatching(/^churn-[0-9a-f]{8}$/),
        'champion-variant': '',
        'challenger-variant': 'churn-v1',
        status: 'created',
        'endpoint-url': expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      });
      expect(run.summary).toContain('## ✅ deploy-canary: churn');
      expect(run.summary).toContain('| smoke test | 4 of 4 passed |');
      const state = (await readEndpointState(join(cwd, '.modelship/endpoints'), 'churn'))!;
      expect(treeAlive(state.router.pid)).toBe(true);
      const answer = await httpCall(state.router.port, 'POST', '/invocations', { body: CHURN_REQUEST });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({
        predictions: [{ score: expect.any(Number), churn: expect.any(Boolean) }],
      });
    },
  );

  it.each([
    [
      '  canary-percent: 10\n',
      'modelship.yml: deploy.serve: the local backend needs the command that serves a model',
    ],
    [
      '  serve: [node, serve.mjs]\n',
      "input 'model-package-arn': model package model-package/churn/7 not found in the local registry .modelship/registry",
    ],
  ])('fails with one ::error:: line: %j', async (deploy, line) => {
    const cwd = deployWorkspace(deploy);
    const run = await runActionBundle(BUNDLE, {
      cwd,
      inputs: { 'model-package-arn': 'model-package/churn/7' },
    });
    expect(run.code).toBe(1);
    expect(run.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual([line]);
    expect(run.stdout).not.toContain('    at ');
  });
});
