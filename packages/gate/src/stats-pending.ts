// TEMPORARY: the statistics API the gate is written against, until @modelship/stats ships it (built
// in parallel, with reference tests against scikit-learn, scipy and statsmodels). Simple, correct
// implementations of exactly those signatures so the gate and its tests run; delete this file at
// the merge and import from '@modelship/stats' in ./judge.ts and ./quality.ts.

export type MetricName =
  | 'accuracy'
  | 'precision'
  | 'recall'
  | 'f1'
  | 'roc_auc'
  | 'pr_auc'
  | 'log_loss'
  | 'brier'
  | 'rmse'
  | 'mae'
  | 'mape'
  | 'r2';

export interface PredictionColumns {
  label: Float64Array;
  score?: Float64Array;
  prediction?: Float64Array;
}

export interface IntervalResult {
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  method: string;
  n: number;
  resamples?: number;
  seed?: number;
  standardError?: number;
  pValue?: number;
}

const CLASSIFICATION = new Set<MetricName>([
  'accuracy',
  'precision',
  'recall',
  'f1',
  'roc_auc',
  'pr_auc',
  'log_loss',
  'brier',
]);

function checkBinary(label: Float64Array): void {
  for (let i = 0; i < label.length; i++) {
    const v = label[i]!;
    if (v !== 0 && v !== 1)
      throw new RangeError(`label at row ${i + 1} is ${v}: classification needs 0 or 1`);
  }
}

function hard(p: PredictionColumns, threshold: number): Float64Array {
  if (p.prediction) return p.prediction;
  if (!p.score) throw new RangeError('needs a score or a prediction column');
  const out = new Float64Array(p.score.length);
  for (let i = 0; i < out.length; i++) out[i] = p.score[i]! >= threshold ? 1 : 0;
  return out;
}

function scores(p: PredictionColumns, name: string): Float64Array {
  const s = p.score ?? p.prediction;
  if (!s) throw new RangeError(`${name} needs a score column`);
  return s;
}

function values(p: PredictionColumns): Float64Array {
  const s = p.prediction ?? p.score;
  if (!s) throw new RangeError('needs a prediction column');
  return s;
}

function confusion(
  label: Float64Array,
  pred: Float64Array,
): { tp: number; fp: number; fn: number; tn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < label.length; i++) {
    const y = label[i] === 1;
    const yhat = pred[i] === 1;
    if (y && yhat) tp++;
    else if (!y && yhat) fp++;
    else if (y && !yhat) fn++;
    else tn++;
  }
  return { tp, fp, fn, tn };
}

/** Average ranks (1-based) with ties sharing their mean rank. */
function midranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]!] === x[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    i = j + 1;
  }
  return ranks;
}

