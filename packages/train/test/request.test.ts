import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolvePlan, type TrainPlan } from '../src/plan.js';
import { buildTrainingRequest, requestHyperparameters } from '../src/request.js';
import {
  errorLine,
  GITHUB_ENV,
  JOB_NAME,
  makeContext,
  REQUEST_SHA256,
  SAGEMAKER_YAML,
  workspace,
  type Workspace,
} from './helpers.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.cleanup());

async function plan(yaml: string, inputs: { hyperparameters?: string } = {}): Promise<TrainPlan> {
  await writeFile(join(ws.dir, 'modelship.yml'), yaml);
  const { ctx } = await makeContext(ws.dir, { env: GITHUB_ENV });
  return resolvePlan(inputs, ctx, ctx.backend);
}

/** Files under `dir` in the workspace (a script-mode source directory). */
async function source(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(join(ws.dir, dir), { recursive: true });
  for (const [name, body] of Object.entries(files)) await writeFile(join(ws.dir, dir, name), body);
}

/** The config with `train.<key>: <value>` lines changed ('' removes the line). */
function withTrain(changes: Record<string, string>): string {
  let yaml = SAGEMAKER_YAML;
  for (const [key, value] of Object.entries(changes)) {
    const line = new RegExp(`^  ${key}:.*$`, 'm');
    const next = value === '' ? '' : `  ${key}: ${value}`;
    yaml = line.test(yaml) ? yaml.replace(line, next) : `${yaml}  ${key}: ${value}\n`;
  }
  return yaml;
}

describe('the CreateTrainingJob request', () => {
  it('carries name, image, role, channels, metrics, stopping condition and tags', async () => {
    const r = buildTrainingRequest(await plan(SAGEMAKER_YAML));
    expect(r.TrainingJobName).toBe(JOB_NAME);
    expect(r.RoleArn).toBe('arn:aws:iam::123456789012:role/ModelshipTraining');
    expect(r.AlgorithmSpecification).toEqual({
      TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',
      TrainingInputMode: 'File',
      MetricDefinitions: [{ Name: 'auc', Regex: 'validation:auc=([0-9.]+)' }],
    });
    expect(r.InputDataConfig).toEqual([
      {
        ChannelName: 'train',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: 's3://acme-ml/churn/train/',
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      },
      {
        ChannelName: 'validation',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: 's3://acme-ml/churn/validation/',
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      },
    ]);
    expect(r.ResourceConfig).toEqual({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 });
    expect(r.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600 });
    expect(r.EnableManagedSpotTraining).toBeUndefined();
    expect(r.OutputDataConfig).toEqual({ S3OutputPath: 's3://acme-ml/churn/models/' });
    expect(r.HyperParameters).toEqual({ c: '1', solver: 'lbfgs' });
    expect(r.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'project', Value: 'churn' },
        { Key: 'owner', Value: 'ml-platform' },
        { Key: 'environment', Value: 'test' },
        { Key: 'modelship:commit', Value: GITHUB_ENV.GITHUB_SHA },
        { Key: 'modelship:run', Value: '9876543210/1' },
        { Key: 'modelship:request-sha256', Value: REQUEST_SHA256 },
      ]),
    );
  });

  it('merges the hyperparameters input over the config', async () => {
    const r = buildTrainingRequest(
      await plan(SAGEMAKER_YAML, { hyperparameters: '{"c": 0.25, "max_iter": 50}' }),
    );
    expect(r.HyperParameters).toEqual({ c: '0.25', solver: 'lbfgs', max_iter: '50' });
  });

  it('asks for spot with a max wait (default twice the runtime) and a checkpoint', async () => {
    const r = buildTrainingRequest(
      await plan(withTrain({ spot: 'true', checkpoint: 's3://acme-ml/churn/checkpoints/' })),
    );
    expect(r.EnableManagedSpotTraining).toBe(true);
    expect(r.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 });
    expect(r.CheckpointConfig).toEqual({ S3Uri: 's3://acme-ml/churn/checkpoints/' });
  });

  it('passes VPC, KMS key, instance count, volume and environment through', async () => {
    const r = buildTrainingRequest(
      await plan(
        withTrain({
          vpc: '{ subnets: [subnet-1], security-groups: [sg-1] }',
          'kms-key': 'alias/ml',
          'instance-count': '2',
          'volume-gb': '100',
          environment: '{ LOG_LEVEL: debug }',
        }),
      ),
    );
    expect(r.VpcConfig).toEqual({ Subnets: ['subnet-1'], SecurityGroupIds: ['sg-1'] });
    expect(r.OutputDataConfig?.KmsKeyId).toBe('alias/ml');
    expect(r.ResourceConfig).toMatchObject({
      InstanceCount: 2,
      VolumeSizeInGB: 100,
      VolumeKmsKeyId: 'alias/ml',
    });
    expect(r.Environment).toEqual({ LOG_LEVEL: 'debug' });
  });

  it('in script mode JSON-encodes hyperparameters and adds sagemaker_program / sagemaker_submit_directory', async () => {
    await source('src', { 'train_sklearn.py': 'print(1)\n' });
    const p = await plan(withTrain({ source: 'src', program: 'train_sklearn.py' }));
    expect(p.jobName).toMatch(/^churn-1a2b3c4-9876543210-1-[0-9a-f]{8}$/);
    expect(requestHyperparameters(p)).toEqual({
      c: '1',
      solver: '"lbfgs"',
      sagemaker_program: '"train_sklearn.py"',
      sagemaker_submit_directory: `"s3://acme-ml/churn/models/${p.jobName}/source/sourcedir.tar.gz"`,
      sagemaker_region: '"us-east-1"',
      sagemaker_container_log_level: '20',
      sagemaker_job_name: `"${p.jobName}"`,
    });
  });

  it('derives the script-mode program from the entrypoint inside source', async () => {
    await source('examples/churn', { 'train_sklearn.py': 'print(1)\n' });
    const p = await plan(
      withTrain({ source: 'examples/churn', entrypoint: '[python3, examples/churn/train_sklearn.py]' }),
    );
    expect(p.script?.program).toBe('train_sklearn.py');
  });
});

