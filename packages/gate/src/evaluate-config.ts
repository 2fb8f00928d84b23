// The `evaluate` block of modelship.yml: how the gate scores a model (the candidate, then the
// champion) on the test data. Light on purpose (only core): the step's definition declares it.
import { SCHEMA_FRAGMENTS, type JsonSchema } from '@modelship/core';

/**
 * The `evaluate` block (checked by {@link EVALUATE_CONFIG_SCHEMA}). The fields it shares with
 * `train` mean what they mean there (docs/train.md); see docs/gate.md, "Evaluation runs".
 */
export interface EvaluateConfig {
  /** Local backend: the command (argv, no shell), run from the config's directory. */
  entrypoint?: string[];
  /** Script mode: the directory packed into sourcedir.tar.gz, and the program inside it. */
  source?: string;
  program?: string;
  /** SageMaker: the processing container image (e.g. the scikit-learn one). */
  image?: string;
  role?: string;
  'instance-type'?: string;
  'instance-count'?: number;
  'volume-gb'?: number;
  'max-runtime-minutes'?: number;
  environment?: Record<string, string>;
  /** Test data: a file, a directory or an s3:// prefix (default: train's `validation` channel). */
  test?: string;
  /** SageMaker: the s3:// prefix for the packed source and the predictions (default: `train.output`). */
  output?: string;
  /** Tags of the processing job, over `train.tags`. */
  tags?: Record<string, string>;
  /** SageMaker: the VPC the job's instances join (default: `train.vpc`). */
  vpc?: { subnets: string[]; 'security-groups': string[] };
  /** SageMaker: KMS key for the instances' volumes and the output (default: `train.kms-key`). */
  'kms-key'?: string;
}

const { nonEmpty, s3Uri, stringMap } = SCHEMA_FRAGMENTS;

export const EVALUATE_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'How to score a model on the test data: a local process or a SageMaker Processing job, under the Processing contract (docs/gate.md).',
  properties: {
    entrypoint: {
      type: 'array',
      minItems: 1,
      items: nonEmpty,
      description: 'Local backend: the command to run, e.g. [node, evaluate.mjs].',
    },
    source: { ...nonEmpty, description: 'Script mode: the directory packed and uploaded.' },
    program: { ...nonEmpty, description: 'Script mode: the script inside source to run.' },
    image: { ...nonEmpty, description: 'SageMaker: the processing container image URI.' },
    role: { type: 'string', pattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$' },
    'instance-type': { type: 'string', pattern: '^ml\\.[a-z0-9]+\\.[a-z0-9]+$' },
    'instance-count': { type: 'integer', minimum: 1, maximum: 100 },
    'volume-gb': { type: 'integer', minimum: 1, maximum: 16384 },
    'max-runtime-minutes': { type: 'integer', minimum: 1, maximum: 12960 },
    environment: stringMap,
    test: {
      ...nonEmpty,
      description: 'Test data: a path or s3:// URI (default: the `validation` channel train recorded).',
    },
    output: {
      ...s3Uri,
      description: 'SageMaker: s3:// prefix for source and predictions (default: train.output).',
    },
    tags: stringMap,
    vpc: {
      ...SCHEMA_FRAGMENTS.vpc,
      description: 'SageMaker: subnets and security groups (default: train.vpc).',
    },
    'kms-key': {
      ...nonEmpty,
      description: "SageMaker: KMS key of the volumes and the output (default: train's kms-key).",
    },
  },
};

/** What `evaluate` falls back to from elsewhere: the `train` block and the manifest's `training` section. */
export interface EvaluateDefaults {
  test?: string;
  output?: string;
  tags?: Record<string, string>;
  vpc?: EvaluateConfig['vpc'];
  'kms-key'?: string;
}

/**
 * The defaults of the `evaluate` block: `test` from the `validation` channel train recorded in the
 * manifest (an absolute path or an s3:// URI), `output`, `tags`, `vpc` and `kms-key` from the
 * `train` block.
 */
export function evaluateDefaults(
  trainBlock: Pick<EvaluateConfig, 'output' | 'tags' | 'vpc' | 'kms-key'> | undefined,
  training: { channels?: Record<string, string> } | undefined,
): EvaluateDefaults {
  return {
    test: training?.channels?.validation,
    output: trainBlock?.output,
    tags: trainBlock?.tags,
    vpc: trainBlock?.vpc,
    'kms-key': trainBlock?.['kms-key'],
  };
}
