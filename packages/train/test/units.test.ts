import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@modelship/core';
import { trainingJobName, JOB_NAME_MAX, JOB_NAME_PATTERN } from '../src/names.js';
import { describeCallsFor, pollDelayMs, POLL } from '../src/schedule.js';
import { estimateBilled, estimateCost, ON_DEMAND_USD_PER_HOUR, SPOT_SAVING } from '../src/pricing.js';
import { compileMetrics, MetricScraper } from '../src/metrics.js';
import {
  decodeHyperparameters,
  encodeHyperparameters,
  parseHyperparameterInput,
} from '../src/hyperparameters.js';
import { formatElapsed, pollUntilDone } from '../src/waiter.js';
import { errorLine, NOW } from './helpers.js';

describe('training job names', () => {
  it('are model, short sha, run id and attempt', () => {
    expect(
      trainingJobName(
        'churn',
        { system: 'github-actions', commit: 'abcdef0123456789', runId: '77', runAttempt: '2' },
        NOW,
      ),
    ).toBe('churn-abcdef0-77-2');
  });

  it('are the same for the same run (deterministic) and differ per attempt', () => {
    const p = { system: 'github-actions' as const, commit: 'abcdef0123', runId: '77', runAttempt: '1' };
    expect(trainingJobName('churn', p, NOW)).toBe(trainingJobName('churn', p, new Date()));
    expect(trainingJobName('churn', { ...p, runAttempt: '2' }, NOW)).not.toBe(
      trainingJobName('churn', p, NOW),
    );
  });

  it('fall back to dev and a UTC stamp on a workstation', () => {
    expect(trainingJobName('churn', { system: 'local' }, NOW)).toBe('churn-dev-20261122t091503');
  });

  it('shorten the model part to fit 63 characters and keep the pattern', () => {
    const model = 'a-very-long-model-name-that-goes-on-and-on-and-on';
    const name = trainingJobName(
      model,
      { system: 'codebuild', commit: 'f'.repeat(40), runId: '123456789012', runAttempt: '1' },
      NOW,
    );
    expect(name.length).toBeLessThanOrEqual(JOB_NAME_MAX);
    expect(name).toMatch(JOB_NAME_PATTERN);
    expect(name.endsWith('-fffffff-123456789012-1')).toBe(true);
  });

  it('clean odd characters from every part', () => {
    const name = trainingJobName(
      'churn',
      { system: 'local', commit: 'zz_!x', runId: 'build:42', runAttempt: '1' },
      NOW,
    );
    expect(name).toMatch(JOB_NAME_PATTERN);
    expect(name).toBe('churn-zz-x-build-42-1');
  });
});

describe('poll schedule', () => {
  it('polls at once, then backs off from 5 s to a 50 s ceiling', () => {
    expect(pollDelayMs(0)).toBe(0);
    expect(pollDelayMs(1)).toBe(POLL.firstDelayMs);
    expect(pollDelayMs(2)).toBe(7_500);
    const delays = Array.from({ length: 30 }, (_, i) => pollDelayMs(i + 1));
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    expect(Math.max(...delays)).toBe(POLL.maxDelayMs);
  });

  it('costs at most about 80 DescribeTrainingJob calls for a one-hour job', () => {
    const calls = describeCallsFor(3_600_000);
    expect(calls).toBeLessThanOrEqual(80);
    expect(calls).toBe(77);
  });

  it('notices a short job quickly', () => {
    expect(describeCallsFor(0)).toBe(1);
    expect(describeCallsFor(60_000)).toBe(6);
  });
});

describe('pollUntilDone', () => {
  it('stops waiting at the deadline without waiting past it', async () => {
    let t = 0;
    const res = await pollUntilDone(
      async () => 'InProgress',
      async () => undefined,
      {
        sleep: async (ms) => void (t += ms),
        now: () => t,
        signal: new AbortController().signal,
        deadline: 20_000,
        statusOf: (s) => s,
      },
    );
    expect(res.end).toBe('deadline');
    expect(t).toBe(20_000);
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

describe('formatElapsed', () => {
  it('reads like a duration', () => {
    expect(formatElapsed(7_000)).toBe('7s');
    expect(formatElapsed(250_000)).toBe('4m10s');
    expect(formatElapsed(3_725_000)).toBe('1h02m05s');
  });
});
