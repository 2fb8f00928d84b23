// The bake loop of promote-on-metrics, apart from any backend: at every look of a ramp step read
// the window's metrics, judge each, combine, and act (wait, ramp, promote, roll back, hold). Every
// look goes into the decision audit with its datapoints, so `replay` recomputes the decision with
// the same functions (judgeLook, nextAction) and no endpoint.
import { canonicalJson } from '@modelship/aws';
import { ConfigError } from '@modelship/core';
import { combine, judgeMetric, type LookDecision, type MetricData, type MetricVerdict } from './judge.js';
import type { Decision } from './definition.js';
import type { PromoteSettings } from './plan.js';
import {
  buildQueries,
  fetchSeries,
  invocations,
  metricData,
  type GetMetricDataPage,
  type Role,
  type Series,
} from './series.js';
import {
  judgeDivergence,
  type DivergenceVerdict,
  type ShadowPair,
  type ShadowRead,
  type ShadowSummary,
} from './shadow.js';

/**
 * What the manifest's deployment section (deploy-canary's) says about the canary: the endpoint,
 * the names of its two variants and, per variant, the package and SageMaker Model it serves.
 */
export interface DeployedCanary {
  endpoint: string;
  challengerVariant: string;
  championVariant?: string;
  variants?: { name: string; modelPackageArn?: string; modelVersion?: string; model?: string }[];
}

/** A variant as a backend lists it, for {@link pickCanary}. */
export interface CandidateVariant {
  name: string;
  weight: number;
  shadow: boolean;
}

/**
 * The champion and the challenger among an endpoint's variants: the challenger as deploy-canary
 * recorded it when the manifest's deployment is for this endpoint, else (two variants) the shadow
 * one or the lower-weighted; the champion the heaviest other production variant.
 *
 * @throws ConfigError naming `where` when the challenger is not known or not there (`missingHint`
 *   says how to look), or there is no champion beside it.
 */
export function pickCanary<V extends CandidateVariant>(
  variants: readonly V[],
  endpoint: string,
  deployed: DeployedCanary | undefined,
  where: string,
  missingHint: string,
): { champion: V; challenger: V } {
  const challengerName =
    deployed?.endpoint === endpoint
      ? deployed.challengerVariant
      : variants.length === 2
        ? (variants.find((v) => v.shadow) ?? [...variants].sort((a, b) => a.weight - b.weight)[0]!).name
        : undefined;
  if (!challengerName)
    throw new ConfigError(
      `serves ${variants.length} variant(s) and the manifest records no deployment to it: which is the challenger is not known`,
      where,
      {
        hint: 'pass the manifest deploy-canary wrote (--manifest), or deploy the challenger with deploy-canary first',
      },
    );
  const challenger = variants.find((v) => v.name === challengerName);
  if (!challenger)
    throw new ConfigError(`has no variant ${challengerName} (the challenger the manifest records)`, where, {
      hint: missingHint,
    });
  const champion = variants
    .filter((v) => v.name !== challengerName && !v.shadow)
    .sort((a, b) => b.weight - a.weight)[0];
  if (!champion)
    throw new ConfigError(
      `serves the challenger ${challengerName} alone: there is no champion to judge it against`,
      where,
      {
        hint: 'a first deploy has nothing to canary; promote-on-metrics judges a challenger beside a champion',
      },
    );
  return { champion, challenger };
}

export interface VariantRef {
  name: string;
  modelPackageArn?: string;
  modelVersion?: string;
}

/** What the step acts on: an endpoint with a champion and a challenger variant. */
export interface CanaryEndpoint {
  readonly backend: 'local' | 'sagemaker';
  readonly endpoint: string;
  readonly champion: VariantRef;
  readonly challenger: VariantRef;
  /** The challenger is a shadow variant (no weight; judged on copies of the traffic). */
  readonly shadow: boolean;
  /** The challenger's share now, in percent (0 for a shadow). */
  readonly share: number;
  /** One GetMetricData page. */
  getMetricData: GetMetricDataPage;
  /** Make every datapoint up to now readable (the local router writes on demand; CloudWatch: no-op). */
  flush?(): Promise<void>;
  /**
   * Which of the two variants no longer serves (a dead process on the local backend), checked at
   * every look: a dead champion holds the canary as it is (rolling back to it would send all the
   * traffic to nothing), a dead challenger rolls back.
   */
  dead?(): Promise<{ champion?: string; challenger?: string }>;
  /**
   * Recorded shadow pairs in [start, end) (shadow strategy: the local router's log, SageMaker's
   * data capture), with what could not be paired or decoded.
   */
  shadowPairs?(start: Date, end: Date): Promise<ShadowRead>;
  /** The challenger at `percent` of the traffic, the champion at the rest. */
  setShare(percent: number): Promise<void>;
  /** The challenger alone on the endpoint; the champion's variant (and what only it used) removed. */
  promote(): Promise<{ endpointConfig: string; notes: string[] }>;
  /** The champion alone again; the challenger's variant removed. */
  rollback(): Promise<{ endpointConfig: string; notes: string[] }>;
}

