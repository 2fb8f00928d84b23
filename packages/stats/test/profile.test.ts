import { describe, expect, it } from '@jest/globals';

import { createAccumulator, type ColumnProfile } from '../src/profile.js';
import { KllSketch } from '../src/kll.js';
import { mulberry32, normal } from './prng.js';

function numericProfile(values: readonly unknown[]): ColumnProfile {
  const a = createAccumulator('x', 'numeric');
  for (const v of values) {
    if (v === undefined) a.addMissing();
    else a.add(v);
  }
  return a.toJSON();
}

describe('numeric accumulator', () => {
  it('tracks count, missing, min, max, mean and std exactly', () => {
    const rand = mulberry32(7);
    const values: number[] = [];
    for (let i = 0; i < 10_000; i++) values.push(1e6 + 3 * normal(rand));
    const p = numericProfile([...values, undefined, undefined]);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
    expect(p.count).toBe(10_000);
    expect(p.missing).toBe(2);
    expect(p.numeric!.min).toBe(Math.min(...values));
    expect(p.numeric!.max).toBe(Math.max(...values));
    expect(p.numeric!.mean).toBeCloseTo(mean, 6);
    expect(p.numeric!.std).toBeCloseTo(std, 6);
    expect(p.types).toEqual({ number: 10_000 });
  });

  it('counts integers, non-numbers and non-finite values by type without adding them to the stats', () => {
    const p = numericProfile([1, 2, 3.5, 'n/a', true, null, [1], { a: 1 }, NaN, Infinity]);
    expect(p.types).toEqual({ integer: 2, number: 3, string: 1, boolean: 1, null: 1, array: 1, object: 1 });
    expect(p.count).toBe(10);
    expect(p.numeric!.min).toBe(1);
    expect(p.numeric!.max).toBe(3.5);
    expect(p.numeric!.mean).toBeCloseTo(6.5 / 3, 12);
    expect(KllSketch.fromJSON(p.numeric!.sketch!).count).toBe(3);
  });

  it('has quantiles and a 20-bin histogram that sums to the count', () => {
    const values = Array.from({ length: 1001 }, (_, i) => i);
    const p = numericProfile(values).numeric!;
    expect(p.quantiles.p50).toBeCloseTo(500, -1);
    expect(Math.abs(p.quantiles.p99 - 990)).toBeLessThanOrEqual(990 * 0.005);
    expect(p.histogram.edges).toHaveLength(21);
    expect(p.histogram.edges[0]).toBe(0);
    expect(p.histogram.edges[20]).toBe(1000);
    expect(p.histogram.counts.reduce((s, c) => s + c, 0)).toBe(1001);
    for (const c of p.histogram.counts) expect(Math.abs(c - 50)).toBeLessThanOrEqual(3);
  });

  it('omits the numeric summary when there are no numbers, and handles a constant column', () => {
    expect(numericProfile(['a', undefined]).numeric).toBeUndefined();
    const c = numericProfile([4, 4, 4]).numeric!;
    expect(c).toMatchObject({ min: 4, max: 4, mean: 4, std: 0, histogram: { edges: [4, 4], counts: [3] } });
  });

  it('merges like a single pass', () => {
    const rand = mulberry32(8);
    const one = createAccumulator('x', 'numeric');
    const parts = [createAccumulator('x', 'numeric'), createAccumulator('x', 'numeric')];
    for (let i = 0; i < 5000; i++) {
      const v = i % 100 === 0 ? 'bad' : 100 + 15 * normal(rand);
      one.add(v);
      parts[i % 2]!.add(v);
    }
    parts[0]!.merge(parts[1]!);
    const a = one.toJSON();
    const b = parts[0]!.toJSON();
    expect(b.numeric!.mean).toBeCloseTo(a.numeric!.mean, 10);
    expect(b.numeric!.std).toBeCloseTo(a.numeric!.std, 10);
    // A merged KLL sketch holds other items than a single pass, within both rank-error bounds.
    const sa = KllSketch.fromJSON(a.numeric!.sketch!);
    const sb = KllSketch.fromJSON(b.numeric!.sketch!);
    expect(sb.count).toBe(sa.count);
    const e = sa.rankError(1e-3) + sb.rankError(1e-3);
    for (const x of [70, 90, 100, 110, 130]) expect(Math.abs(sb.rank(x) - sa.rank(x))).toBeLessThanOrEqual(e);
    expect(b.types).toEqual(a.types);
    expect(() => parts[0]!.merge(createAccumulator('x', 'categorical'))).toThrow(/cannot merge/);
  });
});

