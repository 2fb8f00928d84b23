// train, declared: its interface, its modelship.yml block, its manifest section, how `modelship
// run` feeds it, its entry points. Light on purpose (no AWS SDK): hosts and the catalogue load
// this at start; the implementation (./step.ts) loads only when the step runs.
import {
  defineStep,
  MANIFEST_FRAGMENTS,
  SCHEMA_FRAGMENTS,
  type JsonSchema,
  type LoadedConfig,
} from '@modelship/core';

/** The `train` block of modelship.yml (checked by {@link TRAIN_CONFIG_SCHEMA}). */
export interface TrainConfig {
  entrypoint?: string[];
  image?: string;
  source?: string;
  program?: string;
  role?: string;
  'instance-type'?: string;
  'instance-count'?: number;
  'volume-gb'?: number;
  'max-runtime-minutes'?: number;
  spot?: boolean;
  'max-wait-minutes'?: number;
  checkpoint?: string;
  channels?: Record<string, string>;
  hyperparameters?: Record<string, string | number | boolean>;
  metrics?: { name: string; regex: string }[];
  output?: string;
  tags?: Record<string, string>;
  vpc?: { subnets: string[]; 'security-groups': string[] };
  'kms-key'?: string;
  environment?: Record<string, string>;
}

const { nonEmpty, s3Uri, stringMap } = SCHEMA_FRAGMENTS;

export const TRAIN_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    entrypoint: { type: 'array', minItems: 1, items: nonEmpty },
    image: nonEmpty,
    source: nonEmpty,
    program: nonEmpty,
    role: { type: 'string', pattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$' },
    'instance-type': { type: 'string', pattern: '^ml\\.[a-z0-9]+\\.[a-z0-9]+$' },
    'instance-count': { type: 'integer', minimum: 1 },
    'volume-gb': { type: 'integer', minimum: 1 },
    'max-runtime-minutes': { type: 'integer', minimum: 1, maximum: 40320 },
    spot: { type: 'boolean' },
    'max-wait-minutes': { type: 'integer', minimum: 1 },
    checkpoint: s3Uri,
    channels: { type: 'object', additionalProperties: nonEmpty },
    hyperparameters: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
    metrics: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'regex'],
        properties: { name: { type: 'string', pattern: '^[a-zA-Z0-9_.:/-]{1,255}$' }, regex: nonEmpty },
      },
    },
    output: s3Uri,
    tags: stringMap,
    vpc: SCHEMA_FRAGMENTS.vpc,
    'kms-key': nonEmpty,
    environment: stringMap,
  },
};

/** The `training` section of the manifest (checked by {@link TRAINING_SECTION_SCHEMA}). */
export interface TrainingSection {
  backend: 'local' | 'sagemaker';
  jobName: string;
  jobArn?: string;
  status: string;
  modelArtifact?: string;
  modelSha256?: string;
  metrics?: Record<string, number>;
  hyperparameters?: Record<string, string>;
  channels?: Record<string, string>;
  secondaryStatus?: string;
  failureReason?: string;
  image?: string;
  instanceType?: string;
  instanceCount?: number;
  spot?: boolean;
  region?: string;
  command?: string[];
  sourceUri?: string;
  createdAt?: string;
  startedAt?: string;
  endedAt?: string;
  billableSeconds?: number;
  estimatedCostUsd?: number;
}

const { sha256, isoTime } = MANIFEST_FRAGMENTS;

