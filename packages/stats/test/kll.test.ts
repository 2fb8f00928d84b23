import { describe, expect, it } from '@jest/globals';

import { wassersteinFromSamples, wassersteinFromSketches } from '../src/distances.js';
import { KllSketch, type KllJSON } from '../src/kll.js';
import { createAccumulator } from '../src/profile.js';
import { ksFromSamples, ksFromSketches } from '../src/tests.js';
import { mulberry32, normal } from './prng.js';

function sketchOf(values: ArrayLike<number>, k?: number): KllSketch {
  const s = new KllSketch(k);
  for (let i = 0; i < values.length; i++) s.add(values[i]!);
  return s;
}

const oneToTen = Array.from({ length: 10 }, (_, i) => i + 1);

describe('KllSketch', () => {
  it('is exact below its capacity: ranks, quantiles (sample values), min and max', () => {
    const s = sketchOf([...oneToTen, 1e12]);
    expect(s.exact).toBe(true);
    expect(s.rankError(1e-9)).toBe(0);
    expect(s.quantile(0.5)).toBe(6);
    expect(s.quantile(0)).toBe(1);
    expect(s.quantile(1)).toBe(1e12);
    expect(s.rank(10)).toBe(10);
    expect(s.rank(9.5)).toBe(9);
    expect(s.cdf(1e12)).toBe(1);
  });

  it('gives integer quantiles on integer data and never splits ties', () => {
    const rand = mulberry32(5);
    const xs: number[] = [];
    for (let i = 0; i < 50_000; i++) xs.push(Math.floor(-Math.log(1 - rand()) * 3));
    const s = sketchOf(xs);
    expect(s.exact).toBe(false);
    for (const q of [0.01, 0.25, 0.5, 0.75, 0.99]) expect(Number.isInteger(s.quantile(q))).toBe(true);
    // The CDF steps at values: no mass between two integers.
    expect(s.cdf(2.5)).toBe(s.cdf(2));
  });

  it('keeps the rank error within its stated bound whatever the location and scale', () => {
    const rand = mulberry32(11);
    const n = 200_000;
    const base = new Float64Array(n);
    for (let i = 0; i < n; i++) base[i] = normal(rand);
    for (const [loc, scale] of [
      [0, 1],
      [1e6, 1],
      [1e9, 1e-3],
    ] as const) {
      const xs = base.map((x) => loc + scale * x);
      const s = sketchOf(xs);
      const sorted = Float64Array.from(xs).sort();
      const bound = s.rankError(1e-3 / 100);
      expect(bound / n).toBeLessThan(0.006);
      for (let q = 0.01; q < 1; q += 0.01) {
        const x = sorted[Math.floor(q * n)]!;
        let exact = Math.floor(q * n);
        while (exact < n && sorted[exact] === x) exact++;
        expect(Math.abs(s.rank(x) - exact)).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('merges: the merged sketch counts everything and keeps its bound', () => {
    const rand = mulberry32(3);
    const parts = [new KllSketch(), new KllSketch(), new KllSketch()];
    const all: number[] = [];
    for (let i = 0; i < 30_000; i++) {
      const v = normal(rand);
      all.push(v);
      parts[i % 3]!.add(v);
    }
    const merged = new KllSketch();
    for (const p of parts) merged.merge(p);
    expect(merged.count).toBe(30_000);
    expect(merged.min).toBe(Math.min(...all));
    expect(merged.max).toBe(Math.max(...all));
    const sorted = Float64Array.from(all).sort();
    const bound = merged.rankError(1e-3);
    for (let q = 0.05; q < 1; q += 0.05) {
      const i = Math.floor(q * all.length);
      expect(Math.abs(merged.rank(sorted[i]!) - (i + 1))).toBeLessThanOrEqual(bound + 1);
    }
    expect(merged.size).toBeLessThan(4 * merged.k);
  });

  it('round-trips through JSON and rejects inconsistent data', () => {
    const s = sketchOf(Array.from({ length: 5000 }, (_, i) => i));
    const j = JSON.parse(JSON.stringify(s.toJSON())) as KllJSON;
    const back = KllSketch.fromJSON(j);
    expect(back.count).toBe(5000);
    expect(back.quantile(0.5)).toBe(s.quantile(0.5));
    expect(() => KllSketch.fromJSON({ ...j, n: j.n + 1 })).toThrow(/do not add up/);
    expect(() => KllSketch.fromJSON({ ...j, max: 10 })).toThrow(/outside/);
    expect(() => new KllSketch(4)).toThrow(RangeError);
    expect(KllSketch.fromJSON(new KllSketch().toJSON()).count).toBe(0);
  });

  it('ignores non-finite values', () => {
    const s = sketchOf([1, NaN, Infinity, -Infinity, 2]);
    expect(s.count).toBe(2);
  });
});

describe('the issue inputs: statistics that one extreme value does not wreck', () => {
  it('KS: 1..10 + 1e12 vs 1..10 is D = 1/11; vs 101..110 + 1e12 is D = 10/11, p ≈ 6e-5', () => {
    const a = sketchOf([...oneToTen, 1e12]);
    const same = ksFromSketches(a, sketchOf(oneToTen));
    expect(same.statistic).toBeCloseTo(1 / 11, 12);
    expect(same.pValue).toBeGreaterThan(0.5);
    const moved = ksFromSketches(a, sketchOf([...oneToTen.map((x) => x + 100), 1e12]));
    expect(moved.statistic).toBeCloseTo(10 / 11, 12);
    expect(moved.pValue).toBeGreaterThan(4e-5);
    expect(moved.pValue).toBeLessThan(8e-5);
  });

  it('the profile p50 of 1..10 + 1e12 is 6', () => {
    const acc = createAccumulator('x', 'numeric');
    for (const v of [...oneToTen, 1e12]) acc.add(v);
    expect(acc.toJSON().numeric!.quantiles.p50).toBe(6);
  });

  it('Wasserstein of [999, 1000 x 998, 1001] vs [999.9, 1000 x 998, 1000.1] is exact (0.040 in std units)', () => {
    const a = [999, ...new Array<number>(998).fill(1000), 1001];
    const b = [999.9, ...new Array<number>(998).fill(1000), 1000.1];
    const w = wassersteinFromSketches(sketchOf(a), sketchOf(b));
    expect(w).toBeCloseTo(wassersteinFromSamples(a, b), 12);
    expect(w).toBeCloseTo(0.0018, 12);
    const mean = 1000;
    const std = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / (a.length - 1));
    expect(w / std).toBeCloseTo(0.04, 3);
  });

  it('shifting both samples by +1000 changes no KS statistic (compacted sketches too)', () => {
    const rand = mulberry32(9);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      xs.push(normal(rand));
      ys.push(0.1 + normal(rand));
    }
    const d0 = ksFromSketches(sketchOf(xs), sketchOf(ys));
    const d1 = ksFromSketches(sketchOf(xs.map((x) => x + 1000)), sketchOf(ys.map((y) => y + 1000)));
    expect(Math.abs(d1.statistic - d0.statistic)).toBeLessThanOrEqual(d0.allowance + 1e-3);
    expect(Math.abs(d0.statistic - ksFromSamples(xs, ys).statistic)).toBeLessThanOrEqual(d0.allowance);
  });
});

describe('the first compaction (level 0 sorted by its radix sort)', () => {
  it('keeps every other value of the sorted level 0: signs, zeros, integers, ties, extremes', () => {
    const r = mulberry32(7);
    const extremes = [-Number.MAX_VALUE, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, -0, 0];
    const values: number[] = [];
    for (let i = 0; values.length < 2048; i++) {
      const kind = i % 5;
      if (i < extremes.length) values.push(extremes[i]!);
      else if (kind === 0)
        values.push(Math.round((r() - 0.5) * 100)); // integers with ties
      else if (kind === 1) values.push((r() - 0.5) * 1e-300);
      else if (kind === 2) values.push(-Math.exp(r() * 50));
      else values.push(normal(r) * 1e6);
    }
    const s = sketchOf(values);
    const j = s.toJSON();
    expect(j.levels[0]).toEqual([]);
    const sorted = [...values].sort((a, b) => a - b);
    const survivors = j.levels[1]!;
    expect(survivors).toHaveLength(1024);
    const even = sorted.filter((_, i) => i % 2 === 0);
    const odd = sorted.filter((_, i) => i % 2 === 1);
    // -0 and 0 compare equal (toEqual would tell them apart): compare as numbers.
    const same = (a: number[], b: number[]): boolean => a.every((v, i) => v === b[i]);
    expect(same(survivors, even) || same(survivors, odd)).toBe(true);
  });

  it('orders values that agree in their high 32 bits (short ties, and a long run of them)', () => {
    const r = mulberry32(11);
    for (const spread of [1e-3, 1e-9]) {
      const values = Array.from({ length: 2048 }, () => 1 + r() * spread);
      const survivors = sketchOf(values).toJSON().levels[1]!;
      const sorted = [...values].sort((a, b) => a - b);
      const even = sorted.filter((_, i) => i % 2 === 0);
      const odd = sorted.filter((_, i) => i % 2 === 1);
      expect([even, odd]).toContainEqual(survivors);
    }
  });
});
