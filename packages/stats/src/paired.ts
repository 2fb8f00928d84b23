/**
 * The paired bootstrap of a metric difference, metric(candidate) - metric(champion), with both
 * models resampled over the same rows (Efron & Tibshirani 1993, An Introduction to the Bootstrap,
 * ch. 13 (percentile) and 14.3 (BCa)); the interval follows scipy.stats.bootstrap(paired=True).
 *
 * Resampling scheme: the ordinary (multinomial) bootstrap, n rows drawn with replacement, generated
 * exactly but without drawing n random row indices over the whole table:
 *
 * - confusion metrics (accuracy, precision, recall, f1): the metric pair depends only on the counts
 *   of the 8 cells (label, candidate's prediction, champion's prediction), so a resample is one
 *   Multinomial(n, cell shares) draw by 8 conditional binomials: O(1) per resample.
 * - metrics that are smooth functions of per-row means (brier, log_loss, mae, mape: the mean of the
 *   per-row loss difference; rmse: two means; r2: four): per resample, the row counts per block of
 *   1024 consecutive rows are drawn by sequential conditional binomials, then each block's draws
 *   pick uniform rows inside the block (10 random bits each, three per 32-bit word), summing the
 *   row values as they go: O(n) per resample, with every memory access inside a 1024-row block.
 *   The rows are drawn and summed by a WebAssembly kernel (gather.ts), four chunks' streams at
 *   once, with the same sums bit for bit; the JS loops where WebAssembly is missing.
 * - roc_auc and pr_auc: the same block scheme fills a count per row, then the weighted metric of
 *   each model is one pass over its rows in score order: O(n) per resample with a gather through
 *   the sort order, several times slower per row than the means.
 *
 * The BCa acceleration is the jackknife's (as scipy): closed form for the means (leaving row i out
 * changes the sums by that row's values) and the confusion cells (8 distinct leave-one-out values),
 * from the DeLong placement values for roc_auc, and for pr_auc exact up to 5,000 rows, above that
 * a grouped jackknife over 2,000 groups of rows (i mod 2000), which estimates the same
 * acceleration (skewness / (6 sqrt(n))) to within its sampling error.
 */
import {
  ascendingOrder,
  checkColumns,
  type CheckedColumns,
  confusionMetric,
  type MetricName,
  type PredictionColumns,
  r2FromSums,
  rowLoss,
  weightedAveragePrecision,
  weightedRocAuc,
} from './metrics.js';
import { placements } from './delong.js';
import { checkConfidence, type IntervalResult } from './interval.js';
import { binomial, multinomial, randomSeed, Xoshiro128 } from './random.js';
import { GATHER_LANES, wasmGather, type LaneGather } from './gather.js';
import { normalCdf, normalQuantile } from './special.js';

/** Options of {@link pairedBootstrap}. */
export interface PairedBootstrapOptions {
  /** Number of bootstrap resamples, an integer >= 2 (default 2000). */
  resamples?: number;
  /** Two-sided confidence level in (0, 1) (default 0.95). */
  confidence?: number;
  /** uint32 seed of the generator; drawn at random (and returned) when absent. */
  seed?: number;
  /** 'bca' (default) or 'percentile'. */
  method?: 'percentile' | 'bca';
  /** Score threshold of the hard predictions of the confusion metrics (default 0.5). */
  threshold?: number;
}

/** What {@link pairedBootstrap} returns beyond the interval. */
export interface BootstrapResult extends IntervalResult {
  resamples: number;
  seed: number;
  standardError: number;
  /** BCa's bias correction z0 and acceleration a (0 and 0 for the percentile method). */
  bias: number;
  acceleration: number;
  /** Resamples left out because the metric was undefined on them (one class only, for the AUCs). */
  skipped: number;
}

const BLOCK_BITS = 10;
const BLOCK = 1 << BLOCK_BITS;
const MASK = BLOCK - 1;

/** A statistic the bootstrap can resample: the estimate, one resample, and the jackknife. */
export interface Engine {
  estimate: number;
  /** Rough cost of one resample, in row visits (8 for the confusion cells, n k for k means). */
  cost: number;
  resample(rng: Xoshiro128): number;
  /**
   * One resample per generator (1 to GATHER_LANES of them) into out[k], each equal to
   * resample(rngs[k]): for the engines that draw several streams at once (the means).
   */
  resampleLanes?(rngs: readonly Xoshiro128[], out: Float64Array): void;
  /** Leave-one-out (or leave-one-group-out) values and their multiplicities. */
  jackknife(): { values: Float64Array; weights: Float64Array };
}

