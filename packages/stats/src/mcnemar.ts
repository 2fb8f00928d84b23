/**
 * McNemar's test of two classifiers' accuracies on the same rows (McNemar 1947, Psychometrika
 * 12(2)), with Newcombe's hybrid-score interval for the paired difference of accuracies.
 */
import { checkConfidence, type IntervalResult } from './interval.js';
import { lnGamma, normalQuantile } from './special.js';
import { chiSquarePValue } from './tests.js';

/**
 * P(X <= k) for X ~ Binomial(n, 1/2): the terms C(n, i) 2^-n summed down from i = k (log-gamma for
 * the first, then the ratio i / (n - i + 1)), stopping once they no longer change the sum.
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let t = Math.exp(lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1) - n * Math.LN2);
  let s = 0;
  for (let i = k; i >= 0; i--) {
    s += t;
    if (t < 1e-17 * s) break;
    t *= i / (n - i + 1);
  }
  return Math.min(1, s);
}

/** Wilson's score interval for x successes in n trials (Wilson 1927), z the normal quantile. */
export function wilsonInterval(x: number, n: number, z: number): [number, number] {
  const p = x / n;
  const z2 = z * z;
  const centre = (x + z2 / 2) / (n + z2);
  const half = (z * Math.sqrt(n * p * (1 - p) + z2 / 4)) / (n + z2);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe's interval for the difference of two paired proportions, method 10 of Newcombe (1998,
 * "Improved confidence intervals for the difference between binomial proportions based on paired
 * data", Statistics in Medicine 17(22):2635–2650): Wilson intervals of each proportion combined
 * with the correlation φ of the 2 x 2 table, no continuity correction.
 *
 * @param a, b, c, d the paired table: a both successes, b first only, c second only, d neither.
 * @returns [low, high] for p1 - p2 = (b - c) / n, within [-1, 1].
 */
export function newcombeInterval(a: number, b: number, c: number, d: number, z: number): [number, number] {
  const n = a + b + c + d;
  const p1 = (a + b) / n;
  const p2 = (a + c) / n;
  const [l1, u1] = wilsonInterval(a + b, n, z);
  const [l2, u2] = wilsonInterval(a + c, n, z);
  const den = (a + b) * (c + d) * (a + c) * (b + d);
  const phi = den > 0 ? (a * d - b * c) / Math.sqrt(den) : 0;
  const theta = p1 - p2;
  const dl = Math.sqrt(Math.max(0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2));
  const du = Math.sqrt(Math.max(0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2));
  return [Math.max(-1, theta - dl), Math.min(1, theta + du)];
}

/**
 * McNemar's test of accuracy(A) - accuracy(B) for two classifiers' hard predictions on the same
 * rows.
 *
 * b counts rows A gets right and B wrong, c the reverse. The p-value is, as
 * statsmodels.stats.contingency_tables.mcnemar computes it: with `exact` (default), the two-sided
 * binomial test min(1, 2 P(X <= min(b, c))), X ~ Binomial(b + c, 1/2), statistic min(b, c);
 * otherwise the chi-square test with one degree of freedom of (|b - c| - 1)² / (b + c) with
 * `correction` (default, Edwards 1948) or (b - c)² / (b + c) without. With b + c = 0 the statistic
 * is 0 and the p-value 1 (statsmodels gives NaN for the chi-square forms).
 *
 * The interval for estimate = (b - c) / n is Newcombe's method 10 ({@link newcombeInterval}),
 * which stays inside [-1, 1] and has near-nominal coverage for small b + c, where the Wald
 * interval does not; `standardError` is the Wald one, sqrt(b + c - (b - c)² / n) / n.
 *
 * @param labels 0/1 per row.
 * @param predA model A's predictions, 0/1, same rows.
 * @param predB model B's predictions, 0/1, same rows.
 * @throws RangeError on unequal lengths, no rows, a value not 0/1, or a confidence outside (0, 1).
 */
export function mcnemar(
  labels: Float64Array,
  predA: Float64Array,
  predB: Float64Array,
  opts: { exact?: boolean; correction?: boolean; confidence?: number } = {},
): IntervalResult & { b: number; c: number; statistic: number } {
  const exact = opts.exact ?? true;
  const correction = opts.correction ?? true;
  const confidence = opts.confidence ?? 0.95;
  checkConfidence(confidence);
  const n = labels.length;
  if (predA.length !== n || predB.length !== n)
    throw new RangeError(`predictions have ${predA.length} and ${predB.length} rows but labels have ${n}`);
  if (n === 0) throw new RangeError('no rows to compare the models on');
  let both = 0;
  let b = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    const pa = predA[i]!;
    const pb = predB[i]!;
    if (y !== 0 && y !== 1) throw new RangeError(`label at row ${i} is ${y}, not 0 or 1`);
    if (pa !== 0 && pa !== 1) throw new RangeError(`prediction A at row ${i} is ${pa}, not 0 or 1`);
    if (pb !== 0 && pb !== 1) throw new RangeError(`prediction B at row ${i} is ${pb}, not 0 or 1`);
    const ra = pa === y;
    const rb = pb === y;
    if (ra && rb) both++;
    else if (ra) b++;
    else if (rb) c++;
  }
  const neither = n - both - b - c;
  let statistic: number;
  let pValue: number;
  if (b + c === 0) {
    statistic = 0;
    pValue = 1;
  } else if (exact) {
    statistic = Math.min(b, c);
    pValue = Math.min(1, 2 * binomialHalfCdf(statistic, b + c));
  } else {
    statistic = (Math.abs(b - c) - (correction ? 1 : 0)) ** 2 / (b + c);
    pValue = chiSquarePValue(statistic, 1);
  }
  const z = normalQuantile(0.5 + confidence / 2);
  const [low, high] = newcombeInterval(both, b, c, neither, z);
  const method = exact ? 'mcnemar-exact' : correction ? 'mcnemar-chi2-corrected' : 'mcnemar-chi2';
  return {
    estimate: (b - c) / n,
    low,
    high,
    confidence,
    method: `${method}; newcombe-10 interval`,
    n,
    standardError: Math.sqrt(Math.max(0, b + c - (b - c) ** 2 / n)) / n,
    pValue,
    b,
    c,
    statistic,
  };
}
