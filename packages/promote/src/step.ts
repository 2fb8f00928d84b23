// promote-on-metrics: find the canary (the endpoint deploy-canary recorded), run the bake loop on
// its backend, act on the decision, record it in the registry and the manifest, write the
// decision audit; or, with `replay`, recompute a recorded decision offline.
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConfigError,
  type CommonInputs,
  type StepContext,
  type StepImpl,
  type StepResult,
} from '@modelship/core';
import { fitMetadata, openRegistry } from '@modelship/registry';
import { readAudit, replay, writeAudit } from './audit.js';
import { alphaEach, runCanary, type CanaryEndpoint, type DecisionAudit } from './canary.js';
import type { PromoteInputs, PromoteOutput, PromotionSection } from './definition.js';
import { endpointsRoot, PROMOTE_LOCK, VARIANT_METRICS, withEndpointLock } from '@modelship/local';
import { localCanary, type DeployedCanary } from './local.js';
import {
  checkBakeLength,
  defaultSteps,
  resolvePlan,
  type PromotePlan,
  type PromoteSettings,
  mins,
  SAGEMAKER_NAMESPACE,
} from './plan.js';
import { renderSummary } from './summary.js';

type Inputs = PromoteInputs & CommonInputs;
/** The manifest's deployment section, as far as promote reads it. */
type Deployed = DeployedCanary & { modelPackageArn?: string; deployedAt?: string };

function shown(cwd: string, p: string): string {
  const rel = relative(cwd, p);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? p : rel;
}

/** Metadata keys promote-on-metrics writes on a package. */
export const PROMOTE_METADATA = {
  deployedTo: 'modelship:deployed-endpoint',
  deployedAt: 'modelship:deployed-at',
  replaced: 'modelship:replaced-package',
  rolledBackFrom: 'modelship:rolled-back-from',
  decision: 'modelship:canary-decision',
} as const;

async function openCanary(
  plan: PromotePlan,
  ctx: StepContext,
  deployed: Deployed | undefined,
  endpoint: string,
): Promise<CanaryEndpoint> {
  if (plan.backend === 'local')
    return localCanary(endpointsRoot(ctx.cwd), endpoint, deployed, () => ctx.now());
  const { sagemakerCanary } = await import('./sagemaker.js');
  return sagemakerCanary(plan, ctx, deployed, endpoint);
}

/** The steps to bake at, from the plan or the share the challenger has now. */
function stepsFor(plan: PromotePlan, ep: CanaryEndpoint, ctx: StepContext): number[] {
  if (ep.shadow) {
    if (plan.steps)
      ctx.log.warn(
        'the challenger is a shadow variant: steps do not apply (it is judged on copies of the traffic, then promoted)',
      );
    return [0];
  }
  const wanted = plan.steps ?? defaultSteps(ep.share);
  if (plan.steps && plan.steps.length === 0)
    ctx.log.info(
      `steps: only 100% given, so there is no ramp: ${ep.challenger.name} bakes at its current ${ep.share}%, then is promoted`,
    );
  const ahead = wanted.filter((s) => s >= ep.share);
  if (ahead.length < wanted.length)
    ctx.log.warn(
      `the challenger already has ${ep.share}% of the traffic: steps below it (${wanted.filter((s) => s < ep.share).join(', ')}%) are skipped`,
    );
  return ahead.length ? ahead : [ep.share];
}

async function runPromote(inputs: Inputs, ctx: StepContext): Promise<StepResult<PromoteOutput>> {
  const plan = resolvePlan(inputs, ctx);
  if (plan.replay) return replayRun(plan.replay, ctx);
  const deployed = ctx.manifest.get<Deployed>('deployment');
  const endpoint =
    plan.endpoint ?? deployed?.endpoint ?? ctx.config.values.model ?? ctx.manifest.get<string>('model');
  if (!endpoint)
    throw new ConfigError('names no endpoint and the manifest records no deployment', "input 'endpoint'", {
      hint: 'give --endpoint, or run deploy-canary first with the same manifest',
    });
  checkManifest(ctx, deployed, endpoint);
  if (plan.backend === 'local') checkLocalMetrics(plan);
  if (plan.backend === 'local' && !plan.dryRun)
    // One promote at a time per endpoint: a second one would judge and act on a moving canary.
    return withEndpointLock(
      endpointsRoot(ctx.cwd),
      endpoint,
      () => judgeAndAct(plan, inputs, ctx, deployed, endpoint),
      0,
      PROMOTE_LOCK,
      `promote-on-metrics (manifest ${ctx.manifest.displayPath}, started ${ctx.now().toISOString()})`,
    ).catch((err: unknown) => {
      // Only the promote lock's own refusal: the deploy lock taken inside has its own message.
      if (
        err instanceof ConfigError &&
        /another command is changing/.test(err.message) &&
        err.hint?.includes(PROMOTE_LOCK)
      )
        throw new ConfigError(
          'another promote-on-metrics is judging this endpoint',
          `local endpoint ${endpoint}`,
          { hint: 'wait for it to end (or cancel it); two judges would act on one canary' },
        );
      throw err;
    });
  if (plan.backend === 'sagemaker' && !plan.dryRun) {
    // One promote at a time per endpoint: a lease tag on the endpoint, for as long as the run may
    // take (every step to its max bake, and an hour for the endpoint changes).
    const { withSageMakerLease } = await import('./lease.js');
    const durationMs = ((plan.steps?.length ?? 2) * plan.settings.maxBakeSeconds + 3600) * 1000;
    return withSageMakerLease(plan.region, ctx, endpoint, durationMs, () =>
      judgeAndAct(plan, inputs, ctx, deployed, endpoint),
    );
  }
  return judgeAndAct(plan, inputs, ctx, deployed, endpoint);
}

