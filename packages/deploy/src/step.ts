// deploy-canary: resolve the plan and the challenger's package, deploy on the backend, record the
// deployment in the manifest and report. A deploy that failed or was rolled back is a "no" (exit 1).
import type { StepContext, StepImpl, StepResult } from '@modelship/core';
import type { DeployInputs, DeployOutput } from './definition.js';
import { deployLocal } from './local.js';
import type { DeployOutcome } from './outcome.js';
import { challengerArn } from './package.js';
import { resolvePlan } from './plan.js';
import { renderSummary } from './summary.js';

export function outputsOf(o: DeployOutcome): Record<DeployOutput, string> {
  const s = o.section;
  return {
    'endpoint-name': s.endpoint,
    'endpoint-config': s.endpointConfig,
    'champion-variant': s.championVariant ?? '',
    'challenger-variant': s.challengerVariant,
    status: s.status,
    'endpoint-url': s.endpointUrl ?? '',
  };
}

export async function runDeploy(inputs: DeployInputs, ctx: StepContext): Promise<StepResult<DeployOutput>> {
  const plan = resolvePlan(inputs, ctx);
  const arn = challengerArn(inputs['model-package-arn'], ctx);
  let outcome: DeployOutcome;
  if (plan.backend === 'local') {
    outcome = await deployLocal(plan, arn, ctx);
  } else {
    const { deploySageMaker } = await import('./sagemaker.js');
    outcome = await deploySageMaker(plan, arn, ctx);
  }
  // A cancel that came once the change was complete: the deploy stands (the endpoint serves it,
  // the manifest records it), and the step still fails as cancelled.
  if (ctx.signal.aborted && outcome.ok && outcome.section.status !== 'dry-run') {
    const why = ctx.signal.reason instanceof Error ? ctx.signal.reason.message : 'cancelled';
    ctx.log.warn(`${why} after the change was complete: the deploy stands (${outcome.headline})`);
    outcome = {
      ...outcome,
      ok: false,
      headline: `${why} after the change was complete; the deploy stands: ${outcome.headline}`,
    };
  }
  if (outcome.section.status !== 'dry-run')
    ctx.manifest.set('deployment', JSON.parse(JSON.stringify(outcome.section)) as unknown);
  return {
    ok: outcome.ok,
    headline: outcome.headline,
    outputs: outputsOf(outcome),
    summary: renderSummary(outcome),
    annotations: outcome.ok ? [] : [{ level: 'error', message: outcome.headline, title: 'deploy-canary' }],
  };
}

export function createDeployImpl(): StepImpl<DeployInputs, DeployOutput> {
  return { run: runDeploy };
}
