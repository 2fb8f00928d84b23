// What one promote-on-metrics run is to do, resolved from its inputs and the `promote` block: the
// single place defaults are applied, so the bake loop, both backends, the audit and replay read
// the same settings.
import { ConfigError, configName, type StepContext } from '@modelship/core';
import { minimumPairedPeriods, type JudgedMetric } from './judge.js';
import {
  promoteConfig,
  type MetricKind,
  type PromoteConfig,
  type PromoteInputs,
  type PromoteMetricConfig,
} from './definition.js';

/** A metric as the step reads and judges it. */
export interface MetricSpec extends JudgedMetric {
  namespace: string;
  /** Dimensions besides VariantName (EndpointName unless the config gave its own). */
  dimensions: Record<string, string>;
  /** The per-period statistic (latency, rate, kpi). */
  stat: string;
}

/** The settings of a run, all defaults applied (recorded in the audit; replay reads them back). */
export interface PromoteSettings {
  /** Challenger shares to bake at, percent, ascending, each below 100. */
  steps: number[];
  intervalSeconds: number;
  bakeSeconds: number;
  maxBakeSeconds: number;
  periodSeconds: number;
  metrics: MetricSpec[];
  minSamples: number;
  minInvocations: number;
  confidence: number;
  onFail: 'rollback' | 'hold';
  onInconclusive: 'extend' | 'rollback' | 'hold';
  afterMaxBake: 'rollback' | 'hold';
  rejectOnRollback: boolean;
  shadow?: { maxLabelDifference?: number; maxMeanAbsoluteDifference?: number; field?: string };
}

export interface PromotePlan {
  backend: 'local' | 'sagemaker';
  configFile: string;
  endpoint?: string;
  /** Steps as the user gave them (undefined: from the deployed share). */
  steps?: number[];
  settings: Omit<PromoteSettings, 'steps'>;
  dryRun: boolean;
  replay?: string;
  region: string;
}

/** Seconds as minutes for messages: `0.24 min`, `20 min`. */
export function mins(seconds: number): string {
  return `${Number((seconds / 60).toPrecision(6))} min`;
}

/** "10%" → 0.1; 0.1 → 0.1. */
export function fraction(v: number | string): number {
  return typeof v === 'number' ? v : Number(v.slice(0, -1)) / 100;
}

export const SAGEMAKER_NAMESPACE = 'AWS/SageMaker';

export const DEFAULT_METRICS: PromoteMetricConfig[] = [
  { name: 'ModelLatency', kind: 'latency', 'max-increase': 0.1 },
  { name: 'Invocation5XXErrors', kind: 'error-rate', 'max-increase': 0.005, critical: true },
];

function metricSpec(m: PromoteMetricConfig, where: string): MetricSpec {
  const kind: MetricKind = m.kind ?? (/Errors?$/.test(m.name) ? 'error-rate' : 'latency');
  const spec: MetricSpec = {
    name: m.name,
    kind,
    direction: m.direction ?? 'lower',
    maxIncrease:
      m['max-increase'] === undefined ? (kind === 'error-rate' ? 0.005 : 0.1) : fraction(m['max-increase']),
    critical: m.critical ?? false,
    namespace: m.namespace ?? SAGEMAKER_NAMESPACE,
    dimensions: m.dimensions ?? {},
    stat: m.stat ?? 'Average',
  };
  if (m.max !== undefined) spec.max = fraction(m.max);
  if (spec.max !== undefined && spec.max < 0)
    throw new ConfigError(
      `(${m.max}) is below 0: a limit on the challenger's value cannot be negative`,
      `${where}.max`,
    );
  if (kind === 'error-rate' && spec.maxIncrease > 1)
    throw new ConfigError(
      `(${String(m['max-increase'])}) is more than 100 percentage points: an error-rate's max-increase is absolute (0.5% is half a percentage point), so no error rate could exceed it`,
      `${where}.max-increase`,
      { hint: 'give the allowed rise in percentage points, e.g. 0.5%' },
    );
  if (kind === 'error-rate' && spec.max !== undefined && spec.max > 1)
    throw new ConfigError(
      `(${String(m.max)}) is more than 100%: an error rate is at most 1`,
      `${where}.max`,
      { hint: 'give the highest error rate allowed, e.g. 1%' },
    );
  for (const [k, v] of Object.entries(spec.dimensions))
    if (!k.trim() || !v.trim())
      throw new ConfigError(
        `${k.trim() ? `${k} has an empty value` : 'has an empty name'}: CloudWatch dimensions need both`,
        `${where}.dimensions`,
      );
  if (kind === 'error-rate' && spec.direction === 'higher')
    throw new ConfigError('an error-rate is lower-is-better; drop direction', `${where}.direction`);
  if (kind === 'error-rate' && m.stat !== undefined)
    throw new ConfigError(
      'an error-rate is judged as errors (Sum) out of invocations; stat does not apply',
      `${where}.stat`,
    );
  return spec;
}

