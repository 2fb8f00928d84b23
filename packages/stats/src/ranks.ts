/**
 * Rank statistics of two independent samples: the Mann–Whitney U test (as scipy.stats.mannwhitneyu)
 * and the Hodges–Lehmann estimate of the shift between them with its distribution-free interval
 * (Hollander, Wolfe & Chicken 2014, Nonparametric Statistical Methods, 3rd ed., §4.2–4.3; Lehmann
 * 1975, Nonparametrics, §2.6). The canary judge uses them on per-period latencies of two variants.
 */
import { normalCdf, normalQuantile } from './special.js';

/** Alternative hypothesis about x relative to y (scipy's names: 'greater' = x tends to be larger). */
export type Alternative = 'two-sided' | 'less' | 'greater';

/** What {@link mannWhitneyU} returns. */
export interface MannWhitneyResult {
  /** U of x: the number of pairs (x_i, y_j) with x_i > y_j, ties counting one half. */
  statistic: number;
  pValue: number;
  /** 'exact' (no ties and a sample of at most 8 values, as scipy's 'auto') or 'asymptotic'. */
  method: 'exact' | 'asymptotic';
  /** The standardised statistic of the asymptotic method (continuity-corrected), else NaN. */
  z: number;
}

/** Mid-ranks (1-based, ties get their average rank) of the concatenation of x and y. */
function midRanks(x: ArrayLike<number>, y: ArrayLike<number>): { ranks: Float64Array; tieTerm: number } {
  const n = x.length + y.length;
  const v = new Float64Array(n);
  for (let i = 0; i < x.length; i++) v[i] = x[i]!;
  for (let j = 0; j < y.length; j++) v[x.length + j] = y[j]!;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && v[order[j + 1]!] === v[order[i]!]) j++;
    const t = j - i + 1;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { ranks, tieTerm };
}

function checkSample(x: ArrayLike<number>, what: string): void {
  if (x.length === 0) throw new RangeError(`${what} is empty`);
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]!)) throw new RangeError(`${what}[${i}] is not a finite number`);
}

/**
 * The number of arrangements of m x's and n y's with each value of U (0..mn): the coefficients of
 * the Gaussian binomial [m+n choose m]_q = prod_{i=1..k} (1 - q^(K+i)) / (1 - q^i), k = min(m, n),
 * K = max(m, n); O(k m n) operations.
 */
function exactCounts(m: number, n: number): Float64Array {
  const k = Math.min(m, n);
  const big = Math.max(m, n);
  // Room for the degree reached after a multiplication, before its division.
  const f = new Float64Array(m * n + k + 1);
  f[0] = 1;
  let deg = 0;
  for (let i = 1; i <= k; i++) {
    // Multiply by (1 - q^(big+i)), then divide by (1 - q^i) (exact: the quotient is a polynomial).
    const s = big + i;
    deg += s;
    for (let u = deg; u >= s; u--) f[u]! -= f[u - s]!;
    for (let u = i; u <= deg; u++) f[u]! += f[u - i]!;
    deg -= i;
  }
  return f.subarray(0, m * n + 1);
}

/**
 * The Mann–Whitney U test of two independent samples, as scipy.stats.mannwhitneyu with its
 * defaults (use_continuity=True, method='auto': exact when there are no ties and one sample has
 * at most 8 values, else the normal approximation with the tie-corrected variance).
 *
 * @param x, y the samples (finite numbers, at least one each).
 * @param alternative 'greater': x tends to exceed y; 'less'; 'two-sided' (default).
 * @returns U of x, the p-value, the method and the asymptotic z.
 * @throws RangeError on an empty sample or a non-finite value.
 */
