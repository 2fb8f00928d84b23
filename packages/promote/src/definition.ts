// promote-on-metrics, declared: its interface, its modelship.yml block (`promote`), its manifest
// section (`promotion`), how `modelship run` feeds it. Light on purpose: hosts and the catalogue
// load this at start; the implementation (./step.ts) and its AWS clients load only when it runs.
import {
  defineStep,
  MANIFEST_FRAGMENTS,
  SCHEMA_FRAGMENTS,
  type JsonSchema,
  type LoadedConfig,
} from '@modelship/core';

export type MetricKind = 'latency' | 'error-rate' | 'rate' | 'kpi';

/** One metric of the `promote.metrics` list, as written. */
export interface PromoteMetricConfig {
  /** The CloudWatch metric name (ModelLatency, Invocation5XXErrors, or a custom metric). */
  name: string;
  kind?: MetricKind;
  /** CloudWatch namespace (default AWS/SageMaker). */
  namespace?: string;
  /** Extra dimensions; EndpointName and VariantName are added unless given here. */
  dimensions?: Record<string, string>;
  /** The per-period statistic judged for latency / rate / kpi: Average (default), pNN, Sum. */
  stat?: string;
  direction?: 'lower' | 'higher';
  /** Allowed degradation: a fraction (0.1) or a percentage ("10%"). */
  'max-increase'?: number | string;
  /** An absolute limit on the challenger (an SLO), in the metric's unit (error-rate: a fraction). */
  max?: number | string;
  critical?: boolean;
}

/** The `shadow` block: the output divergence allowed between a shadow challenger and the champion. */
export interface ShadowConfig {
  /** Largest share of answers that differ (after JSON normalisation), a fraction or "5%". */
  'max-label-difference'?: number | string;
  /** Largest mean absolute difference of a numeric answer (or of `field`). */
  'max-mean-absolute-difference'?: number;
  /** The key of a JSON object answer to compare (default: the whole answer). */
  field?: string;
}

/** The `promote` block of modelship.yml (checked by {@link PROMOTE_CONFIG_SCHEMA}). */
export interface PromoteConfig {
  /** Minutes between looks (default 1). Fractions allowed (tests bake in seconds). */
  'interval-minutes'?: number;
  /** The challenger's shares to bake at, in percent, ascending; after the last, it is promoted. */
  steps?: number[];
  /** How long each step bakes before it may pass (default 20). */
  'bake-minutes'?: number;
  /** How long an inconclusive step may be extended (default 3 × bake-minutes). */
  'max-bake-minutes'?: number;
  /** CloudWatch period of the per-period values, in seconds (default 60). */
  'period-seconds'?: number;
  metrics?: PromoteMetricConfig[];
  /** Fewest periods with data per variant and step before a metric is judged (default 5). */
  'min-samples'?: number;
  /** Fewest invocations per variant and step before an error rate is judged (default 100). */
  'min-invocations'?: number;
  /** Confidence of the whole decision (default 0.95), split over metrics and steps. */
  confidence?: number;
  'on-fail'?: 'rollback' | 'hold';
  'on-inconclusive'?: 'extend' | 'rollback' | 'hold';
  /** When an extended step is still inconclusive at max-bake-minutes (default rollback). */
  'after-max-bake'?: 'rollback' | 'hold';
  /** Mark the package Rejected in the registry when the canary is rolled back on a fail (default true). */
  'reject-on-rollback'?: boolean;
  shadow?: ShadowConfig;
}

const { nonEmpty, percent, stringMap } = SCHEMA_FRAGMENTS;