/** Comma-separated percentages: "10,50" → [10, 50]. */
function parseSteps(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((p) => !/^\d+(\.\d+)?$/.test(p)) || out.some((s) => !(s > 0 && s <= 100)))
    throw new ConfigError(
      `must be comma-separated percentages above 0 and at most 100, got '${text}'`,
      "input 'steps'",
      { hint: 'e.g. 10,50' },
    );
  if (out.length > MAX_STEPS)
    throw new ConfigError(
      `has ${out.length} steps; at most ${MAX_STEPS} (as promote.steps)`,
      "input 'steps'",
      { hint: 'a few steps, e.g. 10,50' },
    );
  return out;
}

/** The most ramp steps, in the config (promote.steps maxItems) and the input alike. */
const MAX_STEPS = 20;

/**
 * Steps as baked: ascending, duplicates and a final 100 dropped (100% is the promotion itself).
 *
 * @throws ConfigError when they are not ascending.
 */
export function normaliseSteps(steps: readonly number[], where: string): number[] {
  for (let i = 1; i < steps.length; i++)
    if (!(steps[i]! > steps[i - 1]!))
      throw new ConfigError(`must be ascending, got [${steps.join(', ')}]`, where, {
        hint: "the challenger's share grows step by step, e.g. [10, 25, 50]",
      });
  return steps.filter((s) => s < 100);
}

/**
 * The plan of a run.
 *
 * @throws ConfigError for settings that contradict each other (the field is named).
 */
