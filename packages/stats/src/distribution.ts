/**
 * What the two-sample statistics need of a one-column summary: a KLL sketch (values kept, CDF a
 * step function at them, rank error a bounded share of n) or reference bins (exact counts at fixed
 * edges, CDF known only at the edges).
 */
export interface Distribution {
  /** True when the CDF is known only at {@link points} (linear between them); false for a step CDF. */
  readonly binned: boolean;
  /** Number of finite values summarised. */
  readonly count: number;
  /** Exact minimum and maximum (NaN when empty). */
  readonly min: number;
  readonly max: number;
  /** Ascending distinct points where {@link cdf} is exact (up to {@link rankError}) or steps. */
  points(): Float64Array;
  /** Estimated share of values <= x, in [0, 1] (NaN when empty). */
  cdf(x: number): number;
  /** Bound on the absolute rank error of one {@link cdf} query (times n) with probability >= 1 - delta. */
  rankError(delta: number): number;
  /** A value at rank q (n - 1), lower-rank convention; the exact min / max at q <= 0 / q >= 1. */
  quantile(q: number): number;
}
