import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadConfig, parseConfig } from '@modelship/core';
import { configErrorLine, tempDir } from '../lib/step.js';

describe('modelship.yml', () => {
  it('accepts the example config and resolves paths against its folder', async () => {
    const cfg = await loadConfig('examples/churn/modelship.yml', process.cwd());
    expect(cfg.values.model).toBe('churn');
    expect(cfg.values.data?.drift?.features?.monthly_charges).toEqual({ method: 'psi', threshold: 0.2 });
    expect(cfg.resolvePath('churn.schema.json')).toBe(
      join(process.cwd(), 'examples/churn/churn.schema.json'),
    );
    expect(cfg.resolvePath('s3://b/k')).toBe('s3://b/k');
  });

  it.each([
    [
      'gate:\n  - {metric: auc, direction: upwards}\n',
      'modelship.yml: gate[0].direction: must be one of "higher-is-better", "lower-is-better"',
    ],
    [
      'data:\n  fail-on: sometimes\n',
      'modelship.yml: data.fail-on: must be one of "error", "drift", "never"',
    ],
    ['modle: churn\n', 'modelship.yml: modle: is not a known field'],
    ['gate:\n  - {direction: higher-is-better}\n', 'modelship.yml: gate[0].metric: is required'],
    ['train:\n  max-runtime-minutes: "sixty"\n', 'modelship.yml: train.max-runtime-minutes: must be integer'],
    [
      'data:\n  drift:\n    features:\n      income: {method: magic}\n',
      'modelship.yml: data.drift.features.income.method: must be one of',
    ],
  ])('names the bad field in one line: %j', async (yaml, expected) => {
    const line = await configErrorLine(Promise.resolve().then(() => parseConfig(yaml, 'modelship.yml')));
    expect(line.startsWith(expected)).toBe(true);
    expect(line).not.toContain('\n');
  });

  it('reports YAML syntax errors with the line', async () => {
    const line = await configErrorLine(
      Promise.resolve().then(() => parseConfig('model: churn\ndata: [\n', 'modelship.yml')),
    );
    expect(line).toMatch(/^modelship\.yml:\d+: invalid YAML/);
  });

  it('uses the embedded defaults when no config exists, but fails on a missing explicit file', async () => {
    const dir = tempDir();
    const cfg = await loadConfig(undefined, dir);
    expect(cfg.path).toBeUndefined();
    expect(cfg.values).toEqual({});
    expect(await configErrorLine(loadConfig('nope.yml', dir))).toBe('nope.yml: config file not found');
  });

  it('reads modelship.yml from the working directory by default', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'modelship.yml'), 'model: fraud\nbackend: sagemaker\n');
    const cfg = await loadConfig(undefined, dir);
    expect(cfg.values).toEqual({ model: 'fraud', backend: 'sagemaker' });
  });

  it('rejects a config that is not a mapping', async () => {
    expect(await configErrorLine(Promise.resolve().then(() => parseConfig('- a\n- b\n', 'c.yml')))).toBe(
      'c.yml: must be a YAML mapping (key: value)',
    );
  });
});