/**
 * The manifest must be the one of this canary: when it records a registration, deploy-canary must
 * have put that package on this endpoint (else the step would judge, and reject, another model).
 * @throws ConfigError naming the manifest.
 */
function checkManifest(ctx: StepContext, deployed: Deployed | undefined, endpoint: string): void {
  const where = `manifest ${ctx.manifest.displayPath}`;
  const decided = ctx.manifest.get<Partial<PromotionSection>>('promotion');
  if (
    decided?.endpoint === endpoint &&
    !decided.dryRun &&
    decided.decision !== 'held' &&
    sameDeployment(decided, deployed)
  )
    throw new ConfigError(
      `records that this canary on ${endpoint} was already decided: ${decided.decision} at ${decided.decidedAt ?? 'an earlier run'}`,
      where,
      {
        hint: 'a new deploy-canary of a challenger (this package once it is Approved again, or another) is judged anew',
      },
    );
  const registered = ctx.manifest.get<{ arn?: string }>('registration')?.arn;
  if (!registered) return;
  if (!deployed || deployed.endpoint !== endpoint)
    throw new ConfigError(
      `records package ${registered} but no deployment of it to endpoint ${endpoint}${deployed ? ` (its deployment is to ${deployed.endpoint})` : ''}`,
      where,
      {
        hint: `deploy it first (modelship deploy-canary with this manifest), or pass the manifest of the canary on ${endpoint}`,
      },
    );
  if (deployed.modelPackageArn && deployed.modelPackageArn !== registered)
    throw new ConfigError(
      `records package ${registered} but its deployment to ${endpoint} is of ${deployed.modelPackageArn}`,
      where,
      { hint: 'pass the manifest deploy-canary wrote for this canary' },
    );
}

/**
 * Whether the promotion section judged the deployment the manifest records now: the same
 * deploy-canary run (its `deployedAt`). A section written before promote recorded that (no
 * `deployedAt`) judged it unless the deployment is newer than the decision.
 */
function sameDeployment(
  decided: Partial<PromotionSection>,
  deployed: { deployedAt?: string } | undefined,
): boolean {
  if (decided.deployedAt !== undefined) return decided.deployedAt === deployed?.deployedAt;
  return !(deployed?.deployedAt && decided.decidedAt && deployed.deployedAt > decided.decidedAt);
}

/** The local endpoint records SageMaker's per-variant metrics only: anything else is refused before any change. */
function checkLocalMetrics(plan: PromotePlan): void {
  plan.settings.metrics.forEach((m, i) => {
    const at = `${plan.configFile}: promote.metrics[${i}]`;
    if (m.namespace !== SAGEMAKER_NAMESPACE || Object.keys(m.dimensions).length > 0)
      throw new ConfigError(
        `namespace ${m.namespace}${Object.keys(m.dimensions).length ? ' with dimensions' : ''} is not recorded by the local endpoint`,
        `${at}.namespace`,
        {
          hint: `the local router records ${VARIANT_METRICS.join(', ')} in ${SAGEMAKER_NAMESPACE}; custom metrics need CloudWatch (backend sagemaker)`,
        },
      );
    if (!(VARIANT_METRICS as readonly string[]).includes(m.name))
      throw new ConfigError(`${m.name} is not a metric the local endpoint records`, `${at}.name`, {
        hint: `one of ${VARIANT_METRICS.join(', ')}`,
      });
  });
}