const METRIC_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: {
      ...nonEmpty,
      description: 'The CloudWatch metric (ModelLatency, Invocation5XXErrors, or custom).',
    },
    kind: {
      enum: ['latency', 'error-rate', 'rate', 'kpi'],
      description:
        'latency / rate / kpi: per-period values judged in relative terms (rank test); error-rate: errors out of invocations (default: error-rate for *Errors metrics, else latency).',
    },
    namespace: { ...nonEmpty, description: 'CloudWatch namespace (default AWS/SageMaker).' },
    dimensions: {
      ...stringMap,
      description: 'Extra dimensions; EndpointName and VariantName are added unless given.',
    },
    stat: {
      type: 'string',
      pattern: '^(Average|Sum|Minimum|Maximum|SampleCount|p(\\d{1,2}(\\.\\d+)?|100))$',
      description: 'The per-period statistic (default Average).',
    },
    direction: { enum: ['lower', 'higher'], description: 'Which way is better (default lower).' },
    'max-increase': {
      ...percent,
      description:
        'Allowed degradation: relative for latency / rate / kpi (0.1 or "10%"), absolute for error-rate (0.005 or "0.5%" = half a percentage point).',
    },
    max: {
      anyOf: [{ type: 'number' }, { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?%$' }],
      description:
        "An absolute limit on the challenger (SLO): its median period value in the metric's unit, or its error rate.",
    },
    critical: { type: 'boolean', description: 'A failure rolls back at once, whatever on-fail says.' },
  },
};

export const PROMOTE_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'promote-on-metrics: the ramp steps, bake times, the metrics judged (challenger against champion on the same endpoint), and what a fail or an inconclusive step does.',
  properties: {
    'interval-minutes': {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'Minutes between looks (default 1; fractions allowed).',
    },
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
      description:
        "The challenger's shares to bake at, in percent, ascending (default: the deployed share, then 50). After the last passes, the challenger is promoted to 100%.",
    },
    'bake-minutes': {
      type: 'number',
      exclusiveMinimum: 0,
      description:
        'Per step (default 20: the latency judge needs about 17 one-minute periods per step at the default confidence, 2 metrics and 2 steps).',
    },
    'max-bake-minutes': {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'An inconclusive step is extended up to this (default 3 × bake-minutes).',
    },
    'period-seconds': {
      type: 'integer',
      minimum: 1,
      maximum: 3600,
      description:
        'The period of the per-period values (default 60; CloudWatch wants 60 or a multiple for SageMaker metrics).',
    },
    metrics: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: METRIC_SCHEMA,
      description:
        'Default: ModelLatency (latency, 10%) and Invocation5XXErrors (error-rate, 0.5 pp, critical).',
    },
    'min-samples': { type: 'integer', minimum: 2, description: 'Periods per variant and step (default 5).' },
    'min-invocations': {
      type: 'integer',
      minimum: 1,
      description: 'Invocations per variant and step before an error rate is judged (default 100).',
    },
    confidence: {
      type: 'number',
      exclusiveMinimum: 0.5,
      exclusiveMaximum: 1,
      description: 'Of the whole decision (default 0.95).',
    },
    'on-fail': { enum: ['rollback', 'hold'], description: 'Default rollback.' },
    'on-inconclusive': { enum: ['extend', 'rollback', 'hold'], description: 'Default extend.' },
    'after-max-bake': {
      enum: ['rollback', 'hold'],
      description: 'An extended step still inconclusive at max-bake-minutes (default rollback).',
    },
    'reject-on-rollback': {
      type: 'boolean',
      description: 'Mark the package Rejected when a failing canary is rolled back (default true).',
    },
    shadow: {
      type: 'object',
      additionalProperties: false,
      description: 'strategy shadow: the output divergence allowed from the recorded pairs.',
      properties: {
        'max-label-difference': { ...percent, description: 'Share of answers that differ (e.g. "5%").' },
        'max-mean-absolute-difference': {
          type: 'number',
          minimum: 0,
          description: 'Mean absolute difference of numeric answers (or of field).',
        },
        field: { ...nonEmpty, description: 'The key of a JSON object answer to compare.' },
      },
    },
  },
};

/** The manifest's `promotion` section: what this step decided, and why. */
export interface PromotionSection {
  backend: 'local' | 'sagemaker';
  endpoint: string;
  decision: Decision;
  reason: string;
  championVariant?: string;
  challengerVariant: string;
  modelPackageArn: string;
  /** The package the promotion replaced (the old champion's), when there was one. */
  replacedModelPackageArn?: string;
  finalWeights: Record<string, number>;
  steps: { weight: number; verdict: 'pass' | 'fail' | 'inconclusive' | 'cancelled'; looks: number }[];
  report: string;
  registry?: { arn: string; status: string };
  endpointConfig?: string;
  /** The run was cancelled mid-bake (the decision says what it could undo). */
  cancelled?: boolean;
  /** The `deployedAt` of the deployment judged: a later deploy-canary is a new canary to judge. */
  deployedAt?: string;
  decidedAt: string;
  dryRun: boolean;
}