/**
 * Paired bootstrap of metric(candidate) - metric(champion) over the same resampled rows.
 *
 * @param name the metric, as {@link computeMetric}.
 * @param candidate the candidate's columns; `label` must equal the champion's row for row.
 * @param champion the champion's columns.
 * @returns estimate (the difference on the full data), the interval [low, high] at `confidence`,
 *   method 'bootstrap-bca' or 'bootstrap-percentile', standardError (standard deviation of the
 *   resampled differences, ddof 1), resamples, the seed used, BCa's bias and acceleration, and
 *   skipped (resamples where the metric was undefined; they are left out of the distribution).
 *   When every resample gives the same difference (identical models), low = high = that value.
 * @throws RangeError on bad columns (as computeMetric), labels differing between the models,
 *   resamples not an integer >= 2, a confidence outside (0, 1), an unknown method, or when every
 *   resample was undefined.
 */
export function pairedBootstrap(
  name: MetricName,
  candidate: PredictionColumns,
  champion: PredictionColumns,
  opts: PairedBootstrapOptions = {},
): BootstrapResult {
  const plan = planBootstrap(name, candidate, champion, opts);
  const chunks = Array.from({ length: bootstrapChunkCount(plan.resamples) }, (_, j) => j);
  return intervalFromDraws(plan, drawChunks(plan, chunks));
}

/**
 * Resamples per chunk: resample b belongs to chunk floor(b / 64), and chunk j draws from its own
 * generator, seeded by (seed, j) (see {@link Xoshiro128.stream}). So the resampled values do not
 * depend on how the chunks are shared out between threads, and the first 1,000 of 2,000 resamples
 * are the 1,000 resamples of the same seed.
 */
export const BOOTSTRAP_CHUNK = 64;

/** The number of chunks of `resamples` resamples (the last may be short). */
export function bootstrapChunkCount(resamples: number): number {
  return Math.ceil(resamples / BOOTSTRAP_CHUNK);
}

/** A checked bootstrap request: options resolved (the seed drawn when absent), columns checked. */
export interface BootstrapPlan {
  name: MetricName;
  resamples: number;
  confidence: number;
  method: 'percentile' | 'bca';
  seed: number;
  threshold?: number;
  candidate: CheckedColumns;
  champion: CheckedColumns;
  engine: Engine;
}

/**
 * Check a bootstrap request and build its resampling engine (as {@link pairedBootstrap}, whose
 * errors it throws). The plan's `seed` is the one used (drawn at random when `opts.seed` is absent).
 */
export function planBootstrap(
  name: MetricName,
  candidate: PredictionColumns,
  champion: PredictionColumns,
  opts: PairedBootstrapOptions = {},
): BootstrapPlan {
  const resamples = opts.resamples ?? 2000;
  const confidence = opts.confidence ?? 0.95;
  const method = opts.method ?? 'bca';
  if (!Number.isInteger(resamples) || resamples < 2)
    throw new RangeError(`resamples ${resamples} is not an integer of at least 2`);
  checkConfidence(confidence);
  if (method !== 'bca' && method !== 'percentile')
    throw new RangeError(`bootstrap method '${String(method)}' is not 'bca' or 'percentile'`);
  const seed = (opts.seed ?? randomSeed()) >>> 0;
  const topts = opts.threshold === undefined ? {} : { threshold: opts.threshold };
  const c = checkColumns(name, candidate, { ...topts, what: 'candidate' });
  const h = checkColumns(name, champion, { ...topts, what: 'champion' });
  sameLabels(c.label, h.label);
  return {
    name,
    resamples,
    confidence,
    method,
    seed,
    ...topts,
    candidate: c,
    champion: h,
    engine: makeEngine(name, c, h),
  };
}

/**
 * The resampled differences of the given chunks, concatenated in the order given (chunk j holds
 * resamples [64 j, min(64 j + 64, resamples))). A resample where the metric is undefined is NaN.
 */