async function judgeAndAct(
  plan: PromotePlan,
  inputs: Inputs,
  ctx: StepContext,
  deployed: Deployed | undefined,
  endpoint: string,
): Promise<StepResult<PromoteOutput>> {
  const ep = await openCanary(plan, ctx, deployed, endpoint);
  const settings: PromoteSettings = { ...plan.settings, steps: stepsFor(plan, ep, ctx) };
  checkBakeLength(settings, plan.configFile, (m) => ctx.log.warn(m), alphaEach(settings));
  if (!ep.shadow && settings.shadow)
    ctx.log.warn(
      `${plan.configFile}: promote.shadow is ignored: the challenger ${ep.challenger.name} is a production variant (deploy-canary strategy variants or guardrails), not a shadow; its answers are not compared`,
    );
  if (ep.shadow && settings.shadow && !ep.shadowPairs)
    ctx.log.warn(
      'promote.shadow: the answers of a shadow variant are not readable on this backend; the divergence is not judged (latency and errors are)',
    );
  ctx.log.info(
    `judging ${ep.challenger.name} against ${ep.champion.name} on ${endpoint}: ${ep.shadow ? 'shadow' : `steps ${settings.steps.join(' → ')}% then 100%`}, bake ${mins(settings.bakeSeconds)}, a look every ${mins(settings.intervalSeconds)}`,
  );
  const audit = await runCanary(
    ep,
    settings,
    {
      now: () => ctx.now(),
      sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
      signal: ctx.signal,
      log: ctx.log,
    },
    plan.dryRun,
  );
  const outDir = join(dirname(resolve(ctx.cwd, inputs.manifest)), 'promote-on-metrics');
  // A dry run's audit goes beside the real one, never over it: the manifest's promotion section
  // points at the real decision's audit.
  const reportPath = join(outDir, plan.dryRun ? 'decision.dry-run.json' : 'decision.json');
  const report = shown(ctx.cwd, reportPath);
  const registry = plan.dryRun ? undefined : await recordInRegistry(audit, ctx);
  await writeAudit(reportPath, audit);
  const cancelled = audit.cancelled === true;
  if (registry) syncRegistration(ctx, registry, audit.endedAt);
  const section: PromotionSection = {
    backend: plan.backend,
    endpoint,
    decision: audit.decision,
    reason: audit.reason,
    championVariant: ep.champion.name,
    challengerVariant: ep.challenger.name,
    modelPackageArn: ep.challenger.modelPackageArn ?? deployed?.modelPackageArn ?? '',
    ...(audit.decision === 'promoted' && ep.champion.modelPackageArn
      ? { replacedModelPackageArn: ep.champion.modelPackageArn }
      : {}),
    finalWeights: audit.finalWeights,
    steps: audit.steps.map((s) => ({ weight: s.weight, verdict: s.verdict, looks: s.looks.length })),
    report,
    ...(registry ? { registry: { arn: registry.arn, status: registry.status } } : {}),
    ...(cancelled ? { cancelled } : {}),
    ...(deployed?.deployedAt ? { deployedAt: deployed.deployedAt } : {}),
    decidedAt: audit.endedAt,
    dryRun: plan.dryRun,
  };
  if (!plan.dryRun) ctx.manifest.set('promotion', JSON.parse(JSON.stringify(section)) as unknown);
  const ok = plan.dryRun ? !cancelled : audit.decision === 'promoted';
  const headline = headlineOf(audit, cancelled);
  return {
    ok,
    headline,
    outputs: { decision: audit.decision, report, 'final-weights': JSON.stringify(audit.finalWeights) },
    summary: renderSummary(audit, {
      report,
      headline,
      ...(registry ? { registry: { arn: registry.arn, status: registry.status } } : {}),
    }),
    // A "no" is the headline, which the host prints as the error: no annotation repeating it.
    annotations: [],
  };
}

function headlineOf(a: DecisionAudit, cancelled: boolean): string {
  const who = `${a.challenger.name} on ${a.endpoint}`;
  if (cancelled) return `cancelled: ${who} was not promoted; ${a.reason}`;
  if (a.dryRun) return `${a.reason} (${who}; nothing was changed)`;
  switch (a.decision) {
    case 'promoted':
      return `promoted ${who} to 100%: ${a.reason}`;
    case 'rolled-back':
      return `rolled back ${who}: ${a.reason}`;
    case 'held':
      return `held ${who} at ${a.finalWeights[a.challenger.name] ?? 0}%: ${a.reason}`;
    default:
      return `inconclusive, rolled back ${who} (not rejected): ${a.reason}`;
  }
}

/** What the registry holds after the decision: the package, its status and approval description. */
interface RegistryRecord {
  arn: string;
  status: string;
  description?: string;
}

/**
 * The registry's record of the decision: a promoted package gets the endpoint and the package it
 * replaced in its metadata; a package rolled back on a fail is Rejected with the reason (when
 * `reject-on-rollback`); a package taken off the endpoint (or sent back to 0%) without a
 * promotion or a rejection — an inconclusive end, a cancel — goes from Approved back to
 * PendingManualApproval with the reason, so that it is not the group's champion (the latest
 * Approved package) although it never served alone. Nothing for a held canary (it still serves).
 */