function rocAuc(label: Float64Array, score: Float64Array): number {
  const ranks = midranks(score);
  let pos = 0;
  let sum = 0;
  for (let i = 0; i < label.length; i++)
    if (label[i] === 1) {
      pos++;
      sum += ranks[i]!;
    }
  const neg = label.length - pos;
  if (pos === 0 || neg === 0) throw new RangeError('roc_auc needs both classes in the labels');
  return (sum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function averagePrecision(label: Float64Array, score: Float64Array): number {
  const order = Array.from({ length: label.length }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  let pos = 0;
  for (let i = 0; i < label.length; i++) if (label[i] === 1) pos++;
  if (pos === 0) throw new RangeError('pr_auc needs positive labels');
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let prevRecall = 0;
  let i = 0;
  while (i < order.length) {
    const s = score[order[i]!]!;
    while (i < order.length && score[order[i]!] === s) {
      if (label[order[i]!] === 1) tp++;
      seen++;
      i++;
    }
    const recall = tp / pos;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
  }
  return ap;
}

/** A metric of one model's predictions. */
export function computeMetric(
  name: MetricName,
  p: PredictionColumns,
  opts: { threshold?: number } = {},
): number {
  const n = p.label.length;
  if (n === 0) throw new RangeError('no rows');
  for (const c of [p.score, p.prediction])
    if (c && c.length !== n) throw new RangeError(`columns differ in length (${c.length} and ${n})`);
  if (CLASSIFICATION.has(name)) checkBinary(p.label);
  const threshold = opts.threshold ?? 0.5;
  switch (name) {
    case 'accuracy': {
      const { tp, tn } = confusion(p.label, hard(p, threshold));
      return (tp + tn) / n;
    }
    case 'precision': {
      const { tp, fp } = confusion(p.label, hard(p, threshold));
      return tp + fp === 0 ? 0 : tp / (tp + fp);
    }
    case 'recall': {
      const { tp, fn } = confusion(p.label, hard(p, threshold));
      return tp + fn === 0 ? 0 : tp / (tp + fn);
    }
    case 'f1': {
      const { tp, fp, fn } = confusion(p.label, hard(p, threshold));
      return 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    }
    case 'roc_auc':
      return rocAuc(p.label, scores(p, name));
    case 'pr_auc':
      return averagePrecision(p.label, scores(p, name));
    case 'log_loss': {
      const s = scores(p, name);
      const eps = 1e-15;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const q = Math.min(1 - eps, Math.max(eps, s[i]!));
        sum -= p.label[i] === 1 ? Math.log(q) : Math.log(1 - q);
      }
      return sum / n;
    }
    case 'brier': {
      const s = scores(p, name);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (s[i]! - p.label[i]!) ** 2;
      return sum / n;
    }
    case 'rmse':
    case 'mae':
    case 'mape':
    case 'r2': {
      const yhat = values(p);
      let se = 0;
      let ae = 0;
      let ape = 0;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += p.label[i]!;
      mean /= n;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const e = p.label[i]! - yhat[i]!;
        se += e * e;
        ae += Math.abs(e);
        ape += Math.abs(e) / Math.max(Math.abs(p.label[i]!), 2.220446049250313e-16);
        ss += (p.label[i]! - mean) ** 2;
      }
      if (name === 'rmse') return Math.sqrt(se / n);
      if (name === 'mae') return ae / n;
      if (name === 'mape') return ape / n;
      return ss === 0 ? (se === 0 ? 1 : 0) : 1 - se / ss;
    }
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function take(
  src: Float64Array | undefined,
  idx: Uint32Array,
  dst: Float64Array | undefined,
): Float64Array | undefined {
  if (!src || !dst) return undefined;
  for (let i = 0; i < idx.length; i++) dst[i] = src[idx[i]!]!;
  return dst;
}

/** Paired bootstrap interval of metric(candidate) − metric(champion), rows resampled together. */
export function pairedBootstrap(
  name: MetricName,
  candidate: PredictionColumns,
  champion: PredictionColumns,
  opts: {
    resamples?: number;
    confidence?: number;
    seed?: number;
    method?: 'percentile' | 'bca';
    threshold?: number;
  },
): IntervalResult {
  const n = candidate.label.length;
  if (champion.label.length !== n)
    throw new RangeError(`candidate has ${n} rows, champion ${champion.label.length}`);
  const resamples = opts.resamples ?? 2000;
  const confidence = opts.confidence ?? 0.95;
  const seed = opts.seed ?? 42;
  const mopts = { threshold: opts.threshold };
  const estimate = computeMetric(name, candidate, mopts) - computeMetric(name, champion, mopts);
  const rand = mulberry32(seed);
  const idx = new Uint32Array(n);
  const buf = (c: Float64Array | undefined) => (c ? new Float64Array(n) : undefined);
  const label = new Float64Array(n);
  const cs = buf(candidate.score);
  const cp = buf(candidate.prediction);
  const hs = buf(champion.score);
  const hp = buf(champion.prediction);
  const diffs: number[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rand() * n);
    take(candidate.label, idx, label);
    try {
      const a = computeMetric(
        name,
        { label, score: take(candidate.score, idx, cs), prediction: take(candidate.prediction, idx, cp) },
        mopts,
      );
      const h = computeMetric(
        name,
        { label, score: take(champion.score, idx, hs), prediction: take(champion.prediction, idx, hp) },
        mopts,
      );
      diffs.push(a - h);
    } catch {
      // A resample where the metric is undefined (one class only) is skipped.
    }
  }
  if (diffs.length === 0) throw new RangeError('the metric is undefined on every resample');
  const sorted = Float64Array.from(diffs).sort();
  const alpha = 1 - confidence;
  const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
  const sd = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / Math.max(1, diffs.length - 1));
  const below = diffs.filter((d) => d <= 0).length / diffs.length;
  const above = diffs.filter((d) => d >= 0).length / diffs.length;
  return {
    estimate,
    low: quantile(sorted, alpha / 2),
    high: quantile(sorted, 1 - alpha / 2),
    confidence,
    method: 'bootstrap-percentile',
    n,
    resamples,
    seed,
    standardError: sd,
    pValue: Math.min(1, 2 * Math.min(below, above)),
  };
}

function erfc(x: number): number {
  // Numerical Recipes' erfc (Chebyshev fit), relative error below 1.2e-7.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

const normalSf = (z: number): number => 0.5 * erfc(z / Math.SQRT2);

/** Standard normal quantile (Acklam's rational approximation). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

function binomialTwoSided(k: number, n: number): number {
  // P(X <= k) for X ~ Bin(n, 1/2), doubled.
  let logp = -n * Math.LN2;
  let cdf = 0;
  let term = Math.exp(logp);
  for (let i = 0; i <= k; i++) {
    cdf += term;
    logp += Math.log((n - i) / (i + 1));
    term = Math.exp(logp);
  }
  return Math.min(1, 2 * cdf);
}

/** McNemar's test of paired 0/1 predictions; the interval is of accuracy(A) − accuracy(B). */
export function mcnemar(
  labels: Float64Array,
  predA: Float64Array,
  predB: Float64Array,
  opts: { exact?: boolean; correction?: boolean; confidence?: number } = {},
): IntervalResult & { b: number; c: number; statistic: number } {
  const n = labels.length;
  if (n === 0) throw new RangeError('no rows');
  if (predA.length !== n || predB.length !== n)
    throw new RangeError('labels and predictions differ in length');
  checkBinary(labels);
  let b = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const ra = predA[i] === labels[i];
    const rb = predB[i] === labels[i];
    if (ra && !rb) b++;
    else if (!ra && rb) c++;
  }
  const confidence = opts.confidence ?? 0.95;
  const correction = opts.correction ?? true;
  const d = Math.abs(b - c);
  const statistic = b + c === 0 ? 0 : (correction ? Math.max(0, d - 1) ** 2 : d * d) / (b + c);
  const pValue =
    b + c === 0 ? 1 : opts.exact ? binomialTwoSided(Math.min(b, c), b + c) : erfc(Math.sqrt(statistic / 2));
  const estimate = (b - c) / n;
  const se = Math.sqrt(Math.max(0, b + c - ((b - c) * (b - c)) / n)) / n;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return {
    estimate,
    low: estimate - z * se,
    high: estimate + z * se,
    confidence,
    method: opts.exact ? 'mcnemar-exact' : correction ? 'mcnemar-corrected' : 'mcnemar',
    n,
    standardError: se,
    pValue,
    b,
    c,
    statistic,
  };
}

/** DeLong's test of two correlated ROC AUCs; the interval is of AUC(A) − AUC(B). */
export function delong(
  labels: Float64Array,
  scoreA: Float64Array,
  scoreB: Float64Array,
  opts: { confidence?: number } = {},
): IntervalResult & { aucA: number; aucB: number } {
  const n = labels.length;
  if (scoreA.length !== n || scoreB.length !== n) throw new RangeError('labels and scores differ in length');
  checkBinary(labels);
  const posIdx: number[] = [];
  const negIdx: number[] = [];
  for (let i = 0; i < n; i++) (labels[i] === 1 ? posIdx : negIdx).push(i);
  const m = posIdx.length;
  const k = negIdx.length;
  if (m < 2 || k < 2) throw new RangeError('delong needs at least two rows of each class');
  const parts = [scoreA, scoreB].map((s) => {
    const x = posIdx.map((i) => s[i]!);
    const y = negIdx.map((i) => s[i]!);
    const tx = midranks(x);
    const ty = midranks(y);
    const tz = midranks([...x, ...y]);
    let sumPos = 0;
    for (let i = 0; i < m; i++) sumPos += tz[i]!;
    const auc = (sumPos - (m * (m + 1)) / 2) / (m * k);
    const v10 = Float64Array.from({ length: m }, (_, i) => (tz[i]! - tx[i]!) / k);
    const v01 = Float64Array.from({ length: k }, (_, j) => 1 - (tz[m + j]! - ty[j]!) / m);
    return { auc, v10, v01 };
  });
  const cov = (a: Float64Array, b: Float64Array): number => {
    const ma = a.reduce((s, v) => s + v, 0) / a.length;
    const mb = b.reduce((s, v) => s + v, 0) / b.length;
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i]! - ma) * (b[i]! - mb);
    return s / (a.length - 1);
  };
  const [A, B] = parts as [(typeof parts)[0], (typeof parts)[0]];
  const variance =
    (cov(A.v10, A.v10) + cov(B.v10, B.v10) - 2 * cov(A.v10, B.v10)) / m +
    (cov(A.v01, A.v01) + cov(B.v01, B.v01) - 2 * cov(A.v01, B.v01)) / k;
  const se = Math.sqrt(Math.max(0, variance));
  const estimate = A.auc - B.auc;
  const confidence = opts.confidence ?? 0.95;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const pValue = se === 0 ? (estimate === 0 ? 1 : 0) : 2 * normalSf(Math.abs(estimate / se));
  return {
    estimate,
    low: estimate - z * se,
    high: estimate + z * se,
    confidence,
    method: 'delong',
    n,
    standardError: se,
    pValue,
    aucA: A.auc,
    aucB: B.auc,
  };
}