export function drawChunks(plan: BootstrapPlan, chunks: readonly number[]): Float64Array {
  let size = 0;
  for (const j of chunks) size += chunkSize(plan.resamples, j);
  const out = new Float64Array(size);
  const { engine } = plan;
  if (engine.resampleLanes) {
    // GATHER_LANES chunks at a time, resample b of each drawn together; every chunk's stream is
    // its own, so the values are those of one chunk after another.
    const values = new Float64Array(GATHER_LANES);
    let at = 0;
    for (let g = 0; g < chunks.length; g += GATHER_LANES) {
      const group = chunks.slice(g, g + GATHER_LANES);
      const rngs = group.map((j) => Xoshiro128.stream(plan.seed, j));
      const sizes = group.map((j) => chunkSize(plan.resamples, j));
      const offsets = sizes.map((_, i) => at + sizes.slice(0, i).reduce((a, b) => a + b, 0));
      for (let b = 0; b < Math.max(...sizes); b++) {
        const live = group.flatMap((_, i) => (b < sizes[i]! ? [i] : []));
        engine.resampleLanes(
          live.map((i) => rngs[i]!),
          values,
        );
        live.forEach((i, k) => (out[offsets[i]! + b] = values[k]!));
      }
      at += sizes.reduce((a, b) => a + b, 0);
    }
    return out;
  }
  let at = 0;
  for (const j of chunks) {
    const rng = Xoshiro128.stream(plan.seed, j);
    for (let b = chunkSize(plan.resamples, j); b > 0; b--) out[at++] = engine.resample(rng);
  }
  return out;
}

function chunkSize(resamples: number, j: number): number {
  if (!Number.isInteger(j) || j < 0 || j * BOOTSTRAP_CHUNK >= resamples)
    throw new RangeError(`bootstrap chunk ${j} is outside the ${resamples} resamples`);
  return Math.min(BOOTSTRAP_CHUNK, resamples - j * BOOTSTRAP_CHUNK);
}

/**
 * The interval from all resampled differences, in resample order (as {@link drawChunks} gives
 * them for chunks 0, 1, ...): what {@link pairedBootstrap} returns.
 * @throws RangeError when `draws` does not hold one value per resample, or every value is NaN.
 */
export function intervalFromDraws(plan: BootstrapPlan, draws: Float64Array): BootstrapResult {
  const { name, resamples, confidence, method, engine } = plan;
  if (draws.length !== resamples)
    throw new RangeError(`${draws.length} bootstrap values for ${resamples} resamples`);
  const all = new Float64Array(resamples);
  let kept = 0;
  for (let b = 0; b < resamples; b++) {
    const v = draws[b]!;
    if (Number.isFinite(v)) all[kept++] = v;
  }
  if (kept === 0)
    throw new RangeError(`${name} was undefined on every bootstrap resample (too few rows of a class)`);
  const theta = all.subarray(0, kept).sort();
  const alpha = (1 - confidence) / 2;
  let q1 = alpha;
  let q2 = 1 - alpha;
  let bias = 0;
  let acceleration = 0;
  if (method === 'bca') {
    const est = engine.estimate;
    let below = 0;
    let atOrBelow = 0;
    for (let i = 0; i < kept; i++) {
      if (theta[i]! < est) below++;
      if (theta[i]! <= est) atOrBelow++;
    }
    bias = normalQuantile((below + atOrBelow) / (2 * kept));
    acceleration = jackknifeAcceleration(engine.jackknife());
    const za = normalQuantile(alpha);
    const n1 = bias + za;
    const n2 = bias - za;
    q1 = normalCdf(bias + n1 / (1 - acceleration * n1));
    q2 = normalCdf(bias + n2 / (1 - acceleration * n2));
  }
  let mean = 0;
  for (let i = 0; i < kept; i++) mean += theta[i]!;
  mean /= kept;
  let ss = 0;
  for (let i = 0; i < kept; i++) ss += (theta[i]! - mean) ** 2;
  return {
    estimate: engine.estimate,
    low: quantileSorted(theta, q1),
    high: quantileSorted(theta, q2),
    confidence,
    method: method === 'bca' ? 'bootstrap-bca' : 'bootstrap-percentile',
    n: plan.candidate.n,
    resamples,
    seed: plan.seed,
    standardError: kept > 1 ? Math.sqrt(ss / (kept - 1)) : 0,
    bias,
    acceleration,
    skipped: resamples - kept,
  };
}

