/**
 * DeLong's test for the difference of two correlated ROC areas (DeLong, DeLong & Clarke-Pearson
 * 1988, Biometrics 44(3):837–845), with the O(n log n) computation of the placement values of Sun
 * & Xu (2014, IEEE Signal Processing Letters 21(11):1389–1393).
 */
import { checkConfidence, type IntervalResult } from './interval.js';
import { erfc, normalQuantile } from './special.js';

/**
 * Placement values of one classifier: for each positive row, the share of negatives scored below
 * it (ties one half), V10; for each negative row, the share of positives scored above it, V01.
 * Their means are both the ROC area. Rows keep their order within each class.
 */
export interface Placements {
  auc: number;
  v10: Float64Array;
  v01: Float64Array;
}

/**
 * Placement values in O(n log n): the scores of each class sorted once (a numeric typed-array
 * sort), then for each row the counts of the other class below and at its score by binary search.
 * This gives the midrank differences of Sun & Xu's algorithm (T_Z - T_X for positives) without
 * sorting indices. `label` must hold 0/1 with both classes present (not checked here).
 */
export function placements(label: Float64Array, score: Float64Array): Placements {
  const n = label.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += label[i]!;
  const k = n - m;
  const pos = new Float64Array(m);
  const neg = new Float64Array(k);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (label[i] === 1) pos[a++] = score[i]!;
    else neg[b++] = score[i]!;
  }
  const pSorted = pos.slice().sort();
  const nSorted = neg.slice().sort();
  const pIndex = bucketIndex(pSorted);
  const nIndex = bucketIndex(nSorted);
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(k);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const s = pos[i]!;
    const [lo, hi] = window(nIndex, s);
    const below = lowerBound(nSorted, s, lo, hi);
    const atOrBelow = upperBound(nSorted, s, below, hi);
    const v = (below + (atOrBelow - below) / 2) / k;
    v10[i] = v;
    sum += v;
  }
  for (let j = 0; j < k; j++) {
    const s = neg[j]!;
    const [lo, hi] = window(pIndex, s);
    const below = lowerBound(pSorted, s, lo, hi);
    const atOrBelow = upperBound(pSorted, s, below, hi);
    v01[j] = (m - atOrBelow + (atOrBelow - below) / 2) / m;
  }
  return { auc: sum / m, v10, v01 };
}

/** Buckets of [0, 1] for {@link bucketIndex}: the searches start within a bucket of the answer. */
const BUCKETS = 1 << 16;

/**
 * For scores in [0, 1] sorted ascending: entry b is the first index with a[i] >= b / BUCKETS
 * (BUCKETS + 1 entries). A search for x then looks only between the entries a bucket either side
 * of x's, so each placement costs a few memory reads instead of a bisection of the whole array.
 */
function bucketIndex(a: Float64Array): Uint32Array {
  const index = new Uint32Array(BUCKETS + 1);
  let i = 0;
  for (let b = 0; b <= BUCKETS; b++) {
    const edge = b / BUCKETS;
    while (i < a.length && a[i]! < edge) i++;
    index[b] = i;
  }
  return index;
}

/** The range of indices that holds the lower and upper bounds of x: one bucket of slack each side. */
function window(index: Uint32Array, x: number): [number, number] {
  if (!(x >= 0 && x <= 1)) return [0, Infinity]; // outside the buckets: the whole array
  const b = Math.floor(x * BUCKETS);
  const lo = index[Math.max(0, Math.min(BUCKETS, b - 1))]!;
  const hi = b + 2 >= BUCKETS ? Infinity : index[b + 2]!;
  return [lo, hi];
}

