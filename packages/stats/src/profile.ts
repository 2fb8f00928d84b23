/**
 * Per-column accumulators and the dataset profile JSON contract.
 *
 * A profile is built in one streaming pass with bounded memory: numeric columns keep exact
 * count/min/max/mean/std and a {@link KllSketch} (rank error a bounded share of n); categorical columns
 * keep exact counts for up to `maxTracked` distinct values and a {@link HyperLogLog} for the rest, and
 * list up to `topK` (default 10,000: every tracked value) of them with their exact counts. Accumulators merge, so a profile
 * can be built in parts. The JSON written here is what a later run reads back as its drift baseline.
 */
import { HyperLogLog } from './hll.js';
import type { Distribution } from './distribution.js';
import { DEFAULT_KLL_K, KllSketch, type KllJSON } from './kll.js';
import { ReferenceBins, referenceEdges, type ReferenceBinsJSON } from './reference-bins.js';

export type ColumnKind = 'numeric' | 'categorical';

/**
 * Version of the profile JSON. 2: numeric sketches are KLL (`sketch.k`, `sketch.levels`), replacing
 * version 1's relative-error buckets; categorical profiles list up to 10,000 values.
 */
export const PROFILE_SCHEMA_VERSION = 2;

/** The quantiles a numeric summary lists: p01 is the 1st percentile, and so on. */
export const QUANTILE_KEYS = ['p01', 'p05', 'p25', 'p50', 'p75', 'p95', 'p99'] as const;
export type QuantileKey = (typeof QUANTILE_KEYS)[number];
const QUANTILE_LEVELS: Record<QuantileKey, number> = {
  p01: 0.01,
  p05: 0.05,
  p25: 0.25,
  p50: 0.5,
  p75: 0.75,
  p95: 0.95,
  p99: 0.99,
};

/** Number of equal-width bins of the numeric histogram. */
export const HISTOGRAM_BINS = 20;

export interface NumericSummary {
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator; 0 for a single value). */
  std: number;
  quantiles: Record<QuantileKey, number>;
  /**
   * Equal-width bins between min and max (`edges.length === counts.length + 1`), from the sketch:
   * bin i counts the values in (edges[i], edges[i + 1]] (the first bin includes min), so tied values
   * are never split across an edge. Counts sum to the number of finite values.
   */
  histogram: { edges: number[]; counts: number[] };
  /**
   * The KLL sketch: always for a profile made without a baseline; with one, only while it holds
   * every value exactly (fewer than 2,048).
   */
  sketch?: KllJSON;
  /** Exact counts in the baseline's reference bins (a profile made against a baseline). */
  bins?: ReferenceBinsJSON;
}

export interface CategoricalSummary {
  /** Number of distinct values: exact while `distinctExact`, else a HyperLogLog estimate. */
  distinct: number;
  distinctExact: boolean;
  /** The most frequent values with their exact counts, by count descending then value ascending. */
  top: [string, number][];
  /**
   * Number of values not listed in `top` (the tail of the tracked values plus every value seen after
   * the tracking cap). The categorical total is `sum(top counts) + otherCount`; `otherCount === 0`
   * means `top` lists every value.
   */
  otherCount: number;
  /** Base64 HyperLogLog registers, present once more than `maxTracked` distinct values were seen. */
  hll?: string;
}

export interface ColumnProfile {
  name: string;
  kind: ColumnKind;
  /** Non-missing values seen, of any type. */
  count: number;
  missing: number;
  /**
   * Tally of the JSON types of the non-missing values: `integer` (whole numbers), `number` (with a
   * fractional part, or non-finite), `string`, `boolean`, `null`, `array`, `object`.
   */
  types: Record<string, number>;
  /** Present on numeric columns with at least one finite number. */
  numeric?: NumericSummary;
  /** Present on categorical columns. */
  categorical?: CategoricalSummary;
}

export interface DatasetProfile {
  kind: 'modelship.profile';
  schemaVersion: typeof PROFILE_SCHEMA_VERSION;
  createdAt: string;
  rows: number;
  sources: { uri: string; sha256: string; rows: number }[];
  columns: ColumnProfile[];
}