export function mannWhitneyU(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  alternative: Alternative = 'two-sided',
): MannWhitneyResult {
  checkSample(x, 'x');
  checkSample(y, 'y');
  const m = x.length;
  const n = y.length;
  const { ranks, tieTerm } = midRanks(x, y);
  let r1 = 0;
  for (let i = 0; i < m; i++) r1 += ranks[i]!;
  const u1 = r1 - (m * (m + 1)) / 2;
  const mn = m * n;
  if (tieTerm === 0 && (m <= 8 || n <= 8)) {
    const counts = exactCounts(m, n);
    let total = 0;
    for (const c of counts) total += c;
    // P(U >= u) and P(U <= u) under the null.
    const upper = (u: number) => {
      let s = 0;
      for (let k = Math.ceil(u); k < counts.length; k++) s += counts[k]!;
      return s / total;
    };
    const lower = (u: number) => {
      let s = 0;
      for (let k = 0; k <= Math.floor(u) && k < counts.length; k++) s += counts[k]!;
      return s / total;
    };
    const p =
      alternative === 'greater'
        ? upper(u1)
        : alternative === 'less'
          ? lower(u1)
          : Math.min(1, 2 * Math.min(upper(Math.max(u1, mn - u1)), 1));
    return { statistic: u1, pValue: p, method: 'exact', z: NaN };
  }
  const N = m + n;
  const sd = Math.sqrt((mn / 12) * (N + 1 - tieTerm / (N * (N - 1))));
  const mu = mn / 2;
  // scipy: U = max(U1, U2) for two-sided; the continuity correction subtracts 0.5 from U - mu.
  const u = alternative === 'two-sided' ? Math.max(u1, mn - u1) : alternative === 'greater' ? u1 : mn - u1;
  const z = sd > 0 ? (u - mu - 0.5) / sd : 0;
  const pOne = sd > 0 ? normalCdf(-z) : 1;
  const p = alternative === 'two-sided' ? Math.min(1, 2 * pOne) : pOne;
  return { statistic: u1, pValue: p, method: 'asymptotic', z };
}

/** What {@link hodgesLehmann} returns. */
export interface ShiftEstimate {
  /** The median of the m n differences y_j - x_i: the shift of y relative to x. */
  estimate: number;
  /** The interval [low, high] from order statistics of the differences (infinite when too few). */
  low: number;
  high: number;
  /** The critical value used (the normal quantile, or a confidence sequence's boundary). */
  critical: number;
  /** Order statistic rank k (1-based) of the lower bound, k = floor(mn/2 - c sd(U)); 0 if none. */
  rank: number;
}

/**
 * The Hodges–Lehmann estimate of the shift of y relative to x (the median of the m n pairwise
 * differences y_j - x_i) and its distribution-free interval: the k-th smallest and k-th largest
 * differences, k = floor(mn/2 - c sqrt(mn(m+n+1)/12)) (the normal approximation of U's null
 * distribution, no continuity correction; Hollander, Wolfe & Chicken 2014, eq. 4.41). c is the
 * two-sided normal quantile of `confidence`, or `critical` when given (a confidence sequence
 * passes its boundary). When k < 1 the interval is (-Infinity, Infinity): too few values.
 *
 * Cost: O(mn log mn) time and O(mn) memory; meant for per-period values (hundreds per sample).
 * @throws RangeError on an empty sample, a non-finite value, more than 10^7 pairs, or a
 *   confidence outside (0, 1).
 */
