import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { ConfigError, type AnyStep } from '@modelship/core';
import { requestDigest } from '@modelship/aws';
import { trainingJobName, type TrainingRequest } from '../src/plan.js';
import { estimateBilled, estimateCost, ON_DEMAND_USD_PER_HOUR, SPOT_SAVING } from '../src/pricing.js';
import { compileMetrics, metricValue, MetricScraper } from '../src/metrics.js';
import {
  decodeHyperparameters,
  encodeHyperparameters,
  parseHyperparameterInput,
} from '../src/hyperparameters.js';
import { scriptArguments } from '../src/local-contract.js';
import { trainStep } from '../src/definition.js';
import { errorLine, NOW, runStep } from './helpers.js';
import { tempDir } from '../../../test/lib/step.js';

describe('training job names', () => {
  const request: TrainingRequest = {
    backend: 'local',
    model: 'churn',
    train: { entrypoint: ['node', 'train.mjs'] },
    hyperparameters: { c: 1 },
    channels: { train: '/data/train.csv' },
    channelFiles: {},
  };
  const ci = { system: 'github-actions' as const, commit: 'abcdef0123456789', runId: '77', runAttempt: '2' };

  it('are model, short sha, run id, attempt and the request digest (resourceName)', () => {
    const r8 = requestDigest(request).slice(0, 8);
    expect(trainingJobName('churn', ci, NOW, request)).toBe(`churn-abcdef0-77-2-${r8}`);
    expect(trainingJobName('churn', { system: 'local' }, NOW, request)).toBe(
      `churn-dev-20261122t091503-${r8}`,
    );
  });

  it('differ in one run attempt when anything of the request differs', () => {
    const name = trainingJobName('churn', ci, NOW, request);
    for (const other of [
      { ...request, hyperparameters: { c: 0.5 } },
      { ...request, hyperparameters: { c: '1' } },
      { ...request, channels: { train: '/data/other.csv' } },
      { ...request, train: { entrypoint: ['node', 'train-v2.mjs'] } },
      { ...request, train: { ...request.train, metrics: [{ name: 'auc', regex: 'auc=([0-9.]+)' }] } },
      { ...request, train: { ...request.train, environment: { SEED: '2' } } },
      { ...request, source: { program: 'train.py', sha256: 'a'.repeat(64) } },
      { ...request, source: { program: 'train.py', sha256: 'b'.repeat(64) } },
    ]) {
      expect(trainingJobName('churn', ci, NOW, other)).not.toBe(name);
    }
    expect(trainingJobName('churn', ci, NOW, { ...request, hyperparameters: { c: 1.0 } })).toBe(name);
  });
});

describe('cost estimate', () => {
  it('prices on-demand and spot from the table', () => {
    const c = estimateCost('ml.m5.xlarge', 2, 3600)!;
    expect(c.onDemandUsd).toBeCloseTo(2 * ON_DEMAND_USD_PER_HOUR['ml.m5.xlarge']!, 2);
    expect(c.spotUsd).toBeCloseTo(c.onDemandUsd * (1 - SPOT_SAVING), 2);
    expect(estimateCost('ml.unknown.xlarge', 1, 3600)).toBeUndefined();
    expect(estimateBilled('ml.m5.xlarge', 1, 1800)).toBeCloseTo(0.12, 2);
  });
});

describe('metrics', () => {
  it('scrape the last value of each regex (Python named groups accepted)', () => {
    const s = new MetricScraper([
      { name: 'auc', regex: 'validation:auc=([0-9.]+)' },
      { name: 'loss', regex: 'train:loss=(?P<v>[0-9.]+)' },
    ]);
    for (const line of [
      'train:loss=0.9',
      'validation:auc=0.71',
      'train:loss=0.4',
      'validation:auc=0.83',
      'noise',
    ])
      s.push(line);
    expect(s.final()).toEqual({ auc: 0.83, loss: 0.4 });
  });

  it('take only decimal numbers as values', () => {
    for (const [text, value] of [
      ['0.83', 0.83],
      [' 12 ', 12],
      ['-1', -1],
      ['.5', 0.5],
      ['1e-3', 0.001],
      ['2.', 2],
    ] as const)
      expect(metricValue(text)).toBe(value);
    for (const text of [
      '',
      '.',
      '0.83.',
      'n/a',
      'nan',
      'NaN',
      'inf',
      'Infinity',
      '1,234',
      '0x10',
      '1e999',
      undefined,
    ])
      expect(metricValue(text)).toBeUndefined();
  });

  it('warn, once per metric, naming it and what it captured, when that is not a number', () => {
    const warnings: string[] = [];
    const s = new MetricScraper(
      [
        { name: 'auc', regex: 'validation:auc=([0-9.]+)' },
        { name: 'loss', regex: 'loss=([^ ]*)' },
        { name: 'f1', regex: 'f1(?:=([0-9.]+))?' },
      ],
      (m) => warnings.push(m),
    );
    for (const line of [
      'validation:auc=0.71',
      'validation:auc=0.83.',
      'validation:auc=0.9.',
      'loss=',
      'loss=nan',
      'f1 not computed',
    ])
      s.push(line);
    // the last number seen wins; an empty capture is no longer a 0
    expect(s.final()).toEqual({ auc: 0.71 });
    expect(warnings).toEqual([
      'metric auc: its regex "validation:auc=([0-9.]+)" captured "0.83.", which is not a number (line: "validation:auc=0.83."); the value is left out, and later ones like it are not reported',
      'metric loss: its regex "loss=([^ ]*)" captured "", which is not a number (line: "loss="); the value is left out, and later ones like it are not reported',
      'metric f1: its regex "f1(?:=([0-9.]+))?" captured nothing, which is not a number (line: "f1 not computed"); the value is left out, and later ones like it are not reported',
    ]);
  });

  it('reject a bad regex or one without a capture group, naming the field', async () => {
    expect(() => compileMetrics([{ name: 'a', regex: '([' }], 'modelship.yml: train.metrics')).toThrow(
      ConfigError,
    );
    expect(
      await errorLine(() =>
        compileMetrics([{ name: 'a', regex: 'auc=[0-9.]+' }], 'modelship.yml: train.metrics'),
      ),
    ).toMatch(/^modelship\.yml: train\.metrics\[0\]\.regex: needs a capture group/);
  });
});