/** First index with a[i] >= x, knowing it lies in [lo, hi] (hi may be Infinity: the array's end). */
function lowerBound(a: Float64Array, x: number, lo = 0, hi = Infinity): number {
  hi = Math.min(hi, a.length);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with a[i] > x, searching from `from` (a lower bound of x) up to `hi`. */
function upperBound(a: Float64Array, x: number, from: number, hi = Infinity): number {
  // Ties are usually few: step, then fall back to bisection.
  let lo = from;
  for (let t = 0; t < 8; t++) {
    if (lo >= a.length || a[lo]! > x) return lo;
    lo++;
  }
  hi = Math.min(hi, a.length);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkAucInputs(labels: Float64Array, a: Float64Array, b: Float64Array): void {
  const n = labels.length;
  if (a.length !== n || b.length !== n)
    throw new RangeError(`scores have ${a.length} and ${b.length} rows but labels have ${n}`);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (y !== 0 && y !== 1) throw new RangeError(`label at row ${i} is ${y}, not 0 or 1`);
    pos += y;
    const sa = a[i]!;
    const sb = b[i]!;
    if (!(sa >= 0 && sa <= 1))
      throw new RangeError(`score A at row ${i} is ${sa}, not a probability in [0, 1]`);
    if (!(sb >= 0 && sb <= 1))
      throw new RangeError(`score B at row ${i} is ${sb}, not a probability in [0, 1]`);
  }
  if (pos === 0 || pos === n)
    throw new RangeError(`DeLong's test needs both classes in the labels, but every label is ${pos ? 1 : 0}`);
}

/** Sample covariance (ddof 1) of two equally long vectors; 0 for fewer than two entries. */
function cov(x: Float64Array, y: Float64Array, mx: number, my: number): number {
  const n = x.length;
  if (n < 2) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i]! - mx) * (y[i]! - my);
  return s / (n - 1);
}

/**
 * DeLong's test of AUC(A) - AUC(B) for two classifiers scored on the same rows.
 *
 * The covariance matrix of (AUC_A, AUC_B) is S10 / m + S01 / n, with S10 and S01 the sample
 * covariance matrices (ddof 1) of the placement values of the m positives and the n negatives
 * (DeLong et al. 1988, eq. 4 in Sun & Xu 2014). The interval is the Wald interval
 * estimate ± z_{(1+confidence)/2} · se and the p-value two-sided, 2 Φ(-|z|), z = estimate / se, as
 * pROC's `roc.test(method = "delong")` reports them. When se = 0 (identical or perfectly
 * correlated placements) the interval is the estimate itself and the p-value 1 if the estimate is
 * 0, else 0.
 *
 * @param labels 0/1 per row, both classes present.
 * @param scoreA scores of model A in [0, 1] (any monotone score gives the same answer; probabilities are checked).
 * @param scoreB scores of model B, same rows.
 * @returns estimate = aucA - aucB (AUC units, in [-1, 1]), the interval, standardError, pValue,
 *   covariance [[var A, cov], [cov, var B]], method 'delong', n rows.
 * @throws RangeError on unequal lengths, a label not 0/1, a score outside [0, 1] or not finite,
 *   one class only, or a confidence outside (0, 1).
 */
export function delong(
  labels: Float64Array,
  scoreA: Float64Array,
  scoreB: Float64Array,
  opts: { confidence?: number } = {},
): IntervalResult & { aucA: number; aucB: number; covariance: [[number, number], [number, number]] } {
  const confidence = opts.confidence ?? 0.95;
  checkConfidence(confidence);
  checkAucInputs(labels, scoreA, scoreB);
  const pa = placements(labels, scoreA);
  const pb = placements(labels, scoreB);
  const m = pa.v10.length;
  const k = pa.v01.length;
  const mean01a = mean(pa.v01);
  const mean01b = mean(pb.v01);
  const s10 = [
    cov(pa.v10, pa.v10, pa.auc, pa.auc),
    cov(pa.v10, pb.v10, pa.auc, pb.auc),
    cov(pb.v10, pb.v10, pb.auc, pb.auc),
  ];
  const s01 = [
    cov(pa.v01, pa.v01, mean01a, mean01a),
    cov(pa.v01, pb.v01, mean01a, mean01b),
    cov(pb.v01, pb.v01, mean01b, mean01b),
  ];
  const varA = s10[0]! / m + s01[0]! / k;
  const covAB = s10[1]! / m + s01[1]! / k;
  const varB = s10[2]! / m + s01[2]! / k;
  const estimate = pa.auc - pb.auc;
  const v = varA + varB - 2 * covAB;
  const se = v > 0 ? Math.sqrt(v) : 0;
  const zq = normalQuantile(0.5 + confidence / 2);
  let pValue: number;
  if (se > 0) pValue = erfc(Math.abs(estimate / se) / Math.SQRT2);
  else pValue = estimate === 0 ? 1 : 0;
  return {
    estimate,
    low: estimate - zq * se,
    high: estimate + zq * se,
    confidence,
    method: 'delong',
    n: labels.length,
    standardError: se,
    pValue,
    aucA: pa.auc,
    aucB: pb.auc,
    covariance: [
      [varA, covAB],
      [covAB, varB],
    ],
  };
}

function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return x.length ? s / x.length : 0;
}
