/**
 * Exact counts of a column's values in reference bins fixed before the values are read: the
 * current side of a drift comparison, counted into bins cut at the baseline's quantiles.
 *
 * Edges e_0 < e_1 < … < e_{m-1} make m + 1 bins: (-inf, e_0], (e_0, e_1], …, (e_{m-1}, +inf). Each
 * finite value adds 1 to its bin, so the empirical CDF is **exact at every edge** (F(e_i) is the
 * count up to bin i over n) whatever the values' location, scale, ties or outliers; between edges it
 * is not known, and {@link ReferenceBins.cdf} interpolates linearly. Bins over the same edges merge by
 * adding counts, so a profile built in parts (two threads, shards) equals the one built in one pass.
 * Memory is 16 bytes per edge plus a lookup index; a value costs one index lookup and a short binary
 * search. Exact minimum and maximum are kept.
 *
 * Used with the baseline's quantiles as edges (see {@link referenceEdges}), the two-sample KS
 * statistic over the edges is a lower bound of the exact one that misses it by at most the largest
 * share a bin holds on either side (Kolmogorov–Smirnov on grouped data; the test stays conservative).
 */
import type { Distribution } from './distribution.js';

/** Number of index cells per edge of the lookup table. */
const CELLS_PER_EDGE = 4;

/** The bins as plain JSON data; see {@link ReferenceBins.toJSON}. */
export interface ReferenceBinsJSON {
  /** Strictly ascending finite edges. */
  edges: number[];
  /** `edges.length + 1` counts: bin 0 is (-inf, edges[0]], the last bin (edges[last], +inf). */
  counts: number[];
  /** Sum of the values in each bin (`counts.length` of them). */
  sums: number[];
  /** Exact minimum and maximum of the values counted (absent when none were). */
  min?: number;
  max?: number;
}

/** The bins described at the top of this file. */
export class ReferenceBins implements Distribution {
  readonly binned = true;
  readonly edges: Float64Array;
  private readonly counts: Float64Array;
  private n = 0;
  private lo = Infinity;
  private hi = -Infinity;
  // Lookup: value v in [edges[0], edges[last]] falls in cell c = floor((v - edges[0]) * scale); the
  // answer (the first edge >= v) lies in [first[c], first[c + 1]].
  private readonly scale: number;
  private readonly first: Int32Array;
  private readonly cells: number;
  private readonly e0: number;
  private readonly eLast: number;
  private readonly last: number;
  // Sum of the values in each bin (their mean places the bin's mass for Wasserstein).
  private readonly sums: Float64Array;
  // Running totals of counts, rebuilt when n changed.
  private readonly prefix: Float64Array;
  private prefixN = -1;

