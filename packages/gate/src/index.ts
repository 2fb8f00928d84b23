export {
  gateStep,
  gateConfig,
  GATE_CONFIG_SCHEMA,
  EVALUATION_SECTION_SCHEMA,
  METRICS,
  type GateConfig,
  type CheckConfig,
  type CheckResult,
  type EvaluationSection,
  type GateInputs,
  type GateOutput,
} from './definition.js';
export { createGateImpl } from './step.js';
export { normaliseGate, knownMetric, DEFAULTS, DEFAULT_COLUMNS, type Check } from './checks.js';
export { judge, blocks, rowName, type Champion, type Evidence } from './judge.js';
export { readPredictions, readTable, type Paired } from './predictions.js';
export { resolveBaseline, metricValues } from './baseline.js';
export { qualityStatistics } from './quality.js';
export { renderVerdict, intervalChart, orderedRows } from './summary.js';
export { upsertComment, commentMarker } from './comment.js';
export * from './evaluate-config.js';
export * from './evaluate.js';