/** One look of a step, as the audit records it. */
export interface Look {
  at: string;
  /** Seconds since the step started. */
  elapsed: number;
  window: { start: string; end: string };
  /** Every series read, by query id (see series.ts). */
  series: Record<string, Series>;
  /** Information at which each metric's boundary is tightest (fixed at the step's first data). */
  planned: number[];
  /** Shadow pairs compared (shadow strategy), and what was left unpaired or undecodable. */
  shadow?: ShadowSummary;
  verdicts: MetricVerdict[];
  divergence?: DivergenceVerdict[];
  decision: LookDecision;
  action: NextAction;
}

export interface StepRecord {
  weight: number;
  startedAt: string;
  looks: Look[];
  verdict: 'pass' | 'fail' | 'inconclusive' | 'cancelled';
}

/** The decision audit: everything needed to see, and recompute, why the canary went as it did. */
export interface DecisionAudit {
  kind: 'modelship.promote-audit';
  schemaVersion: 1;
  backend: 'local' | 'sagemaker';
  endpoint: string;
  champion: VariantRef;
  challenger: VariantRef;
  shadow: boolean;
  settings: PromoteSettings;
  /** α of each metric's confidence sequence: (1 − confidence) / (metrics × steps). */
  alphaEach: number;
  steps: StepRecord[];
  decision: Decision;
  reason: string;
  finalWeights: Record<string, number>;
  actions: { at: string; action: string; detail: string }[];
  dryRun: boolean;
  /**
   * The run was cancelled (SIGINT/SIGTERM) mid-bake: `inconclusive` when the weights went back to
   * the champion, `held` when nothing was changed (a dry run, a shadow) or could be.
   */
  cancelled?: boolean;
  startedAt: string;
  endedAt: string;
}

export type NextAction =
  | { action: 'wait'; reason: string }
  | { action: 'next-step'; reason: string }
  | { action: 'promote'; reason: string }
  | { action: 'rollback' | 'hold'; decision: Decision; reject: boolean; reason: string };

/** α of each metric's confidence sequence: the decision's 1 − confidence, split evenly (Bonferroni). */
export function alphaEach(
  settings: Pick<PromoteSettings, 'confidence' | 'metrics' | 'steps' | 'shadow'>,
): number {
  const shadowChecks = settings.shadow
    ? Number(settings.shadow.maxLabelDifference !== undefined) +
      Number(settings.shadow.maxMeanAbsoluteDifference !== undefined)
    : 0;
  return (
    (1 - settings.confidence) /
    ((settings.metrics.length + shadowChecks) * Math.max(1, settings.steps.length))
  );
}

/**
 * What a look's decision means for the run (pure; the live loop and replay both use it):
 * a fail rolls back (critical, or on-fail rollback) or holds; a pass ramps or promotes; an open
 * look waits until the bake is over, then on-inconclusive decides, extending up to max-bake.
 */
