import type { CreateTrainingJobRequest, TrainingInstanceType } from '@aws-sdk/client-sagemaker';
import { encodeHyperparameters } from './hyperparameters.js';
import type { TrainPlan } from './plan.js';

/** Where script mode uploads the packed source: `<output>/<job>/source/sourcedir.tar.gz`. */
export function sourceUri(plan: TrainPlan): string {
  return `${plan.train.output!.replace(/\/+$/, '')}/${plan.jobName}/source/sourcedir.tar.gz`;
}

/** The tag holding the sha256 of the job's request (see `TrainingRequest`): how a re-run knows its job. */
import { REQUEST_TAG } from '@modelship/aws';

export { REQUEST_TAG };

/** Lineage tags added to every job next to the user's tags, with the request's sha256. */
export function lineageTags(plan: TrainPlan): Record<string, string> {
  const p = plan.provenance;
  const tags: Record<string, string> = {
    'modelship:model': plan.model,
    [REQUEST_TAG]: plan.requestSha256,
  };
  if (p.commit) tags['modelship:commit'] = p.commit;
  if (p.repository) tags['modelship:repository'] = p.repository;
  if (p.runId) tags['modelship:run'] = `${p.runId}/${p.runAttempt ?? '1'}`;
  return tags;
}

/** HyperParameters as sent: the user's, plus the script-mode keys the framework containers read. */
export function requestHyperparameters(plan: TrainPlan): Record<string, string> {
  const hps = encodeHyperparameters(plan.hyperparameters, plan.script !== undefined);
  if (!plan.script) return hps;
  return {
    ...hps,
    sagemaker_program: JSON.stringify(plan.script.program),
    sagemaker_submit_directory: JSON.stringify(sourceUri(plan)),
    sagemaker_region: JSON.stringify(plan.region),
    sagemaker_container_log_level: '20',
    sagemaker_job_name: JSON.stringify(plan.jobName),
  };
}

function nonEmpty<T extends object>(o: T): T | undefined {
  return Object.keys(o).length > 0 ? o : undefined;
}

/**
 * The CreateTrainingJob request for a plan: a pure function, so `dry-run` prints exactly what
 * would be sent and tests check it without AWS. The plan is assumed checked (see checkPlan).
 */
export function buildTrainingRequest(plan: TrainPlan): CreateTrainingJobRequest {
  const t = plan.train;
  const kms = t['kms-key'];
  return {
    TrainingJobName: plan.jobName,
    RoleArn: t.role,
    AlgorithmSpecification: {
      TrainingImage: t.image,
      TrainingInputMode: 'File',
      MetricDefinitions: plan.metrics.length
        ? plan.metrics.map((m) => ({ Name: m.name, Regex: m.regex }))
        : undefined,
    },
    HyperParameters: nonEmpty(requestHyperparameters(plan)),
    InputDataConfig: Object.entries(plan.channels).map(([name, uri]) => ({
      ChannelName: name,
      DataSource: {
        S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, S3DataDistributionType: 'FullyReplicated' },
      },
    })),
    OutputDataConfig: { S3OutputPath: t.output, KmsKeyId: kms },
    ResourceConfig: {
      InstanceType: t['instance-type'] as TrainingInstanceType,
      InstanceCount: t['instance-count'] ?? 1,
      VolumeSizeInGB: t['volume-gb'] ?? 30,
      VolumeKmsKeyId: kms,
    },
    StoppingCondition: {
      MaxRuntimeInSeconds: plan.maxRuntimeSeconds,
      MaxWaitTimeInSeconds: plan.maxWaitSeconds,
    },
    EnableManagedSpotTraining: t.spot ? true : undefined,
    CheckpointConfig: t.checkpoint ? { S3Uri: t.checkpoint } : undefined,
    VpcConfig: t.vpc ? { Subnets: t.vpc.subnets, SecurityGroupIds: t.vpc['security-groups'] } : undefined,
    Environment: t.environment && nonEmpty(t.environment),
    Tags: Object.entries({ ...plan.tags, ...lineageTags(plan) }).map(([Key, Value]) => ({ Key, Value })),
  };
}

/** The parts of a training job that both CreateTrainingJob and DescribeTrainingJob carry. */
type JobFields = Partial<
  Pick<
    CreateTrainingJobRequest,
    | 'AlgorithmSpecification'
    | 'RoleArn'
    | 'HyperParameters'
    | 'InputDataConfig'
    | 'OutputDataConfig'
    | 'ResourceConfig'
    | 'StoppingCondition'
    | 'EnableManagedSpotTraining'
    | 'CheckpointConfig'
    | 'Environment'
  >
>;

/**
 * What must be equal between the request this step would send and an existing job of the same
 * name (its DescribeTrainingJob answer), by field: image, role, hyperparameters (the script-mode
 * keys included), channels, output, instance type, count and volume, runtime limits, spot,
 * checkpoint and environment. Metric definitions are left out: for built-in algorithm images the
 * service answers with definitions of its own (the request's sha256 tag covers them).
 */
export function comparableFields(r: JobFields): Record<string, unknown> {
  return {
    image: r.AlgorithmSpecification?.TrainingImage,
    role: r.RoleArn,
    hyperparameters: r.HyperParameters ?? {},
    channels: Object.fromEntries(
      (r.InputDataConfig ?? []).map((c) => [c.ChannelName ?? '', c.DataSource?.S3DataSource?.S3Uri]),
    ),
    output: r.OutputDataConfig?.S3OutputPath,
    instanceType: r.ResourceConfig?.InstanceType,
    instanceCount: r.ResourceConfig?.InstanceCount,
    volumeGb: r.ResourceConfig?.VolumeSizeInGB,
    maxRuntimeSeconds: r.StoppingCondition?.MaxRuntimeInSeconds,
    maxWaitSeconds: r.StoppingCondition?.MaxWaitTimeInSeconds,
    spot: r.EnableManagedSpotTraining ?? false,
    checkpoint: r.CheckpointConfig?.S3Uri,
    environment: r.Environment ?? {},
  };
}
