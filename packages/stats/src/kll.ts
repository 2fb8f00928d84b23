/**
 * A mergeable quantile sketch with additive rank error: KLL (Karnin, Lang & Liberty, "Optimal
 * Quantile Approximation in Streams", FOCS 2016), in the compactor form of Liberty's reference
 * implementation (github.com/edoliberty/streaming-quantiles).
 *
 * Items are kept as they came (exact values, never rounded): level h holds items of weight 2^h.
 * When the sketch is full, the lowest level at or over its capacity is compacted: its items are
 * sorted, paired (the smallest left out when the count is odd), and one item of each pair, the first
 * or the second at random, moves to level h + 1 with twice the weight. Capacities shrink by 2/3 per
 * level below the top (`k` at the top, at least 8; level 0, the unsorted buffer of new values, at
 * least 2,048), so the sketch holds about 3k + 2,048 items whatever n.
 *
 * **Error.** For any query x, one compaction at level h changes the estimated rank of x (the weight
 * of items <= x) by 0 or by ±2^h with equal probability, independently of the other compactions
 * (KLL, Lemma 1). The sketch tallies W = sum 2^h (the worst case) and V = sum 4^h over its
 * compactions, so for one query the rank error is at most `W`, and by Hoeffding's inequality at most
 * `sqrt(2 V ln(2 / delta))` with probability >= 1 - delta ({@link KllSketch.rankError}). With
 * k = 1024 that is about 0.3% of n at delta = 0.05, the same at n = 10^4 as at 10^9 (the bound is a
 * share of n, so it does not depend on the values' location, scale, ties or outliers: only their
 * order matters). Until the first compaction (n < 2,048) the sketch is exact and the bound is 0.
 *
 * Sketches merge by concatenating their levels and compacting, which keeps the same guarantee (the
 * tallies add). Randomness comes from a seeded generator kept in the state, so a profile is
 * reproducible. Non-finite values are ignored.
 */

import type { Distribution } from './distribution.js';

/** Default top-level capacity: a rank error of about 0.3% of n at 95%, about 5k items kept. */
export const DEFAULT_KLL_K = 1024;
/** Capacity ratio between adjacent levels (the paper's c). */
const C = 2 / 3;
/** Smallest level capacity. */
const MIN_CAPACITY = 8;
/** Smallest capacity of level 0, the unsorted buffer new values go to (16 KB of items). */
const LEVEL0_MIN = 2048;

/** The sketch as plain JSON data; see {@link KllSketch.toJSON}. */
export interface KllJSON {
  /** Top-level capacity. */
  k: number;
  /** Number of values added. */
  n: number;
  /** `levels[h]` holds items of weight 2^h. `sum(levels[h].length * 2^h) === n`. */
  levels: number[][];
  /** Compaction tallies: sum of 2^h (worst-case rank error) and of 4^h (Hoeffding variance proxy). */
  worst: number;
  variance: number;
  /** State of the generator that picks which half of a compacted level survives. */
  rng: number;
  /** Exact minimum and maximum (absent when empty). */
  min?: number;
  max?: number;
}

/** The KLL sketch described at the top of this file. */
export class KllSketch implements Distribution {
  readonly binned = false;
  readonly k: number;
  private levels: Float64Array[] = [new Float64Array(64)];
  private sizes: number[] = [0];
  private held = 0;
  private maxSize = 0;
  private n = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private worst = 0;
  private variance = 0;
  private rng: number;
  // Sorted view (values ascending, cumulative weights), rebuilt when the sketch changed.
  private version = 0;
  private viewVersion = -1;
  private viewValues: Float64Array = new Float64Array(0);
  private viewCum: Float64Array = new Float64Array(0);

  /**
   * @param k top-level capacity, an integer >= 16 (rank error about 3 / k of n at 95%).
   * @param seed seed of the compaction coin flips.
   * @throws RangeError when k is out of range.
   */
  constructor(k: number = DEFAULT_KLL_K, seed = 0x9e3779b9) {
    if (!(Number.isInteger(k) && k >= 16)) throw new RangeError(`KLL k must be an integer >= 16, got ${k}`);
    this.k = k;
    this.rng = seed >>> 0 || 1;
    this.maxSize = this.capacity(0);
  }

  /** Add one value. Non-finite values (NaN, ±Infinity) are ignored. */
  add(v: number): void {
    // v - v is 0 for every finite number and NaN for NaN and ±Infinity.
    if (v - v !== 0) return;
    let buf = this.levels[0]!;
    const i = this.sizes[0]!;
    if (i === buf.length) buf = this.growLevel(0, i + 1);
    buf[i] = v;
    this.sizes[0] = i + 1;
    this.n++;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
    this.version++;
    if (++this.held >= this.maxSize) this.compress();
  }

