/**
 * The drift statistics against scipy. The fixture is produced by scripts/reference/drift_reference.py
 * and committed, so these tests need no Python.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';

import { binShares, decileEdges } from '../src/bins.js';
import { jsDistance, psi, wassersteinFromSamples, wassersteinFromSketches } from '../src/distances.js';
import { KllSketch } from '../src/kll.js';
import { gammaQ, kolmogorovSurvival } from '../src/special.js';
import { chiSquarePValue, chiSquareTest, ksFromSamples, ksFromSketches, ksPValue } from '../src/tests.js';
import { sample, type SampleSpec } from './prng.js';

interface Reference {
  kolmogorov: { x: number; sf: number }[];
  gammaincc: { a: number; x: number; q: number }[];
  chi2_sf: { statistic: number; dof: number; p: number }[];
  ks_2samp: { a: number[]; b: number[]; statistic: number; pvalue: number }[];
  wasserstein: { a: number[]; b: number[]; distance: number }[];
  chi2_contingency: { a: number[]; b: number[]; statistic: number; pvalue: number; dof: number }[];
  jensenshannon: { p: number[]; q: number[]; distance: number }[];
  samples: {
    name: string;
    a: SampleSpec;
    b: SampleSpec;
    check: { first: number[]; last: number };
    ks_statistic: number;
    ks_pvalue: number;
    wasserstein: number;
    std_a: number;
    psi_deciles: number;
    quantiles_a: Record<string, number>;
  }[];
}

const ref = JSON.parse(
  readFileSync(new URL('./fixtures/scipy-reference.json', import.meta.url), 'utf8'),
) as Reference;

function sketchOf(values: readonly number[]): KllSketch {
  const s = new KllSketch();
  for (const v of values) s.add(v);
  return s;
}

function expectRel(actual: number, expected: number, rel: number, abs = 0): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(abs, rel * Math.abs(expected)));
}

describe('special functions vs scipy', () => {
  it('kolmogorovSurvival matches scipy.special.kolmogorov', () => {
    for (const { x, sf } of ref.kolmogorov) expectRel(kolmogorovSurvival(x), sf, 1e-10, 1e-14);
  });

  it('gammaQ matches scipy.special.gammaincc', () => {
    for (const { a, x, q } of ref.gammaincc) expectRel(gammaQ(a, x), q, 1e-9, 1e-15);
  });

  it('chiSquarePValue matches scipy.stats.chi2.sf', () => {
    for (const { statistic, dof, p } of ref.chi2_sf) expectRel(chiSquarePValue(statistic, dof), p, 1e-9);
  });
});

describe('exact statistics on embedded inputs vs scipy', () => {
  it('ksFromSamples: statistic exactly, asymptotic p-value within 10% (Stephens vs scipy kstwo)', () => {
    for (const c of ref.ks_2samp) {
      const r = ksFromSamples(c.a, c.b);
      expect(r.statistic).toBeCloseTo(c.statistic, 12);
      expectRel(r.pValue, c.pvalue, 0.1);
    }
  });

  it('wassersteinFromSamples matches scipy.stats.wasserstein_distance', () => {
    for (const c of ref.wasserstein) expectRel(wassersteinFromSamples(c.a, c.b), c.distance, 1e-12);
  });

  it('chiSquareTest matches scipy.stats.chi2_contingency(correction=False)', () => {
    for (const c of ref.chi2_contingency) {
      const r = chiSquareTest(c.a, c.b);
      expectRel(r.statistic, c.statistic, 1e-12);
      expect(r.dof).toBe(c.dof);
      expectRel(r.pValue, c.pvalue, 1e-9, 1e-300);
    }
  });

  it('jsDistance matches scipy.spatial.distance.jensenshannon(base=2)', () => {
    for (const c of ref.jensenshannon) expect(jsDistance(c.p, c.q)).toBeCloseTo(c.distance, 12);
  });
});

describe('sketch-based statistics on large samples vs exact scipy values', () => {
  for (const c of ref.samples) {
    describe(c.name, () => {
      const a = sample(c.a);
      const b = sample(c.b);
      const sa = sketchOf(a);
      const sb = sketchOf(b);

      it('regenerates the same sample as the Python script', () => {
        expect(a.slice(0, 3)).toEqual(c.check.first.map((v) => expect.closeTo(v, 12)));
        expect(a[a.length - 1]).toBeCloseTo(c.check.last, 12);
      });

      it('exact functions agree with scipy on the sample', () => {
        expect(ksFromSamples(a, b).statistic).toBeCloseTo(c.ks_statistic, 12);
        expectRel(wassersteinFromSamples(a, b), c.wasserstein, 1e-9);
      });

      // Tolerances: the sketches' own rank-error bounds (KLL, Hoeffding), at failure probability 1e-3.
      it('KS from sketches is within the stated allowance of the exact statistic', () => {
        const r = ksFromSketches(sa, sb);
        expect(Math.abs(r.statistic - c.ks_statistic)).toBeLessThanOrEqual(r.allowance + 1e-12);
        expect(r.allowance).toBeLessThan(0.01);
        // The p-value is conservative: never below the exact statistic's.
        expect(r.pValue).toBeGreaterThanOrEqual(ksPValue(c.ks_statistic, a.length, b.length) * (1 - 1e-9));
      });

      it('Wasserstein from sketches is within (rank error) x (range) of the exact distance', () => {
        const w = wassersteinFromSketches(sa, sb);
        const e = sa.rankError(1e-3) / sa.count + sb.rankError(1e-3) / sb.count;
        const range = Math.max(sa.max, sb.max) - Math.min(sa.min, sb.min);
        expect(Math.abs(w - c.wasserstein)).toBeLessThanOrEqual(e * range + 1e-9 * c.wasserstein);
      });

      it('PSI over sketch deciles is close to PSI over exact deciles', () => {
        const edges = decileEdges(sa);
        const v = psi(binShares(sa, edges), binShares(sb, edges));
        expect(Math.abs(v - c.psi_deciles)).toBeLessThanOrEqual(0.005 + 0.15 * c.psi_deciles);
      });

      it('sketch quantiles are sample values whose exact rank is within the rank-error bound', () => {
        const sorted = Float64Array.from(a).sort();
        const e = sa.rankError(1e-3);
        for (const q of Object.keys(c.quantiles_a).map(Number)) {
          const v = sa.quantile(q);
          let lo = 0;
          while (lo < sorted.length && sorted[lo]! < v) lo++;
          let hi = lo;
          while (hi < sorted.length && sorted[hi]! === v) hi++;
          expect(hi).toBeGreaterThan(lo); // a value of the sample
          const target = q * (sorted.length - 1);
          // Some copy of v has rank (0-based) within e + 1 of the target.
          expect(Math.max(lo - target, target - (hi - 1), 0)).toBeLessThanOrEqual(e + 1);
        }
      });
    });
  }
});
