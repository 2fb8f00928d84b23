/**
 * Bins on KLL sketches. A sketch's CDF is a step function at the values it holds, so bins cut at
 * held values never split tied values, and on an exact sketch (n below about 2k) the shares are exact.
 */
import type { KllSketch } from './kll.js';

/**
 * Distinct baseline deciles (q10..q90, values held by the sketch): the inner edges of up to 10 bins
 * (-inf, e0], (e0, e1], ..., (e_last, inf). Tied values fall in one bin, so a column with few
 * distinct values gets fewer bins.
 *
 * @param s a non-empty sketch (the baseline).
 * @returns up to 9 strictly ascending inner edges, in the units of the values.
 */
export function decileEdges(s: KllSketch): number[] {
  const edges: number[] = [];
  for (let i = 1; i <= 9; i++) {
    const q = s.quantile(i / 10);
    if (q < s.max && (edges.length === 0 || q > edges[edges.length - 1]!)) edges.push(q);
  }
  return edges;
}

/**
 * Shares of (-inf, e0], (e0, e1], ..., (e_last, inf) from the sketch's CDF.
 *
 * @param innerEdges k ascending inner edges, in the units of the values.
 * @returns k + 1 shares in [0, 1] summing to 1 (for a non-empty sketch).
 */
export function binShares(s: KllSketch, innerEdges: readonly number[]): number[] {
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

/** The values held by both sketches (where their CDFs step) and `extra`, ascending, distinct. */
export function unionPoints(a: KllSketch, b: KllSketch, extra: readonly number[] = []): number[] {
  const pts = [...a.points(), ...b.points(), ...extra].sort((x, y) => x - y);
  let w = 0;
  for (let r = 0; r < pts.length; r++) if (r === 0 || pts[r] !== pts[w - 1]) pts[w++] = pts[r]!;
  pts.length = w;
  return pts;
}
