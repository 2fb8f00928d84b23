// evaluate-gate, declared: its interface, its modelship.yml block, its manifest section, how
// `modelship run` feeds it. Light on purpose: hosts and the catalogue load this at start; the
// implementation (./step.ts) loads only when the step runs.
import {
  defineStep,
  MANIFEST_FRAGMENTS,
  SCHEMA_FRAGMENTS,
  type JsonSchema,
  type LoadedConfig,
} from '@modelship/core';
import { isAbsolute, relative } from 'node:path';
import { EVALUATE_CONFIG_SCHEMA } from './evaluate-config.js';

/** Metrics the gate computes from predictions (the same code for candidate and champion). */
export const METRICS = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'roc_auc',
  'pr_auc',
  'log_loss',
  'brier',
  'rmse',
  'mae',
  'mape',
  'r2',
] as const;

export type GateTest = 'bootstrap' | 'mcnemar' | 'delong';

/** A slice: each check is judged again on every value of this column. */
export interface SliceConfig {
  column: string;
  'min-samples'?: number;
}

/** The fields of one check (the `gate` block itself, or one item of `gate.checks`). */
export interface CheckConfig {
  name?: string;
  metric: string;
  direction?: 'higher' | 'lower';
  min?: number;
  max?: number;
  'max-regression'?: number | string;
  'min-improvement'?: number | string;
  confidence?: number;
  test?: GateTest;
  critical?: boolean;
  'min-samples'?: number;
  slices?: SliceConfig[];
  resamples?: number;
  seed?: number;
  threshold?: number;
}

/** Names of the prediction columns (defaults: label, score, prediction, champion_score, champion_prediction, id). */
export interface ColumnsConfig {
  id?: string;
  label?: string;
  score?: string;
  prediction?: string;
  'champion-score'?: string;
  'champion-prediction'?: string;
}

/**
 * The `gate` block of modelship.yml: one check written inline (`metric`, `min`, …) or a list under
 * `checks`; the settings beside `checks` (confidence, test, resamples, seed, min-samples, slices,
 * threshold, critical) are the defaults every check inherits.
 */
export interface GateConfig extends Partial<CheckConfig> {
  checks?: CheckConfig[];
  columns?: ColumnsConfig;
  /** Where `modelship run` takes the champion from (the step's `baseline` input). */
  baseline?: string;
}

const { nonEmpty, percent } = SCHEMA_FRAGMENTS;

/** Settings a check may set and the `gate` block may set for all its checks. */
const SHARED_PROPERTIES: Record<string, JsonSchema> = {
  confidence: {
    type: 'number',
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
    description: 'Two-sided confidence level of the intervals (default 0.95).',
  },
  test: {
    enum: ['bootstrap', 'mcnemar', 'delong'],
    description:
      'Interval of the paired difference: bootstrap (any metric, default), mcnemar (accuracy), delong (roc_auc).',
  },
  critical: {
    type: 'boolean',
    description:
      'Too few samples (overall or in a slice) fails the gate instead of being reported as insufficient.',
  },
  'min-samples': {
    type: 'integer',
    minimum: 1,
    description: 'Fewest rows a check is judged on (default 30); below it the check is insufficient.',
  },
  slices: {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['column'],
      properties: {
        column: nonEmpty,
        'min-samples': { type: 'integer', minimum: 1 },
      },
    },
    description: 'Judge each check again on every value of these columns of the predictions.',
  },
  resamples: {
    type: 'integer',
    minimum: 100,
    maximum: 1000000,
    description: 'Bootstrap resamples (default 2000).',
  },
  seed: { type: 'integer', minimum: 0, description: 'Bootstrap seed (default 42), recorded in the verdict.' },
  threshold: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    description: 'Decision threshold turning a score into a 0/1 prediction (default 0.5).',
  },
};

/** The fields that make a check (not defaults for others). */
const CHECK_ONLY_PROPERTIES: Record<string, JsonSchema> = {
  name: { ...nonEmpty, description: 'How the check is named in the report (default: the metric).' },
  metric: { ...nonEmpty, description: 'A metric computed from predictions, or a name in the metrics.' },
  direction: {
    enum: ['higher', 'lower'],
    description: 'Which way is better (known metrics have a default).',
  },
  min: { type: 'number', description: "The candidate's value must be at least this." },
  max: { type: 'number', description: "The candidate's value must be at most this." },
  'max-regression': {
    ...percent,
    description:
      'At most this much worse than the champion: the lower confidence bound of the direction-adjusted difference must be above minus this (absolute, or "N%" of the champion).',
  },
  'min-improvement': {
    ...percent,
    description:
      'At least this much better than the champion: the lower confidence bound of the direction-adjusted difference must be above this (absolute, or "N%" of the champion).',
  },
};

