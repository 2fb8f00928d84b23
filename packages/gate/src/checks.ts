// The `gate` block, normalised: every check with its inherited settings, its metric resolved and
// its conditions spelled out. Mistakes a user can fix are one-line ConfigErrors naming the field.
import { ConfigError } from '@modelship/core';
import {
  METRICS,
  type ColumnsConfig,
  type CheckConfig,
  type GateConfig,
  type GateTest,
} from './definition.js';
import { HIGHER_IS_BETTER, isClassificationMetric, type MetricName } from '@modelship/stats';

/** A threshold on the difference: absolute, or a percentage of the champion's value. */
export interface Bound {
  value: number;
  percent: boolean;
  written: string;
}

export interface Check {
  name: string;
  /** The metric as written (looked up as is in metrics files). */
  metric: string;
  /** The metric modelship computes, when it is one (`auc` → `roc_auc`). */
  known?: MetricName;
  direction?: 'higher' | 'lower';
  min?: number;
  max?: number;
  maxRegression?: Bound;
  minImprovement?: Bound;
  confidence: number;
  test: GateTest;
  critical: boolean;
  minSamples: number;
  slices: { column: string; minSamples: number }[];
  resamples: number;
  seed: number;
  threshold: number;
  /** Where the check is written, for errors: `gate.checks[1]` or `gate`. */
  field: string;
  /** The config file the check was written in, for errors. */
  file: string;
}

export type Columns = Required<ColumnsConfig>;

export const DEFAULTS = {
  confidence: 0.95,
  test: 'bootstrap' as GateTest,
  minSamples: 30,
  resamples: 2000,
  seed: 42,
  threshold: 0.5,
};

export const DEFAULT_COLUMNS: Columns = {
  id: 'id',
  label: 'label',
  score: 'score',
  prediction: 'prediction',
  'champion-score': 'champion_score',
  'champion-prediction': 'champion_prediction',
};

const ALIASES: Record<string, MetricName> = {
  auc: 'roc_auc',
  'roc-auc': 'roc_auc',
  rocauc: 'roc_auc',
  'pr-auc': 'pr_auc',
  average_precision: 'pr_auc',
  'log-loss': 'log_loss',
  logloss: 'log_loss',
  f1_score: 'f1',
  'f1-score': 'f1',
};

/** The metric modelship computes under this name, if any. */
export function knownMetric(name: string): MetricName | undefined {
  const n = name.toLowerCase();
  if ((METRICS as readonly string[]).includes(n)) return n as MetricName;
  return ALIASES[n];
}

export function isClassification(m: MetricName): boolean {
  return isClassificationMetric(m);
}

/** Names a metric may have in a metrics file: as written, its canonical name, its aliases. */
export function metricNames(check: Pick<Check, 'metric' | 'known'>): string[] {
  const names = [check.metric];
  if (check.known) {
    names.push(check.known);
    for (const [alias, m] of Object.entries(ALIASES)) if (m === check.known) names.push(alias);
  }
  return [...new Set(names)];
}

function bound(v: number | string | undefined, field: string, file: string): Bound | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return { value: v, percent: false, written: String(v) };
  const value = Number(v.slice(0, -1)) / 100;
  if (!Number.isFinite(value)) throw new ConfigError(`'${v}' is not a percentage`, `${file}: ${field}`);
  return { value, percent: true, written: v };
}

const CHECK_KEYS = [
  'metric',
  'name',
  'direction',
  'min',
  'max',
  'max-regression',
  'min-improvement',
] as const;

/**
 * The checks of a `gate` block, each with the block's shared settings filled in.
 *
 * @throws ConfigError naming the field: a list and an inline check at once, a check with no
 *   condition, a test that does not fit its metric, a change check on a metric of unknown
 *   direction, two checks of one name.
 */