export function resolvePlan(
  inputs: PromoteInputs,
  ctx: Pick<StepContext, 'config' | 'cwd' | 'backend' | 'env'>,
): PromotePlan {
  const p: PromoteConfig = promoteConfig(ctx.config);
  const configFile = configName(ctx.config, ctx.cwd);
  const at = (k: string) => `${configFile}: promote.${k}`;
  const intervalSeconds = (p['interval-minutes'] ?? 1) * 60;
  // Bounded as promote.bake-minutes (above 0) where the host reads the input.
  const bakeMinutes = inputs['bake-minutes'];
  const bakeSeconds = (bakeMinutes ?? p['bake-minutes'] ?? 20) * 60;
  const maxBakeSeconds = p['max-bake-minutes'] !== undefined ? p['max-bake-minutes'] * 60 : 3 * bakeSeconds;
  if (!Number.isFinite(bakeSeconds))
    throw new ConfigError(
      `must be a finite number of minutes`,
      bakeMinutes ? "input 'bake-minutes'" : at('bake-minutes'),
    );
  if (maxBakeSeconds < bakeSeconds)
    throw new ConfigError(
      bakeMinutes
        ? `(${mins(bakeSeconds)}) is longer than ${configFile}: promote.max-bake-minutes (${mins(maxBakeSeconds)})`
        : `(${mins(maxBakeSeconds)}) is shorter than the bake (${mins(bakeSeconds)})`,
      bakeMinutes ? "input 'bake-minutes'" : at('max-bake-minutes'),
      {
        hint: 'the bake of a step is at most its max-bake-minutes (an inconclusive step is extended up to it)',
      },
    );
  if (intervalSeconds > bakeSeconds)
    throw new ConfigError(
      `(${mins(intervalSeconds)}) is longer than the bake (${mins(bakeSeconds)}): the step would never be looked at before it ends`,
      at('interval-minutes'),
    );
  const periodSeconds = p['period-seconds'] ?? 60;
  if (periodSeconds > intervalSeconds)
    throw new ConfigError(
      `(${periodSeconds} s) is longer than the interval between looks (${intervalSeconds} s)`,
      at('period-seconds'),
    );
  const metrics = (p.metrics ?? DEFAULT_METRICS).map((m, i) => metricSpec(m, at(`metrics[${i}]`)));
  const names = new Set<string>();
  for (const m of metrics) {
    const key = `${m.namespace}/${m.name}/${m.stat}`;
    if (names.has(key)) throw new ConfigError(`lists ${m.name} (${m.stat}) twice`, at('metrics'));
    names.add(key);
  }
  const steps =
    inputs.steps !== undefined && inputs.steps !== ''
      ? normaliseSteps(parseSteps(inputs.steps), "input 'steps'")
      : p.steps
        ? normaliseSteps(p.steps, at('steps'))
        : undefined;
  const s = p.shadow;
  if (s?.['max-label-difference'] !== undefined && fraction(s['max-label-difference']) > 1)
    throw new ConfigError(
      `(${String(s['max-label-difference'])}) is more than 100%: it is the share of answers that may differ`,
      at('shadow.max-label-difference'),
    );
  const plan: PromotePlan = {
    backend: ctx.backend,
    configFile,
    settings: {
      intervalSeconds,
      bakeSeconds,
      maxBakeSeconds,
      periodSeconds,
      metrics,
      minSamples: p['min-samples'] ?? 5,
      minInvocations: p['min-invocations'] ?? 100,
      confidence: p.confidence ?? 0.95,
      onFail: p['on-fail'] ?? 'rollback',
      onInconclusive: p['on-inconclusive'] ?? 'extend',
      afterMaxBake: p['after-max-bake'] ?? 'rollback',
      rejectOnRollback: p['reject-on-rollback'] ?? true,
      ...(s
        ? {
            shadow: {
              ...(s['max-label-difference'] !== undefined
                ? { maxLabelDifference: fraction(s['max-label-difference']) }
                : {}),
              ...(s['max-mean-absolute-difference'] !== undefined
                ? { maxMeanAbsoluteDifference: s['max-mean-absolute-difference'] }
                : {}),
              ...(s.field ? { field: s.field } : {}),
            },
          }
        : {}),
    },
    dryRun: inputs['dry-run'],
    region: ctx.config.values.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  };
  if (steps) plan.steps = steps;
  if (inputs.endpoint) plan.endpoint = inputs.endpoint;
  if (inputs.replay) plan.replay = inputs.replay;
  return plan;
}

/** Steps from the deployed share when none were configured: [share, 50] (or [share] at 50 or more). */
export function defaultSteps(deployedShare: number): number[] {
  const s = Math.max(1, Math.min(99, deployedShare));
  return s < 50 ? [s, 50] : [s];
}

/**
 * Refuse a bake too short for the judge to ever decide a period metric: the signed-rank interval
 * needs {@link minimumPairedPeriods} periods at the α each metric gets; warn when only an
 * extension reaches them.
 *
 * @throws ConfigError naming promote.bake-minutes / max-bake-minutes with the length needed.
 */
export function checkBakeLength(
  settings: PromoteSettings,
  configFile: string,
  warn: (m: string) => void,
  alpha: number,
): void {
  if (!settings.metrics.some((m) => m.kind !== 'error-rate')) return;
  const need = minimumPairedPeriods(alpha);
  const minutes = (need * settings.periodSeconds) / 60;
  const periods = (s: number) => Math.floor(s / settings.periodSeconds);
  const fix = `at ${settings.periodSeconds}-second periods and ${settings.steps.length} step(s) × ${settings.metrics.length} metric(s) at confidence ${settings.confidence}, each step needs ${need} periods (${Number(minutes.toPrecision(6))} min): bake longer, or use fewer steps or a lower confidence`;
  if (periods(settings.maxBakeSeconds) < need)
    throw new ConfigError(
      `(${mins(settings.maxBakeSeconds)}, ${periods(settings.maxBakeSeconds)} periods) is too short for the latency judge ever to decide`,
      `${configFile}: promote.${settings.maxBakeSeconds > settings.bakeSeconds ? 'max-bake-minutes' : 'bake-minutes'}`,
      { hint: fix },
    );
  if (periods(settings.bakeSeconds) < need)
    warn(
      `promote.bake-minutes (${mins(settings.bakeSeconds)}) is too short for a period metric to pass before the bake is extended: ${fix}`,
    );
}
