import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { STEPS } from '@modelship/catalog';
import { composeConfigSchema, loadConfig, parseConfig, type AnyStep } from '@modelship/core';
import type { DataConfig } from '@modelship/data';
import { configErrorLine, tempDir } from '../lib/step.js';

describe('modelship.yml', () => {
  it('accepts the example config and resolves paths against its folder', async () => {
    const cfg = await loadConfig('examples/churn/modelship.yml', process.cwd(), STEPS);
    expect(cfg.values.model).toBe('churn');
    expect((cfg.values.data as DataConfig).drift?.features?.monthly_charges).toEqual({
      method: 'psi',
      threshold: 0.2,
    });
    expect(cfg.resolvePath('churn.schema.json')).toBe(
      join(process.cwd(), 'examples/churn/churn.schema.json'),
    );
    expect(cfg.resolvePath('s3://b/k')).toBe('s3://b/k');
  });

  it.each([
    ['train:\n  metrics: [{name: auc}]\n', 'modelship.yml: train.metrics[0].regex: is required'],
    [
      'data:\n  fail-on: sometimes\n',
      'modelship.yml: data.fail-on: must be one of "error", "drift", "never"',
    ],
    ['modle: churn\n', 'modelship.yml: modle: is not a known field'],
    // A block no shipped step declares is refused like any unknown key.
    ['canary:\n  - {weight: 10}\n', 'modelship.yml: canary: is not a known field'],
    ['promote:\n  - {weight: 10}\n', 'modelship.yml: promote: must be object'],
    ['deploy:\n  strategy: blue-greenish\n', 'modelship.yml: deploy.strategy: must be one of'],
    ['gate:\n  checks: [{min: 0.8}]\n', 'modelship.yml: gate.checks[0].metric: is required'],
    ['train:\n  max-runtime-minutes: "sixty"\n', 'modelship.yml: train.max-runtime-minutes: must be integer'],
    [
      'data:\n  drift:\n    features:\n      income: {method: magic}\n',
      'modelship.yml: data.drift.features.income.method: must be one of',
    ],
  ])('names the bad field in one line: %j', async (yaml, expected) => {
    const line = await configErrorLine(
      Promise.resolve().then(() => parseConfig(yaml, 'modelship.yml', STEPS)),
    );
    expect(line.startsWith(expected)).toBe(true);
    expect(line).not.toContain('\n');
  });

  it('reports YAML syntax errors with the line', async () => {
    const line = await configErrorLine(
      Promise.resolve().then(() => parseConfig('model: churn\ndata: [\n', 'modelship.yml', STEPS)),
    );
    expect(line).toMatch(/^modelship\.yml:\d+: invalid YAML/);
  });

  it('uses the embedded defaults when no config exists, but fails on a missing explicit file', async () => {
    const dir = tempDir();
    const cfg = await loadConfig(undefined, dir, STEPS);
    expect(cfg.path).toBeUndefined();
    expect(cfg.values).toEqual({});
    expect(await configErrorLine(loadConfig('nope.yml', dir, STEPS))).toBe('nope.yml: config file not found');
  });

  it('reads modelship.yml from the working directory by default', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'modelship.yml'), 'model: fraud\nbackend: sagemaker\n');
    const cfg = await loadConfig(undefined, dir, STEPS);
    expect(cfg.values).toEqual({ model: 'fraud', backend: 'sagemaker' });
  });

  it('rejects a config that is not a mapping', async () => {
    expect(
      await configErrorLine(Promise.resolve().then(() => parseConfig('- a\n- b\n', 'c.yml', STEPS))),
    ).toBe('c.yml: must be a YAML mapping (key: value)');
  });

  it('is composed from the steps: each block under its key; two steps may not claim one key', () => {
    const schema = composeConfigSchema(STEPS) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual([
      '$schema',
      'model',
      'backend',
      'region',
      'data',
      'train',
      'gate',
      'evaluate',
      'registry',
      'deploy',
      'promote',
    ]);
    const twin = { ...STEPS[1]!, name: 'twin', config: { key: 'train', schema: {} } } as AnyStep;
    expect(() => composeConfigSchema([...STEPS, twin])).toThrow(
      "steps train and twin both declare the config block 'train'",
    );
    const core = { ...STEPS[1]!, name: 'bad', config: { key: 'region', schema: {} } } as AnyStep;
    expect(() => composeConfigSchema([core])).toThrow("step bad: config block 'region' is a core key");
  });

  it('lets one step declare several blocks, each key still claimed once', () => {
    const two = {
      ...STEPS[1]!,
      name: 'two',
      config: [
        { key: 'alpha', schema: {} },
        { key: 'beta', schema: {} },
      ],
    } as AnyStep;
    const keys = Object.keys((composeConfigSchema([two]) as { properties: object }).properties);
    expect(keys.slice(-2)).toEqual(['alpha', 'beta']);
    const clash = { ...two, name: 'clash', config: [{ key: 'beta', schema: {} }] } as AnyStep;
    expect(() => composeConfigSchema([two, clash])).toThrow(
      "steps two and clash both declare the config block 'beta'",
    );
    const twice = {
      ...two,
      config: [
        { key: 'alpha', schema: {} },
        { key: 'alpha', schema: {} },
      ],
    } as AnyStep;
    expect(() => composeConfigSchema([twice])).toThrow("step two declares the config block 'alpha' twice");
  });
});