export function nextAction(
  look: LookDecision,
  elapsed: number,
  stepIndex: number,
  settings: PromoteSettings,
): NextAction {
  const last = stepIndex === settings.steps.length - 1;
  if (look.decision === 'fail') {
    if (look.critical || settings.onFail === 'rollback')
      return {
        action: 'rollback',
        decision: 'rolled-back',
        reject: settings.rejectOnRollback,
        reason: `${look.critical ? 'a critical metric failed' : 'a metric failed'}: ${look.reason.replace(/^critical /, '')}`,
      };
    return {
      action: 'hold',
      decision: 'held',
      reject: false,
      reason: `a metric failed (on-fail: hold): ${look.reason}`,
    };
  }
  if (look.decision === 'pass')
    return last ? { action: 'promote', reason: look.reason } : { action: 'next-step', reason: look.reason };
  if (elapsed < settings.bakeSeconds) return { action: 'wait', reason: look.reason };
  const inconclusive = `still inconclusive after ${minutes(elapsed)}: ${look.reason}`;
  if (settings.onInconclusive === 'rollback')
    return { action: 'rollback', decision: 'inconclusive', reject: false, reason: inconclusive };
  if (settings.onInconclusive === 'hold')
    return { action: 'hold', decision: 'held', reject: false, reason: inconclusive };
  // extend: another look fits before max-bake, else after-max-bake decides.
  if (elapsed + settings.intervalSeconds <= settings.maxBakeSeconds + 1e-6)
    return { action: 'wait', reason: `extended (bake over, ${look.reason})` };
  return settings.afterMaxBake === 'rollback'
    ? { action: 'rollback', decision: 'inconclusive', reject: false, reason: inconclusive }
    : { action: 'hold', decision: 'held', reject: false, reason: inconclusive };
}

function minutes(s: number): string {
  return s >= 90 ? `${(s / 60).toFixed(1)} min` : `${Math.round(s)} s`;
}

/**
 * The information at which each metric's boundary is tightest: the end of the step's bake.
 * Periods (paired): the bake's periods; two samples: half of them; counts: the invocation
 * information seen so far, scaled from the elapsed time to the bake. Undefined entries (no data
 * yet) are fixed at a later look.
 */
export function plannedInformation(
  settings: PromoteSettings,
  data: readonly MetricData[],
  elapsed: number,
): (number | undefined)[] {
  const periods = Math.max(1, Math.floor(settings.bakeSeconds / settings.periodSeconds));
  return data.map((d) => {
    if (d.kind === 'periods') return d.paired === false || !d.paired ? periods / 2 : periods;
    const { champion: c, challenger: h } = d;
    if (c.trials === 0 || h.trials === 0 || elapsed <= 0) return undefined;
    const info = (c.trials * h.trials) / (c.trials + h.trials);
    return info * Math.max(1, settings.bakeSeconds / elapsed);
  });
}

/**
 * Judge one look from its series (pure): each metric's verdict, the shadow divergence, and the
 * combined decision. A metric whose data the judge cannot take (a non-positive value of a
 * relative metric) is inconclusive with the reason, never a pass.
 */
export function judgeLook(
  settings: PromoteSettings,
  series: Record<string, Series>,
  planned: readonly number[],
  elapsed: number,
  alpha: number,
  shadow?: Look['shadow'],
): { verdicts: MetricVerdict[]; divergence?: DivergenceVerdict[]; decision: LookDecision } {
  const inv = invocations(series);
  const verdicts = settings.metrics.map((m, i) => {
    const data = metricData(m, i, series, settings.minSamples);
    const minSamples = m.kind === 'error-rate' ? settings.minInvocations : settings.minSamples;
    try {
      return judgeMetric(m, data, { alpha, planned: planned[i]!, minSamples });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      const n =
        data.kind === 'periods'
          ? { champion: data.champion.length, challenger: data.challenger.length }
          : { champion: data.champion.trials, challenger: data.challenger.trials };
      return {
        metric: m.name,
        status: 'inconclusive' as const,
        reason: `not judged: ${err.message}`,
        limit: m.direction === 'higher' ? -m.maxIncrease : m.maxIncrease,
        n,
        critical: m.critical ?? false,
      };
    }
  });
  // Zero invocations on a variant: every metric of the look is inconclusive (never a pass).
  if (inv && (inv.champion === 0 || inv.challenger === 0)) {
    const who = inv.challenger === 0 ? 'challenger' : 'champion';
    for (const v of verdicts)
      if (v.status === 'pass') {
        v.status = 'inconclusive';
        v.reason = `the ${who} had no invocations in the window: not judged`;
      }
  }
  const divergence =
    shadow && settings.shadow ? judgeDivergence(settings.shadow, shadow, alpha, planned) : undefined;
  const all: MetricVerdict[] = [...verdicts, ...(divergence ?? [])];
  const decision = combine(all, elapsed >= settings.bakeSeconds - 1e-6);
  return { verdicts, ...(divergence ? { divergence } : {}), decision };
}