const CHECK_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['metric'],
  properties: { ...CHECK_ONLY_PROPERTIES, ...SHARED_PROPERTIES },
};

export const GATE_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'evaluate-gate: one check inline (metric, min, max-regression, …) or several under checks; the shared settings beside checks are defaults for each.',
  properties: {
    ...CHECK_ONLY_PROPERTIES,
    ...SHARED_PROPERTIES,
    checks: { type: 'array', minItems: 1, items: CHECK_SCHEMA },
    baseline: {
      ...nonEmpty,
      description:
        "The champion for modelship run (the step's baseline input): registry, none, a metrics or predictions file, or the champion's model.tar.gz (scored by the evaluate block).",
    },
    columns: {
      type: 'object',
      additionalProperties: false,
      description: 'Column names in the predictions, when not the defaults.',
      properties: {
        id: nonEmpty,
        label: nonEmpty,
        score: nonEmpty,
        prediction: nonEmpty,
        'champion-score': nonEmpty,
        'champion-prediction': nonEmpty,
      },
    },
  },
};

export type CheckStatus = 'pass' | 'fail' | 'insufficient';
export type Condition = 'min' | 'max' | 'max-regression' | 'min-improvement';

/** One judged condition of one check (on all rows, or on one slice value). */
export interface CheckResult {
  check: string;
  metric: string;
  condition: Condition;
  direction?: 'higher' | 'lower';
  critical: boolean;
  slice?: { column: string; value: string };
  /** The bound: the value's min/max, or the bound on the direction-adjusted difference. */
  threshold: number;
  /** As written, when it was a percentage of the champion ("2%"). */
  thresholdAsWritten?: string;
  candidate?: number;
  champion?: number;
  /** candidate − champion (not direction-adjusted). */
  delta?: number;
  interval?: { low: number; high: number; confidence: number; method: string };
  pValue?: number;
  test?: GateTest | 'point';
  n?: number;
  resamples?: number;
  seed?: number;
  decisionThreshold?: number;
  status: CheckStatus;
  reason: string;
}

export interface PredictionsFile {
  role: 'candidate' | 'champion' | 'candidate+champion';
  path: string;
  sha256: string;
  rows: number;
}

/** The `evaluation` section of the manifest: the verdict (also `evaluate-gate/verdict.json`). */
export interface EvaluationSection {
  kind: 'modelship.evaluate-gate.verdict';
  schemaVersion: 1;
  passed: boolean;
  verdict: 'pass' | 'fail';
  /** Where the numbers came from. */
  mode: 'predictions' | 'metrics';
  evaluatedAt: string;
  headline: string;
  candidate: { source: string; jobName?: string; modelSha256?: string };
  champion: {
    kind: 'none' | 'predictions' | 'columns' | 'metrics';
    identity?: string;
    source?: string;
    sha256?: string;
    note?: string;
  };
  /** Why change checks were not applied or had no interval, when so. */
  notes: string[];
  checks: CheckResult[];
  predictions: PredictionsFile[];
  report?: string;
  statistics?: string;
  /** What replay needs: the gate config as judged, the column names, the baseline and metrics given. */
  inputs: {
    gate: GateConfig;
    baseline?: string;
    metrics?: { candidate?: Record<string, number>; champion?: Record<string, number> };
  };
}

const { sha256, isoTime } = MANIFEST_FRAGMENTS;

export const EVALUATION_SECTION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['passed', 'verdict', 'mode', 'checks'],
  properties: {
    kind: { const: 'modelship.evaluate-gate.verdict' },
    schemaVersion: { const: 1 },
    passed: { type: 'boolean' },
    verdict: { enum: ['pass', 'fail'] },
    mode: { enum: ['predictions', 'metrics'] },
    evaluatedAt: isoTime,
    headline: { type: 'string' },
    candidate: { type: 'object' },
    champion: {
      type: 'object',
      required: ['kind'],
      properties: { kind: { enum: ['none', 'predictions', 'columns', 'metrics'] }, sha256 },
    },
    notes: { type: 'array', items: { type: 'string' } },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['check', 'metric', 'condition', 'status', 'reason'],
        properties: {
          check: { type: 'string' },
          metric: { type: 'string' },
          condition: { enum: ['min', 'max', 'max-regression', 'min-improvement'] },
          status: { enum: ['pass', 'fail', 'insufficient'] },
          reason: { type: 'string' },
        },
      },
    },
    predictions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['role', 'path', 'sha256', 'rows'],
        properties: {
          role: { enum: ['candidate', 'champion', 'candidate+champion'] },
          path: { type: 'string' },
          sha256,
          rows: { type: 'integer', minimum: 0 },
        },
      },
    },
    report: { type: 'string' },
    statistics: { type: 'string' },
    inputs: { type: 'object' },
  },
};

