import { describe, expect, it } from '@jest/globals';

import { HyperLogLog, hash32 } from '../src/hll.js';

function hllOf(keys: Iterable<string>): HyperLogLog {
  const h = new HyperLogLog();
  for (const k of keys) h.addString(k);
  return h;
}

function* range(prefix: string, from: number, to: number): Generator<string> {
  for (let i = from; i < to; i++) yield `${prefix}${i}`;
}

describe('HyperLogLog', () => {
  it('estimates 100k distinct values within 3%', () => {
    for (const prefix of ['user-', 'id_', '']) {
      const h = hllOf(range(prefix, 0, 100_000));
      expect(Math.abs(h.estimate() / 100_000 - 1)).toBeLessThan(0.03);
    }
  });

  it('is accurate for small counts (linear counting) and ignores repeats', () => {
    const h = new HyperLogLog();
    for (let r = 0; r < 5; r++) for (const k of range('k', 0, 500)) h.addString(k);
    expect(Math.abs(h.estimate() - 500)).toBeLessThan(15);
    expect(new HyperLogLog().estimate()).toBe(0);
  });

  it('merges as a union', () => {
    const a = hllOf(range('x', 0, 60_000));
    const b = hllOf(range('x', 40_000, 100_000));
    a.merge(b);
    expect(a.registers).toEqual(hllOf(range('x', 0, 100_000)).registers);
  });

  it('round-trips through base64', () => {
    const h = hllOf(range('v', 0, 5000));
    const s = h.toJSON();
    expect(typeof s).toBe('string');
    const back = HyperLogLog.fromJSON(JSON.parse(JSON.stringify(s)) as string);
    expect(back.registers).toEqual(h.registers);
    expect(back.estimate()).toBe(h.estimate());
    expect(() => HyperLogLog.fromJSON('AAAA')).toThrow(/4096 bytes/);
  });

  it('hashes to unsigned 32-bit values that differ for near-identical strings', () => {
    const seen = new Set<number>();
    for (const k of range('a', 0, 10_000)) {
      const h = hash32(k);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(2 ** 32);
      seen.add(h);
    }
    expect(seen.size).toBeGreaterThan(9_990);
    expect(hash32('é')).not.toBe(hash32('e'));
  });
});