  /**
   * @param edges strictly ascending finite numbers (at least one).
   * @throws RangeError when they are not.
   */
  constructor(edges: ArrayLike<number>) {
    const m = edges.length;
    if (m === 0) throw new RangeError('reference bins need at least one edge');
    const e = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const v = edges[i]!;
      if (!Number.isFinite(v)) throw new RangeError(`reference edge ${i} is not a finite number (${v})`);
      if (i > 0 && !(v > e[i - 1]!))
        throw new RangeError(
          `reference edges must be strictly ascending (edge ${i} is ${v} after ${e[i - 1]})`,
        );
      e[i] = v;
    }
    this.edges = e;
    this.counts = new Float64Array(m + 1);
    this.sums = new Float64Array(m + 1);
    this.e0 = e[0]!;
    this.eLast = e[m - 1]!;
    this.last = m - 1;
    this.prefix = new Float64Array(m + 1);
    const span = e[m - 1]! - e[0]!;
    const cells = m > 1 && span > 0 && Number.isFinite(span) ? CELLS_PER_EDGE * m : 1;
    this.scale = cells > 1 ? cells / span : 0;
    this.first = new Int32Array(cells + 1);
    this.cells = cells;
    // first[c]: the first edge >= the cell's start (the last cell ends at the last edge).
    let j = 0;
    for (let c = 0; c < cells; c++) {
      const start = e[0]! + c / this.scale;
      while (j < m - 1 && e[j]! < start) j++;
      this.first[c] = j;
    }
    this.first[cells] = m - 1;
  }

  /** Count one value. Non-finite values (NaN, ±Infinity) are ignored. */
  add(v: number): void {
    if (v - v !== 0) return;
    const e = this.edges;
    const last = this.last;
    let i: number;
    if (v <= this.e0) i = 0;
    else if (v > this.eLast) i = last + 1;
    else {
      let c = ((v - this.e0) * this.scale) | 0;
      if (c >= this.cells) c = this.cells - 1;
      let a = this.first[c]!;
      let b = this.first[c + 1]!;
      // The first edge >= v is in [a, b] unless rounding put v in a neighbouring cell: then search
      // all edges.
      if ((a > 0 && !(e[a - 1]! < v)) || !(e[b]! >= v)) {
        a = 0;
        b = last;
      }
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (e[mid]! < v) a = mid + 1;
        else b = mid;
      }
      i = a;
    }
    this.counts[i]!++;
    this.sums[i]! += v;
    this.n++;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
  }

  /**
   * Add the counts of `other` (left unchanged).
   *
   * @throws RangeError when its edges differ.
   */
  merge(other: ReferenceBins): void {
    const e = this.edges;
    const o = other.edges;
    if (o.length !== e.length || o.some((v, i) => v !== e[i]))
      throw new RangeError('cannot merge reference bins with different edges');
    for (let i = 0; i < this.counts.length; i++) {
      this.counts[i]! += other.counts[i]!;
      this.sums[i]! += other.sums[i]!;
    }
    this.n += other.n;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  /** Number of finite values counted. */
  get count(): number {
    return this.n;
  }

  /** Exact minimum (NaN when empty). */
  get min(): number {
    return this.n === 0 ? NaN : this.lo;
  }

  /** Exact maximum (NaN when empty). */
  get max(): number {
    return this.n === 0 ? NaN : this.hi;
  }

  /** Always 0: the counts are exact. */
  rankError(): number {
    return 0;
  }

  /** Counts per bin (a copy), `edges.length + 1` of them. */
  binCounts(): number[] {
    return Array.from(this.counts);
  }

  /**
   * The bins as point masses at the mean of the values each holds: ascending values and their
   * counts (empty bins left out). Exact when each bin holds one distinct value (a discrete column
   * whose values are the edges); otherwise each bin's spread is lost, never its mass or mean.
   */
  atoms(): { values: Float64Array; weights: Float64Array } {
    const values: number[] = [];
    const weights: number[] = [];
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i]!;
      if (c === 0) continue;
      const lower = i === 0 ? this.lo : Math.max(this.edges[i - 1]!, this.lo);
      const upper = i === this.edges.length ? this.hi : Math.min(this.edges[i]!, this.hi);
      // Rounding of the sum may step outside the bin: clamp.
      values.push(Math.min(upper, Math.max(lower, this.sums[i]! / c)));
      weights.push(c);
    }
    return { values: Float64Array.from(values), weights: Float64Array.from(weights) };
  }

  /**
   * Where the CDF is known exactly, ascending: the largest double below min (F = 0), the edges in
   * [min, max) and max (F = 1).
   */
  points(): Float64Array {
    if (this.n === 0) return new Float64Array(0);
    const out: number[] = [nextDown(this.lo)];
    for (const e of this.edges) if (e >= this.lo && e < this.hi) out.push(e);
    out.push(this.hi);
    return Float64Array.from(out);
  }

  /**
   * Share of values <= x: exact at {@link points}, linear between them. NaN when empty or x is NaN.
   */
  cdf(x: number): number {
    if (this.n === 0 || Number.isNaN(x)) return NaN;
    if (x < this.lo) return 0;
    if (x >= this.hi) return 1;
    const e = this.edges;
    // k: number of edges <= x.
    let a = 0;
    let b = e.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (e[mid]! <= x) a = mid + 1;
      else b = mid;
    }
    const k = a;
    const below = this.cumulative(k - 1);
    const x0 = k === 0 ? nextDown(this.lo) : Math.max(e[k - 1]!, nextDown(this.lo));
    if (k > 0 && x === e[k - 1]) return below / this.n;
    const x1 = k < e.length ? Math.min(e[k]!, this.hi) : this.hi;
    const above = this.cumulative(k);
    const t = x1 > x0 ? (x - x0) / (x1 - x0) : 1;
    return (below + t * (above - below)) / this.n;
  }

  /**
   * The value at rank q (n - 1) (lower-rank convention), interpolated within its bin between the
   * bin's edges (or min / max): the rank is exact to within the bin's count. `q <= 0` gives the exact
   * minimum, `q >= 1` the exact maximum, NaN when empty.
   *
   * @param integral round to an integer inside the bin (for a column of whole numbers).
   */
  quantile(q: number, integral = false): number {
    if (this.n === 0 || Number.isNaN(q)) return NaN;
    if (q <= 0) return this.lo;
    if (q >= 1) return this.hi;
    const target = q * (this.n - 1) + 1;
    let cum = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i]!;
      if (c > 0 && cum + c >= target) {
        const lower = i === 0 ? this.lo : Math.max(this.edges[i - 1]!, this.lo);
        const upper = i === this.edges.length ? this.hi : Math.min(this.edges[i]!, this.hi);
        let v = lower + ((upper - lower) * (target - cum)) / c;
        if (integral) v = Math.min(upper, Math.max(Math.ceil(v), i === 0 ? lower : Math.floor(lower) + 1));
        return Math.min(upper, Math.max(lower, v));
      }
      cum += c;
    }
    return this.hi;
  }

  /** The bins as plain JSON data; {@link ReferenceBins.fromJSON} reads it back. */
  toJSON(): ReferenceBinsJSON {
    const j: ReferenceBinsJSON = {
      edges: Array.from(this.edges),
      counts: Array.from(this.counts),
      sums: Array.from(this.sums),
    };
    if (this.n > 0) {
      j.min = this.lo;
      j.max = this.hi;
    }
    return j;
  }

  /**
   * Rebuild bins from {@link ReferenceBins.toJSON}'s data.
   *
   * @throws RangeError when the data are inconsistent: edges not strictly ascending, counts not one
   *   more than edges or not whole numbers >= 0, min / max missing, out of order, or contradicting
   *   the bins that hold values.
   */
  static fromJSON(j: ReferenceBinsJSON): ReferenceBins {
    const b = new ReferenceBins(j.edges);
    if (j.counts.length !== j.edges.length + 1)
      throw new RangeError(
        `${j.counts.length} counts for ${j.edges.length} edges (need one more count than edges)`,
      );
    if (j.sums.length !== j.counts.length)
      throw new RangeError(`${j.sums.length} sums for ${j.counts.length} counts (need one per bin)`);
    let n = 0;
    j.counts.forEach((c, i) => {
      if (!(Number.isInteger(c) && c >= 0))
        throw new RangeError(`bin ${i} count ${c} is not a whole number >= 0`);
      const sum = j.sums[i]!;
      if (!Number.isFinite(sum) || (c === 0 && sum !== 0))
        throw new RangeError(`bin ${i} sum ${sum} does not fit its count ${c}`);
      b.sums[i] = sum;
      b.counts[i] = c;
      n += c;
    });
    b.n = n;
    if (n > 0) {
      if (j.min === undefined || j.max === undefined) throw new RangeError('non-empty bins need min and max');
      if (!(j.min <= j.max)) throw new RangeError(`min ${j.min} is above max ${j.max}`);
      const firstBin = b.counts.findIndex((c) => c > 0);
      const lastBin = b.counts.length - 1 - [...b.counts].reverse().findIndex((c) => c > 0);
      const inBin = (v: number, i: number): boolean =>
        (i === 0 || v > b.edges[i - 1]!) && (i === b.edges.length || v <= b.edges[i]!);
      if (!inBin(j.min, firstBin) || !inBin(j.max, lastBin))
        throw new RangeError(
          `min ${j.min} / max ${j.max} do not fall in the first and last bins that hold values`,
        );
      b.lo = j.min;
      b.hi = j.max;
      // The mean of a bin's values lies in the bin and in [min, max] (to rounding).
      b.counts.forEach((c, i) => {
        if (c === 0) return;
        const mean = b.sums[i]! / c;
        const lower = i === 0 ? b.lo : Math.max(b.edges[i - 1]!, b.lo);
        const upper = i === b.edges.length ? b.hi : Math.min(b.edges[i]!, b.hi);
        const slack = 1e-9 * Math.max(Math.abs(lower), Math.abs(upper));
        if (!(mean >= lower - slack && mean <= upper + slack))
          throw new RangeError(
            `bin ${i} sum ${b.sums[i]} does not fit its count ${c} and edges (mean ${mean})`,
          );
      });
    }
    return b;
  }

  /** Count of values in bins 0..i (i = -1: none). */
  private cumulative(i: number): number {
    if (this.prefixN !== this.n) {
      let c = 0;
      for (let k = 0; k < this.counts.length; k++) this.prefix[k] = c += this.counts[k]!;
      this.prefixN = this.n;
    }
    return i < 0 ? 0 : this.prefix[Math.min(i, this.prefix.length - 1)]!;
  }
}

