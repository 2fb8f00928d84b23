import { describe, expect, it } from '@jest/globals';
import {
  KllSketch,
  ksFromSamples,
  nextDown,
  ksFromSketches,
  ReferenceBins,
  referenceEdges,
  wassersteinFromSamples,
  wassersteinFromSketches,
} from '../src/index.js';
import { mulberry32, normal } from './prng.js';

/** Bin of v by definition: the first edge >= v (edges.length when none). */
function bruteBin(edges: ArrayLike<number>, v: number): number {
  let i = 0;
  while (i < edges.length && edges[i]! < v) i++;
  return i;
}

function sketchOf(values: readonly number[]): KllSketch {
  const s = new KllSketch();
  for (const v of values) s.add(v);
  return s;
}

function binsOf(edges: Float64Array, values: readonly number[]): ReferenceBins {
  const b = new ReferenceBins(edges);
  for (const v of values) b.add(v);
  return b;
}

describe('ReferenceBins', () => {
  it('counts every value in the bin its definition gives, whatever the location, scale and ties', () => {
    const rand = mulberry32(5);
    const cases: [string, () => number][] = [
      ['normal', () => normal(rand)],
      ['far from zero', () => 1e9 + normal(rand)],
      ['lognormal sigma 2', () => Math.exp(2 * normal(rand))],
      ['integers with ties', () => Math.floor(rand() * 7)],
      ['one extreme value in many', () => (rand() < 0.001 ? 1e300 : rand())],
      ['tiny magnitudes', () => 1e-300 * normal(rand)],
    ];
    for (const [name, draw] of cases) {
      const base = Array.from({ length: 20_000 }, draw);
      const edges = referenceEdges(sketchOf(base));
      // Current values: new draws, the edges themselves, and values beyond both ends.
      const cur = [...Array.from({ length: 20_000 }, draw), ...edges, edges[0]! - 1, -1e308, 1e308];
      const b = binsOf(edges, cur);
      const want = new Array<number>(edges.length + 1).fill(0);
      for (const v of cur) want[bruteBin(edges, v)]!++;
      expect({ name, counts: b.binCounts() }).toEqual({ name, counts: want });
      expect(b.count).toBe(cur.length);
      expect(b.min).toBe(Math.min(...cur));
      expect(b.max).toBe(Math.max(...cur));
    }
  });

  it('ignores non-finite values and works with a single edge', () => {
    const b = new ReferenceBins([3]);
    for (const v of [1, 3, 4, NaN, Infinity, -Infinity]) b.add(v);
    expect(b.binCounts()).toEqual([2, 1]);
    expect(b.count).toBe(3);
  });

  it('merges by adding counts: any split gives the one-pass counts exactly (sums to rounding)', () => {
    const rand = mulberry32(8);
    const values = Array.from({ length: 10_000 }, () => Math.round(100 * normal(rand)) / 10);
    const edges = referenceEdges(sketchOf(values.slice(0, 3000)));
    const whole = binsOf(edges, values);
    for (const cut of [0, 1, 4999, 9999]) {
      const a = binsOf(edges, values.slice(0, cut));
      a.merge(binsOf(edges, values.slice(cut)));
      const { sums, ...exact } = a.toJSON();
      const { sums: wholeSums, ...wholeExact } = whole.toJSON();
      expect(exact).toEqual(wholeExact);
      sums.forEach((x, i) => expect(Math.abs(x - wholeSums[i]!)).toBeLessThanOrEqual(1e-9 * Math.abs(x)));
    }
    expect(() => whole.merge(new ReferenceBins([0, 1]))).toThrow(/different edges/);
  });

  it('gives the exact empirical CDF at every edge', () => {
    const rand = mulberry32(9);
    const values = Array.from({ length: 5000 }, () => normal(rand));
    const edges = referenceEdges(sketchOf(values.map((v) => v * 1.1)));
    const b = binsOf(edges, values);
    for (const e of edges) {
      if (e < b.min || e >= b.max) continue;
      expect(b.cdf(e)).toBe(values.filter((v) => v <= e).length / values.length);
    }
    expect(b.cdf(b.max)).toBe(1);
    expect(b.cdf(b.min - 1)).toBe(0);
  });

  it('round-trips through JSON and rejects bins whose counts contradict each other', () => {
    const b = binsOf(Float64Array.from([0, 1, 2]), [-1, 0.5, 0.5, 1.5, 9]);
    const j = b.toJSON();
    expect(ReferenceBins.fromJSON(j).toJSON()).toEqual(j);
    expect(() => ReferenceBins.fromJSON({ ...j, counts: [1, 2, 3] })).toThrow(/one more count than edges/);
    expect(() => ReferenceBins.fromJSON({ ...j, counts: [1, 2, -1, 1] })).toThrow(/not a whole number/);
    expect(() => ReferenceBins.fromJSON({ ...j, min: 0.7 })).toThrow(/first and last bins/);
    expect(() => ReferenceBins.fromJSON({ ...j, edges: [0, 2, 1] })).toThrow(/strictly ascending/);
    expect(() => ReferenceBins.fromJSON({ ...j, sums: [0, 0, 0, 0] })).toThrow(/does not fit/);
  });

  it('gives integer quantiles for a column of whole numbers, each in its bin', () => {
    const rand = mulberry32(10);
    const poisson = (): number => {
      let k = 0;
      let p = 1;
      const l = Math.exp(-3);
      do {
        k++;
        p *= rand();
      } while (p > l);
      return k - 1;
    };
    const values = Array.from({ length: 50_000 }, poisson);
    // Distinct values of a discrete baseline are its edges: each bin holds one value.
    const b = binsOf(referenceEdges(sketchOf(values.slice(0, 5000))), values);
    const sorted = [...values].sort((x, y) => x - y);
    for (const q of [0.01, 0.25, 0.5, 0.75, 0.99]) {
      const v = b.quantile(q, true);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBe(sorted[Math.floor(q * (values.length - 1))]);
    }
  });
});