/** Summarises one column, value by value; see {@link createAccumulator}. */
export interface ColumnAccumulator {
  readonly name: string;
  readonly kind: ColumnKind;
  /**
   * Count one non-missing value. Values the summary cannot take (a string or non-finite number in a
   * numeric column; null, an array or an object in a categorical one) are only tallied in `types`.
   */
  add(value: unknown): void;
  addMissing(): void;
  /** Add `other`'s values, as if they had been added here. Throws an Error when its kind differs. */
  merge(other: ColumnAccumulator): void;
  /** The complete state as plain data (structured-cloneable: it crosses worker threads). */
  state(): AccumulatorState;
  /** The column's profile so far. */
  toJSON(): ColumnProfile;
}

export interface AccumulatorOptions {
  /**
   * How many most frequent values a categorical profile lists with exact counts (default 10,000, as
   * many as are tracked: a comparison then never depends on which values made a shorter list).
   */
  topK?: number;
  /** Distinct values counted exactly before falling back to HyperLogLog (default 10,000). */
  maxTracked?: number;
  /** Top-level capacity k of the numeric KLL sketch (default {@link DEFAULT_KLL_K}). */
  sketchK?: number;
  /**
   * Reference edges of a numeric column (the baseline's, see `referenceEdges`): the values are
   * counted exactly into these bins instead of a KLL sketch, and a KLL sketch is kept only while it is
   * exact (fewer than {@link EXACT_VALUES} values).
   */
  reference?: Float64Array;
  /**
   * Reference levels of a categorical column (the values the baseline lists): always counted
   * exactly and always listed in the profile, with 0 when absent, so a comparison with the baseline
   * never depends on which levels made the current data's own top list.
   */
  levels?: readonly string[];
}

/** A numeric column with a reference keeps its values exactly up to this many (a KLL before it compacts). */
export const EXACT_VALUES = 2047;

/** An accumulator's complete state; {@link accumulatorFromState} rebuilds it. */
export type AccumulatorState =
  | {
      kind: 'numeric';
      name: string;
      k: number;
      sketch?: KllJSON;
      bins?: ReferenceBinsJSON;
      n: number;
      /** Mean and sum of squared deviations in units of `scale` (a power of two, 0 before any value). */
      mean: number;
      m2: number;
      scale: number;
      integers: number;
      missing: number;
      others: Record<string, number>;
      otherCount: number;
    }
  | {
      kind: 'categorical';
      name: string;
      levels: string[];
      topK: number;
      maxTracked: number;
      keys: string[];
      counts: number[];
      overflow: number;
      hll?: string;
      strings: number;
      booleans: number;
      integers: number;
      fractions: number;
      missing: number;
      others: Record<string, number>;
      otherTypes: number;
    };

/** Rebuild an accumulator from its {@link ColumnAccumulator.state} (e.g. sent by a worker thread). */
export function accumulatorFromState(state: AccumulatorState): ColumnAccumulator {
  return state.kind === 'numeric'
    ? NumericAccumulator.fromState(state)
    : CategoricalAccumulator.fromState(state);
}

export const DEFAULT_TOP_K = 10_000;
/** A categorical column with more values than this, all distinct, is identifier-like. */
export const IDENTIFIER_MIN = 100;
export const DEFAULT_MAX_TRACKED = 10_000;

/**
 * An empty accumulator for a column: numeric (exact count, min, max, mean and std, and a quantile
 * sketch) or categorical (exact counts of up to `maxTracked` distinct values, then a HyperLogLog).
 */
export function createAccumulator(
  name: string,
  kind: ColumnKind,
  opts: AccumulatorOptions = {},
): ColumnAccumulator {
  if (kind === 'numeric') return new NumericAccumulator(name, opts.sketchK, opts.reference);
  return new CategoricalAccumulator(
    name,
    opts.topK ?? DEFAULT_TOP_K,
    opts.maxTracked ?? DEFAULT_MAX_TRACKED,
    opts.levels,
  );
}