/**
 * Edges for {@link ReferenceBins} from a baseline distribution: its own edges when it is binned;
 * otherwise a set of cut points — every distinct value it holds when there are at most `maxBins` of
 * them (a discrete column), else min, the quantiles at i / maxBins (i = 1 … maxBins - 1) and max —
 * each cut point v giving two edges, the largest double below v and v itself. So every value of the
 * baseline sits alone in a bin (nextDown(v), v] and the current values between two cut points, below
 * the minimum or above the maximum fall in bins of their own: a current value the baseline never
 * had is never hidden in a bin holding a baseline atom (a large share of one repeated value), and
 * the KS statistic over the edges is short of the exact one by at most the share of the baseline
 * strictly between two consecutive cut points (about 1 / maxBins) plus the current's.
 *
 * @param maxBins number of quantile bins (default {@link DEFAULT_REFERENCE_BINS}).
 * @returns strictly ascending finite edges (empty for an empty distribution), at most 2 maxBins.
 */
export function referenceEdges(d: Distribution, maxBins = DEFAULT_REFERENCE_BINS): Float64Array {
  if (d.count === 0) return new Float64Array(0);
  if (d instanceof ReferenceBins) return d.edges.slice();
  const pts = d.points();
  let cuts: number[];
  if (pts.length <= maxBins) cuts = Array.from(pts);
  else {
    cuts = [d.min];
    for (let i = 1; i < maxBins; i++) {
      const q = d.quantile(i / maxBins);
      if (q > cuts[cuts.length - 1]!) cuts.push(q);
    }
    if (d.max > cuts[cuts.length - 1]!) cuts.push(d.max);
  }
  const out: number[] = [];
  for (const v of cuts) {
    const below = nextDown(v);
    if (Number.isFinite(below) && (out.length === 0 || below > out[out.length - 1]!)) out.push(below);
    if (out.length === 0 || v > out[out.length - 1]!) out.push(v);
  }
  return Float64Array.from(out);
}

/** Number of quantile bins of {@link referenceEdges}: 0.2% of the baseline between cut points. */
export const DEFAULT_REFERENCE_BINS = 500;

/** The largest double below x (x finite; -Infinity below -Number.MAX_VALUE). */
export function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}