  /** Add the values of `other` (which is left unchanged). */
  merge(other: KllSketch): void {
    if (other.n === 0) return;
    while (this.levels.length < other.levels.length) this.addLevel();
    for (let h = 0; h < other.levels.length; h++) {
      const m = other.sizes[h]!;
      if (m === 0) continue;
      this.append(h, other.levels[h]!.subarray(0, m));
      this.held += m;
    }
    this.n += other.n;
    this.worst += other.worst;
    this.variance += other.variance;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
    this.rng = (this.rng ^ other.rng) >>> 0 || 1;
    this.version++;
    while (this.held >= this.maxSize) this.compress();
  }

  /** Number of finite values added. */
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

  /** Number of items held (memory is about 8 bytes per item). */
  get size(): number {
    return this.held;
  }

  /** True while no compaction happened: every answer is exact. */
  get exact(): boolean {
    return this.worst === 0;
  }

  /**
   * Bound on the absolute rank error of one query ({@link rank}, {@link cdf} times n) that holds with
   * probability >= 1 - delta: min(W, sqrt(2 V ln(2 / delta))), see the top of this file. In values
   * (weights), not a share; 0 while the sketch is exact.
   *
   * @param delta failure probability, in (0, 1).
   */
  rankError(delta: number): number {
    if (this.worst === 0) return 0;
    return Math.min(this.worst, Math.sqrt(2 * this.variance * Math.log(2 / delta)));
  }