export type Decision = 'promoted' | 'rolled-back' | 'held' | 'inconclusive';

const { isoTime } = MANIFEST_FRAGMENTS;

export const PROMOTION_SECTION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['backend', 'endpoint', 'decision', 'reason', 'challengerVariant', 'finalWeights', 'report'],
  properties: {
    backend: { enum: ['local', 'sagemaker'] },
    endpoint: { type: 'string' },
    decision: { enum: ['promoted', 'rolled-back', 'held', 'inconclusive'] },
    reason: { type: 'string' },
    championVariant: { type: 'string' },
    challengerVariant: { type: 'string' },
    modelPackageArn: { type: 'string' },
    replacedModelPackageArn: { type: 'string' },
    finalWeights: { type: 'object', additionalProperties: { type: 'number' } },
    steps: { type: 'array', items: { type: 'object' } },
    report: { type: 'string' },
    registry: { type: 'object' },
    endpointConfig: { type: 'string' },
    cancelled: { type: 'boolean' },
    deployedAt: isoTime,
    decidedAt: isoTime,
    dryRun: { type: 'boolean' },
  },
};

/** The step's `promote` block (an empty object when absent: every setting has a default). */
export function promoteConfig(config: LoadedConfig): PromoteConfig {
  return (config.values.promote as PromoteConfig | undefined) ?? {};
}

export interface PromoteInputs {
  endpoint?: string;
  'bake-minutes'?: number;
  steps?: string;
  'dry-run': boolean;
  replay?: string;
}

export type PromoteOutput = 'decision' | 'report' | 'final-weights';

export const promoteStep = defineStep<PromoteInputs, PromoteOutput>({
  name: 'promote-on-metrics',
  title: 'modelship promote-on-metrics',
  description:
    'Judge the canary challenger against the champion on the same endpoint from live per-variant metrics (CloudWatch, or the local endpoint’s metrics), with anytime-valid confidence sequences so looking every interval does not inflate false decisions; ramp its weight step by step on evidence, promote it at 100% or roll it back (and reject its package). Writes a decision audit that `replay` recomputes offline.',
  inputs: {
    endpoint: {
      type: 'string',
      description: 'The endpoint. Defaults to the one deploy-canary recorded in the manifest.',
    },
    'bake-minutes': {
      type: 'number',
      exclusiveMinimum: 0,
      description:
        'How long each step bakes before it may pass, in minutes (above 0, as `promote.bake-minutes`). Empty: `promote.bake-minutes`, else 20.',
    },
    steps: {
      type: 'string',
      description:
        "The challenger's shares to bake at, comma-separated percentages (e.g. `10,50`). Defaults to `promote.steps`, else the deployed share then 50.",
    },
    'dry-run': {
      type: 'boolean',
      default: false,
      description: 'Judge and report, change nothing: no weight changes, no promotion, no rollback.',
    },
    replay: {
      type: 'string',
      description:
        'A decision audit file: recompute its decision offline from the datapoints it records (no endpoint is read or changed).',
    },
  },
  outputs: {
    decision:
      '`promoted`, `rolled-back`, `held` or `inconclusive` (also a cancel that returned the weights to the champion).',
    report:
      'Path of the decision audit JSON (every datapoint, test, interval and verdict); a dry run writes its own (`decision.dry-run.json`), never over a real decision’s.',
    'final-weights': 'The variants’ weights at the end, as JSON (`{"variant": percent}`).',
  },
  config: { key: 'promote', schema: PROMOTE_CONFIG_SCHEMA },
  manifest: { key: 'promotion', schema: PROMOTION_SECTION_SCHEMA },
  // Optional in the main job: a config with a promote block promotes (after deploy-canary).
  fromConfig: (config) => (config.values.promote ? {} : undefined),
  load: async () => (await import('./step.js')).createPromoteImpl(),
});
