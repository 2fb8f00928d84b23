/**
 * Bins on quantile sketches. A sketch's CDF is exact at the edges of its buckets, so bins cut there
 * (and comparisons made there) are exact on any two sketches with the same accuracy alpha.
 */
import type { QuantileSketch } from './sketch.js';

/**
 * Distinct baseline deciles (q10..q90), each moved up to the upper bound of its sketch bucket (at
 * most 2 alpha away): the inner edges of up to 10 bins whose shares are exact on both sketches.
 *
 * @param s a non-empty sketch (the baseline).
 * @returns up to 9 strictly ascending inner edges, in the units of the values.
 */
export function decileEdges(s: QuantileSketch): number[] {
  const edges: number[] = [];
  for (let i = 1; i <= 9; i++) {
    const q = s.bucketUpperBound(s.quantile(i / 10));
    if (edges.length === 0 || q > edges[edges.length - 1]!) edges.push(q);
  }
  return edges;
}

/**
 * Shares of (-inf, e0], (e0, e1], ..., (e_last, inf) from the sketch's CDF.
 *
 * @param innerEdges k ascending inner edges, in the units of the values.
 * @returns k + 1 shares in [0, 1] summing to 1 (for a non-empty sketch).
 */
export function binShares(s: QuantileSketch, innerEdges: readonly number[]): number[] {
  const out: number[] = [];
  let prev = 0;
  for (const e of innerEdges) {
    const f = s.cdf(e);
    out.push(Math.max(0, f - prev));
    prev = Math.max(prev, f);
  }
  out.push(Math.max(0, 1 - prev));
  return out;
}

/** The bucket edges of both sketches (see QuantileSketch.breakpoints) and `extra`, ascending, distinct. */
export function unionPoints(a: QuantileSketch, b: QuantileSketch, extra: readonly number[] = []): number[] {
  const pts = [...a.breakpoints(), ...b.breakpoints(), ...extra].sort((x, y) => x - y);
  let w = 0;
  for (let r = 0; r < pts.length; r++) if (r === 0 || pts[r] !== pts[w - 1]) pts[w++] = pts[r]!;
  pts.length = w;
  return pts;
}
