import type { StepContext } from '@modelship/core';
import type { TrainingSection } from './definition.js';
import type { TrainingOutcome } from './backend.js';
import type { TrainPlan } from './plan.js';
import type { CostView } from './summary.js';

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The manifest's `training` section: the job, its result and its lineage (image, instance type,
 * hyperparameters and input channels as the job ran them, the source archive in script mode).
 */
export function trainingSection(plan: TrainPlan, o: TrainingOutcome, cost: CostView): TrainingSection {
  return defined({
    backend: o.backend,
    jobName: o.jobName,
    jobArn: o.jobArn,
    status: o.status,
    secondaryStatus: o.secondaryStatus,
    failureReason: o.failureReason,
    modelArtifact: o.modelArtifact,
    modelSha256: o.modelSha256,
    metrics: o.metrics,
    hyperparameters: o.hyperparameters,
    channels: o.channels,
    image: o.image,
    instanceType: o.instanceType,
    instanceCount: o.instanceCount,
    spot: o.spot,
    region: o.backend === 'sagemaker' ? plan.region : undefined,
    command: o.command,
    sourceUri: o.sourceUri,
    createdAt: o.createdAt,
    startedAt: o.startedAt,
    endedAt: o.endedAt,
    billableSeconds: o.status === 'InProgress' ? undefined : o.billableSeconds,
    estimatedCostUsd: cost.usd,
  });
}

export function recordTraining(ctx: StepContext, plan: TrainPlan, o: TrainingOutcome, cost: CostView): void {
  ctx.manifest.set('training', trainingSection(plan, o, cost));
}
