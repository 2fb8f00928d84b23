import { describe, expect, it } from '@jest/globals';
import {
  blocks,
  judge,
  normaliseGate,
  type Champion,
  type Evidence,
  type GateConfig,
  type Paired,
} from '@modelship/gate';
import { errorLine } from '../../../test/lib/step.js';
import { predictionRows } from '../../../test/lib/gate.js';

function paired(rows: ReturnType<typeof predictionRows>, champion = true): Paired {
  return {
    n: rows.length,
    label: Float64Array.from(rows, (r) => r.label),
    candidate: { score: Float64Array.from(rows, (r) => r.score) },
    champion: champion ? { score: Float64Array.from(rows, (r) => r.champion_score) } : undefined,
    championFrom: champion ? 'columns' : undefined,
    slices: new Map([['segment', rows.map((r) => r.segment)]]),
    files: [],
  };
}

const COLUMNS: Champion = { kind: 'columns', identity: 'p.csv (champion columns)' };

async function run(gate: GateConfig, ev: Evidence) {
  return judge(normaliseGate(gate).checks, ev);
}

function predictions(
  gate: GateConfig,
  rows: ReturnType<typeof predictionRows>,
  champion: Champion = COLUMNS,
) {
  return run(gate, {
    mode: 'predictions',
    paired: paired(rows, champion.kind === 'columns'),
    champion,
    predictionsFile: 'p.csv',
  });
}

// A clearly better candidate, and a candidate no better than its champion.
const BETTER = predictionRows({ n: 800, candidate: 0.3, champion: 0.1, seed: 3 });
const SAME = predictionRows({ n: 800, candidate: 0.15, champion: 0.15, seed: 4 });

describe('value checks', () => {
  it('min and max on the candidate metric', async () => {
    const { results } = await predictions(
      {
        checks: [
          { metric: 'roc_auc', min: 0.7 },
          { metric: 'log_loss', max: 0.1 },
        ],
      },
      BETTER,
    );
    expect(results.map((r) => [r.check, r.condition, r.status])).toEqual([
      ['roc_auc', 'min', 'pass'],
      ['log_loss', 'max', 'fail'],
    ]);
    expect(results[1]!.reason).toMatch(/^log_loss 0\.\d+ is not ≤ 0\.1$/);
  });

  it('a metric missing from the metrics fails its check, naming what there is', async () => {
    const { results } = await run(
      { metric: 'pr_auc', min: 0.5 },
      {
        mode: 'metrics',
        candidate: { auc: 0.9 },
        candidateSource: 'metrics input',
        champion: { kind: 'none', why: 'none' },
      },
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      status: 'fail',
      reason: "pr_auc is not in the candidate's metrics (metrics input: auc)",
    });
    expect(blocks(results[0]!)).toBe(true);
  });

  it('finds a metric under its alias (auc in train metrics for roc_auc)', async () => {
    const { results } = await run(
      { metric: 'roc_auc', min: 0.8 },
      {
        mode: 'metrics',
        candidate: { auc: 0.9 },
        candidateSource: 'm',
        champion: { kind: 'none', why: 'x' },
      },
    );
    expect(results[0]).toMatchObject({ status: 'pass', candidate: 0.9 });
  });
});

