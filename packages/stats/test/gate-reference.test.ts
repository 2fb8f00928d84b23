/**
 * The evaluate gate's statistics against scikit-learn, statsmodels, an O(n²) DeLong and
 * scipy.stats.bootstrap. The fixture is produced by scripts/reference/gate_reference.py and
 * committed, so these tests need no Python.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';

import { delong } from '../src/delong.js';
import { mcnemar } from '../src/mcnemar.js';
import { computeMetric, type MetricName } from '../src/metrics.js';
import { pairedBootstrap } from '../src/paired.js';

interface Table {
  label: number[];
  candidate: number[];
  champion: number[];
}
interface Interval {
  low: number;
  high: number;
  standard_error: number;
}
interface Reference {
  resamples: number;
  tables: Record<string, Table>;
  metrics: {
    table: string;
    model: 'candidate' | 'champion';
    metric: MetricName;
    threshold?: number;
    value: number;
  }[];
  mcnemar: {
    table: [number, number, number, number];
    exact: { statistic: number; pvalue: number };
    corrected?: { statistic: number; pvalue: number };
    uncorrected?: { statistic: number; pvalue: number };
    newcombe: { low: number; high: number };
  }[];
  mcnemar_rows: { table: string; counts: number[]; exact_pvalue: number; corrected_pvalue: number }[];
  delong: {
    table: string;
    auc_a: number;
    auc_b: number;
    covariance: number[][];
    estimate: number;
    standard_error: number;
    p_value: number;
    low: number;
    high: number;
  }[];
  bootstrap: { table: string; metric: MetricName; estimate: number; bca: Interval; percentile: Interval }[];
}

const ref = JSON.parse(
  readFileSync(new URL('./fixtures/gate-reference.json', import.meta.url), 'utf8'),
) as Reference;

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);

function columns(t: Table, model: 'candidate' | 'champion', metric: MetricName) {
  const regression = metric === 'rmse' || metric === 'mae' || metric === 'mape' || metric === 'r2';
  return regression
    ? { label: f64(t.label), prediction: f64(t[model]) }
    : { label: f64(t.label), score: f64(t[model]) };
}

function expectRel(actual: number, expected: number, rel: number, abs = 0): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(abs, rel * Math.abs(expected)));
}

/** Rows of a paired table: a both right, b A only, c B only, d both wrong (labels all 1). */
function rowsOf([a, b, c, d]: number[]): { y: Float64Array; pa: Float64Array; pb: Float64Array } {
  const n = a! + b! + c! + d!;
  const y = new Float64Array(n).fill(1);
  const pa = new Float64Array(n);
  const pb = new Float64Array(n);
  let i = 0;
  for (const [k, ra, rb] of [
    [a!, 1, 1],
    [b!, 1, 0],
    [c!, 0, 1],
    [d!, 0, 0],
  ] as const) {
    for (let j = 0; j < k; j++, i++) {
      pa[i] = ra;
      pb[i] = rb;
    }
  }
  return { y, pa, pb };
}

describe('metrics vs scikit-learn', () => {
  for (const c of ref.metrics) {
    it(`${c.metric}${c.threshold !== undefined ? ` @${c.threshold}` : ''} of the ${c.model} on ${c.table}`, () => {
      const t = ref.tables[c.table]!;
      const opts = c.threshold === undefined ? {} : { threshold: c.threshold };
      expectRel(computeMetric(c.metric, columns(t, c.model, c.metric), opts), c.value, 1e-12, 1e-15);
    });
  }
});