  /** Estimated number of values <= x (exact while {@link exact}). NaN when x is NaN. */
  rank(x: number): number {
    if (Number.isNaN(x)) return NaN;
    if (this.n === 0 || x < this.lo) return 0;
    if (x >= this.hi) return this.n;
    this.prepare();
    const vals = this.viewValues;
    // Last index with value <= x.
    let a = 0;
    let b = vals.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (vals[m]! <= x) a = m + 1;
      else b = m;
    }
    return a === 0 ? 0 : this.viewCum[a - 1]!;
  }

  /** Estimated share of values <= x, in [0, 1] (NaN when empty). A step function: ties are never split. */
  cdf(x: number): number {
    if (this.n === 0) return NaN;
    return this.rank(x) / this.n;
  }

  /**
   * A value held by the sketch whose estimated rank covers `q * (n - 1)` (lower-rank convention), so
   * integer data get integer quantiles. `q <= 0` gives the exact minimum, `q >= 1` the exact maximum.
   * NaN when empty.
   */
  quantile(q: number): number {
    if (this.n === 0 || Number.isNaN(q)) return NaN;
    if (q <= 0) return this.lo;
    if (q >= 1) return this.hi;
    this.prepare();
    const target = q * (this.n - 1);
    const cum = this.viewCum;
    let a = 0;
    let b = cum.length - 1;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (cum[m]! > target) b = m;
      else a = m + 1;
    }
    return this.viewValues[a]!;
  }

  /** The distinct values held, ascending: the points where {@link cdf} steps. */
  points(): Float64Array {
    this.prepare();
    const v = this.viewValues;
    const out = new Float64Array(v.length);
    let w = 0;
    for (let i = 0; i < v.length; i++) if (w === 0 || v[i] !== out[w - 1]) out[w++] = v[i]!;
    return out.subarray(0, w);
  }

  /** The sketch as plain JSON data; {@link KllSketch.fromJSON} reads it back. */
  toJSON(): KllJSON {
    const j: KllJSON = {
      k: this.k,
      n: this.n,
      levels: this.levels.map((l, h) => Array.from(l.subarray(0, this.sizes[h]!))),
      worst: this.worst,
      variance: this.variance,
      rng: this.rng,
    };
    if (this.n > 0) {
      j.min = this.lo;
      j.max = this.hi;
    }
    return j;
  }

  /**
   * Rebuild a sketch from {@link KllSketch.toJSON}'s data.
   *
   * @throws RangeError when the data are inconsistent: k out of range, a non-finite item, level
   *   weights that do not add up to n, or items outside [min, max].
   */
  static fromJSON(j: KllJSON): KllSketch {
    const s = new KllSketch(j.k, j.rng);
    let weight = 0;
    while (s.levels.length < j.levels.length) s.addLevel();
    j.levels.forEach((items, h) => {
      const buf = items.length > s.levels[h]!.length ? s.growLevel(h, items.length) : s.levels[h]!;
      for (let i = 0; i < items.length; i++) {
        const v = items[i]!;
        if (!Number.isFinite(v)) throw new RangeError(`sketch level ${h} holds a non-finite item`);
        if (j.min !== undefined && j.max !== undefined && (v < j.min || v > j.max))
          throw new RangeError(`sketch level ${h} holds ${v}, outside [min, max] = [${j.min}, ${j.max}]`);
        buf[i] = v;
      }
      if (h > 0) sortRange(buf, 0, items.length - 1);
      s.sizes[h] = items.length;
      s.held += items.length;
      weight += items.length * 2 ** h;
    });
    if (weight !== j.n)
      throw new RangeError(`sketch items weigh ${weight}, but n is ${j.n} (the levels do not add up)`);
    s.n = j.n;
    s.worst = j.worst;
    s.variance = j.variance;
    if (s.n > 0) {
      if (j.min === undefined || j.max === undefined)
        throw new RangeError('a non-empty sketch needs min and max');
      s.lo = j.min;
      s.hi = j.max;
    }
    s.version++;
    while (s.held >= s.maxSize) s.compress();
    return s;
  }

  /** Capacity of level h with the current number of levels. */
  private capacity(h: number): number {
    const depth = this.levels.length - h - 1;
    const c = Math.max(MIN_CAPACITY, Math.ceil(this.k * C ** depth));
    // Level 0 is kept at least LEVEL0_MIN wide, so its compactions (a sort each) come once per
    // LEVEL0_MIN / 2 values or more, and each sorts enough items for the radix sort to pay off: a
    // speed-up that only lowers the error (fewer compactions of weight 1).
    return h === 0 ? Math.max(c, LEVEL0_MIN) : c;
  }

  private addLevel(): void {
    this.levels.push(new Float64Array(16));
    this.sizes.push(0);
    let total = 0;
    for (let h = 0; h < this.levels.length; h++) total += this.capacity(h);
    this.maxSize = total;
  }

  private growLevel(h: number, need: number): Float64Array {
    const old = this.levels[h]!;
    const next = new Float64Array(Math.max(need, old.length * 2));
    next.set(old.subarray(0, this.sizes[h]!));
    this.levels[h] = next;
    return next;
  }

  /** Compact the lowest full levels until the sketch is under its size limit (Liberty's compress). */
  private compress(): void {
    for (let h = 0; h < this.levels.length; h++) {
      if (this.sizes[h]! < this.capacity(h)) continue;
      if (h + 1 >= this.levels.length) this.addLevel();
      this.compact(h);
      if (this.held < this.maxSize) break;
    }
  }

  /** Sort level h, keep one of each pair at random on level h + 1; an odd item stays. */
  private compact(h: number): void {
    const len = this.sizes[h]!;
    const buf = this.levels[h]!;
    // Level 0 is filled unsorted; the levels above are kept sorted (see append).
    if (h === 0) sortLevel0(buf, len);
    const items = buf;
    const odd = len & 1;
    const pairs = (len - odd) >> 1;
    const offset = odd + (this.coin() ? 1 : 0);
    const survivors = new Float64Array(pairs);
    for (let j = 0; j < pairs; j++) survivors[j] = items[offset + 2 * j]!;
    this.append(h + 1, survivors);
    // The smallest item stays when the count is odd (it was sorted to the front).
    this.sizes[h] = odd;
    this.held -= pairs;
    const w = 2 ** h;
    this.worst += w;
    this.variance += w * w;
    this.version++;
  }

  /**
   * Add ascending `items` to level h: appended to level 0 (sorted at compaction), merged into the
   * sorted order of the levels above, so their compactions need no sort.
   */
  private append(h: number, items: Float64Array): void {
    const m = items.length;
    const s = this.sizes[h]!;
    const buf = s + m > this.levels[h]!.length ? this.growLevel(h, s + m) : this.levels[h]!;
    if (h === 0 || s === 0 || items[0]! >= buf[s - 1]!) {
      buf.set(items, s);
    } else {
      // Merge from the back, in place: the existing items are buf[0, s), the result buf[0, s + m).
      let i = s - 1;
      let j = m - 1;
      let w = s + m - 1;
      while (j >= 0) {
        if (i >= 0 && buf[i]! > items[j]!) buf[w--] = buf[i--]!;
        else buf[w--] = items[j--]!;
      }
    }
    this.sizes[h] = s + m;
  }

  /** xorshift32: a fair coin from the sketch's own state. */
  private coin(): boolean {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return (this.rng & 0x80000000) !== 0;
  }

  private prepare(): void {
    if (this.viewVersion === this.version) return;
    const total = this.held;
    const vals = new Float64Array(total);
    const wts = new Float64Array(total);
    // Sort (value, weight) pairs by value: sort indices by value through a packed key array.
    let p = 0;
    for (let h = 0; h < this.levels.length; h++) {
      const m = this.sizes[h]!;
      const buf = this.levels[h]!;
      const w = 2 ** h;
      for (let i = 0; i < m; i++) {
        vals[p] = buf[i]!;
        wts[p++] = w;
      }
    }
    const order = new Uint32Array(total);
    for (let i = 0; i < total; i++) order[i] = i;
    order.sort((a, b) => vals[a]! - vals[b]!);
    const sv = new Float64Array(total);
    const cum = new Float64Array(total);
    let c = 0;
    for (let i = 0; i < total; i++) {
      const o = order[i]!;
      sv[i] = vals[o]!;
      c += wts[o]!;
      cum[i] = c;
    }
    this.viewValues = sv;
    this.viewCum = cum;
    this.viewVersion = this.version;
  }
}