describe('change checks with predictions', () => {
  it('max-regression passes when the lower bound of the difference is above −threshold', async () => {
    const { results } = await predictions({ metric: 'roc_auc', 'max-regression': 0.01 }, BETTER);
    const r = results[0]!;
    expect(r).toMatchObject({
      condition: 'max-regression',
      status: 'pass',
      test: 'bootstrap',
      threshold: -0.01,
      n: 800,
      seed: 42,
      resamples: 2000,
    });
    expect(r.interval!.low).toBeGreaterThan(-0.01);
    expect(r.delta).toBeCloseTo(r.candidate! - r.champion!, 12);
    // A bootstrap interval has no p-value of its own.
    expect(r.pValue).toBeUndefined();
  });

  it('fails a max-regression whose interval reaches below −threshold, though the point estimate is fine', async () => {
    const { results } = await predictions({ metric: 'roc_auc', 'max-regression': 0.001 }, SAME);
    const r = results[0]!;
    expect(r.interval!.low).toBeLessThan(-0.001);
    expect(r.status).toBe('fail');
    expect(r.reason).toMatch(/^lower 95% bound of Δ roc_auc \(-[0-9.]+\) is not above -0\.001$/);
  });

  it('min-improvement needs the lower bound above +threshold', async () => {
    const pass = (await predictions({ metric: 'roc_auc', 'min-improvement': 0.02 }, BETTER)).results[0]!;
    const fail = (await predictions({ metric: 'roc_auc', 'min-improvement': 0.02 }, SAME)).results[0]!;
    expect([pass.status, fail.status]).toEqual(['pass', 'fail']);
    expect(pass.threshold).toBe(0.02);
  });

  it('for a lower-is-better metric, judges the upper bound of candidate − champion', async () => {
    const r = (await predictions({ metric: 'log_loss', 'max-regression': 0.01 }, BETTER)).results[0]!;
    expect(r.direction).toBe('lower');
    expect(r.delta).toBeLessThan(0);
    expect(r.status).toBe('pass');
    expect(r.reason).toMatch(
      /^upper 95% bound of Δ log_loss \(-[0-9.]+\) is below 0\.01 \(lower is better\)$/,
    );
  });

  it('a percentage is of the champion value', async () => {
    const r = (await predictions({ metric: 'roc_auc', 'max-regression': '2%' }, BETTER)).results[0]!;
    expect(r.threshold).toBeCloseTo(-0.02 * r.champion!, 12);
    expect(r.thresholdAsWritten).toBe('2%');
  });

  it('uses McNemar for accuracy and DeLong for ROC AUC when asked', async () => {
    const { results } = await predictions(
      {
        checks: [
          { metric: 'accuracy', 'max-regression': 0.01, test: 'mcnemar' },
          { metric: 'auc', 'max-regression': 0.01, test: 'delong' },
        ],
      },
      BETTER,
    );
    expect(results.map((r) => [r.test, r.interval?.method, r.status])).toEqual([
      ['mcnemar', 'mcnemar-exact; newcombe-10 interval', 'pass'],
      ['delong', 'delong', 'pass'],
    ]);
  });

  it('a fixed seed gives the same interval', async () => {
    const a = (await predictions({ metric: 'f1', 'max-regression': 0.01, seed: 7, resamples: 300 }, SAME))
      .results[0]!;
    const b = (await predictions({ metric: 'f1', 'max-regression': 0.01, seed: 7, resamples: 300 }, SAME))
      .results[0]!;
    const c = (await predictions({ metric: 'f1', 'max-regression': 0.01, seed: 8, resamples: 300 }, SAME))
      .results[0]!;
    expect(a.interval).toEqual(b.interval);
    expect(c.interval).not.toEqual(a.interval);
  });
});

describe('no champion, metrics only', () => {
  it('applies value checks only and says the change checks were not applied, and why', async () => {
    const { results, notes } = await predictions(
      { metric: 'roc_auc', min: 0.7, 'max-regression': 0.01 },
      BETTER,
      {
        kind: 'none',
        why: 'there is no champion (baseline: none)',
      },
    );
    expect(results.map((r) => r.condition)).toEqual(['min']);
    expect(notes).toEqual([
      'Change checks (max-regression, min-improvement) were not applied: there is no champion (baseline: none).',
    ]);
  });

  it('compares point values against champion metrics and says no interval was possible', async () => {
    const { results, notes } = await run(
      {
        checks: [
          { metric: 'roc_auc', 'max-regression': 0.01 },
          { metric: 'log_loss', 'max-regression': 0.01 },
        ],
      },
      {
        mode: 'metrics',
        candidate: { auc: 0.85, log_loss: 0.5 },
        candidateSource: 'training metrics of job',
        champion: { kind: 'metrics', identity: 'champion.json', values: { roc_auc: 0.87, log_loss: 0.45 } },
      },
    );
    expect(results.map((r) => [r.check, r.test, r.status, r.interval])).toEqual([
      ['roc_auc', 'point', 'fail', undefined],
      ['log_loss', 'point', 'fail', undefined],
    ]);
    expect(results[0]!.delta).toBeCloseTo(-0.02, 12);
    expect(results[0]!.reason).toBe('point values only, no interval: Δ roc_auc -0.02 is not above -0.01');
    expect(notes.join(' ')).toContain('no interval was possible');
  });

  it('a champion without the metric fails the change check', async () => {
    const { results } = await run(
      { metric: 'r2', 'max-regression': 0.01 },
      {
        mode: 'metrics',
        candidate: { r2: 0.5 },
        candidateSource: 'm',
        champion: { kind: 'metrics', identity: 'c.json', values: { rmse: 1 } },
      },
    );
    expect(results[0]).toMatchObject({
      status: 'fail',
      reason: "r2 is not in the champion's metrics (c.json)",
    });
  });
});

