/**
 * A mergeable quantile sketch with relative accuracy (DDSketch, Masson, Rim & Lee, VLDB 2019).
 *
 * Values are mapped to logarithmic buckets: with `gamma = (1 + alpha) / (1 - alpha)`, a positive value
 * `v` lands in bucket `k = ceil(log_gamma(v))`, which covers `(gamma^(k-1), gamma^k]`. Every value of
 * a bucket is within relative error `alpha` of the bucket's representative `2 gamma^k / (1 + gamma)`, so
 * any quantile is returned within relative error `alpha` of the true sample quantile. Negative values
 * use a second store keyed by `|v|`; values with `|v| <= MIN_INDEXABLE` (and exact zeros) are counted
 * apart as zeros.
 *
 * Each store is a dense array of counts with an offset that grows as needed, capped at `maxBuckets`
 * (2048 by default: with alpha = 0.005 that spans about nine orders of magnitude per sign). Past the
 * cap the buckets nearest zero are collapsed into one, so memory is bounded whatever the data; only
 * values that are more than nine orders of magnitude smaller than the largest lose their accuracy.
 *
 * The sketch also keeps the exact count, minimum and maximum, so `quantile(0)`/`quantile(1)` are exact
 * and every answer is clamped to the observed range.
 */

/** Magnitudes at or below this are counted as zero (keeps bucket keys finite and well inside 2^31). */
export const MIN_INDEXABLE = 1e-300;

/** Default bucket cap per store. */
export const DEFAULT_MAX_BUCKETS = 2048;

/** Default relative accuracy. */
export const DEFAULT_ALPHA = 0.005;

export interface SketchStoreJSON {
  /** Bucket key of `counts[0]`. */
  offset: number;
  counts: number[];
}

export interface SketchJSON {
  alpha: number;
  /** Number of values counted as zero. */
  zero: number;
  pos: SketchStoreJSON;
  /** Negative values, keyed by magnitude. */
  neg: SketchStoreJSON;
  /** Exact minimum and maximum of the values added (absent when the sketch is empty). */
  min?: number;
  max?: number;
}

/** A dense, growable array of bucket counts that collapses its lowest buckets past a cap. */
class DenseStore {
  counts: Float64Array = new Float64Array(0);
  /** Bucket key of `counts[0]`. */
  offset = 0;
  /** True once low buckets have been folded into `counts[0]`. */
  collapsed = false;

  constructor(readonly maxBuckets: number) {}

  add(key: number): void {
    const i = key - this.offset;
    if (i >= 0 && i < this.counts.length) this.counts[i]! += 1;
    else this.addSlow(key, 1);
  }

  addCount(key: number, c: number): void {
    if (c === 0) return;
    const i = key - this.offset;
    if (i >= 0 && i < this.counts.length) this.counts[i]! += c;
    else this.addSlow(key, c);
  }

  private addSlow(key: number, c: number): void {
    if (key < this.offset && this.collapsed) {
      this.counts[0]! += c;
      return;
    }
    this.extend(key);
    const i = key - this.offset;
    this.counts[i < 0 ? 0 : i]! += c;
  }

  /** Lowest and highest occupied index, or [-1, -1] when empty. */
  occupied(): [number, number] {
    const counts = this.counts;
    let first = -1;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] !== 0) {
        first = i;
        break;
      }
    }
    if (first < 0) return [-1, -1];
    let last = first;
    for (let i = counts.length - 1; i > first; i--) {
      if (counts[i] !== 0) {
        last = i;
        break;
      }
    }
    return [first, last];
  }

  /** Re-allocate so that `key` fits, collapsing the lowest buckets when the span exceeds the cap. */
  private extend(key: number): void {
    const [first, last] = this.occupied();
    const lo = first < 0 ? key : Math.min(key, this.offset + first);
    const hi = first < 0 ? key : Math.max(key, this.offset + last);
    const span = hi - lo + 1;
    const old = this.counts;
    const oldOffset = this.offset;
    let newOffset: number;
    let newLen: number;
    if (span <= this.maxBuckets) {
      newLen = Math.min(this.maxBuckets, Math.max(span + 64, old.length * 2));
      newOffset = lo - Math.floor((newLen - span) / 2);
    } else {
      newLen = this.maxBuckets;
      newOffset = hi - newLen + 1;
      this.collapsed = true;
    }
    const next = new Float64Array(newLen);
    if (first >= 0) {
      for (let i = first; i <= last; i++) {
        const c = old[i]!;
        if (c === 0) continue;
        const j = oldOffset + i - newOffset;
        next[j < 0 ? 0 : j]! += c;
      }
    }
    this.counts = next;
    this.offset = newOffset;
  }

  total(): number {
    let t = 0;
    for (let i = 0; i < this.counts.length; i++) t += this.counts[i]!;
    return t;
  }

  toJSON(): SketchStoreJSON {
    const [first, last] = this.occupied();
    if (first < 0) return { offset: 0, counts: [] };
    return { offset: this.offset + first, counts: Array.from(this.counts.subarray(first, last + 1)) };
  }
}

