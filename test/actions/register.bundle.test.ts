/**
 * The committed register bundle, run the way the runner runs it (INPUT_* with action.yml's
 * defaults, GITHUB_OUTPUT, the job summary; Node 24 and 22) on the local backend: register, a
 * re-run that returns the same version, approve naming the actor and run, the refusals as one
 * ::error:: line and exit 1; and `modelship registry list` / `show` from the committed CLI.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runActionBundle } from '../support/action-runner.js';
import { runCli } from '../lib/process.js';
import { candidateWorkspace } from '../lib/register.js';

const BUNDLE = 'actions/register';
const RUN_ENV = {
  GITHUB_ACTOR: 'octocat',
  GITHUB_REPOSITORY: 'acme/churn',
  GITHUB_RUN_ID: '555',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SERVER_URL: 'https://github.com',
};

describe('register bundle, run as the runner runs it', () => {
  it.each(['node24', 'node22'] as const)(
    'registers, re-runs to the same version, approves under %s',
    async (node) => {
      const { dir } = candidateWorkspace({ verdict: 'pass' });
      const first = await runActionBundle(BUNDLE, { cwd: dir, node, env: RUN_ENV });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.outputs).toEqual({
        'model-package-arn': 'model-package/churn/1',
        'model-version': '1',
        'approval-status': 'PendingManualApproval',
        'champion-arn': '',
      });
      expect(first.summary).toContain(
        '## ⏳ register: registered churn version 1 (PendingManualApproval); champion: none',
      );
      expect(first.summary).toContain('### Lineage');
      const again = await runActionBundle(BUNDLE, { cwd: dir, node, env: RUN_ENV });
      expect(again.code).toBe(0);
      expect(again.outputs['model-version']).toBe('1');
      const approve = await runActionBundle(BUNDLE, {
        cwd: dir,
        node,
        env: RUN_ENV,
        inputs: { operation: 'approve' },
      });
      expect(approve.code).toBe(0);
      expect(approve.outputs).toMatchObject({
        'approval-status': 'Approved',
        'champion-arn': 'model-package/churn/1',
      });
      const pkg = JSON.parse(readFileSync(join(dir, '.modelship/registry/churn/versions/1.json'), 'utf8'));
      expect(pkg.ApprovalDescription).toBe(
        'approved by octocat from https://github.com/acme/churn/actions/runs/555',
      );
      const manifest = JSON.parse(readFileSync(join(dir, '.modelship/manifest.json'), 'utf8'));
      expect(manifest.history.map((h: { step: string; ok: boolean }) => [h.step, h.ok])).toEqual([
        ['register', true],
        ['register', true],
        ['register', true],
      ]);
    },
  );

  it.each([
    [
      { verdict: 'fail' as const },
      {},
      '.modelship/manifest.json: the gate failed (accuracy, recall): a candidate that failed its gate is not registered',
    ],
    [
      { verdict: 'pass' as const },
      { 'model-package-group': '-churn' },
      "input 'model-package-group': '-churn' is not a valid model package group name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit",
    ],
    [
      { verdict: 'pass' as const },
      { operation: 'reject', 'model-package-arn': 'model-package/churn/4' },
      'model-package/churn/4: model package not found in the local registry .modelship/registry',
    ],
  ])('refuses %j %j with one ::error:: line and exit 1', async (candidate, inputs, expected) => {
    const { dir } = candidateWorkspace(candidate);
    const run = await runActionBundle(BUNDLE, { cwd: dir, inputs });
    expect(run.code).toBe(1);
    expect(run.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual([expected]);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("the runner's command files", () => {
  it('a GITHUB_OUTPUT in a missing folder is one ::error:: line, before the step registers anything', async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    const missing = join(dir, 'no-such-dir/output');
    const run = await runActionBundle(BUNDLE, { cwd: dir, env: { GITHUB_OUTPUT: missing } });
    expect(run.code).toBe(1);
    expect(run.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual([
      `GITHUB_OUTPUT: the file it names does not exist (${missing})`,
    ]);
    expect(existsSync(join(dir, '.modelship/registry'))).toBe(false);
  });
});

describe('modelship registry on the command line', () => {
  const cli = runCli;

  it('list marks the champion; show prints a package; an unknown one is one error line', () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    expect(cli(dir, ['register', '--quiet']).code).toBe(0);
    expect(cli(dir, ['register', '--operation', 'approve', '--quiet']).code).toBe(0);
    const list = cli(dir, ['registry', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^churn in \.modelship\/registry\n/);
    expect(list.stdout).toMatch(/ 1 +Approved +\S+ +model-package\/churn\/1 +← champion/);
    expect(JSON.parse(cli(dir, ['registry', 'list', '--json']).stdout)).toEqual([
      expect.objectContaining({ ModelPackageVersion: 1, ModelApprovalStatus: 'Approved' }),
    ]);
    const show = cli(dir, ['registry', 'show', 'model-package/churn/1']);
    expect(JSON.parse(show.stdout)).toMatchObject({
      ModelPackageArn: 'model-package/churn/1',
      ModelApprovalStatus: 'Approved',
    });
    const missing = cli(dir, ['registry', 'show', 'model-package/churn/2']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')[0]).toBe(
      'error: model-package/churn/2: model package not found in the local registry .modelship/registry',
    );
  });
});
