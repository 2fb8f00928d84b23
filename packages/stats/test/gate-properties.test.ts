/**
 * Properties of the gate's comparisons that hold whatever the reference: identical models, swapped
 * models, symmetric data, the resampling generator, and the input checks.
 */
import { describe, expect, it } from '@jest/globals';

import { delong } from '../src/delong.js';
import { mcnemar } from '../src/mcnemar.js';
import {
  CLASSIFICATION_METRICS,
  computeMetric,
  type MetricName,
  REGRESSION_METRICS,
} from '../src/metrics.js';
import { pairedBootstrap, resampleCounts, resampleSum1 } from '../src/paired.js';
import { binomial, Xoshiro128 } from '../src/random.js';
import { normalCdf, normalQuantile } from '../src/special.js';
import { mulberry32, normal } from './prng.js';

function binaryData(seed: number, n: number) {
  const r = mulberry32(seed);
  const label = new Float64Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = r() < 0.4 ? 1 : 0;
    const m = label[i] ? 1 : -1;
    a[i] = 1 / (1 + Math.exp(-(m + 1.2 * normal(r))));
    b[i] = 1 / (1 + Math.exp(-(m + 1.6 * normal(r))));
  }
  return { label, a, b };
}

function regressionData(seed: number, n: number) {
  const r = mulberry32(seed);
  const label = new Float64Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = 10 + 2 * normal(r);
    a[i] = label[i]! + normal(r);
    b[i] = label[i]! + 1.2 * normal(r);
  }
  return { label, a, b };
}

const ALL: MetricName[] = [...CLASSIFICATION_METRICS, ...REGRESSION_METRICS];

function cols(name: MetricName, label: Float64Array, s: Float64Array) {
  return (REGRESSION_METRICS as readonly string[]).includes(name)
    ? { label, prediction: s }
    : { label, score: s };
}