export const TRAINING_SECTION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['backend', 'jobName', 'status'],
  properties: {
    backend: { enum: ['local', 'sagemaker'] },
    jobName: { type: 'string' },
    jobArn: { type: 'string' },
    status: { type: 'string' },
    modelArtifact: { type: 'string' },
    modelSha256: sha256,
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
    hyperparameters: { type: 'object', additionalProperties: { type: 'string' } },
    channels: { type: 'object', additionalProperties: { type: 'string' } },
    secondaryStatus: { type: 'string' },
    failureReason: { type: 'string' },
    image: { type: 'string', description: 'Training image (SageMaker).' },
    instanceType: { type: 'string' },
    instanceCount: { type: 'integer', minimum: 1 },
    spot: { type: 'boolean' },
    region: { type: 'string' },
    command: { type: 'array', items: { type: 'string' }, description: 'Command run (local backend).' },
    sourceUri: { type: 'string', description: 'Script mode: the uploaded sourcedir.tar.gz.' },
    createdAt: isoTime,
    startedAt: isoTime,
    endedAt: isoTime,
    billableSeconds: { type: 'integer', minimum: 0 },
    estimatedCostUsd: {
      type: 'number',
      minimum: 0,
      description: 'An estimate from a price table, not a bill.',
    },
  },
};

/** The step's `train` block, as the composed schema checked it (undefined when absent). */
export function trainConfig(config: LoadedConfig): TrainConfig | undefined {
  return config.values.train as TrainConfig | undefined;
}

export interface TrainInputs {
  wait: boolean;
  attach?: string;
  hyperparameters?: string;
  'timeout-minutes'?: number;
  'dry-run': boolean;
}

export type TrainOutput =
  | 'job-name'
  | 'job-arn'
  | 'status'
  | 'model-artifact'
  | 'model-sha256'
  | 'metrics'
  | 'billable-seconds'
  | 'estimated-cost-usd';

export const trainStep = defineStep<TrainInputs, TrainOutput>({
  name: 'train',
  title: 'modelship train',
  description:
    'Train a model from the `train` block of modelship.yml: a SageMaker training job (backend `sagemaker`) or a local process under the same training contract (backend `local`). Waits with progress and streamed logs, stops the job on cancel, and records the artefact, its sha256 and the final metrics in the manifest.',
  inputs: {
    wait: {
      type: 'boolean',
      default: true,
      description:
        'Wait for the job to finish. With `false`, start it, output its name and return (attach later with `attach`).',
    },
    attach: {
      type: 'string',
      description:
        'Name of an existing training job to follow instead of starting one (e.g. from a job that ran with `wait: false`).',
    },
    hyperparameters: {
      type: 'string',
      description:
        'JSON object of hyperparameters merged over the config\'s `train.hyperparameters`, e.g. `{"c": 0.5}`.',
    },
    'timeout-minutes': {
      type: 'number',
      minimum: 0,
      description:
        'How long this step waits for the job; the job keeps its own limit, `train.max-runtime-minutes`. Empty or 0: until the job ends.',
    },
    'dry-run': {
      type: 'boolean',
      default: false,
      description:
        'Print the exact request (SageMaker CreateTrainingJob, or the local command and environment) and create nothing.',
    },
  },
  outputs: {
    'job-name': 'Name of the training job (deterministic from model, commit, run and the request).',
    'job-arn': 'ARN of the SageMaker training job (empty on the local backend).',
    status:
      'Final job status: Completed, Failed or Stopped; InProgress with `wait: false`; DryRun for a dry run.',
    'model-artifact': 'URI of model.tar.gz: s3:// on SageMaker, file:// on the local backend.',
    'model-sha256': 'sha256 of model.tar.gz.',
    metrics: 'JSON object of final metric values, name → number.',
    'billable-seconds':
      'Billable seconds per instance (SageMaker) or wall-clock seconds of the process (local).',
    'estimated-cost-usd':
      'Estimated cost in USD from the price table: billable time once finished, the max-runtime bound before (0 on local).',
  },
  config: { key: 'train', schema: TRAIN_CONFIG_SCHEMA },
  manifest: { key: 'training', schema: TRAINING_SECTION_SCHEMA },
  fromConfig: (config) => (trainConfig(config) ? {} : undefined),
  post: true,
  load: async () => (await import('./step.js')).createTrainImpl(),
});