export interface RunDeps {
  now(): Date;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  signal: AbortSignal;
  log: { info(m: string): void; warn(m: string): void };
}

/** Periods: the start of the first whole period at or after `t`, the end of the last whole one before `t`. */
function periodStart(t: number, period: number, up: boolean): number {
  const p = period * 1000;
  return (up ? Math.ceil(t / p) : Math.floor(t / p)) * p;
}

/**
 * Run the canary: each step's share, its looks every interval, until a decision. Changes the
 * endpoint through `ep` unless `dryRun` (then it judges the current share only and acts on
 * nothing). On cancel (the signal) the challenger's share goes back to 0 and the record says so.
 */
export async function runCanary(
  ep: CanaryEndpoint,
  settings: PromoteSettings,
  deps: RunDeps,
  dryRun: boolean,
): Promise<DecisionAudit> {
  const startedAt = deps.now().toISOString();
  const alpha = alphaEach(settings);
  const audit: DecisionAudit = {
    kind: 'modelship.promote-audit',
    schemaVersion: 1,
    backend: ep.backend,
    endpoint: ep.endpoint,
    champion: ep.champion,
    challenger: ep.challenger,
    shadow: ep.shadow,
    settings,
    alphaEach: alpha,
    steps: [],
    decision: 'inconclusive',
    reason: '',
    finalWeights: {},
    actions: [],
    dryRun,
    startedAt,
    endedAt: startedAt,
  };
  const act = (action: string, detail: string) => {
    audit.actions.push({ at: deps.now().toISOString(), action, detail });
    deps.log.info(`${action}: ${detail}`);
  };
  const variants: Record<Role, string> = { champion: ep.champion.name, challenger: ep.challenger.name };
  const queries = buildQueries(settings.metrics, ep.endpoint, variants, settings.periodSeconds);
  let share = ep.share;
  const weights = () =>
    ep.shadow
      ? { [ep.champion.name]: 100, [ep.challenger.name]: 0 }
      : { [ep.champion.name]: 100 - share, [ep.challenger.name]: share };
  let stepIndex = 0;
  let step: StepRecord | undefined;
  try {
    for (;;) {
      const target = settings.steps[stepIndex]!;
      if (!ep.shadow && share !== target) {
        if (dryRun) act('dry run', `would set ${ep.challenger.name} to ${target}% (stays at ${share}%)`);
        else {
          await ep.setShare(target);
          act('weights', `${ep.challenger.name} ${target}%, ${ep.champion.name} ${100 - target}%`);
          share = target;
        }
      }
      step = {
        weight: ep.shadow ? 0 : target,
        startedAt: deps.now().toISOString(),
        looks: [],
        verdict: 'inconclusive',
      };
      audit.steps.push(step);
      const t0 = deps.now().getTime();
      const planned: (number | undefined)[] = settings.metrics.map(() => undefined);
      let shadowPlanned: number[] | undefined;
      for (let k = 1; ; k++) {
        const due = t0 + k * settings.intervalSeconds * 1000;
        const wait = due - deps.now().getTime();
        if (wait > 0) await deps.sleep(wait, deps.signal);
        if (deps.signal.aborted) throw new Cancelled();
        const gone = (await ep.dead?.()) ?? {};
        if (gone.champion) {
          step.verdict = 'inconclusive';
          act(
            'hold',
            `the champion ${ep.champion.name} no longer serves (${gone.champion}): nothing is changed`,
          );
          return finish(
            audit,
            deps,
            'held',
            `the champion ${ep.champion.name} stopped serving mid-bake (${gone.champion}); the canary is held as it is: start the champion again, or promote or roll back by hand`,
            weights(),
          );
        }
        if (gone.challenger && !dryRun) {
          step.verdict = 'fail';
          const r = await ep.rollback();
          act(
            'rollback',
            `${ep.champion.name} serves 100% of ${ep.endpoint}; ${ep.challenger.name} removed (${r.endpointConfig})`,
          );
          for (const n of r.notes) act('note', n);
          return finish(
            audit,
            deps,
            'rolled-back',
            `the challenger ${ep.challenger.name} stopped serving mid-bake (${gone.challenger})`,
            {
              [ep.champion.name]: 100,
            },
          );
        }
        await ep.flush?.();
        const at = deps.now();
        const elapsed = (at.getTime() - t0) / 1000;
        const window = {
          start: new Date(periodStart(t0, settings.periodSeconds, true)),
          end: new Date(periodStart(at.getTime(), settings.periodSeconds, false)),
        };
        const series =
          window.end > window.start
            ? await fetchSeries(ep.getMetricData, queries, window)
            : emptySeries(queries);
        const data = settings.metrics.map((m, i) => metricData(m, i, series, settings.minSamples));
        const guess = plannedInformation(settings, data, elapsed);
        guess.forEach((g, i) => {
          if (planned[i] === undefined && g !== undefined) planned[i] = g;
        });
        let shadow: Look['shadow'];
        if (ep.shadow && settings.shadow && ep.shadowPairs) {
          const read = await ep.shadowPairs(window.start, window.end);
          shadow = summarisePairs(read.pairs, settings.shadow.field);
          if (read.unpaired && (read.unpaired.champion || read.unpaired.challenger))
            shadow.unpaired = read.unpaired;
          if (read.undecodable) shadow.undecodable = read.undecodable;
          shadowPlanned ??=
            shadow.pairs > 0 ? [shadow.pairs * Math.max(1, settings.bakeSeconds / elapsed)] : undefined;
        }
        const usedPlanned = planned.map((p) => p ?? 1);
        const judged = judgeLook(
          settings,
          series,
          shadowPlanned ? [...usedPlanned, ...shadowPlanned] : usedPlanned,
          elapsed,
          alpha,
          shadow,
        );
        const next = nextAction(judged.decision, elapsed, stepIndex, settings);
        const look: Look = {
          at: at.toISOString(),
          elapsed,
          window: { start: window.start.toISOString(), end: window.end.toISOString() },
          series,
          planned: shadowPlanned ? [...usedPlanned, ...shadowPlanned] : usedPlanned,
          ...(shadow ? { shadow } : {}),
          verdicts: judged.verdicts,
          ...(judged.divergence ? { divergence: judged.divergence } : {}),
          decision: judged.decision,
          action: next,
        };
        step.looks.push(look);
        deps.log.info(
          `look ${k} of step ${stepIndex + 1} (${ep.shadow ? 'shadow' : `${share}%`}, ${Math.round(elapsed)} s): ${judged.verdicts
            .map((v) => `${v.metric} ${v.status}`)
            .join(', ')} → ${next.action}`,
        );
        if (next.action === 'wait') continue;
        step.verdict = stepVerdict(next, judged.decision);
        // A dry run judges the share the endpoint has now, and stops at the first decision.
        if (dryRun)
          return finish(
            audit,
            deps,
            dryRunDecision(next),
            `dry run: would ${dryRunAction(next, settings, stepIndex)}`,
            weights(),
          );
        if (next.action === 'next-step') {
          stepIndex++;
          break;
        }
        if (next.action === 'promote') {
          const r = await ep.promote();
          act('promote', `${ep.challenger.name} serves 100% of ${ep.endpoint} (${r.endpointConfig})`);
          for (const n of r.notes) act('note', n);
          share = 100;
          return finish(audit, deps, 'promoted', next.reason, { [ep.challenger.name]: 100 });
        }
        if (next.action === 'rollback') {
          const r = await ep.rollback();
          act(
            'rollback',
            `${ep.champion.name} serves 100% of ${ep.endpoint}; ${ep.challenger.name} removed (${r.endpointConfig})`,
          );
          for (const n of r.notes) act('note', n);
          return finish(audit, deps, next.decision, next.reason, { [ep.champion.name]: 100 });
        }
        // hold: leave the endpoint as it is.
        act('hold', `${ep.challenger.name} stays at ${ep.shadow ? 'shadow' : `${share}%`}: ${next.reason}`);
        return finish(audit, deps, next.decision, next.reason, weights());
      }
    }
  } catch (err) {
    if (!(err instanceof Cancelled) && !deps.signal.aborted) {
      // A failure mid-run (metrics unreadable, an API error) leaves the endpoint as it was found.
      if (!dryRun && !ep.shadow && share !== ep.share) {
        await ep.setShare(ep.share).then(
          () => act('error', `weights returned to where they were: ${ep.challenger.name} ${ep.share}%`),
          (e: unknown) => act('error', `could not return the weights: ${(e as Error).message}`),
        );
      }
      throw err;
    }
    if (step) step.verdict = 'cancelled';
    audit.cancelled = true;
    if (!dryRun && !ep.shadow && share > 0) {
      try {
        await ep.setShare(0);
        share = 0;
        act(
          'cancelled',
          `weights returned to the champion: ${ep.champion.name} 100%, ${ep.challenger.name} 0%`,
        );
        // Not held (held keeps the weights): the challenger serves nothing and was not promoted.
        return finish(
          audit,
          deps,
          'inconclusive',
          'cancelled mid-bake: the weights went back to the champion',
          weights(),
        );
      } catch (e) {
        act('cancelled', `could not return the weights to the champion: ${(e as Error).message}`);
        return finish(
          audit,
          deps,
          'held',
          `cancelled mid-bake: the weights could not go back to the champion and stay as they are (${(e as Error).message})`,
          weights(),
        );
      }
    }
    act('cancelled', 'nothing to undo');
    return finish(audit, deps, 'held', 'cancelled mid-bake: nothing was changed', weights());
  }
}