describe('referenceEdges', () => {
  it('cuts at every distinct value of a discrete baseline, and at 500 quantiles otherwise, each value alone in a bin', () => {
    const below = (v: number): number => nextDown(v);
    expect(Array.from(referenceEdges(sketchOf([3, 1, 2, 2, 3])))).toEqual([
      below(1),
      1,
      below(2),
      2,
      below(3),
      3,
    ]);
    const rand = mulberry32(11);
    const s = sketchOf(Array.from({ length: 100_000 }, () => normal(rand)));
    const e = referenceEdges(s);
    expect(e.length).toBeGreaterThan(990);
    expect(e.length).toBeLessThanOrEqual(2 * 500 + 2);
    expect(e[1]).toBe(s.min);
    expect(e[e.length - 1]).toBe(s.max);
    // No bin holds much more than 1/500 of the baseline.
    for (let i = 1; i < e.length; i++) expect(s.cdf(e[i]!) - s.cdf(e[i - 1]!)).toBeLessThan(0.004);
  });

  it('never hides new values below the minimum or between the values of a discrete baseline', () => {
    // Baseline half 1, half 2; current 10% 0 (below the minimum), or 10% 1.5 (between the values).
    const base = Array.from({ length: 2000 }, (_, i) => (i % 2 ? 2 : 1));
    const k = sketchOf(base);
    for (const odd of [0, 1.5, 3]) {
      const cur = Array.from({ length: 3000 }, (_, i) => (i % 10 === 0 ? odd : i % 10 < 5 ? 1 : 2));
      const r = ksFromSketches(k, binsOf(referenceEdges(k), cur));
      expect({ odd, d: r.statistic }).toEqual({ odd, d: ksFromSamples(base, cur).statistic });
    }
    // Zero-inflated: half zeros and exponential values; the current turns 15% of the zeros into -1.
    const rand = mulberry32(3);
    const zi = (): number => (rand() < 0.5 ? 0 : -Math.log(1 - rand()));
    const b2 = Array.from({ length: 20_000 }, zi);
    const c2 = Array.from({ length: 60_000 }, () => {
      const v = zi();
      return v === 0 && rand() < 0.3 ? -1 : v;
    });
    const k2 = sketchOf(b2);
    const r2 = ksFromSketches(k2, binsOf(referenceEdges(k2), c2));
    expect(r2.statistic).toBeGreaterThan(ksFromSamples(b2, c2).statistic - 0.01);
  });
});

