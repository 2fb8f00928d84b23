import { formatElapsed } from '@modelship/aws';
import { formatNumber } from '@modelship/core';
import { TERMINAL, type TrainingOutcome } from './backend.js';
import type { TrainOutput } from './definition.js';
import type { TrainPlan } from './plan.js';
import { estimateBilled, estimateCost } from './pricing.js';
import type { CostView } from './summary.js';

/**
 * The cost shown and output: a finished job's billable time at the table's price; before that the
 * most it can cost (max runtime, spot price for spot jobs); nothing on the local backend.
 */
export function costView(plan: TrainPlan, o: TrainingOutcome | undefined): CostView {
  const t = plan.train;
  const view: CostView = {
    instanceType: o?.instanceType ?? t['instance-type'],
    instanceCount: o?.instanceCount ?? t['instance-count'] ?? 1,
    maxRuntimeSeconds: plan.maxRuntimeSeconds,
    spot: o?.spot ?? t.spot ?? false,
    billableSeconds: o && TERMINAL.has(o.status) ? o.billableSeconds : undefined,
  };
  if (plan.backend === 'local') return { ...view, usd: 0 };
  if (!view.instanceType) return view;
  if (o && TERMINAL.has(o.status)) {
    const usd =
      view.billableSeconds === undefined
        ? undefined
        : estimateBilled(view.instanceType, view.instanceCount, view.billableSeconds);
    return { ...view, usd };
  }
  const max = view.maxRuntimeSeconds
    ? estimateCost(view.instanceType, view.instanceCount, view.maxRuntimeSeconds)
    : undefined;
  return { ...view, usd: max && (view.spot ? max.spotUsd : max.onDemandUsd) };
}

/** The step's outputs; values not known yet (or not applicable) are empty strings. */
export function outputs(
  jobName: string,
  o: TrainingOutcome | undefined,
  status: string,
  cost: CostView,
): Record<TrainOutput, string> {
  return {
    'job-name': jobName,
    'job-arn': o?.jobArn ?? '',
    status,
    'model-artifact': o?.modelArtifact ?? '',
    'model-sha256': o?.modelSha256 ?? '',
    metrics: JSON.stringify(o?.metrics ?? {}),
    'billable-seconds':
      o?.billableSeconds !== undefined && o.status !== 'InProgress' ? String(o.billableSeconds) : '',
    'estimated-cost-usd': cost.usd === undefined ? '' : cost.usd.toFixed(2),
  };
}

/** The verdict line and whether the step succeeded. */
export function verdict(
  o: TrainingOutcome,
  waited: boolean,
  timeoutMinutes?: number,
): { ok: boolean; headline: string } {
  const name = o.jobName;
  const attachHint = `attach later with \`attach: ${name}\``;
  if (o.timedOut && o.status === 'InProgress') {
    return {
      ok: false,
      headline: `stopped waiting after ${timeoutMinutes} min: training job ${name} is still InProgress; ${attachHint}`,
    };
  }
  if (!waited && !['Completed', 'Failed', 'Stopped'].includes(o.status)) {
    return { ok: true, headline: `started training job ${name} (${o.status}); ${attachHint}` };
  }
  if (o.stoppedByUs) return { ok: false, headline: `cancelled: stopped training job ${name} (${o.status})` };
  if (o.status === 'Completed') {
    const took =
      o.startedAt && o.endedAt ? ` in ${formatElapsed(Date.parse(o.endedAt) - Date.parse(o.startedAt))}` : '';
    const metrics = Object.entries(o.metrics)
      .map(([k, v]) => `${k}=${formatNumber(v, 4)}`)
      .join(', ');
    return { ok: true, headline: `trained ${name}${took}${metrics ? `: ${metrics}` : ''}` };
  }
  if (o.status === 'Stopped') {
    return {
      ok: false,
      headline: `training job ${name} was stopped (not by this step)${o.failureReason ? `: ${o.failureReason}` : ''}`,
    };
  }
  return {
    ok: false,
    headline: `training job ${name} ${o.status.toLowerCase()}: ${o.failureReason ?? 'no reason given'}`,
  };
}
