// The candidate's metrics in SageMaker's model-quality statistics format (what Model Monitor's
// model-quality job writes, and what a model package's ModelMetrics.ModelQuality.Statistics
// points to), so register can attach it: each metric `{value, standard_deviation}`. The standard
// deviations are the metric's standard errors, in closed form where one exists, so they cost one
// pass over the rows whatever n:
// - accuracy, precision, recall: binomial, sqrt(q (1 - q) / m) over the rows the share is of;
// - f1: a bootstrap of the 2 x 2 confusion table (multinomial draws of its four cells: exact
//   resampling, O(1) per resample);
// - roc_auc: DeLong's variance (DeLong, DeLong & Clarke-Pearson 1988);
// - mae, mse: the standard error of a mean, sd / sqrt(n); rmse and r2 from mse by the delta method
//   (r2 = 1 - mse / var(y), with var(y) taken as fixed).
import {
  computeMetric,
  delong,
  multinomial,
  Xoshiro128,
  type MetricName,
  type PredictionColumns,
} from '@modelship/stats';
import type { Paired } from './predictions.js';

const BINARY: [string, MetricName][] = [
  ['accuracy', 'accuracy'],
  ['precision', 'precision'],
  ['recall', 'recall'],
  ['f1', 'f1'],
  ['auc', 'roc_auc'],
];
const REGRESSION: [string, MetricName][] = [
  ['mae', 'mae'],
  ['rmse', 'rmse'],
  ['r2', 'r2'],
];

export interface QualityStatistics {
  version: number;
  dataset: { item_count: number };
  binary_classification_metrics?: Record<string, { value: number; standard_deviation: number }>;
  regression_metrics?: Record<string, { value: number; standard_deviation: number }>;
}

type Stat = { value: number; standard_deviation: number };

/** Mean and sample standard deviation of f(i) over i < n. */
function meanSd(n: number, f: (i: number) => number): { mean: number; sd: number } {
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const x = f(i);
    const d = x - mean;
    mean += d / (i + 1);
    m2 += d * (x - mean);
  }
  return { mean, sd: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0 };
}

function binaryStats(
  p: PredictionColumns,
  threshold: number,
  seed: number,
  resamples: number,
): Record<string, Stat> {
  const out: Record<string, Stat> = {};
  const value = (m: MetricName): number | undefined => {
    try {
      return computeMetric(m, p, { threshold });
    } catch {
      return undefined;
    }
  };
  const n = p.label.length;
  const hard = p.prediction ?? Float64Array.from(p.score ?? [], (s) => (s >= threshold ? 1 : 0));
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < n; i++) {
    const y = p.label[i]!;
    const h = hard[i]!;
    if (h === 1 && y === 1) tp++;
    else if (h === 1) fp++;
    else if (y === 1) fn++;
  }
  const tn = n - tp - fp - fn;
  const share = (q: number | undefined, m: number): Stat | undefined =>
    q === undefined || m === 0 ? undefined : { value: q, standard_deviation: Math.sqrt((q * (1 - q)) / m) };
  const acc = share(value('accuracy'), n);
  if (acc) out.accuracy = acc;
  const prec = share(value('precision'), tp + fp);
  if (prec) out.precision = prec;
  const rec = share(value('recall'), tp + fn);
  if (rec) out.recall = rec;
  const f1 = value('f1');
  if (f1 !== undefined && n > 0) {
    const rng = new Xoshiro128(seed);
    const cells = new Int32Array(4);
    const probs = [tp / n, fp / n, fn / n, tn / n];
    const draws: number[] = [];
    for (let b = 0; b < resamples; b++) {
      multinomial(rng, n, probs, cells);
      const d = 2 * cells[0]! + cells[1]! + cells[2]!;
      if (d > 0) draws.push((2 * cells[0]!) / d);
    }
    const { sd } = meanSd(draws.length, (i) => draws[i]!);
    out.f1 = { value: f1, standard_deviation: sd };
  }
  const auc = value('roc_auc');
  if (auc !== undefined && p.score) {
    const d = delong(p.label, p.score, p.score);
    out.auc = { value: auc, standard_deviation: Math.sqrt(Math.max(0, d.covariance[0][0])) };
  }
  return out;
}

function regressionStats(p: PredictionColumns): Record<string, Stat> {
  const out: Record<string, Stat> = {};
  const n = p.label.length;
  const pred = p.prediction;
  if (!pred || n < 2) return out;
  const err = (i: number): number => pred[i]! - p.label[i]!;
  const abs = meanSd(n, (i) => Math.abs(err(i)));
  out.mae = { value: abs.mean, standard_deviation: abs.sd / Math.sqrt(n) };
  const sq = meanSd(n, (i) => err(i) ** 2);
  const mseSe = sq.sd / Math.sqrt(n);
  const rmse = Math.sqrt(sq.mean);
  out.mse = { value: sq.mean, standard_deviation: mseSe };
  out.rmse = { value: rmse, standard_deviation: rmse > 0 ? mseSe / (2 * rmse) : 0 };
  const y = meanSd(n, (i) => p.label[i]!);
  const varY = (y.sd * y.sd * (n - 1)) / n;
  if (varY > 0) out.r2 = { value: 1 - sq.mean / varY, standard_deviation: mseSe / varY };
  return out;
}

/**
 * The candidate's model-quality statistics (classification when `binary`, else regression): values
 * as computeMetric gives them, standard deviations as described at the top of this file. One pass
 * over the rows per metric (DeLong: a sort), whatever n.
 */
export function qualityStatistics(
  p: Paired,
  opts: { binary: boolean; threshold: number; seed: number; resamples?: number },
): QualityStatistics {
  const cols: PredictionColumns = {
    label: p.label,
    score: p.candidate.score,
    prediction: p.candidate.prediction,
  };
  const out: QualityStatistics = { version: 0.0, dataset: { item_count: p.n } };
  if (opts.binary) {
    const stats = binaryStats(cols, opts.threshold, opts.seed, opts.resamples ?? 2000);
    out.binary_classification_metrics = Object.fromEntries(
      BINARY.filter(([name]) => stats[name]).map(([name]) => [name, stats[name]!]),
    );
  } else {
    const stats = regressionStats(cols);
    out.regression_metrics = Object.fromEntries(
      [...REGRESSION.map(([name]) => name), 'mse']
        .filter((name) => stats[name])
        .map((name) => [name, stats[name]!]),
    );
  }
  return out;
}