async function recordInRegistry(audit: DecisionAudit, ctx: StepContext): Promise<RegistryRecord | undefined> {
  const arn = audit.challenger.modelPackageArn;
  if (!arn) return undefined;
  const reject = audit.decision === 'rolled-back' && audit.settings.rejectOnRollback;
  const withdraw = !reject && (audit.decision === 'inconclusive' || audit.decision === 'rolled-back');
  if (audit.decision !== 'promoted' && !reject && !withdraw) return undefined;
  const registry = openRegistry({ ...ctx, log: ctx.log });
  try {
    const pkg = await registry.describe(arn);
    const at = audit.endedAt;
    if (audit.decision === 'promoted') {
      const next = await registry.setApproval(
        pkg,
        pkg.ModelApprovalStatus,
        pkg.ApprovalDescription ?? 'approved',
        fitMetadata({
          [PROMOTE_METADATA.deployedTo]: audit.endpoint,
          [PROMOTE_METADATA.deployedAt]: at,
          [PROMOTE_METADATA.replaced]: audit.champion.modelPackageArn,
          [PROMOTE_METADATA.decision]: 'promoted',
        }),
      );
      return { arn, status: next.ModelApprovalStatus, ...described(next) };
    }
    if (withdraw) {
      // Only an Approved package is the champion; any other status is left as it is.
      if (pkg.ModelApprovalStatus !== 'Approved') return { arn, status: pkg.ModelApprovalStatus };
      const how = audit.cancelled ? 'cancelled' : audit.decision;
      const next = await registry.setApproval(
        pkg,
        'PendingManualApproval',
        `not promoted by promote-on-metrics on ${audit.endpoint} (${how}): ${audit.reason}; approve it again to deploy it again`.slice(
          0,
          1000,
        ),
        fitMetadata({ [PROMOTE_METADATA.rolledBackFrom]: audit.endpoint, [PROMOTE_METADATA.decision]: how }),
      );
      ctx.log.info(`model package ${arn} is PendingManualApproval again: it was not promoted`);
      return { arn, status: next.ModelApprovalStatus, ...described(next) };
    }
    const next = await registry.setApproval(
      pkg,
      'Rejected',
      `rolled back by promote-on-metrics on ${audit.endpoint}: ${audit.reason}`.slice(0, 1000),
      fitMetadata({
        [PROMOTE_METADATA.rolledBackFrom]: audit.endpoint,
        [PROMOTE_METADATA.decision]: 'rolled-back',
      }),
    );
    ctx.log.info(`model package ${arn} is now Rejected`);
    return { arn, status: next.ModelApprovalStatus, ...described(next) };
  } catch (err) {
    // The endpoint has already changed: the decision stands; say the registry could not record it.
    ctx.log.warn(`the registry could not record the decision on ${arn}: ${(err as Error).message}`);
    return undefined;
  }
}

function described(pkg: { ApprovalDescription?: string }): { description?: string } {
  return pkg.ApprovalDescription !== undefined ? { description: pkg.ApprovalDescription } : {};
}

/**
 * Keep the manifest's `registration` section true to the registry: when it records the package
 * whose status promote changed, its `status` (and `approval`) become the registry's.
 */
function syncRegistration(ctx: StepContext, record: RegistryRecord, at: string): void {
  const reg = ctx.manifest.get<Record<string, unknown> & { arn?: string; status?: string }>('registration');
  if (!reg || reg.arn !== record.arn || reg.status === record.status) return;
  ctx.manifest.set('registration', {
    ...reg,
    status: record.status,
    approval: { status: record.status, description: record.description ?? '', at },
  });
}

async function replayRun(file: string, ctx: StepContext): Promise<StepResult<PromoteOutput>> {
  const path = resolve(ctx.cwd, file);
  const audit = await readAudit(path, file);
  const r = replay(audit);
  const same = r.mismatches.length === 0;
  // The headline is the one error line; every difference follows as detail.
  for (const m of r.mismatches) ctx.log.info(`replay: ${m}`);
  const headline = same
    ? `replay of ${file}: ${r.decision} again from ${r.looks} look(s) (${r.reason})`
    : `replay of ${file} does not reproduce the recorded decision: ${r.mismatches[0]}${r.mismatches.length > 1 ? ` (+${r.mismatches.length - 1} more)` : ''}`;
  return {
    ok: same,
    headline,
    outputs: { decision: r.decision, report: file, 'final-weights': JSON.stringify(audit.finalWeights) },
    summary: renderSummary(audit, { report: file, headline }),
    annotations: [],
  };
}

export function createPromoteImpl(): StepImpl<PromoteInputs, PromoteOutput> {
  return { run: runPromote };
}