describe('categorical accumulator', () => {
  it('counts values exactly and lists the top values by count, ties by value', () => {
    const a = createAccumulator('c', 'categorical', { topK: 3 });
    for (const v of ['b', 'a', 'c', 'a', 'b', 'd', 'd', 'e', 1, 1, true]) a.add(v);
    a.addMissing();
    a.add({ nested: true });
    const p = a.toJSON();
    expect(p.count).toBe(12);
    expect(p.missing).toBe(1);
    expect(p.types).toEqual({ string: 8, integer: 2, boolean: 1, object: 1 });
    expect(p.categorical).toEqual({
      distinct: 7,
      distinctExact: true,
      top: [
        ['1', 2],
        ['a', 2],
        ['b', 2],
      ],
      otherCount: 5,
    });
  });

  it('falls back to HyperLogLog past maxTracked distinct values, keeping tracked counts exact', () => {
    const a = createAccumulator('c', 'categorical', { topK: 5, maxTracked: 1000 });
    for (let i = 0; i < 20_000; i++) a.add(`v${i % 5000}`);
    for (let i = 0; i < 500; i++) a.add('v7');
    const p = a.toJSON().categorical!;
    expect(p.distinctExact).toBe(false);
    expect(Math.abs(p.distinct / 5000 - 1)).toBeLessThan(0.05);
    expect(p.top[0]).toEqual(['v7', 504]);
    expect(p.top[1]).toEqual(['v0', 4]);
    expect(p.top.reduce((s, [, c]) => s + c, 0) + p.otherCount).toBe(20_500);
    expect(typeof p.hll).toBe('string');
  });

  it('never reports more distinct values than values', () => {
    for (const seed of [1, 2, 3]) {
      const a = createAccumulator('id', 'categorical', { maxTracked: 100 });
      for (let i = 0; i < 20_000; i++) a.add(`C${seed}-${i}`);
      const p = a.toJSON();
      expect(p.categorical!.distinct).toBeLessThanOrEqual(p.count);
      expect(p.categorical!.distinct).toBeGreaterThan(19_000);
    }
  });

  it('keeps distinct exact up to the cap', () => {
    const a = createAccumulator('c', 'categorical', { maxTracked: 1000 });
    for (let i = 0; i < 3000; i++) a.add(`v${i % 1000}`);
    const p = a.toJSON().categorical!;
    expect(p).toMatchObject({ distinct: 1000, distinctExact: true });
    expect(p.hll).toBeUndefined();
  });

  it('merges, including a capped side into an uncapped one', () => {
    const small = createAccumulator('c', 'categorical', { maxTracked: 100 });
    const big = createAccumulator('c', 'categorical', { maxTracked: 100 });
    const one = createAccumulator('c', 'categorical', { maxTracked: 100 });
    for (let i = 0; i < 50; i++) {
      small.add('x');
      one.add('x');
    }
    for (let i = 0; i < 5000; i++) {
      big.add(`k${i % 2000}`);
      one.add(`k${i % 2000}`);
    }
    small.merge(big);
    const m = small.toJSON().categorical!;
    const o = one.toJSON().categorical!;
    expect(m.distinctExact).toBe(false);
    expect(m.top[0]).toEqual(['x', 50]);
    expect(m.top.reduce((s, [, c]) => s + c, 0) + m.otherCount).toBe(5050);
    expect(Math.abs(m.distinct - o.distinct) / o.distinct).toBeLessThan(0.05);
  });
});

describe('numeric mean and std at the ends of the double range', () => {
  it('stay finite and right for values near 1e200 and near 1e-300, merged or not', () => {
    for (const unit of [1e200, 1e-300, 1, 8e307]) {
      const values = [-1, 1, 0, 2, -2, 0.5].map((v) => v * unit);
      const one = createAccumulator('x', 'numeric');
      for (const v of values) one.add(v);
      const a = createAccumulator('x', 'numeric');
      const b = createAccumulator('x', 'numeric');
      values.slice(0, 2).forEach((v) => a.add(v));
      values.slice(2).forEach((v) => b.add(v));
      a.merge(b);
      const mean = 0.5 / 6;
      const std = Math.sqrt(values.reduce((s, v) => s + (v / unit - mean) ** 2, 0) / 5);
      for (const acc of [one, a]) {
        const n = acc.toJSON().numeric!;
        expect(n.mean / unit).toBeCloseTo(mean, 12);
        expect(n.std / unit).toBeCloseTo(std, 12);
      }
    }
  });
});
