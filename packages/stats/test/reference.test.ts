/**
 * The drift statistics against scipy. The fixture is produced by scripts/reference/drift_reference.py
 * and committed, so these tests need no Python.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';

import { binShares, decileEdges } from '../src/bins.js';
import { jsDistance, psi, wassersteinFromSamples, wassersteinFromSketches } from '../src/distances.js';
import { QuantileSketch } from '../src/sketch.js';
import { gammaQ, kolmogorovSurvival } from '../src/special.js';
import { chiSquarePValue, chiSquareTest, ksFromSamples, ksFromSketches } from '../src/tests.js';
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

function sketchOf(values: readonly number[]): QuantileSketch {
  const s = new QuantileSketch();
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

      it('KS from sketches is within 0.005 of the exact statistic', () => {
        const r = ksFromSketches(sa, sb);
        expect(Math.abs(r.statistic - c.ks_statistic)).toBeLessThanOrEqual(0.005);
        // Same side of every usual significance level.
        for (const alpha of [0.05, 0.01, 0.001]) {
          if (Math.abs(Math.log(c.ks_pvalue / alpha)) > 0.5)
            expect(r.pValue < alpha).toBe(c.ks_pvalue < alpha);
        }
      });

      it('Wasserstein from sketches is within 1% of the exact distance (in baseline std units)', () => {
        const w = wassersteinFromSketches(sa, sb);
        expect(Math.abs(w - c.wasserstein) / c.std_a).toBeLessThanOrEqual(0.01);
      });

      it('PSI over sketch deciles is exact for its edges and close to PSI over exact deciles', () => {
        const edges = decileEdges(sa);
        const v = psi(binShares(sa, edges), binShares(sb, edges));
        // The edges sit on bucket bounds, where the sketch CDFs are exact.
        const exactShares = (xs: readonly number[]): number[] => {
          const counts = new Array<number>(edges.length + 1).fill(0);
          for (const x of xs) {
            let i = 0;
            while (i < edges.length && x > edges[i]!) i++;
            counts[i]!++;
          }
          return counts.map((k) => k / xs.length);
        };
        expect(v).toBeCloseTo(psi(exactShares(a), exactShares(b)), 9);
        // The edges move up by at most one bucket (1%) from the exact deciles.
        expect(Math.abs(v - c.psi_deciles)).toBeLessThanOrEqual(0.005 + 0.15 * c.psi_deciles);
      });

      it('sketch quantiles are within relative error alpha of exact lower quantiles', () => {
        for (const [q, exact] of Object.entries(c.quantiles_a)) {
          expect(Math.abs(sa.quantile(Number(q)) - exact)).toBeLessThanOrEqual(
            sa.alpha * Math.abs(exact) + 1e-12,
          );
        }
      });
    });
  }
});