function sameLabels(a: Float64Array, b: Float64Array): void {
  if (a === b) return;
  if (a.length !== b.length)
    throw new RangeError(
      `candidate has ${a.length} rows but champion has ${b.length}: compare on the same rows`,
    );
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i] && !(Number.isNaN(a[i]!) && Number.isNaN(b[i]!)))
      throw new RangeError(
        `candidate and champion labels differ at row ${i} (${a[i]} vs ${b[i]}): compare on the same rows`,
      );
}

/** numpy.percentile's default (linear) interpolation on a sorted array, q in [0, 1]. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (Number.isNaN(q)) return NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a === b ? a : a + (h - lo) * (b - a);
}

/**
 * BCa acceleration from jackknife values θ_(i) with multiplicities w_i:
 * Σ w (θ̄ - θ_(i))³ / (6 (Σ w (θ̄ - θ_(i))²)^{3/2}), θ̄ the weighted mean; 0 when all are equal.
 */
export function jackknifeAcceleration({
  values,
  weights,
}: {
  values: Float64Array;
  weights: Float64Array;
}): number {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    sw += weights[i]!;
    s += weights[i]! * values[i]!;
  }
  const mean = s / sw;
  let num = 0;
  let den = 0;
  for (let i = 0; i < values.length; i++) {
    const d = mean - values[i]!;
    num += weights[i]! * d * d * d;
    den += weights[i]! * d * d;
  }
  return den > 0 ? num / (6 * den ** 1.5) : 0;
}

function makeEngine(name: MetricName, c: CheckedColumns, h: CheckedColumns): Engine {
  switch (name) {
    case 'accuracy':
    case 'precision':
    case 'recall':
    case 'f1':
      return cellEngine(name, c, h);
    case 'brier':
    case 'log_loss':
    case 'mae':
    case 'mape': {
      const f = name === 'brier' || name === 'log_loss' ? 'score' : 'prediction';
      const d = new Float64Array(c.n);
      for (let i = 0; i < c.n; i++)
        d[i] = rowLoss(name, c.label[i]!, c[f]![i]!) - rowLoss(name, h.label[i]!, h[f]![i]!);
      return momentEngine(d, 1, (m) => m[0]!);
    }
    case 'rmse': {
      const x = new Float64Array(2 * c.n);
      for (let i = 0; i < c.n; i++) {
        x[2 * i] = rowLoss('rmse', c.label[i]!, c.prediction![i]!);
        x[2 * i + 1] = rowLoss('rmse', c.label[i]!, h.prediction![i]!);
      }
      return momentEngine(x, 2, (m) => Math.sqrt(m[0]!) - Math.sqrt(m[1]!));
    }
    case 'r2': {
      // Means of (squared error of each model, y - ybar, (y - ybar)²): SS_tot / n = m3 - m2².
      const n = c.n;
      let ybar = 0;
      for (let i = 0; i < n; i++) ybar += c.label[i]!;
      ybar /= n;
      const x = new Float64Array(4 * n);
      for (let i = 0; i < n; i++) {
        const y = c.label[i]!;
        x[4 * i] = (y - c.prediction![i]!) ** 2;
        x[4 * i + 1] = (y - h.prediction![i]!) ** 2;
        x[4 * i + 2] = y - ybar;
        x[4 * i + 3] = (y - ybar) ** 2;
      }
      return momentEngine(x, 4, (m) => {
        const tot = Math.max(0, m[3]! - m[2]! * m[2]!);
        return r2FromSums(m[0]!, tot) - r2FromSums(m[1]!, tot);
      });
    }
    case 'roc_auc':
    case 'pr_auc':
      return rankEngine(name, c, h);
  }
}

