/**
 * Model-quality metrics of the evaluate gate, with scikit-learn's definitions (the name of the
 * sklearn.metrics function in each doc). Binary classification reads a label in {0, 1}, a score
 * (the predicted probability of class 1) and/or a hard prediction in {0, 1}; regression reads a
 * real label and a real prediction. Every input is checked: a problem throws a RangeError with a
 * one-line message naming it.
 */

export type ClassificationMetric =
  'accuracy' | 'precision' | 'recall' | 'f1' | 'roc_auc' | 'pr_auc' | 'log_loss' | 'brier';
export type RegressionMetric = 'rmse' | 'mae' | 'mape' | 'r2';
export type MetricName = ClassificationMetric | RegressionMetric;

export const CLASSIFICATION_METRICS: readonly ClassificationMetric[] = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'roc_auc',
  'pr_auc',
  'log_loss',
  'brier',
];
export const REGRESSION_METRICS: readonly RegressionMetric[] = ['rmse', 'mae', 'mape', 'r2'];

/** Metrics where larger is better (the others are losses: smaller is better). */
export const HIGHER_IS_BETTER: Readonly<Record<MetricName, boolean>> = {
  accuracy: true,
  precision: true,
  recall: true,
  f1: true,
  roc_auc: true,
  pr_auc: true,
  log_loss: false,
  brier: false,
  rmse: false,
  mae: false,
  mape: false,
  r2: true,
};

/**
 * The columns a metric reads, one entry per row.
 *
 * Binary classification: `label` in {0, 1}; `score` = P(class 1) in [0, 1] (needed for roc_auc,
 * pr_auc, log_loss, brier); `prediction` in {0, 1} (default: score >= threshold, 0.5).
 * Regression: `label` and `prediction` real and finite.
 */
export interface PredictionColumns {
  label: Float64Array;
  score?: Float64Array;
  prediction?: Float64Array;
}

/** Machine epsilon of float64, sklearn's clip for log_loss and floor for mape's denominator. */
export const FLOAT64_EPS = 2.220446049250313e-16;

const CLASSIFICATION = new Set<string>(CLASSIFICATION_METRICS);
const REGRESSION = new Set<string>(REGRESSION_METRICS);
const NEEDS_SCORE = new Set<MetricName>(['roc_auc', 'pr_auc', 'log_loss', 'brier']);
const NEEDS_BOTH_CLASSES = new Set<MetricName>(['roc_auc', 'pr_auc']);

/** True for the classification metrics. Throws a RangeError for a name that is no metric. */
export function isClassificationMetric(name: MetricName): name is ClassificationMetric {
  if (CLASSIFICATION.has(name)) return true;
  if (REGRESSION.has(name)) return false;
  throw new RangeError(
    `unknown metric '${String(name)}' (one of ${[...CLASSIFICATION_METRICS, ...REGRESSION_METRICS].join(', ')})`,
  );
}

/** What the metric reads, checked: the hard predictions of a classifier resolved from the threshold. */
export interface CheckedColumns {
  n: number;
  label: Float64Array;
  /** Present for every classification metric that reads it and for regression (the prediction). */
  score?: Float64Array;
  prediction?: Float64Array;
}

function checkThreshold(threshold: number): void {
  if (!Number.isFinite(threshold)) throw new RangeError(`threshold ${threshold} is not a finite number`);
}

/**
 * Checks the columns for the metric and resolves the hard predictions of a classifier
 * (`score >= threshold` when no `prediction` is given).
 *
 * @param what names the model in messages, e.g. 'candidate'.
 * @throws RangeError when the table is empty, a column differs in length from the labels, a label
 *   is not 0 or 1 (classification) or not finite (regression), a score is outside [0, 1] or not
 *   finite, a prediction is not 0 or 1 (classification) or not finite (regression), a column the
 *   metric needs is missing, or an AUC metric sees only one class.
 */
