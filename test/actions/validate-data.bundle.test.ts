import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { STEPS } from '@modelship/catalog';
import { runActionBundle } from '../support/action-runner.js';
import { breakContracts, churnWorkspace } from '../lib/churn.js';

const BUNDLE = 'actions/validate-data';
let ws: string;

beforeAll(() => {
  ws = churnWorkspace();
  breakContracts(ws, 'data/validation.csv', 'data/broken.csv', 5, 25);
});

describe('validate-data bundle, run as the runner runs it', () => {
  it.each(['node24', 'node22'] as const)(
    'passes the example data under %s and sets outputs and the summary',
    async (node) => {
      const run = await runActionBundle(BUNDLE, {
        cwd: ws,
        node,
        inputs: { data: 'data/current.csv', schema: 'churn.schema.json', baseline: 'baseline.json' },
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({
        passed: 'true',
        rows: '1000',
        'invalid-rows': '0',
        report: '.modelship/validate-data/report.json',
      });
      expect(run.outputs.drifted).toContain('monthly_charges');
      expect(run.summary).toContain('## ✅ validate-data: passed');
      expect(run.summary).toContain('xychart-beta');
      expect(
        run.commands.some((c) => c.command === 'warning' && c.message.startsWith('monthly_charges drifted')),
      ).toBe(true);
      const manifest = JSON.parse(readFileSync(join(ws, '.modelship/manifest.json'), 'utf8'));
      expect(manifest.source).toMatchObject({ system: 'github-actions', repository: 'acme/churn' });
    },
  );

  it('fails on invalid rows with annotations on the file and line', async () => {
    const run = await runActionBundle(BUNDLE, {
      cwd: ws,
      inputs: { data: 'data/broken.csv', schema: 'churn.schema.json', 'max-annotations': '3' },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(run.outputs['invalid-rows']).toBe('20');
    const errors = run.commands.filter((c) => c.command === 'error');
    const rows = errors.filter((c) => c.properties.file === 'data/broken.csv');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      properties: { file: 'data/broken.csv', line: '6', title: 'invalid row' },
    });
    expect(rows[0]!.message).toMatch(/^contract: must be one of/);
    expect(errors.at(-1)!.message).toMatch(/^data failed: 1,000 rows, 20 invalid/);
  });

  it('turns fail-on: drift into a failing step', async () => {
    const run = await runActionBundle(BUNDLE, {
      cwd: ws,
      inputs: {
        data: 'data/current.csv',
        schema: 'churn.schema.json',
        baseline: 'baseline.json',
        'fail-on': 'drift',
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(Number(run.outputs['drifted-features'])).toBeGreaterThan(0);
  });

  it.each([
    [{ data: 'missing.csv', schema: 'churn.schema.json' }, 'missing.csv: data not found'],
    [
      { data: 'data/current.csv', schema: 'churn.schema.json', format: 'excel' },
      `input 'format': must be one of "auto", "csv", "jsonl", "parquet"`,
    ],
    [{ schema: 'churn.schema.json' }, "input 'data': is required"],
  ])('reports a user error as one ::error:: line without a stack trace: %j', async (inputs, expected) => {
    const run = await runActionBundle(BUNDLE, { cwd: ws, inputs });
    expect(run.code).toBe(1);
    expect(run.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual([expected]);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  });

  it('shows the stack of an error only with debug on', async () => {
    const inputs = { data: 'missing.csv', schema: 'churn.schema.json' };
    const run = await runActionBundle(BUNDLE, { cwd: ws, inputs, env: { RUNNER_DEBUG: '1' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::debug::ConfigError: data not found/);
  });
});

describe('root action', () => {
  it('runs the step named by the step input', async () => {
    const run = await runActionBundle('.', {
      cwd: ws,
      inputs: { step: 'validate-data', data: 'data/validation.csv', schema: 'churn.schema.json' },
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ passed: 'true', rows: '1000' });
  });

  it('says the step input is required when it is missing, in the log and the job summary', async () => {
    const run = await runActionBundle('.', { cwd: ws, inputs: {} });
    expect(run.code).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')!.message).toBe(
      `input 'step': is required (one of ${STEPS.map((s) => s.name).join(', ')})`,
    );
    expect(run.summary).toContain("input 'step': is required");
  });

  it('names the valid steps when the step input is wrong', async () => {
    const run = await runActionBundle('.', { cwd: ws, inputs: { step: 'deploy-everything' } });
    expect(run.code).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')!.message).toMatch(
      /^input 'step': must be one of validate-data/,
    );
  });

  it('has a post entry that exits cleanly for steps without cleanup', async () => {
    const { runPostStep } = await import('../support/action-runner.js');
    const run = await runPostStep('.', {}, { cwd: ws, inputs: { step: 'validate-data', data: 'x' } });
    expect(run.code).toBe(0);
  });
});