describe('hyperparameters', () => {
  it('parse the input as a JSON object of scalars', async () => {
    expect(parseHyperparameterInput('{"c": 0.5, "solver": "saga"}')).toEqual({ c: 0.5, solver: 'saga' });
    expect(parseHyperparameterInput('')).toEqual({});
    expect(() => parseHyperparameterInput('[1]')).toThrow(/must be a JSON object/);
    expect(await errorLine(() => parseHyperparameterInput('{c:'))).toMatch(
      /^input 'hyperparameters': is not valid JSON/,
    );
    expect(() => parseHyperparameterInput('{"a": {"b": 1}}')).toThrow(
      /'a' must be a string, number or boolean/,
    );
  });

  it('are JSON-encoded in script mode and round-trip to SM_HPS', () => {
    const hps = { c: 1, solver: 'lbfgs', warm: true };
    expect(encodeHyperparameters(hps, true)).toEqual({ c: '1', solver: '"lbfgs"', warm: 'true' });
    expect(encodeHyperparameters(hps, false)).toEqual({ c: '1', solver: 'lbfgs', warm: 'true' });
    expect(
      decodeHyperparameters({ ...encodeHyperparameters(hps, true), sagemaker_program: '"x.py"' }),
    ).toEqual(hps);
  });
});

/**
 * What the training toolkit does with hyperparameters.json in script mode, restated in Python: each
 * value JSON-decoded, then the names sorted, `--name` (`-n` for one letter), Python's str() of the
 * value.
 */
const TOOLKIT_ARGS = `import json, sys
hps = {k: json.loads(v) for k, v in json.load(sys.stdin).items()}
args = []
for k in sorted(hps):
    args += [("--" if len(k) > 1 else "-") + k, str(hps[k])]
print(json.dumps(args))
`;

describe('script-mode arguments', () => {
  it('are what the training toolkit makes of the same hyperparameters.json (checked with Python)', () => {
    const hps = {
      epochs: 3,
      'learning-rate': 0.05,
      c: 0.5,
      tol: 0.00001,
      tiny: 1.5e-7,
      small: 0.0001,
      huge: 1e21,
      big: 1e16,
      mid: 123456789.125,
      neg: -2.5,
      zero: -0,
      sum: 0.1 + 0.2,
      on: true,
      off: false,
      solver: 'lbfgs',
      spaced: 'a b',
      empty: '',
      looks_like_json: '[1, 2]',
      quoted: '"x"',
    };
    const python = execFileSync('python3', ['-c', TOOLKIT_ARGS], {
      input: JSON.stringify(encodeHyperparameters(hps, true)),
      encoding: 'utf8',
    });
    const args = scriptArguments(hps);
    expect(args).toEqual(JSON.parse(python));
    const pairs = Object.fromEntries(args.flatMap((a, i) => (i % 2 ? [] : [[a, args[i + 1]]])));
    expect(pairs).toMatchObject({
      '-c': '0.5',
      '--tol': '1e-05',
      '--tiny': '1.5e-07',
      '--on': 'True',
      '--huge': '1e+21',
      '--big': '10000000000000000',
      '--zero': '0',
    });
  });

  it('are --name value pairs sorted by name, the value as written', () => {
    expect(scriptArguments({ 'learning-rate': 0.05, epochs: 3 })).toEqual([
      '--epochs',
      '3',
      '--learning-rate',
      '0.05',
    ]);
    expect(scriptArguments({})).toEqual([]);
  });
});

describe('train without a config file', () => {
  it('says there is no modelship.yml rather than naming a field of a file that is not there', async () => {
    const dir = tempDir();
    const run = runStep(trainStep as unknown as AnyStep, {}, { cwd: dir });
    await expect(run).rejects.toMatchObject({
      line: `input 'config': nothing to train: there is no modelship.yml in ${dir}`,
      hint: expect.stringContaining('add a train block to modelship.yml'),
    });
  });
});