/** Confusion metrics: 8 cells (label, candidate prediction, champion prediction). */
function cellEngine(
  name: 'accuracy' | 'precision' | 'recall' | 'f1',
  c: CheckedColumns,
  h: CheckedColumns,
): Engine {
  const counts = new Int32Array(8);
  const y = c.label;
  const pc = c.prediction!;
  const ph = h.prediction!;
  for (let i = 0; i < c.n; i++) counts[y[i]! * 4 + pc[i]! * 2 + ph[i]!]! += 1;
  const stat = (k: ArrayLike<number>): number =>
    confusionMetric(name, { tp: k[6]! + k[7]!, fn: k[4]! + k[5]!, fp: k[2]! + k[3]!, tn: k[0]! + k[1]! }) -
    confusionMetric(name, { tp: k[5]! + k[7]!, fn: k[4]! + k[6]!, fp: k[1]! + k[3]!, tn: k[0]! + k[2]! });
  const shares = Float64Array.from(counts);
  const out = new Int32Array(8);
  return {
    estimate: stat(counts),
    cost: 8,
    resample: (rng) => stat(multinomial(rng, c.n, shares, out)),
    jackknife: () => {
      const values = new Float64Array(8);
      const weights = new Float64Array(8);
      const k = Int32Array.from(counts);
      for (let t = 0; t < 8; t++) {
        if (counts[t] === 0) continue;
        k[t]!--;
        values[t] = stat(k);
        k[t]!++;
        weights[t] = counts[t]!;
      }
      return { values, weights };
    },
  };
}

/**
 * A function f of the means of k per-row columns, `x` row-major (row i at x[i k .. i k + k)).
 * A resample is f of the resampled means.
 */
function momentEngine(x: Float64Array, k: number, f: (means: Float64Array) => number): Engine {
  const n = x.length / k;
  const totals = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) totals[j]! += x[i * k + j]!;
  const means = totals.map((t) => t / n);
  const acc = new Float64Array(k);
  // The WebAssembly kernel, made at the first resample (a plan that only computes the interval
  // from the draws of worker threads never needs it); undefined when it cannot be had.
  let lanes: LaneGather | undefined | null = null;
  const sums = new Float64Array(GATHER_LANES * k);
  return {
    estimate: f(means),
    cost: n * k,
    resample: (rng) => {
      if (k === 1) {
        acc[0] = resampleSum1(rng, x);
      } else {
        resampleSums(rng, x, k, acc);
      }
      for (let j = 0; j < k; j++) acc[j]! /= n;
      return f(acc);
    },
    resampleLanes: (rngs, out) => {
      if (lanes === null) lanes = wasmGather(x, k);
      if (lanes) lanes.sums(rngs, sums);
      else
        for (let i = 0; i < rngs.length; i++) {
          if (k === 1) sums[i] = resampleSum1(rngs[i]!, x);
          else {
            resampleSums(rngs[i]!, x, k, acc);
            sums.set(acc, k * i);
          }
        }
      for (let i = 0; i < rngs.length; i++) {
        for (let j = 0; j < k; j++) acc[j] = sums[k * i + j]! / n;
        out[i] = f(acc);
      }
    },
    jackknife: () => {
      const values = new Float64Array(n);
      const weights = new Float64Array(n).fill(1);
      const m = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < k; j++) m[j] = (totals[j]! - x[i * k + j]!) / (n - 1);
        values[i] = f(m);
      }
      return { values, weights };
    },
  };
}

/**
 * Sum of x over one bootstrap resample of its rows (n draws with replacement), by blocks of
 * 1024 rows: the draws per block by sequential conditional binomials, then uniform rows inside the
 * block from 10-bit slices of the generator's 32-bit outputs (the xoshiro128** step is inlined).
 */
export function resampleSum1(rng: Xoshiro128, x: Float64Array): number {
  const n = x.length;
  let left = n;
  let rowsLeft = n;
  let total = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const size = Math.min(BLOCK, n - start);
    let c = rowsLeft === size ? left : binomial(rng, left, size / rowsLeft);
    left -= c;
    rowsLeft -= size;
    let acc = 0;
    if (size === BLOCK) {
      let s0 = rng.s0;
      let s1 = rng.s1;
      let s2 = rng.s2;
      let s3 = rng.s3;
      while (c > 0) {
        const m = Math.imul(s1, 5);
        const r = Math.imul((m << 7) | (m >>> 25), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        if (c >= 3) {
          acc += x[start + (r & MASK)]! + x[start + ((r >>> 10) & MASK)]! + x[start + ((r >>> 20) & MASK)]!;
          c -= 3;
        } else {
          acc += x[start + (r & MASK)]!;
          c -= 1;
        }
      }
      rng.s0 = s0;
      rng.s1 = s1;
      rng.s2 = s2;
      rng.s3 = s3;
    } else {
      for (; c > 0; c--) acc += x[start + rng.nextBelow(size)]!;
    }
    total += acc;
  }
  return total;
}

