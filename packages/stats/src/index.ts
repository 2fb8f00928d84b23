/**
 * @modelship/stats: the statistics of the steps, with no I/O and no dependencies. Mergeable
 * sketches (quantiles, distinct counts), the per-column profile accumulators, two-sample tests,
 * and distances between distributions. Which statistic to apply and what counts as drift is the
 * callers' policy (see computeDrift in the data package).
 */
export * from './kll.js';
export * from './reference-bins.js';
export type { Distribution } from './distribution.js';
export * from './hll.js';
export * from './profile.js';
export { lnGamma, gammaQ, kolmogorovSurvival } from './special.js';
export {
  chiSquarePValue,
  chiSquareTest,
  KS_SKETCH_DELTA,
  ksPValue,
  ksFromSamples,
  ksFromSketches,
} from './tests.js';
export {
  PSI_EPSILON,
  psi,
  jsDistance,
  linfDistance,
  wassersteinFromSamples,
  wassersteinFromSketches,
} from './distances.js';
export { decileEdges, binShares, comparisonPoints } from './bins.js';
export { sum } from './vectors.js';
export { erfc, normalCdf, normalQuantile } from './special.js';
export {
  CLASSIFICATION_METRICS,
  REGRESSION_METRICS,
  HIGHER_IS_BETTER,
  checkColumns,
  computeMetric,
  isClassificationMetric,
  type ClassificationMetric,
  type RegressionMetric,
  type MetricName,
  type PredictionColumns,
} from './metrics.js';
export { checkConfidence, type IntervalResult } from './interval.js';
export {
  BOOTSTRAP_CHUNK,
  bootstrapChunkCount,
  drawChunks,
  intervalFromDraws,
  pairedBootstrap,
  planBootstrap,
  type BootstrapPlan,
  type BootstrapResult,
  type PairedBootstrapOptions,
} from './paired.js';
export { mcnemar, newcombeInterval, wilsonInterval } from './mcnemar.js';
export { delong, placements, type Placements } from './delong.js';
export { Xoshiro128, binomial, multinomial, randomSeed } from './random.js';
export {
  hodgesLehmann,
  hodgesLehmannPaired,
  mannWhitneyU,
  wilcoxonSignedRank,
  type Alternative,
  type MannWhitneyResult,
  type ShiftEstimate,
  type WilcoxonResult,
} from './ranks.js';
export { mixtureBoundary, mixtureOptimalRatio } from './sequential.js';
export { proportionDifference, type ProportionDifference } from './rates.js';
