/**
 * Distances between two distributions: on share vectors (PSI, Jensen–Shannon, L-infinity) and on
 * numeric samples or KLL sketches (Wasserstein-1).
 *
 * The share-vector functions take two vectors of the same length k (shares or counts per bin or
 * category: each is normalised to sum 1 first; an all-zero vector stays all zeros) and throw a
 * RangeError when the lengths differ.
 */
import { unionPoints } from './bins.js';
import type { KllSketch } from './kll.js';
import { checkSameLength, normalise } from './vectors.js';

/** Default lower clamp of the shares in {@link psi}. */
export const PSI_EPSILON = 1e-4;

/**
 * Population Stability Index, sum (q - p) ln(q / p) over the k bins, each share clamped below at
 * `epsilon` so empty bins stay finite. Dimensionless (natural log), >= 0. The index of credit-scoring
 * practice (see Yurdakul, "Statistical properties of population stability index", 2018).
 *
 * @throws RangeError when `p` and `q` differ in length.
 */
export function psi(p: readonly number[], q: readonly number[], epsilon: number = PSI_EPSILON): number {
  checkSameLength(p, q);
  const a = normalise(p);
  const b = normalise(q);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.max(a[i]!, epsilon);
    const y = Math.max(b[i]!, epsilon);
    s += (y - x) * Math.log(y / x);
  }
  return s;
}

/**
 * Jensen–Shannon distance, base 2: the square root of the Jensen–Shannon divergence (Lin, "Divergence
 * measures based on the Shannon entropy", 1991), in [0, 1]; like
 * `scipy.spatial.distance.jensenshannon(p, q, base=2)`.
 *
 * @throws RangeError when `p` and `q` differ in length.
 */
export function jsDistance(p: readonly number[], q: readonly number[]): number {
  checkSameLength(p, q);
  const a = normalise(p);
  const b = normalise(q);
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const m = (x + y) / 2;
    if (x > 0) d += x * Math.log(x / m);
    if (y > 0) d += y * Math.log(y / m);
  }
  return Math.sqrt(Math.max(0, d / 2 / Math.LN2));
}

/**
 * L-infinity distance between share vectors, max |p_i - q_i|, in [0, 1] (TensorFlow Data
 * Validation's drift measure for categorical features).
 *
 * @throws RangeError when `p` and `q` differ in length.
 */
export function linfDistance(p: readonly number[], q: readonly number[]): number {
  checkSameLength(p, q);
  const a = normalise(p);
  const b = normalise(q);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/**
 * Exact Wasserstein-1 (earth mover's) distance between two samples, the integral of |F_a - F_b|
 * (scipy.stats.wasserstein_distance), in the units of the values. NaN when either sample is empty.
 */
export function wassersteinFromSamples(a: readonly number[], b: readonly number[]): number {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) return NaN;
  let i = 0;
  let j = 0;
  let w = 0;
  let prev = Math.min(x[0]!, y[0]!);
  while (i < n || j < m) {
    const v = j >= m || (i < n && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    w += Math.abs(i / n - j / m) * (v - prev);
    while (i < n && x[i]! <= v) i++;
    while (j < m && y[j]! <= v) j++;
    prev = v;
  }
  return w;
}

/**
 * Wasserstein-1 distance of two sketches: the integral of |F1 - F2| of their CDFs, which are step
 * functions at the values held, so this is {@link wassersteinFromSamples} on the weighted items:
 * exact while both sketches are exact, and otherwise off by at most (e1 + e2) x (max - min), with e
 * each sketch's rank error as a share of n. In the units of the values; NaN when either is empty.
 */
export function wassersteinFromSketches(a: KllSketch, b: KllSketch): number {
  if (a.count === 0 || b.count === 0) return NaN;
  const pts = unionPoints(a, b);
  let w = 0;
  for (let k = 0; k + 1 < pts.length; k++) {
    const x = pts[k]!;
    w += Math.abs(a.cdf(x) - b.cdf(x)) * (pts[k + 1]! - x);
  }
  return w;
}
