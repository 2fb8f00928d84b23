import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { runActionBundle } from '../support/action-runner.js';
import { tempDir } from '../lib/step.js';

// Every committed action bundle (each step's and the root action's) starts under both the runners'
// Node 24 and Node 20, reads its inputs the runner's way, and turns a bad input into one
// ::error:: line and exit 1 — checked with an input every step has (`backend`).
/** A placeholder for each input the action marks required, so the bad `backend` is what fails. */
function required(actionYml: string): Record<string, string> {
  const { inputs } = parse(readFileSync(actionYml, 'utf8')) as {
    inputs: Record<string, { required?: boolean }>;
  };
  return Object.fromEntries(
    Object.entries(inputs)
      .filter(([, i]) => i.required)
      .map(([n]) => [n, 'x']),
  );
}

const bundles: [string, Record<string, string>][] = [
  ...readdirSync('actions')
    .filter((name) => existsSync(join('actions', name, 'dist', 'index.js')))
    .map((name): [string, Record<string, string>] => [
      `actions/${name}/dist/index.js`,
      required(join('actions', name, 'action.yml')),
    ]),
  ['dist/index.js', { step: 'validate-data', data: 'x.csv' }],
];

describe.each(bundles)('%s', (entry, extra) => {
  it.each(['node24', 'node20'] as const)(
    'starts under %s and rejects a bad input in one line',
    async (node) => {
      const run = await runActionBundle(entry, {
        cwd: tempDir(),
        node,
        inputs: { ...extra, backend: 'gcp' },
      });
      expect(run.code).toBe(1);
      expect(run.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual([
        `input 'backend': must be one of "local", "sagemaker"`,
      ]);
      expect(run.stderr).toBe('');
    },
  );
});