describe('samples and slices', () => {
  it('judges each check per slice value', async () => {
    const { results } = await predictions(
      { metric: 'roc_auc', min: 0.6, slices: [{ column: 'segment' }] },
      BETTER,
    );
    expect(results.map((r) => [r.slice?.value ?? 'all', r.n, r.status])).toEqual([
      ['all', 800, 'pass'],
      ['a', 400, 'pass'],
      ['b', 400, 'pass'],
    ]);
  });

  it('a slice below min-samples is insufficient, never passed; it fails the gate only on a critical check', async () => {
    const rows = predictionRows({
      n: 300,
      candidate: 0.3,
      champion: 0.1,
      seed: 5,
      segments: ['big', 'big', 'big', 'big', 'big', 'big', 'big', 'big', 'big', 'tiny'],
    });
    const gate = (critical: boolean): GateConfig => ({
      metric: 'roc_auc',
      min: 0.6,
      critical,
      slices: [{ column: 'segment', 'min-samples': 50 }],
    });
    const soft = (await predictions(gate(false), rows)).results;
    const tiny = soft.find((r) => r.slice?.value === 'tiny')!;
    expect(tiny).toMatchObject({
      status: 'insufficient',
      n: 30,
      reason: '30 rows, fewer than min-samples 50: not judged',
    });
    expect(soft.some(blocks)).toBe(false);
    const hard = (await predictions(gate(true), rows)).results;
    expect(hard.filter(blocks).map((r) => r.slice?.value)).toEqual(['tiny']);
  });

  it('too few rows overall makes every condition insufficient', async () => {
    const rows = predictionRows({ n: 20, candidate: 0.3, champion: 0.1 });
    const { results } = await predictions({ metric: 'roc_auc', min: 0.6, 'max-regression': 0.01 }, rows);
    expect(results.map((r) => r.status)).toEqual(['insufficient', 'insufficient']);
  });

  it('a metric undefined on a slice (one class only) is insufficient there, not an error', async () => {
    const rows = predictionRows({ n: 400, candidate: 0.3, champion: 0.1, seed: 9 }).map((r, i) => ({
      ...r,
      segment: i < 60 ? 'neg' : 'rest',
      label: i < 60 ? 0 : r.label,
    }));
    const { results } = await predictions(
      { metric: 'roc_auc', 'max-regression': 0.05, slices: [{ column: 'segment', 'min-samples': 30 }] },
      rows,
    );
    const neg = results.find((r) => r.slice?.value === 'neg')!;
    expect(neg.status).toBe('insufficient');
    expect(neg.reason).toMatch(/undefined here/);
  });
});

describe('the gate block', () => {
  it.each([
    [{}, 'modelship.yml: gate: has no check: set metric (one check) or checks (a list)'],
    [
      { metric: 'auc' },
      "modelship.yml: gate: check 'auc' sets no condition: add min, max, max-regression or min-improvement",
    ],
    [
      { metric: 'auc', min: 0.5, checks: [{ metric: 'f1', min: 0.1 }] },
      "modelship.yml: gate: sets 'metric', 'min' beside 'checks': write that check as an item of checks",
    ],
    [
      { checks: [{ metric: 'f1', test: 'delong', min: 0 }] },
      'modelship.yml: gate.checks[0].test: test delong compares ROC AUC, not f1',
    ],
    [
      { checks: [{ metric: 'f1', test: 'mcnemar', min: 0 }] },
      'modelship.yml: gate.checks[0].test: test mcnemar compares accuracy, not f1',
    ],
    [
      { checks: [{ metric: 'latency', 'max-regression': 1 }] },
      "modelship.yml: gate.checks[0].direction: 'latency' is not a metric modelship knows, so its direction must be given (higher or lower)",
    ],
    [
      {
        checks: [
          { metric: 'f1', min: 0 },
          { metric: 'f1', max: 1 },
        ],
      },
      "modelship.yml: gate.checks[1]: two checks are named 'f1' (gate.checks[0] too): give one a name",
    ],
    [
      { metric: 'f1', min: 0.9, max: 0.1 },
      'modelship.yml: gate: min (0.9) is above max (0.1): no value can pass',
    ],
  ] as [GateConfig, string][])('refuses %j in one line', async (gate, expected) => {
    expect(await errorLine(() => normaliseGate(gate))).toBe(expected);
  });

  it('checks inherit the shared settings and may override them', async () => {
    const { checks } = normaliseGate({
      confidence: 0.9,
      seed: 1,
      slices: [{ column: 's' }],
      checks: [
        { metric: 'auc', min: 0.5 },
        { metric: 'brier', max: 0.3, confidence: 0.99, slices: [] },
      ],
    });
    expect(
      checks.map((c) => [c.known, c.direction, c.confidence, c.seed, c.slices.length, c.minSamples]),
    ).toEqual([
      ['roc_auc', 'higher', 0.9, 1, 1, 30],
      ['brier', 'lower', 0.99, 1, 0, 30],
    ]);
  });

  it('an unknown metric with predictions is a config error naming the field', async () => {
    expect(await errorLine(() => predictions({ checks: [{ metric: 'latency', max: 5 }] }, BETTER))).toMatch(
      /^modelship\.yml: gate\.checks\[0\]\.metric: 'latency' is not a metric computed from predictions/,
    );
  });
});