/**
 * {@link resampleSum1} for k columns stored row-major; the sums go to `out`. k = 2 (rmse) and
 * k = 4 (r2) have their own loops, written like resampleSum1's (the generator step inlined, one
 * accumulator per column and block): a general loop over k is several times slower in V8.
 */
export function resampleSums(rng: Xoshiro128, x: Float64Array, k: number, out: Float64Array): void {
  if (k === 1) out[0] = resampleSum1(rng, x);
  else if (k === 2) resampleSum2(rng, x, out);
  else if (k === 4) resampleSum4(rng, x, out);
  else throw new RangeError(`resampleSums: k = ${k} is not 1, 2 or 4`);
}

function resampleSum2(rng: Xoshiro128, x: Float64Array, out: Float64Array): void {
  const n = x.length / 2;
  let left = n;
  let rowsLeft = n;
  let t0 = 0;
  let t1 = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const size = Math.min(BLOCK, n - start);
    let c = rowsLeft === size ? left : binomial(rng, left, size / rowsLeft);
    left -= c;
    rowsLeft -= size;
    let a0 = 0;
    let a1 = 0;
    if (size === BLOCK) {
      let s0 = rng.s0;
      let s1 = rng.s1;
      let s2 = rng.s2;
      let s3 = rng.s3;
      while (c > 0) {
        const m = Math.imul(s1, 5);
        const r = Math.imul((m << 7) | (m >>> 25), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        if (c >= 3) {
          const i0 = (start + (r & MASK)) << 1;
          const i1 = (start + ((r >>> 10) & MASK)) << 1;
          const i2 = (start + ((r >>> 20) & MASK)) << 1;
          a0 += x[i0]! + x[i1]! + x[i2]!;
          a1 += x[i0 + 1]! + x[i1 + 1]! + x[i2 + 1]!;
          c -= 3;
        } else {
          const i0 = (start + (r & MASK)) << 1;
          a0 += x[i0]!;
          a1 += x[i0 + 1]!;
          c -= 1;
        }
      }
      rng.s0 = s0;
      rng.s1 = s1;
      rng.s2 = s2;
      rng.s3 = s3;
    } else {
      for (; c > 0; c--) {
        const i0 = (start + rng.nextBelow(size)) << 1;
        a0 += x[i0]!;
        a1 += x[i0 + 1]!;
      }
    }
    t0 += a0;
    t1 += a1;
  }
  out[0] = t0;
  out[1] = t1;
}

function resampleSum4(rng: Xoshiro128, x: Float64Array, out: Float64Array): void {
  const n = x.length / 4;
  let left = n;
  let rowsLeft = n;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const size = Math.min(BLOCK, n - start);
    let c = rowsLeft === size ? left : binomial(rng, left, size / rowsLeft);
    left -= c;
    rowsLeft -= size;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    if (size === BLOCK) {
      let s0 = rng.s0;
      let s1 = rng.s1;
      let s2 = rng.s2;
      let s3 = rng.s3;
      while (c > 0) {
        const m = Math.imul(s1, 5);
        const r = Math.imul((m << 7) | (m >>> 25), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        if (c >= 3) {
          const i0 = (start + (r & MASK)) << 2;
          const i1 = (start + ((r >>> 10) & MASK)) << 2;
          const i2 = (start + ((r >>> 20) & MASK)) << 2;
          a0 += x[i0]! + x[i1]! + x[i2]!;
          a1 += x[i0 + 1]! + x[i1 + 1]! + x[i2 + 1]!;
          a2 += x[i0 + 2]! + x[i1 + 2]! + x[i2 + 2]!;
          a3 += x[i0 + 3]! + x[i1 + 3]! + x[i2 + 3]!;
          c -= 3;
        } else {
          const i0 = (start + (r & MASK)) << 2;
          a0 += x[i0]!;
          a1 += x[i0 + 1]!;
          a2 += x[i0 + 2]!;
          a3 += x[i0 + 3]!;
          c -= 1;
        }
      }
      rng.s0 = s0;
      rng.s1 = s1;
      rng.s2 = s2;
      rng.s3 = s3;
    } else {
      for (; c > 0; c--) {
        const i0 = (start + rng.nextBelow(size)) << 2;
        a0 += x[i0]!;
        a1 += x[i0 + 1]!;
        a2 += x[i0 + 2]!;
        a3 += x[i0 + 3]!;
      }
    }
    t0 += a0;
    t1 += a1;
    t2 += a2;
    t3 += a3;
  }
  out[0] = t0;
  out[1] = t1;
  out[2] = t2;
  out[3] = t3;
}

