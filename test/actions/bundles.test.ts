import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { STEPS } from '@modelship/catalog';
import { runActionBundle, runPostStep } from '../support/action-runner.js';
import { nodePath } from '../support/tools.js';
import { tempDir } from '../lib/step.js';

// Every action (each step's folder and the root action) runs from the one committed build under
// the runners' Node 24 and under Node 22, reads its inputs the runner's way (by its action.yml),
// and turns a bad input into one ::error:: line and exit 1 — checked with an input every step has
// (`backend`). Every post entry starts and exits 0 with nothing to clean up.

/**
 * A placeholder for each input the action marks required, so the bad `backend` is what fails: the
 * first allowed value of an input with a list of them (codepipeline's `operation`), else `x`.
 */
function required(actionYml: string, step: (typeof STEPS)[number]): Record<string, string> {
  const { inputs } = parse(readFileSync(actionYml, 'utf8')) as {
    inputs: Record<string, { required?: boolean }>;
  };
  return Object.fromEntries(
    Object.entries(inputs)
      .filter(([, i]) => i.required)
      .map(([n]) => [n, step.inputs[n]?.enum?.[0] ?? 'x']),
  );
}

const actions: [string, Record<string, string>][] = [
  ...STEPS.map((s): [string, Record<string, string>] => [
    `actions/${s.name}`,
    required(join('actions', s.name, 'action.yml'), s),
  ]),
  ['.', { step: 'validate-data', data: 'x.csv' }],
];
const NODES = ['node24', 'node22'] as const;

describe.each(actions)('action %s', (action, extra) => {
  it.each(NODES)('starts under %s and rejects a bad input in one line', async (node) => {
    const run = await runActionBundle(action, { cwd: tempDir(), node, inputs: { ...extra, backend: 'gcp' } });
    expect(run.code).toBe(1);
    expect(run.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual([
      `input 'backend': must be one of "local", "sagemaker"`,
    ]);
    expect(run.stderr).toBe('');
    // A failed step still leaves a job summary saying why.
    expect(run.summary).toContain(`input 'backend': must be one of "local", "sagemaker"`);
  });
});

const posts: [string, Record<string, string>][] = [
  ...STEPS.filter((s) => s.post).map((s): [string, Record<string, string>] => [`actions/${s.name}`, {}]),
  ['.', { step: 'train' }],
];

describe.each(posts)('post of %s', (action, inputs) => {
  it.each(NODES)('starts under %s and has nothing to clean up', async (node) => {
    const run = await runPostStep(action, {}, { cwd: tempDir(), node, inputs });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('started no training job');
    expect(run.stderr).toBe('');
  });
});

describe('the CLI', () => {
  it.each([22, 24] as const)('starts under Node %i', (major) => {
    const run = spawnSync(nodePath(major), [join(process.cwd(), 'dist/cli/index.js'), '--version'], {
      cwd: tempDir(),
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(run.stderr).toBe('');
  });
});