export function normaliseGate(
  gate: GateConfig,
  file = 'modelship.yml',
): { checks: Check[]; columns: Columns } {
  let items: { c: CheckConfig; field: string }[];
  if (gate.checks) {
    const inline = CHECK_KEYS.filter((k) => gate[k] !== undefined);
    if (inline.length > 0)
      throw new ConfigError(
        `sets ${inline.map((k) => `'${k}'`).join(', ')} beside 'checks': write that check as an item of checks`,
        `${file}: gate`,
        {
          hint: 'beside checks, gate holds only settings every check inherits (confidence, test, seed, slices, …)',
        },
      );
    items = gate.checks.map((c, i) => ({ c, field: `gate.checks[${i}]` }));
  } else if (gate.metric !== undefined) {
    items = [{ c: gate as CheckConfig, field: 'gate' }];
  } else {
    throw new ConfigError('has no check: set metric (one check) or checks (a list)', `${file}: gate`, {
      hint: 'e.g. gate: { metric: roc_auc, min: 0.8, max-regression: 0.01 }',
    });
  }
  const seen = new Map<string, string>();
  const checks = items.map(({ c, field }) => {
    const known = knownMetric(c.metric);
    const check: Check = {
      name: c.name ?? c.metric,
      metric: c.metric,
      known,
      direction: c.direction ?? (known ? (HIGHER_IS_BETTER[known] ? 'higher' : 'lower') : undefined),
      min: c.min,
      max: c.max,
      maxRegression: bound(c['max-regression'], `${field}.max-regression`, file),
      minImprovement: bound(c['min-improvement'], `${field}.min-improvement`, file),
      confidence: c.confidence ?? gate.confidence ?? DEFAULTS.confidence,
      test: c.test ?? gate.test ?? DEFAULTS.test,
      critical: c.critical ?? gate.critical ?? false,
      minSamples: c['min-samples'] ?? gate['min-samples'] ?? DEFAULTS.minSamples,
      slices: (c.slices ?? gate.slices ?? []).map((s) => ({
        column: s.column,
        minSamples: s['min-samples'] ?? c['min-samples'] ?? gate['min-samples'] ?? DEFAULTS.minSamples,
      })),
      resamples: c.resamples ?? gate.resamples ?? DEFAULTS.resamples,
      seed: c.seed ?? gate.seed ?? DEFAULTS.seed,
      threshold: c.threshold ?? gate.threshold ?? DEFAULTS.threshold,
      field,
      file,
    };
    const where = `${file}: ${field}`;
    if ([check.min, check.max, check.maxRegression, check.minImprovement].every((v) => v === undefined))
      throw new ConfigError(
        `check '${check.name}' sets no condition: add min, max, max-regression or min-improvement`,
        where,
      );
    if (check.min !== undefined && check.max !== undefined && check.min > check.max)
      throw new ConfigError(`min (${check.min}) is above max (${check.max}): no value can pass`, where);
    const change = check.maxRegression !== undefined || check.minImprovement !== undefined;
    if (known && c.direction !== undefined) {
      const natural = HIGHER_IS_BETTER[known] ? 'higher' : 'lower';
      // A reversed direction would let a worse model pass its change checks.
      if (c.direction !== natural)
        throw new ConfigError(`${known} is better ${natural}, not ${c.direction}`, `${where}.direction`, {
          hint: 'leave direction out for a metric modelship knows',
        });
    }
    if (change && !check.direction)
      throw new ConfigError(
        `'${check.metric}' is not a metric modelship knows, so its direction must be given (higher or lower)`,
        `${where}.direction`,
      );
    if (check.test === 'mcnemar' && check.known !== 'accuracy')
      throw new ConfigError(`test mcnemar compares accuracy, not ${check.metric}`, `${where}.test`, {
        hint: 'use bootstrap for any metric, delong for roc_auc',
      });
    if (check.test === 'delong' && check.known !== 'roc_auc')
      throw new ConfigError(`test delong compares ROC AUC, not ${check.metric}`, `${where}.test`, {
        hint: 'use bootstrap for any metric, mcnemar for accuracy',
      });
    const other = seen.get(check.name);
    if (other)
      throw new ConfigError(`two checks are named '${check.name}' (${other} too): give one a name`, where);
    seen.set(check.name, field);
    return check;
  });
  return { checks, columns: { ...DEFAULT_COLUMNS, ...gate.columns } };
}