/** Row counts of one bootstrap resample of n rows (same block scheme), into `counts`. */
export function resampleCounts(rng: Xoshiro128, counts: Int32Array): void {
  const n = counts.length;
  counts.fill(0);
  let left = n;
  let rowsLeft = n;
  for (let start = 0; start < n; start += BLOCK) {
    const size = Math.min(BLOCK, n - start);
    let c = rowsLeft === size ? left : binomial(rng, left, size / rowsLeft);
    left -= c;
    rowsLeft -= size;
    if (size === BLOCK) {
      while (c > 0) {
        const r = rng.nextU32();
        counts[start + (r & MASK)]!++;
        if (c >= 3) {
          counts[start + ((r >>> 10) & MASK)]!++;
          counts[start + ((r >>> 20) & MASK)]!++;
          c -= 3;
        } else c -= 1;
      }
    } else {
      for (; c > 0; c--) counts[start + rng.nextBelow(size)]!++;
    }
  }
}

const EXACT_JACKKNIFE_ROWS = 5000;
const JACKKNIFE_GROUPS = 2000;

/** roc_auc and pr_auc: weighted metrics over each model's score order. */
function rankEngine(name: 'roc_auc' | 'pr_auc', c: CheckedColumns, h: CheckedColumns): Engine {
  const n = c.n;
  const y = c.label;
  const sc = c.score!;
  const sh = h.score!;
  const oc = ascendingOrder(sc);
  const oh = ascendingOrder(sh);
  const metric = name === 'roc_auc' ? weightedRocAuc : weightedAveragePrecision;
  const stat = (w?: ArrayLike<number>): number => metric(y, sc, oc, w) - metric(y, sh, oh, w);
  const counts = new Int32Array(n);
  return {
    estimate: stat(),
    cost: 8 * n,
    resample: (rng) => {
      resampleCounts(rng, counts);
      return stat(counts);
    },
    jackknife: () => {
      if (name === 'roc_auc') {
        // Leaving out a positive i: (m AUC - V10_i) / (m - 1); a negative j: (k AUC - V01_j) / (k - 1).
        const pc = placements(y, sc);
        const ph = placements(y, sh);
        const m = pc.v10.length;
        const k = pc.v01.length;
        const values = new Float64Array(n);
        const weights = new Float64Array(n).fill(1);
        for (let i = 0, a = 0, b = 0; i < n; i++) {
          if (y[i] === 1) {
            values[i] =
              m > 1 ? (m * pc.auc - pc.v10[a]!) / (m - 1) - (m * ph.auc - ph.v10[a]!) / (m - 1) : NaN;
            a++;
          } else {
            values[i] =
              k > 1 ? (k * pc.auc - pc.v01[b]!) / (k - 1) - (k * ph.auc - ph.v01[b]!) / (k - 1) : NaN;
            b++;
          }
        }
        return finiteOnly(values, weights);
      }
      const groups = n <= EXACT_JACKKNIFE_ROWS ? n : JACKKNIFE_GROUPS;
      const w = new Float64Array(n).fill(1);
      const values = new Float64Array(groups);
      const weights = new Float64Array(groups).fill(1);
      for (let g = 0; g < groups; g++) {
        for (let i = g; i < n; i += groups) w[i] = 0;
        values[g] = stat(w);
        for (let i = g; i < n; i += groups) w[i] = 1;
      }
      return finiteOnly(values, weights);
    },
  };
}

function finiteOnly(
  values: Float64Array,
  weights: Float64Array,
): { values: Float64Array; weights: Float64Array } {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) weights[i] = 0;
  for (let i = 0; i < values.length; i++) if (weights[i] === 0) values[i] = 0;
  return { values, weights };
}
