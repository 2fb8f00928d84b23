/**
 * The canary judge's statistics against scipy / statsmodels reference values
 * (scripts/reference/canary_reference.py → fixtures/canary-reference.json), and the coverage of
 * the normal-mixture confidence sequence under repeated looks, by simulation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

import {
  hodgesLehmann,
  hodgesLehmannPaired,
  mannWhitneyU,
  wilcoxonSignedRank,
  type Alternative,
} from '../src/ranks.js';
import { proportionDifference } from '../src/rates.js';
import { mixtureBoundary, mixtureOptimalRatio } from '../src/sequential.js';
import { mulberry32, normal } from './prng.js';

interface Reference {
  mannwhitneyu: ({ name: string; x: number[]; y: number[] } & Record<
    Alternative,
    { statistic: number; pvalue: number }
  >)[];
  hodgesLehmann: {
    x: number[];
    y: number[];
    confidence: number;
    estimate: number;
    low: number | null;
    high: number | null;
    rank: number;
  }[];
  wilcoxon: ({ name: string; d: number[] } & Record<Alternative, { statistic: number; pvalue: number }>)[];
  hodgesLehmannPaired: {
    d: number[];
    confidence: number;
    estimate: number;
    low: number | null;
    high: number | null;
    rank: number;
  }[];
  proportions: {
    x1: number;
    n1: number;
    x2: number;
    n2: number;
    wald: { low: number; high: number };
    'agresti-caffo': { low: number; high: number };
    test?: { z: number; pvalue: number };
  }[];
  mixtureBoundary: { alpha: number; ratio: number; rows: { v: number; planned: number; b: number }[] }[];
}

const REF = JSON.parse(
  readFileSync(new URL('./fixtures/canary-reference.json', import.meta.url), 'utf8'),
) as Reference;

const close = (a: number, b: number, rel = 1e-9) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

describe('Mann–Whitney U against scipy.stats.mannwhitneyu', () => {
  for (const c of REF.mannwhitneyu)
    it.each(['two-sided', 'less', 'greater'] as const)(`${c.name}: %s`, (alt) => {
      const r = mannWhitneyU(c.x, c.y, alt);
      expect(r.statistic).toBe(c[alt].statistic);
      close(r.pValue, c[alt].pvalue, 1e-9);
    });

  it('refuses an empty sample and a non-finite value', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/x is empty/);
    expect(() => mannWhitneyU([1], [2, NaN])).toThrow(/y\[1\] is not a finite number/);
  });
});

describe('Hodges–Lehmann shift against an independent numpy implementation', () => {
  it.each(REF.hodgesLehmann.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const r = hodgesLehmann(c.x, c.y, { confidence: c.confidence });
    close(r.estimate, c.estimate, 1e-12);
    expect(r.rank).toBe(c.rank);
    if (c.low === null) {
      expect(r.low).toBe(-Infinity);
      expect(r.high).toBe(Infinity);
    } else {
      close(r.low, c.low, 1e-12);
      close(r.high, c.high!, 1e-12);
    }
  });

  it('a given critical value widens the interval', () => {
    const c = REF.hodgesLehmann[0]!;
    const fixed = hodgesLehmann(c.x, c.y);
    const wide = hodgesLehmann(c.x, c.y, { critical: 3.04 });
    expect(wide.low).toBeLessThan(fixed.low);
    expect(wide.high).toBeGreaterThan(fixed.high);
  });
});

describe('Wilcoxon signed-rank against scipy.stats.wilcoxon', () => {
  for (const c of REF.wilcoxon)
    it.each(['two-sided', 'less', 'greater'] as const)(`${c.name}: %s`, (alt) => {
      const r = wilcoxonSignedRank(c.d, alt);
      expect(r.statistic).toBe(c[alt].statistic);
      close(r.pValue, c[alt].pvalue, 1e-9);
    });

  it('drops zeros and refuses differences that are all zero', () => {
    expect(wilcoxonSignedRank([0, 1, 2, -0.5]).n).toBe(3);
    expect(() => wilcoxonSignedRank([0, 0])).toThrow(/every difference is zero/);
  });
});

describe('paired Hodges–Lehmann against an independent numpy implementation', () => {
  it.each(REF.hodgesLehmannPaired.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const r = hodgesLehmannPaired(c.d, { confidence: c.confidence });
    close(r.estimate, c.estimate, 1e-12);
    expect(r.rank).toBe(c.rank);
    if (c.low === null) expect([r.low, r.high]).toEqual([-Infinity, Infinity]);
    else {
      close(r.low, c.low, 1e-12);
      close(r.high, c.high!, 1e-12);
    }
  });
});

describe('difference of two proportions against statsmodels', () => {
  it.each(REF.proportions.map((c) => [`${c.x1}/${c.n1} − ${c.x2}/${c.n2}`, c] as const))('%s', (_n, c) => {
    for (const method of ['wald', 'agresti-caffo'] as const) {
      const r = proportionDifference(c.x1, c.n1, c.x2, c.n2, { method });
      close(r.low, c[method].low, 1e-9);
      close(r.high, c[method].high, 1e-9);
    }
    const r = proportionDifference(c.x1, c.n1, c.x2, c.n2);
    if (c.test) {
      close(r.z, c.test.z, 1e-9);
      close(r.pValue, c.test.pvalue, 1e-9);
    } else expect(r.pValue).toBe(1);
    // Agresti–Caffo never claims certainty: no errors in either sample still gives an interval.
    expect(r.high).toBeGreaterThan(r.low);
  });

  it('refuses counts that are not events out of trials', () => {
    expect(() => proportionDifference(5, 4, 0, 10)).toThrow(/first sample's counts 5 of 4/);
    expect(() => proportionDifference(1, 10, 0.5, 10)).toThrow(/second sample/);
  });
});

describe('normal-mixture confidence sequence', () => {
  it.each(REF.mixtureBoundary.map((c) => [c.alpha, c] as const))(
    'alpha %p: ratio and boundary as the closed form',
    (_a, c) => {
      // The minimum is flat: two optimisers agree on r to about 1e-5, and on the boundary to 1e-7.
      expect(Math.abs(mixtureOptimalRatio(c.alpha) / c.ratio - 1)).toBeLessThan(1e-4);
      for (const row of c.rows) close(mixtureBoundary(row.v, row.planned, c.alpha), row.b, 1e-6);
    },
  );

  it('holds under repeated looks: a null random walk crosses it at most alpha of the time', () => {
    // 4,000 walks of 60 looks (unit-variance increments), tuned for look 5, alpha 0.05: a fixed
    // 1.96 boundary is crossed by about 40% of walks; the mixture boundary by fewer than 5%.
    const r = mulberry32(7);
    const walks = 4000;
    let crossedMixture = 0;
    let crossedFixed = 0;
    for (let w = 0; w < walks; w++) {
      let s = 0;
      let mix = false;
      let fixed = false;
      for (let v = 1; v <= 60; v++) {
        s += normal(r);
        const z = Math.abs(s) / Math.sqrt(v);
        if (z >= mixtureBoundary(v, 5, 0.05)) mix = true;
        if (z >= 1.96) fixed = true;
      }
      if (mix) crossedMixture++;
      if (fixed) crossedFixed++;
    }
    expect(crossedMixture / walks).toBeLessThan(0.05);
    expect(crossedFixed / walks).toBeGreaterThan(0.25);
  });

  it('refuses information that is not positive and alpha outside (0, 1)', () => {
    expect(() => mixtureBoundary(0, 3, 0.05)).toThrow(/information 0/);
    expect(() => mixtureBoundary(1, NaN, 0.05)).toThrow(/planned information/);
    expect(() => mixtureBoundary(1, 3, 1)).toThrow(/alpha 1/);
  });
});