export function checkColumns(
  name: MetricName,
  p: PredictionColumns,
  opts: { threshold?: number; what?: string } = {},
): CheckedColumns {
  const what = opts.what ? `${opts.what} ` : '';
  const classification = isClassificationMetric(name);
  const { label } = p;
  const n = label.length;
  if (n === 0) throw new RangeError(`no rows to compute ${name} on`);
  for (const [col, arr] of [
    ['score', p.score],
    ['prediction', p.prediction],
  ] as const) {
    if (arr && arr.length !== n)
      throw new RangeError(`${what}${col} has ${arr.length} rows but label has ${n}`);
  }
  if (!classification) {
    const pred = p.prediction ?? p.score;
    if (!pred) throw new RangeError(`${name} needs ${what}predictions`);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(label[i]!))
        throw new RangeError(`label at row ${i} is ${label[i]}, not a finite number`);
      if (!Number.isFinite(pred[i]!))
        throw new RangeError(`${what}prediction at row ${i} is ${pred[i]}, not a finite number`);
    }
    return { n, label, prediction: pred };
  }
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const y = label[i]!;
    if (y !== 0 && y !== 1) throw new RangeError(`label at row ${i} is ${y}, not 0 or 1`);
    positives += y;
  }
  if (NEEDS_BOTH_CLASSES.has(name) && (positives === 0 || positives === n))
    throw new RangeError(`${name} needs both classes in the labels, but every label is ${positives ? 1 : 0}`);
  const { score } = p;
  if (score) {
    for (let i = 0; i < n; i++) {
      const s = score[i]!;
      if (!(s >= 0 && s <= 1))
        throw new RangeError(`${what}score at row ${i} is ${s}, not a probability in [0, 1]`);
    }
  }
  if (NEEDS_SCORE.has(name)) {
    if (!score) throw new RangeError(`${name} needs ${what}scores (probabilities of class 1)`);
    return { n, label, score };
  }
  let prediction = p.prediction;
  if (prediction) {
    for (let i = 0; i < n; i++) {
      const v = prediction[i]!;
      if (v !== 0 && v !== 1) throw new RangeError(`${what}prediction at row ${i} is ${v}, not 0 or 1`);
    }
  } else if (score) {
    const t = opts.threshold ?? 0.5;
    checkThreshold(t);
    prediction = new Float64Array(n);
    for (let i = 0; i < n; i++) prediction[i] = score[i]! >= t ? 1 : 0;
  } else {
    throw new RangeError(`${name} needs ${what}predictions or scores`);
  }
  return score ? { n, label, score, prediction } : { n, label, prediction };
}

/** Counts of the 2 x 2 confusion matrix. */
export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Metric of the confusion counts, sklearn's zero_division = 0 when a ratio is 0 / 0. */
export function confusionMetric(name: 'accuracy' | 'precision' | 'recall' | 'f1', c: Confusion): number {
  switch (name) {
    case 'accuracy':
      return (c.tp + c.tn) / (c.tp + c.fp + c.fn + c.tn);
    case 'precision':
      return c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0;
    case 'recall':
      return c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
    case 'f1': {
      const d = 2 * c.tp + c.fp + c.fn;
      return d > 0 ? (2 * c.tp) / d : 0;
    }
  }
}

/** Per-row loss of a mean-type metric: squared error (brier, rmse before the root), log loss, abs errors. */
export function rowLoss(name: 'brier' | 'log_loss' | 'mae' | 'mape' | 'rmse', y: number, f: number): number {
  switch (name) {
    case 'brier':
    case 'rmse':
      return (f - y) * (f - y);
    case 'log_loss': {
      // sklearn builds [1 - p, p] and clips each to [eps, 1 - eps].
      const q = y === 1 ? f : 1 - f;
      return -Math.log(Math.min(1 - FLOAT64_EPS, Math.max(FLOAT64_EPS, q)));
    }
    case 'mae':
      return Math.abs(f - y);
    case 'mape':
      return Math.abs(f - y) / Math.max(Math.abs(y), FLOAT64_EPS);
  }
}

/**
 * Weighted area under the ROC curve over rows visited in ascending score order `order`, with
 * integer (or real) row weights `w` (undefined = all 1); ties count one half (the trapezoidal ROC
 * area, sklearn.metrics.roc_auc_score). NaN when the weights leave one class empty.
 */
export function weightedRocAuc(
  label: Float64Array,
  score: Float64Array,
  order: Uint32Array,
  w?: ArrayLike<number>,
): number {
  let negBelow = 0;
  let area = 0;
  let pos = 0;
  const n = order.length;
  let k = 0;
  while (k < n) {
    const s = score[order[k]!]!;
    let gp = 0;
    let gn = 0;
    while (k < n && score[order[k]!] === s) {
      const i = order[k]!;
      const wi = w ? w[i]! : 1;
      if (label[i] === 1) gp += wi;
      else gn += wi;
      k++;
    }
    area += gp * (negBelow + gn / 2);
    negBelow += gn;
    pos += gp;
  }
  return area / (pos * negBelow);
}

/**
 * Weighted average precision, sklearn.metrics.average_precision_score: the sum over distinct
 * score thresholds (descending) of (R_k - R_{k-1}) P_k, with `order` the rows in ascending score
 * order. NaN when the weights leave no positive.
 */