/** The step's `gate` block, as the composed schema checked it (undefined when absent). */
export function gateConfig(config: LoadedConfig): GateConfig | undefined {
  return config.values.gate as GateConfig | undefined;
}

export interface GateInputs {
  metrics?: string;
  predictions?: string;
  baseline?: string;
  comment: boolean;
  'github-token'?: string;
  replay?: string;
}

export type GateOutput = 'passed' | 'verdict' | 'failed-checks' | 'report' | 'champion';

/**
 * The config's `gate.baseline` as the step's `baseline` input, or undefined when it sets none: a
 * file relative to the config, given relative to `cwd` (absolute when outside it); registry, none
 * and s3:// URIs as they are. Both `modelship run` and a step run with only `--config` use it.
 */
export function configBaseline(config: LoadedConfig, cwd: string): string | undefined {
  const b = gateConfig(config)?.baseline;
  if (!b) return undefined;
  if (b === 'registry' || b === 'none' || b.startsWith('s3://')) return b;
  const rel = relative(cwd, config.resolvePath(b));
  return rel.startsWith('..') || isAbsolute(rel) ? config.resolvePath(b) : rel || '.';
}

export const gateStep = defineStep<GateInputs, GateOutput>({
  name: 'evaluate-gate',
  title: 'modelship evaluate-gate',
  description:
    'Judge the candidate model against the `gate` checks of modelship.yml: its metrics against thresholds, and the paired difference from the champion against `max-regression` / `min-improvement` on a confidence bound (bootstrap, McNemar or DeLong). Writes the verdict to the manifest and a report, and can keep one sticky comment on the pull request.',
  inputs: {
    metrics: {
      type: 'string',
      description:
        'Candidate metrics when there are no predictions: a JSON file or an inline JSON object (`{"roc_auc": 0.91}`). Overrides the training metrics in the manifest.',
    },
    predictions: {
      type: 'string',
      description:
        "CSV or JSON Lines predictions on the test data: `label` with the candidate's `score` / `prediction`, and the champion's `champion_score` / `champion_prediction` when it is in the same file.",
    },
    baseline: {
      type: 'string',
      description:
        "The champion: `registry` (the default: the model package group's latest Approved package, scored by the evaluate block or compared on its recorded metrics; none yet means value checks only), `none`, a metrics JSON file, a predictions file (CSV / JSON Lines) paired with `predictions` by `id` or by row order, or a champion model.tar.gz (scored by the evaluate block).",
    },
    comment: {
      type: 'boolean',
      default: false,
      description:
        'On a pull request, create or update one comment per model with the verdict (needs `pull-requests: write`).',
    },
    'github-token': {
      type: 'string',
      description:
        'Token for the pull-request comment, e.g. the `github.token` of the workflow. Defaults to `GITHUB_TOKEN` in the environment.',
    },
    replay: {
      type: 'string',
      description:
        'Path of a verdict.json written earlier: recompute it from its recorded inputs (files checked by sha256) and exit with the answer.',
    },
  },
  outputs: {
    passed: '`true` when every check passed.',
    verdict: '`pass` or `fail`.',
    'failed-checks': 'Comma-separated names of the failed checks (empty when none).',
    report: 'Path of the verdict JSON.',
    champion: 'The champion compared against (package ARN, version or file), or empty when none.',
  },
  // The gate's own block. The evaluation run's block (`evaluate`) is declared beside it, in the
  // same list, when that part lands: a step may own several blocks of modelship.yml.
  config: [
    { key: 'gate', schema: GATE_CONFIG_SCHEMA },
    { key: 'evaluate', schema: EVALUATE_CONFIG_SCHEMA },
  ],
  manifest: { key: 'evaluation', schema: EVALUATION_SECTION_SCHEMA },
  fromConfig: (config, cwd) => {
    if (!gateConfig(config)) return undefined;
    const baseline = configBaseline(config, cwd);
    const inputs: Record<string, string> = {};
    if (baseline !== undefined) inputs['baseline'] = baseline;
    return inputs;
  },
  workers: [{ name: 'bootstrap-worker', source: 'packages/gate/src/bootstrap-worker.ts' }],
  load: async () => (await import('./step.js')).createGateImpl(),
});