describe('paired bootstrap properties', () => {
  const bin = binaryData(5, 400);
  const reg = regressionData(6, 400);

  for (const name of ALL) {
    const d = (REGRESSION_METRICS as readonly string[]).includes(name) ? reg : bin;
    it(`${name}: identical models give 0 with a degenerate interval`, () => {
      const r = pairedBootstrap(name, cols(name, d.label, d.a), cols(name, d.label, d.a), {
        resamples: 200,
        seed: 1,
      });
      expect(r.estimate).toBe(0);
      expect(r.low).toBe(0);
      expect(r.high).toBe(0);
      expect(r.standardError).toBe(0);
    });

    it(`${name}: swapping candidate and champion negates the estimate and the interval`, () => {
      for (const method of ['bca', 'percentile'] as const) {
        const fw = pairedBootstrap(name, cols(name, d.label, d.a), cols(name, d.label, d.b), {
          resamples: 500,
          seed: 3,
          method,
        });
        const bw = pairedBootstrap(name, cols(name, d.label, d.b), cols(name, d.label, d.a), {
          resamples: 500,
          seed: 3,
          method,
        });
        expect(bw.estimate).toBeCloseTo(-fw.estimate, 12);
        if (['accuracy', 'precision', 'recall', 'f1'].includes(name)) {
          // Multinomial draws over the 8 cells, whose order the swap changes: mirrored in law only.
          // With 500 resamples an endpoint has Monte-Carlo error ~0.12 σ; allow five of the difference.
          expect(Math.abs(bw.low + fw.high)).toBeLessThan(0.6 * fw.standardError + 2 / 400);
          expect(Math.abs(bw.high + fw.low)).toBeLessThan(0.6 * fw.standardError + 2 / 400);
        } else {
          // Same seed, same rows drawn: the distribution is mirrored exactly (BCa's z0 and a flip sign).
          expect(bw.low).toBeCloseTo(-fw.high, 10);
          expect(bw.high).toBeCloseTo(-fw.low, 10);
        }
        expect(fw.low).toBeLessThanOrEqual(fw.estimate + 1e-12);
        expect(fw.high).toBeGreaterThanOrEqual(fw.estimate - 1e-12);
        expect(fw.estimate).toBeCloseTo(
          computeMetric(name, cols(name, d.label, d.a)) - computeMetric(name, cols(name, d.label, d.b)),
          12,
        );
      }
    });
  }

  it('is reproducible from the recorded seed', () => {
    const a = pairedBootstrap(
      'brier',
      { label: bin.label, score: bin.a },
      { label: bin.label, score: bin.b },
      {
        resamples: 300,
      },
    );
    const b = pairedBootstrap(
      'brier',
      { label: bin.label, score: bin.a },
      { label: bin.label, score: bin.b },
      {
        resamples: 300,
        seed: a.seed,
      },
    );
    expect(b).toEqual(a);
  });

  it('BCa is close to the percentile interval on symmetric data', () => {
    // d = loss difference symmetric about its mean: z0 ≈ 0 and a ≈ 0.
    const n = 2000;
    const r = mulberry32(11);
    const label = new Float64Array(n);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      label[i] = 0;
      const e = normal(r);
      a[i] = 1 + e;
      b[i] = 1 - e + 0.01;
    }
    const opts = { resamples: 4000, seed: 9 };
    const bca = pairedBootstrap('mae', { label, prediction: a }, { label, prediction: b }, opts);
    const pct = pairedBootstrap(
      'mae',
      { label, prediction: a },
      { label, prediction: b },
      {
        ...opts,
        method: 'percentile',
      },
    );
    expect(Math.abs(bca.acceleration)).toBeLessThan(0.01);
    expect(Math.abs(bca.low - pct.low)).toBeLessThan(0.1 * pct.standardError);
    expect(Math.abs(bca.high - pct.high)).toBeLessThan(0.1 * pct.standardError);
  });

  it('checks its inputs', () => {
    const { label, a } = bin;
    const other = Float64Array.from(label, (y) => 1 - y);
    expect(() => pairedBootstrap('accuracy', { label, score: a }, { label: other, score: a })).toThrow(
      /labels differ at row 0/,
    );
    expect(() =>
      pairedBootstrap('accuracy', { label, score: a }, { label, score: a }, { resamples: 1 }),
    ).toThrow(RangeError);
    expect(() =>
      pairedBootstrap('accuracy', { label, score: a }, { label, score: a }, { confidence: 1 }),
    ).toThrow(/confidence 1/);
  });
});

describe('input checks', () => {
  const label = Float64Array.from([0, 1, 1, 0]);
  it('names the problem in one line', () => {
    expect(() => computeMetric('roc_auc', { label, score: Float64Array.from([0.1, 0.2]) })).toThrow(
      'score has 2 rows but label has 4',
    );
    expect(() =>
      computeMetric('accuracy', { label: Float64Array.from([0, 2]), score: Float64Array.from([0, 1]) }),
    ).toThrow('label at row 1 is 2, not 0 or 1');
    expect(() => computeMetric('brier', { label, score: Float64Array.from([0, 1, 1.5, 0]) })).toThrow(
      'score at row 2 is 1.5, not a probability in [0, 1]',
    );
    expect(() => computeMetric('log_loss', { label, score: Float64Array.from([0, NaN, 1, 0]) })).toThrow(
      RangeError,
    );
    expect(() =>
      computeMetric('roc_auc', { label: Float64Array.from([1, 1]), score: Float64Array.from([0, 1]) }),
    ).toThrow('roc_auc needs both classes in the labels, but every label is 1');
    expect(() => computeMetric('roc_auc', { label, prediction: label })).toThrow('roc_auc needs scores');
    expect(() =>
      computeMetric('rmse', { label: Float64Array.from([1, Infinity]), prediction: label.subarray(0, 2) }),
    ).toThrow('label at row 1 is Infinity, not a finite number');
    expect(() => computeMetric('nope' as MetricName, { label })).toThrow(/unknown metric 'nope'/);
    expect(() => delong(label, label, Float64Array.from([0, 0, 0]))).toThrow(RangeError);
    expect(() => mcnemar(label, label, Float64Array.from([0, 0, 0, 3]))).toThrow(
      'prediction B at row 3 is 3, not 0 or 1',
    );
  });
});