/** A step's verdict from the action its last look took. */
export function stepVerdict(next: NextAction, look: LookDecision): StepRecord['verdict'] {
  if (next.action === 'next-step' || next.action === 'promote') return 'pass';
  return look.decision === 'fail' ? 'fail' : 'inconclusive';
}

/** What a dry run reports as its decision: the one it would take (a ramp is `held`: no end yet). */
export function dryRunDecision(next: Exclude<NextAction, { action: 'wait' }>): Decision {
  if (next.action === 'promote') return 'promoted';
  if (next.action === 'next-step') return 'held';
  return next.decision;
}

function dryRunAction(
  next: Exclude<NextAction, { action: 'wait' }>,
  settings: PromoteSettings,
  i: number,
): string {
  if (next.action === 'next-step')
    return `ramp to ${settings.steps[i + 1]}% (step ${i + 1} passed: ${next.reason})`;
  if (next.action === 'promote') return `promote the challenger (${next.reason})`;
  return `${next.action === 'rollback' ? 'roll back' : 'hold'}: ${next.reason}`;
}

class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

function finish(
  audit: DecisionAudit,
  deps: Pick<RunDeps, 'now'>,
  decision: Decision,
  reason: string,
  finalWeights: Record<string, number>,
): DecisionAudit {
  audit.decision = decision;
  audit.reason = reason;
  audit.finalWeights = finalWeights;
  audit.endedAt = deps.now().toISOString();
  return audit;
}

