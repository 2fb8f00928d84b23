// placements() searches each score's rank among the other class from a bucket index over [0, 1];
// it must give exactly the counts a plain count gives: ties, scores on bucket edges, 0 and 1,
// scores outside [0, 1] (bootstrap callers), and tiny classes.
import { describe, expect, it } from '@jest/globals';
import { placements, Xoshiro128 } from '../src/index.js';

function naive(label: Float64Array, score: Float64Array) {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < label.length; i++) (label[i] === 1 ? pos : neg).push(score[i]!);
  const v10 = pos.map(
    (s) => (neg.filter((x) => x < s).length + neg.filter((x) => x === s).length / 2) / neg.length,
  );
  const v01 = neg.map(
    (s) => (pos.filter((x) => x > s).length + pos.filter((x) => x === s).length / 2) / pos.length,
  );
  return { v10, v01 };
}

describe('placements', () => {
  const rng = new Xoshiro128(11);
  const cases: [string, (i: number) => number][] = [
    ['continuous', () => rng.nextDouble()],
    ['heavy ties (scores rounded to 0.01)', () => Math.round(rng.nextDouble() * 100) / 100],
    ['on bucket edges', () => Math.floor(rng.nextDouble() * 70) / 65536],
    ['0 and 1 only', () => (rng.nextDouble() < 0.5 ? 0 : 1)],
    ['outside [0, 1]', () => rng.nextDouble() * 4 - 2],
  ];
  it.each(cases)('equal a plain count: %s', (_name, draw) => {
    for (const n of [3, 50, 2000]) {
      const label = new Float64Array(n).map((_, i) =>
        i === 0 ? 1 : i === 1 ? 0 : rng.nextDouble() < 0.3 ? 1 : 0,
      );
      const score = new Float64Array(n).map((_, i) => draw(i));
      const got = placements(label, score);
      const want = naive(label, score);
      expect([...got.v10]).toEqual(want.v10);
      expect([...got.v01]).toEqual(want.v01);
    }
  });
});
