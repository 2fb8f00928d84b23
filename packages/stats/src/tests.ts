/**
 * Two-sample hypothesis tests: Pearson's chi-square test of homogeneity and the Kolmogorov–Smirnov
 * test, on samples or on KLL sketches (scipy.stats names in the docs of each function).
 */
import { comparisonPoints } from './bins.js';
import type { Distribution } from './distribution.js';
import { gammaQ, kolmogorovSurvival } from './special.js';
import { checkSameLength, sum } from './vectors.js';

/**
 * Upper tail of the chi-square distribution with `dof` degrees of freedom (scipy.stats.chi2.sf):
 * Q(dof / 2, statistic / 2) with {@link gammaQ}. Returns 1 when dof <= 0 or statistic <= 0.
 */
export function chiSquarePValue(statistic: number, dof: number): number {
  if (dof <= 0) return 1;
  if (!(statistic > 0)) return 1;
  return gammaQ(dof / 2, statistic / 2);
}

/**
 * Pearson's chi-square test of homogeneity of two count vectors: the 2 x k contingency table
 * `[a, b]`, no continuity correction, categories empty on both sides dropped; like scipy's
 * `chi2_contingency([a, b], correction=False)`.
 *
 * @param a counts of the k categories in the first sample (not shares: the test depends on n).
 * @param b counts of the same k categories in the second sample.
 * @returns the statistic, its degrees of freedom (non-empty categories - 1) and the p-value of
 *   {@link chiSquarePValue}; `{ statistic: 0, dof: 0, pValue: 1 }` when either sample is empty.
 * @throws RangeError when `a` and `b` differ in length.
 */
export function chiSquareTest(
  a: readonly number[],
  b: readonly number[],
): { statistic: number; dof: number; pValue: number } {
  checkSameLength(a, b);
  const ra = sum(a);
  const rb = sum(b);
  const n = ra + rb;
  if (ra <= 0 || rb <= 0) return { statistic: 0, dof: 0, pValue: 1 };
  let stat = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    const col = a[i]! + b[i]!;
    if (col <= 0) continue;
    k++;
    const ea = (ra * col) / n;
    const eb = (rb * col) / n;
    stat += (a[i]! - ea) ** 2 / ea + (b[i]! - eb) ** 2 / eb;
  }
  const dof = k - 1;
  return { statistic: stat, dof, pValue: chiSquarePValue(stat, dof) };
}

/**
 * Asymptotic two-sided p-value of the two-sample KS statistic `d` (in [0, 1]) with Stephens' (1970)
 * correction for the effective sample size `ne = n1 n2 / (n1 + n2)`:
 * Q_KS((sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) d), with Q_KS the {@link kolmogorovSurvival}.
 * Within 3% of scipy's `ks_2samp(method='asymp')` for ne >= 50, about 10% down to ne = 25.
 * Returns 1 unless both sample sizes are positive.
 */
export function ksPValue(d: number, n1: number, n2: number): number {
  if (!(n1 > 0 && n2 > 0)) return 1;
  const ne = (n1 * n2) / (n1 + n2);
  const s = Math.sqrt(ne);
  return kolmogorovSurvival((s + 0.12 + 0.11 / s) * d);
}

/**
 * Exact two-sample KS statistic D = sup |F_a - F_b| of two samples (the statistic of
 * scipy.stats.ks_2samp), with the asymptotic p-value of {@link ksPValue}. An empty sample gives
 * D = 0 and p = 1.
 */
export function ksFromSamples(
  a: readonly number[],
  b: readonly number[],
): { statistic: number; pValue: number } {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  const n = x.length;
  const m = y.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < n && x[i]! <= v) i++;
    while (j < m && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return { statistic: d, pValue: ksPValue(d, n, m) };
}

/** Failure probability of the rank-error allowance of {@link ksFromSketches}, over all points compared. */
export const KS_SKETCH_DELTA = 1e-3;

/**
 * KS statistic of two one-column summaries: D = sup |F_a - F_b| over the points where both CDFs are
 * known ({@link comparisonPoints}). Two KLL sketches: every value either holds (both CDFs step
 * there), so this is the exact two-sample statistic while both are exact. A binned side (reference
 * bins): its edges, where its CDF is exact; D is then the statistic of the grouped data, at most the
 * exact one (a conservative test), short of it by at most the largest share one bin holds.
 *
 * A compacted sketch misstates each CDF value by at most its rank-error bound (`rankError`) / n. The
 * `allowance` is the sum of both sides' bounds at failure probability `delta` split over the points
 * compared (a union bound), so with probability >= 1 - delta the statistic of the two samples at
 * those points is >= D - allowance. The p-value is {@link ksPValue} of max(0, D - allowance): the test
 * never rejects on sketch error alone. An empty side gives D = 0 and p = 1.
 *
 * @returns statistic D in [0, 1], allowance (a share, 0 when both sides are exact), p-value.
 */
export function ksFromSketches(
  a: Distribution,
  b: Distribution,
  delta: number = KS_SKETCH_DELTA,
): { statistic: number; allowance: number; pValue: number } {
  if (a.count === 0 || b.count === 0) return { statistic: 0, allowance: 0, pValue: 1 };
  const pts = comparisonPoints(a, b);
  let d = 0;
  for (const x of pts) d = Math.max(d, Math.abs(a.cdf(x) - b.cdf(x)));
  const perPoint = delta / Math.max(1, pts.length);
  const allowance = a.rankError(perPoint) / a.count + b.rankError(perPoint) / b.count;
  return { statistic: d, allowance, pValue: ksPValue(Math.max(0, d - allowance), a.count, b.count) };
}
