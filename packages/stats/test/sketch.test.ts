import { describe, expect, it } from '@jest/globals';

import { QuantileSketch, type SketchJSON } from '../src/sketch.js';
import { mulberry32, normal } from './prng.js';

function lowerQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function sketchOf(values: ArrayLike<number>, alpha?: number): QuantileSketch {
  const s = new QuantileSketch(alpha);
  for (let i = 0; i < values.length; i++) s.add(values[i]!);
  return s;
}

const LEVELS = [
  0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.99, 0.999, 1,
];

describe('QuantileSketch', () => {
  it('answers quantiles of a large lognormal sample within relative error alpha', () => {
    const rand = mulberry32(1);
    const values = new Float64Array(200_000);
    for (let i = 0; i < values.length; i++) values[i] = Math.exp(2 + 1.5 * normal(rand));
    const s = sketchOf(values);
    const sorted = values.slice().sort();
    expect(s.count).toBe(values.length);
    for (const q of LEVELS) {
      const exact = lowerQuantile(sorted, q);
      expect(Math.abs(s.quantile(q) - exact)).toBeLessThanOrEqual(s.alpha * exact * (1 + 1e-12));
    }
    for (let q = 0.005; q < 1; q += 0.01) {
      const exact = lowerQuantile(sorted, q);
      expect(Math.abs(s.quantile(q) - exact)).toBeLessThanOrEqual(s.alpha * exact * (1 + 1e-12));
    }
  });

  it('handles negative values and zeros, with the same accuracy', () => {
    const rand = mulberry32(2);
    const values = new Float64Array(50_000);
    for (let i = 0; i < values.length; i++) values[i] = i % 7 === 0 ? 0 : 100 * normal(rand) ** 3;
    const alpha = 0.01;
    const s = sketchOf(values, alpha);
    const sorted = values.slice().sort();
    for (const q of LEVELS) {
      const exact = lowerQuantile(sorted, q);
      expect(Math.abs(s.quantile(q) - exact)).toBeLessThanOrEqual(alpha * Math.abs(exact) * (1 + 1e-12));
    }
    expect(s.min).toBe(sorted[0]);
    expect(s.max).toBe(sorted[sorted.length - 1]);
  });

  it('ignores NaN and infinities', () => {
    const s = new QuantileSketch();
    for (const v of [1, NaN, Infinity, -Infinity, 2, 3]) s.add(v);
    expect(s.count).toBe(3);
    expect(s.max).toBe(3);
    expect(s.min).toBe(1);
    expect(Number.isFinite(s.quantile(0.5))).toBe(true);
  });

  it('is empty-safe', () => {
    const s = new QuantileSketch();
    expect(s.count).toBe(0);
    expect(s.quantile(0.5)).toBeNaN();
    expect(s.cdf(1)).toBeNaN();
    expect(s.breakpoints()).toEqual([]);
    expect(QuantileSketch.fromJSON(JSON.parse(JSON.stringify(s.toJSON())) as SketchJSON).count).toBe(0);
  });

  it('merging equals adding everything to one sketch', () => {
    const rand = mulberry32(3);
    const all = new QuantileSketch();
    const parts = [new QuantileSketch(), new QuantileSketch(), new QuantileSketch()];
    for (let i = 0; i < 30_000; i++) {
      const v = i % 11 === 0 ? 0 : (i % 2 ? 1 : -1) * Math.exp(4 * normal(rand));
      all.add(v);
      parts[i % 3]!.add(v);
    }
    const merged = new QuantileSketch();
    for (const p of parts) merged.merge(p);
    expect(merged.toJSON()).toEqual(all.toJSON());
    for (const q of LEVELS) expect(merged.quantile(q)).toBe(all.quantile(q));
  });

  it('refuses to merge sketches of different accuracy', () => {
    expect(() => new QuantileSketch(0.01).merge(sketchOf([1], 0.02))).toThrow(/different accuracy/);
  });

  it('round-trips through compact JSON', () => {
    const rand = mulberry32(4);
    const s = new QuantileSketch();
    for (let i = 0; i < 10_000; i++) s.add(50 + 10 * normal(rand));
    const j = s.toJSON();
    // Compact: no zero counts at either end.
    expect(j.pos.counts[0]).not.toBe(0);
    expect(j.pos.counts[j.pos.counts.length - 1]).not.toBe(0);
    expect(j.neg.counts).toEqual([]);
    const back = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(j)) as SketchJSON);
    expect(back.toJSON()).toEqual(j);
    expect(back.count).toBe(s.count);
    for (const q of LEVELS) expect(back.quantile(q)).toBe(s.quantile(q));
    for (const x of [20, 45, 50, 55.5, 80]) expect(back.cdf(x)).toBe(s.cdf(x));
  });

  it('has a CDF consistent with its quantiles', () => {
    const rand = mulberry32(5);
    const values = new Float64Array(20_000);
    for (let i = 0; i < values.length; i++) values[i] = Math.exp(normal(rand));
    const s = sketchOf(values);
    const sorted = values.slice().sort();
    expect(s.cdf(s.min - 1)).toBe(0);
    expect(s.cdf(s.max)).toBe(1);
    let prev = 0;
    for (let x = 0; x < 20; x += 0.01) {
      const f = s.cdf(x);
      expect(f).toBeGreaterThanOrEqual(prev);
      prev = f;
    }
    for (let q = 0.02; q < 1; q += 0.02) {
      // The quantile's bucket holds the rank q (n - 1); the CDF there is within that bucket's mass.
      expect(Math.abs(s.cdf(s.quantile(q)) - q)).toBeLessThan(0.01);
      // And the CDF is close to the exact empirical CDF.
      const x = lowerQuantile(sorted, q);
      expect(Math.abs(s.cdf(x) - q)).toBeLessThan(0.01);
    }
  });

  it('is exact at bucket bounds, even for discrete data', () => {
    const values = [0, 0, 1, 1, 1, 2, 3, 3, 10, 10, 10, 10, -4];
    const s = sketchOf(values);
    for (const v of values) {
      const bound = s.bucketUpperBound(v);
      expect(s.cdf(bound)).toBeCloseTo(values.filter((x) => x <= v).length / values.length, 12);
    }
    for (const x of s.breakpoints()) {
      const exact = values.filter((v) => v <= x).length / values.length;
      // Every breakpoint is a bucket edge: the CDF counts whole buckets there.
      expect(Math.abs(s.cdf(x) - exact)).toBeLessThan(1e-9);
    }
  });

  it('answers exactly for a constant column', () => {
    const s = sketchOf(new Array<number>(100).fill(7.25));
    expect(s.quantile(0.5)).toBe(7.25);
    expect(s.quantile(0.01)).toBe(7.25);
    expect(s.cdf(7.2)).toBe(0);
    expect(s.cdf(7.25)).toBe(1);
  });

  it('keeps memory bounded by collapsing the smallest buckets', () => {
    const s = new QuantileSketch(0.005, 2048);
    const values: number[] = [];
    for (let e = -30; e <= 30; e += 0.001) values.push(10 ** e);
    for (const v of values) s.add(v);
    const j = s.toJSON();
    expect(j.pos.counts.length).toBeLessThanOrEqual(2048);
    expect(s.count).toBe(values.length);
    // 2048 buckets of 1% span about nine orders of magnitude: the top 9 of these 60 stay accurate
    // (quantiles above 51/60), the rest is folded into the lowest bucket.
    for (const q of [0.86, 0.9, 0.95, 0.99]) {
      const exact = values[Math.floor(q * (values.length - 1))]!;
      expect(Math.abs(s.quantile(q) - exact)).toBeLessThanOrEqual(0.005 * exact * (1 + 1e-12));
    }
    // Merging and reloading a collapsed sketch keeps the cap.
    const merged = new QuantileSketch();
    merged.merge(s);
    merged.merge(QuantileSketch.fromJSON(j));
    expect(merged.toJSON().pos.counts.length).toBeLessThanOrEqual(2048);
    expect(merged.count).toBe(2 * values.length);
  });

  it('rejects a bad alpha', () => {
    expect(() => new QuantileSketch(0)).toThrow(RangeError);
    expect(() => new QuantileSketch(1)).toThrow(RangeError);
  });
});
