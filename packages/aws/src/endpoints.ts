/**
 * SageMaker endpoints as deploy-canary and promote-on-metrics change them: the fields of a
 * production variant an endpoint config copies from the current one, waiting for an endpoint to
 * settle (printing its status), and a variant's Application Auto Scaling registration, which
 * SageMaker wants removed before an UpdateEndpoint and which is registered again after it.
 */
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  type ApplicationAutoScalingClient,
  type DeregisterScalableTargetCommandInput,
  type PutScalingPolicyCommandInput,
  type RegisterScalableTargetCommandInput,
  type ScalableTarget,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeEndpointCommand,
  type DescribeEndpointOutput,
  type ProductionVariant,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Logger } from '@modelship/core';
import { awsError } from './errors.js';
import { poll, type Sleep } from './poll.js';
import { ProgressPrinter } from './progress.js';

/** Statuses after which an endpoint changes no more by itself. */
export const ENDPOINT_TERMINAL = ['InService', 'Failed', 'OutOfService', 'UpdateRollbackFailed', 'Deleting'];

/** The scaling dimension of a SageMaker variant (Application Auto Scaling). */
export const SCALING_DIMENSION = 'sagemaker:variant:DesiredInstanceCount' as const;

/** The fields that define a production variant: what an endpoint config copies from the current one. */
const VARIANT_FIELDS = [
  'VariantName',
  'ModelName',
  'InstanceType',
  'InitialInstanceCount',
  'InitialVariantWeight',
  'AcceleratorType',
  'ServerlessConfig',
  'VolumeSizeInGB',
  'ModelDataDownloadTimeoutInSeconds',
  'ContainerStartupHealthCheckTimeoutInSeconds',
  'EnableSSMAccess',
  'ManagedInstanceScaling',
  'RoutingConfig',
  'InferenceAmiVersion',
] as const satisfies readonly (keyof ProductionVariant)[];

/** A production variant as an endpoint config holds it, reduced to the fields that define it. */
export function variantSpec(v: ProductionVariant): ProductionVariant {
  const out: Record<string, unknown> = {};
  for (const k of VARIANT_FIELDS) if (v[k] !== undefined) out[k] = v[k];
  return out as unknown as ProductionVariant;
}

/** A variant's autoscaling as registered: carried over when the endpoint's config changes. */
export interface VariantScaling {
  variant: string;
  target: ScalableTarget;
  policies: ScalingPolicy[];
}

/** The Application Auto Scaling resource id of a variant: `endpoint/<endpoint>/variant/<variant>`. */
export function variantResourceId(endpoint: string, variant: string): string {
  return `endpoint/${endpoint}/variant/${variant}`;
}

/**
 * The scalable targets registered for `variants` of `endpoint` now, with their scaling policies.
 * @throws ConfigError (via awsError) when Application Auto Scaling cannot be read.
 */
export async function describeVariantScaling(
  client: ApplicationAutoScalingClient,
  endpoint: string,
  variants: readonly string[],
  signal?: AbortSignal,
): Promise<VariantScaling[]> {
  if (variants.length === 0) return [];
  const ResourceIds = variants.map((v) => variantResourceId(endpoint, v));
  try {
    const out = await client.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'sagemaker',
        ResourceIds,
        ScalableDimension: SCALING_DIMENSION,
      }),
      { abortSignal: signal },
    );
    const targets = out.ScalableTargets ?? [];
    if (targets.length === 0) return [];
    const policies = await client.send(
      new DescribeScalingPoliciesCommand({
        ServiceNamespace: 'sagemaker',
        ScalableDimension: SCALING_DIMENSION,
      }),
      { abortSignal: signal },
    );
    return targets.map((target) => ({
      variant: target.ResourceId?.split('/').pop() ?? '',
      target,
      policies: (policies.ScalingPolicies ?? []).filter((p) => p.ResourceId === target.ResourceId),
    }));
  } catch (err) {
    throw awsError(err, `endpoint ${endpoint}`, {
      action: 'application-autoscaling:DescribeScalableTargets',
    });
  }
}