export function hodgesLehmann(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: { confidence?: number; critical?: number } = {},
): ShiftEstimate {
  checkSample(x, 'x');
  checkSample(y, 'y');
  const m = x.length;
  const n = y.length;
  const mn = m * n;
  if (mn > 1e7) throw new RangeError(`${m} × ${n} pairs is more than the 10^7 this estimate handles`);
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence ${confidence} is not between 0 and 1 (exclusive)`);
  const c = opts.critical ?? normalQuantile(1 - (1 - confidence) / 2);
  const d = new Float64Array(mn);
  for (let i = 0, k = 0; i < m; i++) for (let j = 0; j < n; j++) d[k++] = y[j]! - x[i]!;
  d.sort();
  const estimate = mn % 2 === 1 ? d[(mn - 1) / 2]! : (d[mn / 2 - 1]! + d[mn / 2]!) / 2;
  const k = Math.floor(mn / 2 - c * Math.sqrt((mn * (m + n + 1)) / 12));
  if (k < 1) return { estimate, low: -Infinity, high: Infinity, critical: c, rank: 0 };
  return { estimate, low: d[k - 1]!, high: d[mn - k]!, critical: c, rank: k };
}

/** What {@link wilcoxonSignedRank} returns. */
export interface WilcoxonResult {
  /** scipy's statistic: min(W+, W−) for 'two-sided', else W+ (the rank sum of the positive d). */
  statistic: number;
  pValue: number;
  /** 'exact' (at most 50 non-zero differences, no ties) or 'asymptotic'. */
  method: 'exact' | 'asymptotic';
  /** Non-zero differences used (zeros are dropped, Wilcoxon's rule). */
  n: number;
}

/**
 * The Wilcoxon signed-rank test of paired differences d (e.g. per-period log latency of the
 * challenger minus the champion's in the same period), as scipy.stats.wilcoxon(d) with its
 * defaults (zero_method='wilcox': zeros dropped; correction=False; method='auto': the exact null
 * distribution up to 50 differences without ties, else the normal approximation with the tie
 * correction). scipy answers small samples with ties by a permutation test; this function uses
 * the normal approximation there.
 *
 * @param d the differences (finite numbers).
 * @param alternative 'greater': d tends to be positive; 'less'; 'two-sided' (default).
 * @throws RangeError on an empty d, a non-finite value, or d all zeros.
 */
export function wilcoxonSignedRank(
  d: ArrayLike<number>,
  alternative: Alternative = 'two-sided',
): WilcoxonResult {
  checkSample(d, 'd');
  const nz: number[] = [];
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) nz.push(d[i]!);
  const n = nz.length;
  if (n === 0) throw new RangeError('every difference is zero: nothing to rank');
  const { ranks, tieTerm } = midRanks(
    nz.map((v) => Math.abs(v)),
    [],
  );
  let rPlus = 0;
  for (let i = 0; i < n; i++) if (nz[i]! > 0) rPlus += ranks[i]!;
  const total = (n * (n + 1)) / 2;
  const statistic = alternative === 'two-sided' ? Math.min(rPlus, total - rPlus) : rPlus;
  if (n <= 50 && tieTerm === 0) {
    // counts[w]: subsets of {1..n} with sum w.
    const counts = new Float64Array(total + 1);
    counts[0] = 1;
    for (let k = 1, top = 0; k <= n; k++) {
      top += k;
      for (let w = top; w >= k; w--) counts[w]! += counts[w - k]!;
    }
    const all = 2 ** n;
    const cdf = (w: number) => {
      let s = 0;
      for (let k = 0; k <= w; k++) s += counts[k]!;
      return s / all;
    };
    const sf = (w: number) => 1 - cdf(w - 1); // P(W+ >= w)
    const p =
      alternative === 'greater'
        ? sf(rPlus)
        : alternative === 'less'
          ? cdf(rPlus)
          : Math.min(1, 2 * Math.min(sf(rPlus), cdf(rPlus)));
    return { statistic, pValue: p, method: 'exact', n };
  }
  const se = Math.sqrt((n * (n + 1) * (2 * n + 1) - tieTerm / 2) / 24);
  const z = (rPlus - total / 2) / se;
  const p =
    alternative === 'greater'
      ? normalCdf(-z)
      : alternative === 'less'
        ? normalCdf(z)
        : Math.min(1, 2 * normalCdf(-Math.abs(z)));
  return { statistic, pValue: p, method: 'asymptotic', n };
}

/**
 * The Hodges–Lehmann estimate of the centre of paired differences d (the median of the
 * n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j) and its distribution-free interval: the k-th
 * smallest and k-th largest Walsh averages, k = floor(N/2 − c sqrt(n(n+1)(2n+1)/24)), N = n(n+1)/2
 * (the normal approximation of the signed-rank statistic; Hollander, Wolfe & Chicken 2014,
 * eq. 3.26). c is the normal quantile of `confidence`, or `critical` when given. When k < 1 the
 * interval is (−Infinity, Infinity).
 * @throws RangeError on an empty d, a non-finite value, more than 4,000 differences, or a
 *   confidence outside (0, 1).
 */
export function hodgesLehmannPaired(
  d: ArrayLike<number>,
  opts: { confidence?: number; critical?: number } = {},
): ShiftEstimate {
  checkSample(d, 'd');
  const n = d.length;
  if (n > 4000) throw new RangeError(`${n} differences is more than the 4,000 this estimate handles`);
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence ${confidence} is not between 0 and 1 (exclusive)`);
  const c = opts.critical ?? normalQuantile(1 - (1 - confidence) / 2);
  const N = (n * (n + 1)) / 2;
  const w = new Float64Array(N);
  for (let i = 0, k = 0; i < n; i++) for (let j = i; j < n; j++) w[k++] = (d[i]! + d[j]!) / 2;
  w.sort();
  const estimate = N % 2 === 1 ? w[(N - 1) / 2]! : (w[N / 2 - 1]! + w[N / 2]!) / 2;
  const k = Math.floor(N / 2 - c * Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24));
  if (k < 1) return { estimate, low: -Infinity, high: Infinity, critical: c, rank: 0 };
  return { estimate, low: w[k - 1]!, high: w[N - k]!, critical: c, rank: k };
}