describe('guardrails (one line naming the field)', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'a missing tag',
      { tags: '{ project: churn, environment: test }' },
      /^modelship\.yml: train\.tags\.owner: tag is required/,
    ],
    [
      'no max runtime',
      { 'max-runtime-minutes': '' },
      /^modelship\.yml: train\.max-runtime-minutes: is required/,
    ],
    ['no role', { role: '' }, /^modelship\.yml: train\.role: is required/],
    ['no image', { image: '' }, /^modelship\.yml: train\.image: is required/],
    ['no output', { output: '' }, /^modelship\.yml: train\.output: is required/],
    [
      'a source directory that is not there',
      { source: 'nowhere', program: 'train.py' },
      /^modelship\.yml: train\.source \(.*nowhere\): source directory not found$/,
    ],
    [
      'a local channel',
      { channels: '{ train: data/train.csv }' },
      /^modelship\.yml: train\.channels\.train: must be an s3:\/\/ URI/,
    ],
    [
      'spot wait below runtime',
      { spot: 'true', 'max-wait-minutes': '30' },
      /train\.max-wait-minutes: must be at least/,
    ],
    [
      'max wait without spot',
      { 'max-wait-minutes': '90' },
      /train\.max-wait-minutes: only applies with spot/,
    ],
    [
      'source without program',
      { source: 'src' },
      /^modelship\.yml: train\.program: is required with train\.source/,
    ],
  ];
  it.each(cases)('rejects %s', async (_what, changes, line) => {
    expect(await errorLine(() => plan(withTrain(changes)))).toMatch(line);
  });

  it('needs an entrypoint on the local backend', async () => {
    const yaml = withTrain({ image: '' }).replace('backend: sagemaker', 'backend: local');
    expect(await errorLine(() => plan(yaml))).toMatch(
      /^modelship\.yml: train\.entrypoint: is required for the local backend/,
    );
  });
});