/** Radix sort pays off from about this many items (below it, {@link sortRange}). */
const RADIX_MIN = 256;
/** Digit width of the radix sort: the keys' high 32-bit words in 3 passes of 11, 11 and 10 bits. */
const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
// Scratch of the radix sort, shared by every sketch of the thread (sorting is never re-entered).
const radixCounts = new Uint32Array(6 * RADIX);
let radixA = new Uint32Array(0);
let radixB = new Uint32Array(0);

/**
 * Sort a[0..n) ascending in place. Level 0 is sorted at every compaction, so this sort is the
 * sketch's main cost per value: from {@link RADIX_MIN} items it is an LSD radix sort on the IEEE 754
 * bits (a float's bits, with the sign bit flipped for positives and every bit flipped for negatives,
 * order as unsigned integers as the floats do; Knuth, TAOCP vol. 3, 5.2.5) of the high 32 bits
 * (sign, exponent, top 20 mantissa bits), which does a fixed amount of work per item instead of
 * about log2(n) comparisons and skips the digits every item shares, followed by an insertion pass
 * that orders the items whose high words tie. -0 sorts before +0, which compare equal, so the order
 * is still ascending.
 */
function sortLevel0(a: Float64Array, n: number): void {
  if (n < RADIX_MIN || !LITTLE_ENDIAN || a.byteOffset % 4 !== 0) {
    sortRange(a, 0, n - 1);
    return;
  }
  if (radixA.length < 2 * n) {
    radixA = new Uint32Array(2 * n);
    radixB = new Uint32Array(2 * n);
  }
  const words = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  const counts = radixCounts;
  counts.fill(0);
  let src = radixA;
  let dst = radixB;
  for (let i = 0; i < n; i++) {
    let lo = words[2 * i]!;
    let hi = words[2 * i + 1]!;
    if (hi & 0x80000000) {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    } else hi = (hi | 0x80000000) >>> 0;
    src[2 * i] = lo;
    src[2 * i + 1] = hi;
    counts[3 * RADIX + (hi & 2047)]!++;
    counts[4 * RADIX + ((hi >>> 11) & 2047)]!++;
    counts[5 * RADIX + (hi >>> 22)]!++;
  }
  for (let pass = 3; pass < 6; pass++) {
    const base = pass * RADIX;
    const shift = (pass - 3) * RADIX_BITS;
    // Every item has the same digit here: the pass would not move anything.
    if (counts[base + ((src[1]! >>> shift) & 2047)] === n) continue;
    let total = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d]!;
      counts[base + d] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const lo = src[2 * i]!;
      const hi = src[2 * i + 1]!;
      const j = counts[base + ((hi >>> shift) & 2047)]!++;
      dst[2 * j] = lo;
      dst[2 * j + 1] = hi;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < n; i++) {
    let lo = src[2 * i]!;
    let hi = src[2 * i + 1]!;
    if (hi & 0x80000000) hi = (hi & 0x7fffffff) >>> 0;
    else {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    }
    words[2 * i] = lo;
    words[2 * i + 1] = hi;
  }
  // Items whose high words tie are still in input order among themselves: an insertion pass puts
  // them in place (runs of ties are short unless many values agree to about 6 significant digits;
  // past a budget of moves, the comparison sort finishes instead).
  let moves = 0;
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    if (a[j]! <= v) continue;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
    moves += i - 1 - j;
    if (moves > 4 * n) {
      sortRange(a, 0, n - 1);
      return;
    }
  }
}

/**
 * Sort a[lo..hi] ascending in place: quicksort with a median-of-three pivot, insertion sort below 16
 * items. (Typed arrays' own sort is several times slower on current V8, and this is the hot path.)
 */
function sortRange(a: Float64Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    // Order a[lo], a[mid], a[hi]; the median goes to a[mid].
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    // Recurse into the smaller side, loop on the larger (stack depth O(log n)).
    if (j - lo < hi - i) {
      sortRange(a, lo, j);
      lo = i;
    } else {
      sortRange(a, i, hi);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