describe('KS and Wasserstein against reference bins', () => {
  it('issue case: 1..10 + 1e12 against 101..110 + 1e12 is the exact D = 0.909, p = 5.9e-5 (scipy)', () => {
    const base = [...Array.from({ length: 10 }, (_, i) => i + 1), 1e12];
    const cur = [...Array.from({ length: 10 }, (_, i) => i + 101), 1e12];
    const k = sketchOf(base);
    const r = ksFromSketches(k, binsOf(referenceEdges(k), cur));
    // scipy.stats.ks_2samp(base, cur): statistic 0.9090909090909091, pvalue 5.901179037670526e-05
    expect(r.statistic).toBeCloseTo(0.9090909090909091, 12);
    expect(r.pValue).toBeCloseTo(5.901179037670526e-5, 10);
  });

  it('grouped KS is never above the exact statistic and short of it by at most the largest bin share', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = mulberry32(seed);
      const shift = (seed % 4) * 0.1;
      const base = Array.from({ length: 3000 }, () => 1000 + normal(rand));
      const cur = Array.from(
        { length: 2500 },
        () => 1000 + shift + normal(rand) * (seed % 3 === 0 ? 1.5 : 1),
      );
      const k = sketchOf(base);
      const bins = binsOf(referenceEdges(k), cur);
      const exact = ksFromSamples(base, cur).statistic;
      const grouped = ksFromSketches(k, bins).statistic;
      const r = ksFromSketches(k, bins);
      const edges = referenceEdges(k);
      const baseBins = binsOf(edges, base);
      // Moving from the exact statistic's point to an edge moves each CDF by at most one bin's share.
      const widest =
        Math.max(...bins.binCounts()) / cur.length + Math.max(...baseBins.binCounts()) / base.length;
      expect(grouped).toBeLessThanOrEqual(exact + r.allowance + 1e-12);
      expect(exact - grouped).toBeLessThanOrEqual(widest + r.allowance + 1e-12);
    }
  });

  it('a shift of both samples by +1000 or +1e9 changes nothing', () => {
    const rand = mulberry32(4);
    const base = Array.from({ length: 20_000 }, () => normal(rand));
    const cur = Array.from({ length: 20_000 }, () => 0.1 + normal(rand));
    const at = (mu: number): number => {
      const k = sketchOf(base.map((v) => v + mu));
      return ksFromSketches(
        k,
        binsOf(
          referenceEdges(k),
          cur.map((v) => v + mu),
        ),
      ).statistic;
    };
    const d0 = at(0);
    expect(at(1000)).toBeCloseTo(d0, 3);
    expect(at(1e9)).toBeCloseTo(d0, 2);
    expect(d0).toBeGreaterThan(0.02);
  });

  it('issue case: Wasserstein of [999, 1000 x 998, 1001] and [999.9, 1000 x 998, 1000.1] is 0.0018 (0.040 normed)', () => {
    const base = [999, ...new Array<number>(998).fill(1000), 1001];
    const cur = [999.9, ...new Array<number>(998).fill(1000), 1000.1];
    const k = sketchOf(base);
    // scipy.stats.wasserstein_distance(base, cur) = 0.0018
    expect(wassersteinFromSamples(base, cur)).toBeCloseTo(0.0018, 12);
    expect(wassersteinFromSketches(k, sketchOf(cur))).toBeCloseTo(0.0018, 12);
    // Counted into the baseline's bins (as a large current sample would be): within the bins' spread.
    expect(wassersteinFromSketches(k, binsOf(referenceEdges(k), cur))).toBeLessThan(0.0025);
  });

  it('Wasserstein of N(1000, 1) against itself at 100k rows is far below the 0.1 threshold (normed)', () => {
    const rand = mulberry32(12);
    const base = Array.from({ length: 100_000 }, () => 1000 + normal(rand));
    const cur = Array.from({ length: 100_000 }, () => 1000 + normal(rand));
    const k = sketchOf(base);
    expect(wassersteinFromSketches(k, binsOf(referenceEdges(k), cur))).toBeLessThan(0.02);
    expect(wassersteinFromSketches(k, sketchOf(cur))).toBeLessThan(0.02);
  });
});