describe('McNemar and DeLong properties', () => {
  it('identical models: no difference, p = 1', () => {
    const { label, a } = binaryData(8, 300);
    const pred = Float64Array.from(a, (s) => (s >= 0.5 ? 1 : 0));
    const m = mcnemar(label, pred, pred);
    expect([m.estimate, m.pValue, m.b, m.c]).toEqual([0, 1, 0, 0]);
    // Newcombe's interval keeps a width with no discordant rows (it bounds the population difference).
    expect(m.low).toBeCloseTo(-m.high, 15);
    expect(m.high).toBeGreaterThan(0);
    const d = delong(label, a, a);
    expect([d.estimate, d.low, d.high, d.pValue]).toEqual([0, 0, 0, 1]);
  });

  it('swapping the models negates', () => {
    const { label, a, b } = binaryData(9, 500);
    const d1 = delong(label, a, b);
    const d2 = delong(label, b, a);
    expect(d2.estimate).toBeCloseTo(-d1.estimate, 14);
    expect(d2.low).toBeCloseTo(-d1.high, 12);
    expect(d2.pValue).toBeCloseTo(d1.pValue!, 12);
    const pa = Float64Array.from(a, (s) => (s >= 0.5 ? 1 : 0));
    const pb = Float64Array.from(b, (s) => (s >= 0.5 ? 1 : 0));
    const m1 = mcnemar(label, pa, pb);
    const m2 = mcnemar(label, pb, pa);
    expect([m2.b, m2.c]).toEqual([m1.c, m1.b]);
    expect(m2.low).toBeCloseTo(-m1.high, 14);
    expect(m2.pValue).toBe(m1.pValue);
  });
});

describe('generator and special functions', () => {
  it('normalQuantile inverts normalCdf', () => {
    for (const p of [1e-12, 1e-6, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999999])
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
  });

  it('binomial variates have the right mean and variance (inversion and BTPE)', () => {
    const rng = new Xoshiro128(1);
    for (const [n, p] of [
      [40, 0.2],
      [1000, 0.5],
      [1_000_000, 0.001],
      [500, 0.97],
    ] as const) {
      const k = 20000;
      let s = 0;
      let ss = 0;
      for (let i = 0; i < k; i++) {
        const x = binomial(rng, n, p);
        s += x;
        ss += x * x;
      }
      const mean = s / k;
      const v = n * p * (1 - p);
      expect(Math.abs(mean - n * p)).toBeLessThan(5 * Math.sqrt(v / k));
      expect(Math.abs(ss / k - mean * mean - v) / v).toBeLessThan(0.05);
    }
  });

  it('block resampling draws n rows with replacement, each row with chance 1/n per draw', () => {
    const n = 2500; // two full blocks and a partial one
    const rng = new Xoshiro128(2);
    const counts = new Int32Array(n);
    const total = new Float64Array(n);
    const reps = 400;
    for (let r = 0; r < reps; r++) {
      resampleCounts(rng, counts);
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += counts[i]!;
        total[i]! += counts[i]!;
      }
      expect(s).toBe(n);
    }
    // Each row's count is Binomial(n, 1/n): mean 1 per resample; the block means sit within noise.
    for (const [lo, hi] of [
      [0, 1024],
      [1024, 2048],
      [2048, 2500],
    ] as const) {
      let s = 0;
      for (let i = lo; i < hi; i++) s += total[i]!;
      const mean = s / ((hi - lo) * reps);
      expect(Math.abs(mean - 1)).toBeLessThan(5 / Math.sqrt((hi - lo) * reps));
    }
    const x = Float64Array.from({ length: n }, (_, i) => i % 7);
    let s = 0;
    for (let r = 0; r < reps; r++) s += resampleSum1(rng, x);
    const mean = x.reduce((a, v) => a + v, 0) / n;
    expect(Math.abs(s / (reps * n) - mean)).toBeLessThan(0.02);
  });
});