/** Assemble a dataset profile from finished accumulators (`createdAt` defaults to now). */
export function profileFromAccumulators(
  accumulators: readonly ColumnAccumulator[],
  info: { rows: number; sources: DatasetProfile['sources']; createdAt?: string },
): DatasetProfile {
  return {
    kind: 'modelship.profile',
    schemaVersion: PROFILE_SCHEMA_VERSION,
    createdAt: info.createdAt ?? new Date().toISOString(),
    rows: info.rows,
    sources: info.sources,
    columns: accumulators.map((a) => a.toJSON()),
  };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function addTo(types: Record<string, number>, key: string, n: number): void {
  if (n > 0) types[key] = (types[key] ?? 0) + n;
}

class NumericAccumulator implements ColumnAccumulator {
  readonly kind = 'numeric' as const;
  /** Without a reference: the KLL sketch. With one: a KLL sketch while exact, then none. */
  sketch: KllSketch | undefined;
  /** With a reference: exact counts in its bins. */
  bins: ReferenceBins | undefined;
  private n = 0;
  // Running mean and sum of squared deviations of value / scale, scale a power of two >= every |value|
  // seen (0 before the first): so m2 neither overflows for |values| near 1e308 nor underflows for
  // values near 1e-300 (division by a power of two is exact).
  private mean = 0;
  private m2 = 0;
  private scale = 0;
  private integers = 0;
  private missing = 0;
  /** Values that are not finite numbers, by type. */
  private others: Record<string, number> = {};
  private otherCount = 0;

  constructor(
    readonly name: string,
    readonly k: number = DEFAULT_KLL_K,
    reference?: Float64Array,
  ) {
    this.sketch = new KllSketch(k);
    if (reference && reference.length > 0) this.bins = new ReferenceBins(reference);
  }

  add(value: unknown): void {
    if (typeof value === 'number' && value - value === 0) {
      const bins = this.bins;
      if (bins === undefined) this.sketch!.add(value);
      else {
        bins.add(value);
        if (this.sketch !== undefined) {
          if (this.n < EXACT_VALUES) this.sketch.add(value);
          else this.sketch = undefined;
        }
      }
      // Welford's running mean and sum of squared deviations, on value / scale.
      if (Math.abs(value) > this.scale) this.rescale(Math.abs(value));
      const x = this.scale === 0 ? 0 : value / this.scale;
      const n = ++this.n;
      const d = x - this.mean;
      this.mean += d / n;
      this.m2 += d * (x - this.mean);
      if (Number.isInteger(value)) this.integers++;
    } else {
      this.addOther(value);
    }
  }

  /** Move to the power-of-two scale that covers a (and the current scale): mean and m2 follow. */
  private rescale(a: number): void {
    const next = 2 ** Math.min(1023, Math.ceil(Math.log2(a)));
    // 2^1023 is the largest power of two: values up to Number.MAX_VALUE are then at most 2 in units of it.
    const to = next >= a || next === 2 ** 1023 ? next : 2 * next;
    if (this.scale > 0) {
      const f = this.scale / to;
      this.mean *= f;
      this.m2 *= f * f;
    }
    this.scale = to;
  }

  private addOther(value: unknown): void {
    const t = typeName(value);
    this.others[t] = (this.others[t] ?? 0) + 1;
    this.otherCount++;
  }

  addMissing(): void {
    this.missing++;
  }

  merge(other: ColumnAccumulator): void {
    if (!(other instanceof NumericAccumulator)) {
      throw new Error(`cannot merge a ${other.kind} accumulator into numeric column '${this.name}'`);
    }
    if ((this.bins === undefined) !== (other.bins === undefined))
      throw new Error(`cannot merge numeric column '${this.name}' counted with and without reference bins`);
    if (other.n > 0) {
      // Chan et al.'s parallel update of mean and M2, at the larger of the two scales.
      if (other.scale > this.scale) this.rescale(other.scale);
      const f = this.scale === 0 ? 0 : other.scale / this.scale;
      const om = other.mean * f;
      const om2 = other.m2 * f * f;
      const n = this.n + other.n;
      const d = om - this.mean;
      this.m2 += om2 + (d * d * this.n * other.n) / n;
      this.mean += (d * other.n) / n;
      this.integers += other.integers;
      if (this.bins && other.bins) {
        this.bins.merge(other.bins);
        // The exact values are kept while all of them fit, whichever way they were split.
        if (this.sketch && other.sketch && n <= EXACT_VALUES) this.sketch.merge(other.sketch);
        else this.sketch = undefined;
      } else this.sketch!.merge(other.sketch!);
      this.n = n;
    }
    this.missing += other.missing;
    this.otherCount += other.otherCount;
    for (const [k, v] of Object.entries(other.others)) this.others[k] = (this.others[k] ?? 0) + v;
  }

  state(): AccumulatorState {
    const { name, k, n, mean, m2, scale, integers, missing, otherCount } = this;
    const st: AccumulatorState = {
      kind: 'numeric',
      name,
      k,
      n,
      mean,
      m2,
      scale,
      integers,
      missing,
      others: { ...this.others },
      otherCount,
    };
    if (this.sketch) st.sketch = this.sketch.toJSON();
    if (this.bins) st.bins = this.bins.toJSON();
    return st;
  }

  static fromState(st: Extract<AccumulatorState, { kind: 'numeric' }>): NumericAccumulator {
    const acc = new NumericAccumulator(st.name, st.k);
    acc.sketch = st.sketch ? KllSketch.fromJSON(st.sketch) : undefined;
    acc.bins = st.bins ? ReferenceBins.fromJSON(st.bins) : undefined;
    Object.assign(acc, {
      n: st.n,
      mean: st.mean,
      m2: st.m2,
      scale: st.scale,
      integers: st.integers,
      missing: st.missing,
    });
    acc.others = { ...st.others };
    acc.otherCount = st.otherCount;
    return acc;
  }

  toJSON(): ColumnProfile {
    const types: Record<string, number> = {};
    addTo(types, 'integer', this.integers);
    addTo(types, 'number', this.n - this.integers);
    for (const [k, v] of Object.entries(this.others)) addTo(types, k, v);
    const profile: ColumnProfile = {
      name: this.name,
      kind: 'numeric',
      count: this.n + this.otherCount,
      missing: this.missing,
      types,
    };
    if (this.n > 0) profile.numeric = this.summary();
    return profile;
  }

  private summary(): NumericSummary {
    // Exact values when kept; otherwise the reference bins (exact at their edges) or the sketch.
    const exact = this.sketch !== undefined && (this.bins === undefined || this.sketch.exact);
    const s: Distribution = exact ? this.sketch! : (this.bins ?? this.sketch!);
    const integral = this.integers === this.n;
    const min = s.min;
    const max = s.max;
    const quantiles = {} as Record<QuantileKey, number>;
    for (const k of QUANTILE_KEYS)
      quantiles[k] =
        s instanceof ReferenceBins
          ? s.quantile(QUANTILE_LEVELS[k], integral)
          : s.quantile(QUANTILE_LEVELS[k]);
    const out: NumericSummary = {
      min,
      max,
      mean: this.mean * this.scale,
      std: this.n > 1 ? Math.sqrt(Math.max(0, this.m2 / (this.n - 1))) * this.scale : 0,
      quantiles,
      histogram: s instanceof ReferenceBins ? binnedHistogram(s) : histogram(s as KllSketch, min, max),
    };
    if (this.sketch) out.sketch = this.sketch.toJSON();
    if (this.bins) out.bins = this.bins.toJSON();
    return out;
  }
}

/**
 * The histogram of a column counted into reference bins: the bins themselves, merged into at most
 * {@link HISTOGRAM_BINS} runs of adjacent bins of about equal count (the outer bins closed at min and
 * max). Counts are exact; edges are the reference edges, so bins are not of equal width.
 */
function binnedHistogram(b: ReferenceBins): { edges: number[]; counts: number[] } {
  const counts = b.binCounts();
  const n = b.count;
  const min = b.min;
  const max = b.max;
  if (!(max > min)) return { edges: [min, max], counts: [n] };
  const edges: number[] = [min];
  const out: number[] = [];
  let run = 0;
  let cum = 0;
  for (let i = 0; i < counts.length; i++) {
    run += counts[i]!;
    cum += counts[i]!;
    const upper = i < b.edges.length ? b.edges[i]! : max;
    const due = (n * (out.length + 1)) / HISTOGRAM_BINS;
    if (run > 0 && upper > edges[edges.length - 1]! && upper < max && cum >= due) {
      edges.push(upper);
      out.push(run);
      run = 0;
    }
  }
  edges.push(max);
  out.push(run);
  return { edges, counts: out };
}

/**
 * Equal-width histogram between min and max from the sketch's CDF (a step function at the values
 * held, so each value falls wholly in one bin). Counts sum to the sketch count.
 */
function histogram(s: KllSketch, min: number, max: number): { edges: number[]; counts: number[] } {
  const n = s.count;
  if (!(max > min)) return { edges: [min, max], counts: [n] };
  const edges: number[] = [];
  for (let i = 0; i <= HISTOGRAM_BINS; i++)
    edges.push(i === HISTOGRAM_BINS ? max : min + ((max - min) * i) / HISTOGRAM_BINS);
  const counts: number[] = [];
  let prev = 0;
  for (let i = 1; i <= HISTOGRAM_BINS; i++) {
    const cum = i === HISTOGRAM_BINS ? n : s.rank(edges[i]!);
    counts.push(Math.max(0, cum - prev));
    prev = Math.max(prev, cum);
  }
  return { edges, counts };
}

class CategoricalAccumulator implements ColumnAccumulator {
  readonly kind = 'categorical' as const;
  /** Key -> slot in `counts`. */
  private readonly index = new Map<string, number>();
  private readonly keys: string[] = [];
  private counts: number[] = [];
  /** Values of keys seen after the cap (not tracked exactly). */
  private overflow = 0;
  private hll: HyperLogLog | undefined;
  private strings = 0;
  private booleans = 0;
  private integers = 0;
  private fractions = 0;
  private missing = 0;
  private others: Record<string, number> = {};
  private otherTypes = 0;

  /** Reference levels: tracked past the cap, listed in the profile whatever their count. */
  private readonly reference: ReadonlySet<string>;

  constructor(
    readonly name: string,
    private readonly topK: number,
    private readonly maxTracked: number,
    levels: readonly string[] = [],
  ) {
    this.reference = new Set(levels);
  }

  add(value: unknown): void {
    let key: string;
    if (typeof value === 'string') {
      key = value;
      this.strings++;
    } else if (typeof value === 'number') {
      key = String(value);
      if (Number.isInteger(value)) this.integers++;
      else this.fractions++;
    } else if (typeof value === 'boolean') {
      key = value ? 'true' : 'false';
      this.booleans++;
    } else {
      this.addOther(value);
      return;
    }
    const slot = this.index.get(key);
    if (slot !== undefined) this.counts[slot]! += 1;
    else this.addKey(key, 1);
  }

  private addOther(value: unknown): void {
    const t = typeName(value);
    this.others[t] = (this.others[t] ?? 0) + 1;
    this.otherTypes++;
  }

  private addKey(key: string, count: number): void {
    if ((this.hll === undefined && this.keys.length < this.maxTracked) || this.reference.has(key)) {
      if (this.hll !== undefined) this.hll.addString(key);
      this.index.set(key, this.keys.length);
      this.keys.push(key);
      this.counts.push(count);
      return;
    }
    this.startHll().addString(key);
    this.overflow += count;
  }

  /** Switch to estimating: seed the HyperLogLog with every tracked key so the estimate covers them. */
  private startHll(): HyperLogLog {
    if (this.hll === undefined) {
      const hll = new HyperLogLog();
      for (const k of this.keys) hll.addString(k);
      this.hll = hll;
    }
    return this.hll;
  }

  addMissing(): void {
    this.missing++;
  }

  merge(other: ColumnAccumulator): void {
    if (!(other instanceof CategoricalAccumulator)) {
      throw new Error(`cannot merge a ${other.kind} accumulator into categorical column '${this.name}'`);
    }
    for (let i = 0; i < other.keys.length; i++) {
      const key = other.keys[i]!;
      const c = other.counts[i]!;
      const slot = this.index.get(key);
      if (slot !== undefined) this.counts[slot]! += c;
      else this.addKey(key, c);
    }
    if (other.hll !== undefined) this.startHll().merge(other.hll);
    this.overflow += other.overflow;
    this.strings += other.strings;
    this.booleans += other.booleans;
    this.integers += other.integers;
    this.fractions += other.fractions;
    this.missing += other.missing;
    this.otherTypes += other.otherTypes;
    for (const [k, v] of Object.entries(other.others)) this.others[k] = (this.others[k] ?? 0) + v;
  }

  state(): AccumulatorState {
    const { name, topK, maxTracked, overflow, strings, booleans, integers, fractions, missing, otherTypes } =
      this;
    return {
      kind: 'categorical',
      name,
      levels: [...this.reference],
      topK,
      maxTracked,
      keys: [...this.keys],
      counts: [...this.counts],
      overflow,
      ...(this.hll ? { hll: this.hll.toJSON() } : {}),
      strings,
      booleans,
      integers,
      fractions,
      missing,
      others: { ...this.others },
      otherTypes,
    };
  }

  static fromState(st: Extract<AccumulatorState, { kind: 'categorical' }>): CategoricalAccumulator {
    const acc = new CategoricalAccumulator(st.name, st.topK, st.maxTracked, st.levels);
    st.keys.forEach((k, i) => {
      acc.index.set(k, i);
      acc.keys.push(k);
    });
    acc.counts = [...st.counts];
    if (st.hll !== undefined) acc.hll = HyperLogLog.fromJSON(st.hll);
    const { overflow, strings, booleans, integers, fractions, missing, otherTypes } = st;
    Object.assign(acc, { overflow, strings, booleans, integers, fractions, missing, otherTypes });
    acc.others = { ...st.others };
    return acc;
  }

  toJSON(): ColumnProfile {
    const types: Record<string, number> = {};
    addTo(types, 'string', this.strings);
    addTo(types, 'boolean', this.booleans);
    addTo(types, 'integer', this.integers);
    addTo(types, 'number', this.fractions);
    for (const [k, v] of Object.entries(this.others)) addTo(types, k, v);
    const total = this.strings + this.booleans + this.integers + this.fractions;

    const order = this.keys.map((_, i) => i);
    const keys = this.keys;
    const counts = this.counts;
    order.sort((a, b) => counts[b]! - counts[a]! || (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
    // The reference levels (with 0 for those never seen), then the most frequent other values.
    const listed: [string, number][] = [];
    for (const level of this.reference) {
      const slot = this.index.get(level);
      listed.push([level, slot === undefined ? 0 : counts[slot]!]);
    }
    // An identifier-like column (every value distinct, more than IDENTIFIER_MIN of them) has no
    // distribution to compare: a few of its values are listed, not thousands.
    const distinctAll = this.hll === undefined ? this.keys.length : Math.round(this.hll.estimate());
    const cap = distinctAll >= total && total > IDENTIFIER_MIN ? IDENTIFIER_MIN : this.topK;
    let others = 0;
    for (let r = 0; r < order.length && others < cap; r++) {
      const i = order[r]!;
      if (this.reference.has(keys[i]!)) continue;
      listed.push([keys[i]!, counts[i]!]);
      others++;
    }
    const top = listed.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let inTop = 0;
    for (const [, c] of top) inTop += c;
    const categorical: CategoricalSummary = {
      distinct: this.keys.length,
      distinctExact: this.hll === undefined,
      top,
      otherCount: total - inTop,
    };
    if (this.hll !== undefined) {
      // The estimate, kept between the exactly tracked count and the number of values.
      categorical.distinct = Math.min(total, Math.max(this.keys.length, Math.round(this.hll.estimate())));
      categorical.hll = this.hll.toJSON();
    }
    return {
      name: this.name,
      kind: 'categorical',
      count: total + this.otherTypes,
      missing: this.missing,
      types,
      categorical,
    };
  }
}

/**
 * The distribution a numeric summary describes best: its KLL sketch when it holds every value
 * exactly or when there are no reference bins, else the reference bins.
 *
 * @throws RangeError when the summary's sketch or bins are inconsistent (see their fromJSON).
 */
export function distributionOf(summary: NumericSummary): KllSketch | ReferenceBins {
  const sketch = summary.sketch ? KllSketch.fromJSON(summary.sketch) : undefined;
  if (sketch && (sketch.exact || !summary.bins)) return sketch;
  if (summary.bins) return ReferenceBins.fromJSON(summary.bins);
  throw new RangeError('a numeric summary needs a sketch or reference bins');
}

/**
 * Reference edges for a run compared with `baseline`: per numeric column with values, the edges of
 * `referenceEdges` on its distribution. Columns without a usable summary are left out.
 */
export function referenceEdgesOf(baseline: DatasetProfile): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const col of baseline.columns) {
    if (col.kind !== 'numeric' || !col.numeric) continue;
    const edges = referenceEdges(distributionOf(col.numeric));
    if (edges.length > 0) out.set(col.name, edges);
  }
  return out;
}

/** What a run against a baseline counts a column into: numeric edges, categorical levels. */
export interface ColumnReference {
  edges?: Float64Array;
  levels?: readonly string[];
}

/**
 * The references of a run compared with `baseline`, by column: `referenceEdges` of each numeric
 * column with values, the listed values (`top`) of each categorical column.
 */
export function referencesOf(baseline: DatasetProfile): Map<string, ColumnReference> {
  const out = new Map<string, ColumnReference>();
  for (const [name, edges] of referenceEdgesOf(baseline)) out.set(name, { edges });
  for (const col of baseline.columns) {
    if (col.kind === 'categorical' && col.categorical && col.categorical.top.length > 0)
      out.set(col.name, { levels: col.categorical.top.map(([k]) => k) });
  }
  return out;
}