/** The DDSketch described at the top of this file. */
export class QuantileSketch {
  readonly alpha: number;
  private readonly gamma: number;
  private readonly lnGamma: number;
  private readonly invLnGamma: number;
  private readonly pos: DenseStore;
  private readonly neg: DenseStore;
  private zero = 0;
  private n = 0;
  private lo = Infinity;
  private hi = -Infinity;

  // Prefix sums for rank queries, rebuilt lazily when the count has changed.
  private cacheN = -1;
  private posCum: Float64Array = new Float64Array(0);
  private negCum: Float64Array = new Float64Array(0);
  private negTotal = 0;

  /**
   * @param alpha relative accuracy of the quantiles, in (0, 1).
   * @param maxBuckets bucket cap per sign, an integer >= 16.
   * @throws RangeError when either is out of range.
   */
  constructor(alpha: number = DEFAULT_ALPHA, maxBuckets: number = DEFAULT_MAX_BUCKETS) {
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`sketch alpha must be in (0, 1), got ${alpha}`);
    if (!(Number.isInteger(maxBuckets) && maxBuckets >= 16)) {
      throw new RangeError(`sketch maxBuckets must be an integer >= 16, got ${maxBuckets}`);
    }
    this.alpha = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.lnGamma = Math.log(this.gamma);
    this.invLnGamma = 1 / this.lnGamma;
    this.pos = new DenseStore(maxBuckets);
    this.neg = new DenseStore(maxBuckets);
  }

  /** Add one value. Non-finite values (NaN, ±Infinity) are ignored. */
  add(v: number): void {
    // v - v is 0 for every finite number and NaN for NaN and ±Infinity.
    if (v - v !== 0) return;
    if (v > MIN_INDEXABLE) this.pos.add(Math.ceil(Math.log(v) * this.invLnGamma));
    else if (v < -MIN_INDEXABLE) this.neg.add(Math.ceil(Math.log(-v) * this.invLnGamma));
    else this.zero++;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
    this.n++;
  }

  /** Add the values of `other`. Throws an Error when its alpha differs. */
  merge(other: QuantileSketch): void {
    if (Math.abs(other.alpha - this.alpha) > 1e-12) {
      throw new Error(`cannot merge sketches with different accuracy (${this.alpha} vs ${other.alpha})`);
    }
    if (other.n === 0) return;
    mergeStore(this.pos, other.pos);
    mergeStore(this.neg, other.neg);
    this.zero += other.zero;
    this.n += other.n;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  /** Number of finite values added. */
  get count(): number {
    return this.n;
  }

  /** Exact minimum of the values added (NaN when empty). */
  get min(): number {
    return this.n === 0 ? NaN : this.lo;
  }

  /** Exact maximum of the values added (NaN when empty). */
  get max(): number {
    return this.n === 0 ? NaN : this.hi;
  }

  /**
   * The value of rank `q * (n - 1)` (lower-rank convention, like DDSketch), within relative error
   * alpha of the exact sample quantile. NaN when empty.
   */
  quantile(q: number): number {
    if (this.n === 0 || Number.isNaN(q)) return NaN;
    if (q <= 0) return this.lo;
    if (q >= 1) return this.hi;
    this.prepare();
    const rank = q * (this.n - 1);
    let v: number;
    if (rank < this.negTotal) {
      // Negative values in ascending order: from the highest magnitude key down.
      const cum = this.negCum;
      // negCum[i] = count of negative values with key >= offset + i (non-increasing in i).
      let i = cum.length - 1;
      while (i > 0 && cum[i]! <= rank) i--;
      v = -this.value(this.neg.offset + i);
    } else if (rank < this.negTotal + this.zero) {
      v = 0;
    } else {
      const cum = this.posCum;
      const r = rank - this.negTotal - this.zero;
      // First index whose cumulative count exceeds r (binary search over a non-decreasing array).
      let a = 0;
      let b = cum.length - 1;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (cum[m]! > r) b = m;
        else a = m + 1;
      }
      v = this.value(this.pos.offset + a);
    }
    return v < this.lo ? this.lo : v > this.hi ? this.hi : v;
  }

  /**
   * The fraction of values <= x. Exact at bucket edges; inside a bucket the bucket's count is spread
   * linearly over the part of the bucket within [min, max], so the function is continuous there.
   */
  cdf(x: number): number {
    const n = this.n;
    if (n === 0 || Number.isNaN(x)) return NaN;
    if (x < this.lo) return 0;
    if (x >= this.hi) return 1;
    this.prepare();
    if (x > MIN_INDEXABLE) {
      const k = Math.ceil(Math.log(x) * this.invLnGamma);
      const cum = this.posCum;
      const counts = this.pos.counts;
      const i = k - this.pos.offset;
      let below = this.negTotal + this.zero;
      if (i > 0 && cum.length > 0) below += cum[Math.min(i, cum.length) - 1]!;
      if (i >= 0 && i < counts.length) {
        const c = counts[i]!;
        if (c > 0) below += c * fraction(x, this.edge(k - 1), this.edge(k), this.lo, this.hi);
      }
      return clamp01(below / n);
    }
    if (x < -MIN_INDEXABLE) {
      const k = Math.ceil(Math.log(-x) * this.invLnGamma);
      const cum = this.negCum;
      const counts = this.neg.counts;
      const i = k - this.neg.offset;
      // Values <= x are the negatives with magnitude >= |x|: keys above k, and part of bucket k.
      let below = 0;
      if (i + 1 < cum.length && cum.length > 0) below += cum[Math.max(i + 1, 0)]!;
      if (i >= 0 && i < counts.length) {
        const c = counts[i]!;
        if (c > 0) below += c * fraction(x, -this.edge(k), -this.edge(k - 1), this.lo, this.hi);
      }
      return clamp01(below / n);
    }
    return clamp01((this.negTotal + (x >= 0 ? this.zero : 0)) / n);
  }

  /**
   * Both edges of every non-empty bucket, and the zero band, ascending. At these points `cdf` is
   * exact (it counts whole buckets), so two sketches with the same alpha compared there give the
   * exact supremum of |F1 - F2| over the bucket grid (the KS statistic at the sketch's resolution).
   */
  breakpoints(): number[] {
    if (this.n === 0) return [];
    const out: number[] = [];
    const negCounts = this.neg.counts;
    for (let i = negCounts.length - 1; i >= 0; i--) {
      if (negCounts[i] === 0) continue;
      const k = this.neg.offset + i;
      out.push(-this.edge(k), -this.edge(k - 1));
    }
    if (this.zero > 0) out.push(-MIN_INDEXABLE, 0);
    const posCounts = this.pos.counts;
    for (let i = 0; i < posCounts.length; i++) {
      if (posCounts[i] === 0) continue;
      const k = this.pos.offset + i;
      out.push(this.edge(k - 1), this.edge(k));
    }
    out.sort((a, b) => a - b);
    let w = 0;
    for (let r = 0; r < out.length; r++) {
      if (r === 0 || out[r] !== out[w - 1]) out[w++] = out[r]!;
    }
    out.length = w;
    return out;
  }

  /**
   * The upper boundary of the bucket that holds `x` (for the zero band, a point above zero and below
   * every positive bucket). `cdf` there counts whole buckets, so bins cut at such bounds give exact
   * shares on any sketch with the same alpha.
   */
  bucketUpperBound(x: number): number {
    if (x > MIN_INDEXABLE) return this.edge(Math.ceil(Math.log(x) * this.invLnGamma));
    if (x < -MIN_INDEXABLE) return -this.edge(Math.ceil(Math.log(-x) * this.invLnGamma) - 1);
    return MIN_INDEXABLE;
  }

  /** The sketch as plain JSON data; {@link QuantileSketch.fromJSON} reads it back. */
  toJSON(): SketchJSON {
    const j: SketchJSON = {
      alpha: this.alpha,
      zero: this.zero,
      pos: this.pos.toJSON(),
      neg: this.neg.toJSON(),
    };
    if (this.n > 0) {
      j.min = this.lo;
      j.max = this.hi;
    }
    return j;
  }

  /**
   * Rebuild a sketch from {@link QuantileSketch.toJSON}'s data (min and max, when absent, are estimated
   * from the extreme buckets). Throws a RangeError when `j.alpha` is not in (0, 1).
   */
  static fromJSON(j: SketchJSON, maxBuckets: number = DEFAULT_MAX_BUCKETS): QuantileSketch {
    const s = new QuantileSketch(j.alpha, maxBuckets);
    loadStore(s.pos, j.pos);
    loadStore(s.neg, j.neg);
    s.zero = j.zero;
    s.n = s.zero + s.pos.total() + s.neg.total();
    if (s.n > 0) {
      s.lo = j.min ?? s.estimateExtreme(false);
      s.hi = j.max ?? s.estimateExtreme(true);
    }
    return s;
  }

  /** Representative value of positive bucket `k` (relative error alpha to every value in it). */
  private value(k: number): number {
    return (2 * Math.exp(k * this.lnGamma)) / (1 + this.gamma);
  }

  /** Upper edge of bucket `k`: gamma^k. */
  private edge(k: number): number {
    return Math.exp(k * this.lnGamma);
  }

  private estimateExtreme(high: boolean): number {
    const [pf, pl] = this.pos.occupied();
    const [nf, nl] = this.neg.occupied();
    if (high) {
      if (pl >= 0) return this.value(this.pos.offset + pl);
      if (this.zero > 0) return 0;
      return -this.value(this.neg.offset + nf);
    }
    if (nl >= 0) return -this.value(this.neg.offset + nl);
    if (this.zero > 0) return 0;
    return this.value(this.pos.offset + pf);
  }

  private prepare(): void {
    if (this.cacheN === this.n) return;
    const pc = this.pos.counts;
    const posCum = new Float64Array(pc.length);
    let t = 0;
    for (let i = 0; i < pc.length; i++) {
      t += pc[i]!;
      posCum[i] = t;
    }
    const nc = this.neg.counts;
    const negCum = new Float64Array(nc.length);
    t = 0;
    for (let i = nc.length - 1; i >= 0; i--) {
      t += nc[i]!;
      negCum[i] = t;
    }
    this.posCum = posCum;
    this.negCum = negCum;
    this.negTotal = t;
    this.cacheN = this.n;
  }
}

function mergeStore(into: DenseStore, from: DenseStore): void {
  const [first, last] = from.occupied();
  if (first < 0) return;
  // Add the highest keys first so that a collapse, if any, happens once.
  for (let i = last; i >= first; i--) into.addCount(from.offset + i, from.counts[i]!);
}

function loadStore(into: DenseStore, j: SketchStoreJSON): void {
  for (let i = j.counts.length - 1; i >= 0; i--) into.addCount(j.offset + i, j.counts[i]!);
}

/** Share of a bucket spanning [lower, upper] (narrowed to [lo, hi]) that lies at or below x. */
function fraction(x: number, lower: number, upper: number, lo: number, hi: number): number {
  const a = lower > lo ? lower : lo;
  const b = upper < hi ? upper : hi;
  if (b <= a) return x >= b ? 1 : 0;
  const f = (x - a) / (b - a);
  return f <= 0 ? 0 : f >= 1 ? 1 : f;
}

function clamp01(v: number): number {
  return v <= 0 ? 0 : v >= 1 ? 1 : v;
}
