/**
 * Bins on one-column summaries ({@link Distribution}: a KLL sketch or reference bins). A sketch's
 * CDF is a step function at the values it holds, so bins cut at held values never split tied values;
 * reference bins are exact at their edges, so bins cut at those edges have exact shares.
 */
import type { Distribution } from './distribution.js';

/**
 * Distinct baseline deciles (q10..q90): the inner edges of up to 10 bins (-inf, e0], (e0, e1], ...,
 * (e_last, inf). Tied values fall in one bin, so a column with few distinct values gets fewer bins.
 * With `snapTo` (the points of a binned side, where its CDF is exact), each decile moves to the
 * point nearest to it in the baseline's CDF, so the shares are exact on that side.
 *
 * @param s a non-empty distribution (the baseline).
 * @returns up to 9 strictly ascending inner edges, in the units of the values.
 */
export function decileEdges(s: Distribution, snapTo?: Float64Array): number[] {
  const edges: number[] = [];
  const cdfs = snapTo ? Array.from(snapTo, (x) => s.cdf(x)) : [];
  for (let i = 1; i <= 9; i++) {
    let q = s.quantile(i / 10);
    if (snapTo && snapTo.length > 0) {
      let best = 0;
      for (let k = 1; k < snapTo.length; k++)
        if (Math.abs(cdfs[k]! - i / 10) < Math.abs(cdfs[best]! - i / 10)) best = k;
      q = snapTo[best]!;
    }
    if (q < s.max && (edges.length === 0 || q > edges[edges.length - 1]!)) edges.push(q);
  }
  return edges;
}

/**
 * Shares of (-inf, e0], (e0, e1], ..., (e_last, inf) from the distribution's CDF.
 *
 * @param innerEdges k ascending inner edges, in the units of the values.
 * @returns k + 1 shares in [0, 1] summing to 1 (for a non-empty distribution).
 */
export function binShares(s: Distribution, innerEdges: readonly number[]): number[] {
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

/** The points of both distributions and `extra`, ascending, distinct. */
export function unionPoints(a: Distribution, b: Distribution, extra: readonly number[] = []): number[] {
  return distinctSorted([...a.points(), ...b.points(), ...extra]);
}

/**
 * Where both CDFs are known: the points of the binned side(s) (both binned: the points they share),
 * or of both sides when neither is binned.
 */
export function comparisonPoints(a: Distribution, b: Distribution): number[] {
  if (a.binned && b.binned) {
    const inB = new Set(b.points());
    return Array.from(a.points()).filter((x) => inB.has(x));
  }
  if (a.binned) return Array.from(a.points());
  if (b.binned) return Array.from(b.points());
  return unionPoints(a, b);
}

function distinctSorted(pts: number[]): number[] {
  pts.sort((x, y) => x - y);
  let w = 0;
  for (let r = 0; r < pts.length; r++) if (r === 0 || pts[r] !== pts[w - 1]) pts[w++] = pts[r]!;
  pts.length = w;
  return pts;
}