describe('McNemar vs statsmodels', () => {
  for (const c of ref.mcnemar) {
    it(`table ${c.table.join('/')}`, () => {
      const { y, pa, pb } = rowsOf(c.table);
      const exact = mcnemar(y, pa, pb);
      expect(exact.b).toBe(c.table[1]);
      expect(exact.c).toBe(c.table[2]);
      expect(exact.statistic).toBe(c.exact.statistic);
      expectRel(exact.pValue!, c.exact.pvalue, 1e-9, 1e-300);
      // Newcombe's method 10, against the same formula on statsmodels' Wilson intervals.
      expect(exact.low).toBeCloseTo(c.newcombe.low, 12);
      expect(exact.high).toBeCloseTo(c.newcombe.high, 12);
      expect(exact.estimate).toBeCloseTo((c.table[1] - c.table[2]) / c.table.reduce((s, v) => s + v, 0), 15);
      if (c.corrected) {
        const r = mcnemar(y, pa, pb, { exact: false });
        expectRel(r.statistic, c.corrected.statistic, 1e-12);
        expectRel(r.pValue!, c.corrected.pvalue, 1e-9, 1e-300);
      }
      if (c.uncorrected) {
        const r = mcnemar(y, pa, pb, { exact: false, correction: false });
        expectRel(r.statistic, c.uncorrected.statistic, 1e-12);
        expectRel(r.pValue!, c.uncorrected.pvalue, 1e-9, 1e-300);
      }
    });
  }

  for (const c of ref.mcnemar_rows) {
    it(`thresholded predictions of ${c.table}`, () => {
      const t = ref.tables[c.table]!;
      const y = f64(t.label);
      const pa = f64(t.candidate.map((s) => (s >= 0.5 ? 1 : 0)));
      const pb = f64(t.champion.map((s) => (s >= 0.5 ? 1 : 0)));
      const r = mcnemar(y, pa, pb);
      expect([r.b, r.c]).toEqual([c.counts[1], c.counts[2]]);
      expectRel(r.pValue!, c.exact_pvalue, 1e-9);
      expectRel(mcnemar(y, pa, pb, { exact: false }).pValue!, c.corrected_pvalue, 1e-9);
    });
  }
});

describe('DeLong vs the O(n²) pairwise form', () => {
  for (const c of ref.delong) {
    it(c.table, () => {
      const t = ref.tables[c.table]!;
      const r = delong(f64(t.label), f64(t.candidate), f64(t.champion));
      expect(r.aucA).toBeCloseTo(c.auc_a, 14);
      expect(r.aucB).toBeCloseTo(c.auc_b, 14);
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) expectRel(r.covariance[i]![j]!, c.covariance[i]![j]!, 1e-10, 1e-17);
      expect(r.estimate).toBeCloseTo(c.estimate, 14);
      expectRel(r.standardError!, c.standard_error, 1e-10);
      expectRel(r.pValue!, c.p_value, 1e-8);
      expect(r.low).toBeCloseTo(c.low, 10);
      expect(r.high).toBeCloseTo(c.high, 10);
    });
  }
});

/**
 * Both sides resample 20,000 times with different streams, so endpoints agree only to Monte-Carlo
 * error. An endpoint is a sample quantile near q = 0.025: its standard error is
 * sqrt(q (1 - q) / B) / f(x_q), about 0.019 σ for a near-normal bootstrap distribution of standard
 * deviation σ (f(x_q) = φ(1.96) / σ), so two independent runs differ by about 0.027 σ; BCa adds the
 * noise of z0 (another ~0.01 σ). We allow 0.15 σ (over five standard errors of the difference),
 * plus one lattice step 1/n for the confusion metrics, whose bootstrap distribution sits on
 * multiples of 1/n. The standard errors (σ itself) agree to 1/sqrt(2B) ≈ 0.5% per run: we allow 4%.
 */
describe('paired bootstrap vs scipy.stats.bootstrap(paired=True)', () => {
  for (const c of ref.bootstrap) {
    for (const method of ['bca', 'percentile'] as const) {
      it(`${c.metric} on ${c.table}, ${method}`, () => {
        const t = ref.tables[c.table]!;
        const r = pairedBootstrap(
          c.metric,
          columns(t, 'candidate', c.metric),
          columns(t, 'champion', c.metric),
          {
            resamples: ref.resamples,
            seed: 7,
            method,
          },
        );
        const s = c[method];
        expect(r.estimate).toBeCloseTo(c.estimate, 12);
        expectRel(r.standardError, s.standard_error, 0.04);
        const lattice = ['accuracy', 'f1'].includes(c.metric) ? 1 / t.label.length : 0;
        const tol = 0.15 * s.standard_error + lattice;
        expect(Math.abs(r.low - s.low)).toBeLessThanOrEqual(tol);
        expect(Math.abs(r.high - s.high)).toBeLessThanOrEqual(tol);
      });
    }
  }
});