/**
 * The requests that register a variant as `s` says (its target, then each policy); `resourceId`
 * moves the registration to another variant. No target request when `s` has no capacities.
 */
export function scalingRequests(
  s: VariantScaling,
  resourceId = s.target.ResourceId,
): { target?: RegisterScalableTargetCommandInput; policies: PutScalingPolicyCommandInput[] } {
  const t = s.target;
  if (t.MinCapacity === undefined || t.MaxCapacity === undefined) return { policies: [] };
  return {
    target: {
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId,
      ScalableDimension: SCALING_DIMENSION,
      MinCapacity: t.MinCapacity,
      MaxCapacity: t.MaxCapacity,
    },
    policies: s.policies.map((p) => ({
      PolicyName: p.PolicyName,
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId,
      ScalableDimension: SCALING_DIMENSION,
      PolicyType: p.PolicyType,
      TargetTrackingScalingPolicyConfiguration: p.TargetTrackingScalingPolicyConfiguration,
      StepScalingPolicyConfiguration: p.StepScalingPolicyConfiguration,
    })),
  };
}

/** The request that removes a variant's registration (SageMaker refuses UpdateEndpoint while it stands). */
export function deregisterRequest(s: VariantScaling): DeregisterScalableTargetCommandInput {
  return {
    ServiceNamespace: 'sagemaker',
    ResourceId: s.target.ResourceId,
    ScalableDimension: SCALING_DIMENSION,
  };
}

export interface WaitEndpointDeps {
  log: Logger;
  /** Aborting it ends the wait (`aborted`); the endpoint goes on changing. */
  signal: AbortSignal;
  sleep?: Sleep;
  /** Epoch ms. */
  now: () => number;
}

export type WaitEndpointResult = {
  end: 'terminal' | 'deadline' | 'aborted';
  last?: DescribeEndpointOutput;
};

/**
 * Wait for an endpoint to stop changing (a status in {@link ENDPOINT_TERMINAL}), printing its
 * status as it changes; `deadline` in epoch ms (by `deps.now`). Polls at once, then every 5 s
 * growing to 30 s.
 */
export async function waitEndpoint(
  sm: SageMakerClient,
  endpoint: string,
  deadline: number,
  deps: WaitEndpointDeps,
): Promise<WaitEndpointResult> {
  const printer = new ProgressPrinter(deps.log, deps.now, 'endpoint');
  return poll({
    describe: (signal) =>
      sm.send(new DescribeEndpointCommand({ EndpointName: endpoint }), { abortSignal: signal }),
    status: (d) => d.EndpointStatus,
    terminal: ENDPOINT_TERMINAL,
    signal: deps.signal,
    deadline,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    now: deps.now,
    interval: (n) => Math.min(30_000, 5_000 * n),
    onPoll: (d) =>
      printer.update({
        status: d.EndpointStatus ?? 'Unknown',
        secondaryStatus: d.PendingDeploymentSummary?.EndpointConfigName
          ? `to ${d.PendingDeploymentSummary.EndpointConfigName}`
          : undefined,
        createdAt: d.LastModifiedTime ? new Date(d.LastModifiedTime).toISOString() : undefined,
        transitions: [],
      }),
  });
}

/** Each production variant's weight now (CurrentWeight, else DesiredWeight), by name. */
export function endpointWeights(d: DescribeEndpointOutput | undefined): Map<string, number> {
  return new Map(
    (d?.ProductionVariants ?? []).map((v) => [v.VariantName ?? '', v.CurrentWeight ?? v.DesiredWeight ?? 0]),
  );
}

/** Weights as percentages of their sum (one decimal). */
export function weightShares(w: Map<string, number>): Map<string, number> {
  const total = [...w.values()].reduce((a, b) => a + b, 0);
  return new Map([...w].map(([k, v]) => [k, total > 0 ? Math.round((1000 * v) / total) / 10 : 0]));
}
