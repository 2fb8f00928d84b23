/**
 * Distances between two distributions: on share vectors (PSI, Jensen–Shannon, L-infinity) and on
 * numeric samples or KLL sketches (Wasserstein-1).
 *
 * The share-vector functions take two vectors of the same length k (shares or counts per bin or
 * category: each is normalised to sum 1 first; an all-zero vector stays all zeros) and throw a
 * RangeError when the lengths differ.
 */
import type { Distribution } from './distribution.js';
import { ReferenceBins } from './reference-bins.js';
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
 * Wasserstein-1 distance of two one-column summaries: the integral of |F1 - F2| of their CDFs, each
 * taken as point masses: a KLL sketch's items with their weights, and reference bins' counts at the
 * mean of the values in each bin ({@link ReferenceBins.atoms}). Exact while both sides are exact
 * sketches, or bins holding one distinct value each; a compacted sketch adds at most
 * e x (max - min), with e its rank error as a share of n; a bin holding several values adds at most
 * its share times its width. In the units of the values; NaN when either side is empty.
 */
export function wassersteinFromSketches(a: Distribution, b: Distribution): number {
  if (a.count === 0 || b.count === 0) return NaN;
  const x = stepCdf(a);
  const y = stepCdf(b);
  // Walk both step functions; between consecutive jump points both CDFs are constant.
  let i = 0;
  let j = 0;
  let fa = 0;
  let fb = 0;
  let prev = Math.min(x.values[0]!, y.values[0]!);
  let w = 0;
  while (i < x.values.length || j < y.values.length) {
    const v =
      j >= y.values.length || (i < x.values.length && x.values[i]! <= y.values[j]!)
        ? x.values[i]!
        : y.values[j]!;
    w += Math.abs(fa - fb) * (v - prev);
    while (i < x.values.length && x.values[i]! <= v) fa = x.cum[i++]!;
    while (j < y.values.length && y.values[j]! <= v) fb = y.cum[j++]!;
    prev = v;
  }
  return w;
}

/** A summary as a step CDF: ascending jump points and the CDF (a share) from each on. */
function stepCdf(d: Distribution): { values: Float64Array; cum: Float64Array } {
  if (d instanceof ReferenceBins) {
    const { values, weights } = d.atoms();
    const cum = new Float64Array(values.length);
    let c = 0;
    for (let k = 0; k < values.length; k++) cum[k] = (c += weights[k]!) / d.count;
    return { values, cum };
  }
  const values = d.points();
  return { values, cum: values.map((v) => d.cdf(v)) };
}