export function weightedAveragePrecision(
  label: Float64Array,
  score: Float64Array,
  order: Uint32Array,
  w?: ArrayLike<number>,
): number {
  let totalPos = 0;
  const n = order.length;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (label[i] === 1) totalPos += w ? w[i]! : 1;
  }
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let k = n - 1;
  while (k >= 0) {
    const s = score[order[k]!]!;
    let gp = 0;
    let gn = 0;
    while (k >= 0 && score[order[k]!] === s) {
      const i = order[k]!;
      const wi = w ? w[i]! : 1;
      if (label[i] === 1) gp += wi;
      else gn += wi;
      k--;
    }
    tp += gp;
    fp += gn;
    if (gp > 0) ap += (gp / totalPos) * (tp / (tp + fp));
  }
  return ap / (totalPos > 0 ? 1 : NaN);
}

/** Row indices in ascending order of `values` (a stable sort of a Float64Array's indices). */
export function ascendingOrder(values: Float64Array): Uint32Array {
  const n = values.length;
  // Sort (value, index) pairs packed as the value's order-preserving bits would need BigInt; the
  // index sort below is O(n log n) with a comparator and fine at a million rows (~0.3 s).
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]! || a - b);
  return order;
}

/** R² of sums: 1 - SS_res / SS_tot with sklearn's force_finite (1 when both are 0, else 0 when SS_tot is 0). */
export function r2FromSums(ssRes: number, ssTot: number): number {
  if (ssTot > 0) return 1 - ssRes / ssTot;
  return ssRes === 0 ? 1 : 0;
}

/**
 * The metric of one model's predictions, as scikit-learn computes it.
 *
 * - accuracy (`accuracy_score`), precision, recall, f1 (`precision_score`, `recall_score`,
 *   `f1_score`, positive class 1, 0 when the ratio is 0 / 0 as sklearn's zero_division default):
 *   from the hard predictions, or `score >= threshold`.
 * - roc_auc (`roc_auc_score`): ties count one half. pr_auc (`average_precision_score`): the
 *   step-wise area, not the trapezoid. Both need both classes.
 * - log_loss (`log_loss`, natural log, mean per row): scores clipped to [eps, 1 - eps], eps the
 *   float64 machine epsilon. brier (`brier_score_loss`): mean squared difference of score and label.
 * - rmse (`root_mean_squared_error`), mae (`mean_absolute_error`), in the label's unit; mape
 *   (`mean_absolute_percentage_error`): mean |y - f| / max(|y|, eps), a fraction (not percent),
 *   so a zero label gives a huge term as in sklearn; r2 (`r2_score`, force_finite: 1 for a perfect
 *   fit of a constant label, else 0 when the label is constant).
 *
 * @throws RangeError as {@link checkColumns}.
 */
export function computeMetric(
  name: MetricName,
  p: PredictionColumns,
  opts: { threshold?: number } = {},
): number {
  const c = checkColumns(name, p, opts);
  return metricOfChecked(name, c);
}

/** {@link computeMetric} on columns already checked. */
export function metricOfChecked(name: MetricName, c: CheckedColumns): number {
  const { n, label } = c;
  switch (name) {
    case 'accuracy':
    case 'precision':
    case 'recall':
    case 'f1': {
      const pred = c.prediction!;
      const m: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
      for (let i = 0; i < n; i++) {
        if (label[i] === 1) {
          if (pred[i] === 1) m.tp++;
          else m.fn++;
        } else if (pred[i] === 1) m.fp++;
        else m.tn++;
      }
      return confusionMetric(name, m);
    }
    case 'roc_auc':
      return weightedRocAuc(label, c.score!, ascendingOrder(c.score!));
    case 'pr_auc':
      return weightedAveragePrecision(label, c.score!, ascendingOrder(c.score!));
    case 'brier':
    case 'log_loss':
    case 'mae':
    case 'mape':
    case 'rmse': {
      const g = name === 'brier' || name === 'log_loss' ? c.score! : c.prediction!;
      let s = 0;
      for (let i = 0; i < n; i++) s += rowLoss(name, label[i]!, g[i]!);
      return name === 'rmse' ? Math.sqrt(s / n) : s / n;
    }
    case 'r2': {
      const f = c.prediction!;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += label[i]!;
      mean /= n;
      let ssRes = 0;
      let ssTot = 0;
      for (let i = 0; i < n; i++) {
        ssRes += (label[i]! - f[i]!) ** 2;
        ssTot += (label[i]! - mean) ** 2;
      }
      return r2FromSums(ssRes, ssTot);
    }
  }
}