function emptySeries(queries: readonly { Id: string }[]): Record<string, Series> {
  return Object.fromEntries(queries.map((q) => [q.Id, { t: [], v: [] }]));
}

/** The pairs' summary the divergence judge takes (and the audit records). */
export function summarisePairs(pairs: readonly ShadowPair[], field?: string): NonNullable<Look['shadow']> {
  let differing = 0;
  let missing = 0;
  const absoluteDifferences: number[] = [];
  for (const p of pairs) {
    const a = pick(p.challenger, field);
    const b = pick(p.champion, field);
    // An answer without the field cannot be compared: never counted as agreeing.
    if (a === undefined || b === undefined) {
      missing++;
      continue;
    }
    if (canonical(a) !== canonical(b)) differing++;
    const x = numeric(a);
    const y = numeric(b);
    if (x !== undefined && y !== undefined) absoluteDifferences.push(Math.abs(x - y));
  }
  return { pairs: pairs.length - missing, differing, absoluteDifferences, ...(missing ? { missing } : {}) };
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body.trim();
  }
}

/** The answer, or the value at `field`: a dotted path, numbers indexing arrays (`predictions.0.churn`). */
function pick(body: string, field?: string): unknown {
  let v = parse(body);
  if (field === undefined) return v;
  for (const key of field.split('.')) {
    if (Array.isArray(v) && /^\d+$/.test(key)) v = v[Number(key)];
    else if (v !== null && typeof v === 'object' && !Array.isArray(v))
      v = (v as Record<string, unknown>)[key];
    else return undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

function canonical(v: unknown): string {
  return canonicalJson(v) ?? 'undefined';
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (Array.isArray(v) && v.length === 1) return numeric(v[0]);
  return undefined;
}
