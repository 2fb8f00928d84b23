/**
 * Two-sample hypothesis tests: Pearson's chi-square test of homogeneity and the Kolmogorov–Smirnov
 * test, on samples or on quantile sketches (scipy.stats names in the docs of each function).
 */
import { unionPoints } from './bins.js';
import type { QuantileSketch } from './sketch.js';
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

/**
 * KS statistic of two sketches (their CDFs compared at every bucket edge of either, where both are
 * exact when the sketches have the same alpha) and its p-value from {@link ksPValue} with the
 * sketches' counts. An empty sketch gives D = 0 and p = 1.
 */
export function ksFromSketches(a: QuantileSketch, b: QuantileSketch): { statistic: number; pValue: number } {
  if (a.count === 0 || b.count === 0) return { statistic: 0, pValue: 1 };
  let d = 0;
  for (const x of unionPoints(a, b)) d = Math.max(d, Math.abs(a.cdf(x) - b.cdf(x)));
  return { statistic: d, pValue: ksPValue(d, a.count, b.count) };
}
