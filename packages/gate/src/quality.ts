// The candidate's metrics in SageMaker's model-quality statistics format (what Model Monitor's
// model-quality job writes, and what a model package's ModelMetrics.ModelQuality.Statistics
// points to), so register can attach it: each metric `{value, standard_deviation}`, the standard
// deviation from a bootstrap of the candidate's rows.
import type { Paired } from './predictions.js';
import { computeMetric, type MetricName, type PredictionColumns } from '@modelship/stats';

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

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function metricWithSd(
  m: MetricName,
  p: PredictionColumns,
  threshold: number,
  resamples: number,
  seed: number,
): { value: number; standard_deviation: number } | undefined {
  let value: number;
  try {
    value = computeMetric(m, p, { threshold });
  } catch {
    return undefined;
  }
  const n = p.label.length;
  const rand = rng(seed);
  const idx = new Uint32Array(n);
  const take = (a?: Float64Array) => (a ? Float64Array.from(idx, (i) => a[i]!) : undefined);
  const draws: number[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rand() * n);
    try {
      draws.push(
        computeMetric(
          m,
          { label: take(p.label)!, score: take(p.score), prediction: take(p.prediction) },
          { threshold },
        ),
      );
    } catch {
      // undefined on this resample (one class only)
    }
  }
  const mean = draws.reduce((s, d) => s + d, 0) / Math.max(1, draws.length);
  const sd = Math.sqrt(draws.reduce((s, d) => s + (d - mean) ** 2, 0) / Math.max(1, draws.length - 1));
  return { value, standard_deviation: sd };
}

/** The candidate's model-quality statistics (classification when `binary`, else regression). */
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
  const metrics: Record<string, { value: number; standard_deviation: number }> = {};
  for (const [name, m] of opts.binary ? BINARY : REGRESSION) {
    const v = metricWithSd(m, cols, opts.threshold, opts.resamples ?? 200, opts.seed);
    if (v) metrics[name] = v;
  }
  if (!opts.binary) {
    const rmse = metrics.rmse;
    if (rmse)
      metrics.mse = { value: rmse.value ** 2, standard_deviation: 2 * rmse.value * rmse.standard_deviation };
  }
  if (opts.binary) out.binary_classification_metrics = metrics;
  else out.regression_metrics = metrics;
  return out;
}
