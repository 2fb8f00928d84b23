/**
 * The SageMaker backend against moto in server mode (real HTTP): the job is created with the right
 * request, a re-run attaches instead of creating a duplicate, and the artefact is read back from
 * moto's S3. moto's training jobs are Completed at once, and it replaces MetricDefinitions with its
 * own (the metric definitions we send are checked in request.test.ts and sagemaker-mock.test.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  type CreateTrainingJobRequest,
} from '@aws-sdk/client-sagemaker';
import { list } from 'tar';
import type { Moto } from '../../../test/support/moto.js';
import { startMotoClients, type MotoClients } from '../../../test/lib/aws.js';
import { trainStep } from '../src/definition.js';
import { configErrorLine } from '../../../test/lib/step.js';
import { GITHUB_ENV, runStep, SAGEMAKER_YAML, workspace, type Workspace } from './helpers.js';

let moto: Moto;
let s3: S3Client;
let sm: SageMakerClient;
let env: Record<string, string>;

let aws: MotoClients;

beforeAll(async () => {
  aws = await startMotoClients(GITHUB_ENV);
  ({ moto, s3, sm, env } = aws);
});
afterAll(() => aws?.stop());

const MODEL = Buffer.from('model.tar.gz bytes as moto would hold them');
/** Where moto's Completed job says its model is: `<output>/<job>/output/model.tar.gz`. */
const artefactKey = (job: string) => `churn/models/${job}/output/model.tar.gz`;
const YAML = `${SAGEMAKER_YAML}  spot: true
  max-wait-minutes: 120
  checkpoint: s3://acme-ml/churn/checkpoints/
  source: src
  program: train_sklearn.py
`;

let ws: Workspace;
/** The name the job of this config gets in this run (the dry run's; a real run uses the same). */
let JOB_NAME: string;
let ARTEFACT_KEY: string;
beforeEach(async () => {
  await moto.reset();
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-ml' }));
  ws = await workspace({ 'modelship.yml': YAML });
  await mkdir(join(ws.dir, 'src'));
  await writeFile(join(ws.dir, 'src', 'train_sklearn.py'), 'print("validation:auc=0.9")\n');
  await writeFile(join(ws.dir, 'src', 'requirements.txt'), 'scikit-learn\n');
  JOB_NAME = await expectModel();
  ARTEFACT_KEY = artefactKey(JOB_NAME);
});

function run(inputs: Record<string, string> = {}) {
  return runStep(trainStep, { config: 'modelship.yml', ...inputs }, { cwd: ws.dir, env });
}

/** Name the job these inputs would start (a dry run) and put the model moto will report for it. */
async function expectModel(inputs: Record<string, string> = {}): Promise<string> {
  const dry = await run({ ...inputs, 'dry-run': 'true' });
  const name = dry.result.outputs['job-name']!;
  expect(name).toMatch(/^churn-1a2b3c4-9876543210-1-[0-9a-f]{8}$/);
  await s3.send(new PutObjectCommand({ Bucket: 'acme-ml', Key: artefactKey(name), Body: MODEL }));
  return name;
}

describe('train on SageMaker (moto)', () => {
  it('creates the job with the right request and reads the artefact back from S3', async () => {
    const { result, text } = await run();
    expect(text).not.toContain('warning:');
    expect(result.ok).toBe(true);
    expect(result.outputs['job-name']).toBe(JOB_NAME);
    expect(result.outputs['job-arn']).toBe(
      `arn:aws:sagemaker:us-east-1:123456789012:training-job/${JOB_NAME}`,
    );
    expect(result.outputs.status).toBe('Completed');
    expect(result.outputs['model-artifact']).toBe(`s3://acme-ml/${ARTEFACT_KEY}`);
    expect(result.outputs['model-sha256']).toBe(createHash('sha256').update(MODEL).digest('hex'));

    const d = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: JOB_NAME }));
    expect(d.RoleArn).toBe('arn:aws:iam::123456789012:role/ModelshipTraining');
    expect(d.AlgorithmSpecification?.TrainingImage).toContain('sagemaker-scikit-learn');
    expect(d.ResourceConfig).toMatchObject({
      InstanceType: 'ml.m5.xlarge',
      InstanceCount: 1,
      VolumeSizeInGB: 30,
    });
    expect(d.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 });
    expect(d.EnableManagedSpotTraining).toBe(true);
    expect(d.CheckpointConfig).toMatchObject({ S3Uri: 's3://acme-ml/churn/checkpoints/' });
    expect(d.InputDataConfig?.map((c) => [c.ChannelName, c.DataSource?.S3DataSource?.S3Uri])).toEqual([
      ['train', 's3://acme-ml/churn/train/'],
      ['validation', 's3://acme-ml/churn/validation/'],
    ]);
    const source = `s3://acme-ml/churn/models/${JOB_NAME}/source/sourcedir.tar.gz`;
    expect(d.HyperParameters).toMatchObject({
      c: '1',
      solver: '"lbfgs"',
      sagemaker_program: '"train_sklearn.py"',
      sagemaker_submit_directory: JSON.stringify(source),
      sagemaker_region: '"us-east-1"',
    });

    const tags = await sm.send(new ListTagsCommand({ ResourceArn: d.TrainingJobArn }));
    const tagMap = Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tagMap).toMatchObject({
      project: 'churn',
      owner: 'ml-platform',
      environment: 'test',
      'modelship:run': '9876543210/1',
    });

    // the packed source is where the job's sagemaker_submit_directory points
    const obj = await s3.send(
      new GetObjectCommand({ Bucket: 'acme-ml', Key: `churn/models/${JOB_NAME}/source/sourcedir.tar.gz` }),
    );
    const archive = join(ws.dir, 'sourcedir.tar.gz');
    await writeFile(archive, Buffer.from(await obj.Body!.transformToByteArray()));
    const entries: string[] = [];
    await list({ file: archive, onReadEntry: (e) => void entries.push(e.path) });
    expect(entries).toEqual(['requirements.txt', 'train_sklearn.py']);

    const manifest = JSON.parse(await readFile(join(ws.dir, '.modelship', 'manifest.json'), 'utf8'));
    expect(manifest.training).toMatchObject({
      backend: 'sagemaker',
      jobName: JOB_NAME,
      jobArn: d.TrainingJobArn,
      modelArtifact: `s3://acme-ml/${ARTEFACT_KEY}`,
      spot: true,
      sourceUri: source,
      hyperparameters: { c: '1', solver: 'lbfgs' },
    });
  });

  it('a re-run attaches to the existing job instead of creating a duplicate', async () => {
    const first = await run();
    const again = await run();
    expect(again.text).toContain(`training job ${JOB_NAME} already exists (Completed): attaching to it`);
    expect(again.result.outputs['model-sha256']).toBe(first.result.outputs['model-sha256']);
    const jobs = await sm.send(new ListTrainingJobsCommand({}));
    expect(jobs.TrainingJobSummaries?.map((j) => j.TrainingJobName)).toEqual([JOB_NAME]);
  });

  it('a second train with other hyperparameters in the same run starts its own job', async () => {
    const first = await run();
    const other = await expectModel({ hyperparameters: '{"c": 0.5}' });
    expect(other).not.toBe(JOB_NAME);
    const second = await run({ hyperparameters: '{"c": 0.5}' });
    expect(second.text).not.toContain('attaching');
    expect(second.result.outputs['job-name']).toBe(other);
    expect(first.result.outputs['job-name']).toBe(JOB_NAME);
    const jobs = await sm.send(new ListTrainingJobsCommand({}));
    expect(jobs.TrainingJobSummaries?.map((j) => j.TrainingJobName).sort()).toEqual([JOB_NAME, other].sort());
    const d = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: other }));
    expect(d.HyperParameters?.c).toBe('0.5');
    expect(second.manifest().training?.hyperparameters).toMatchObject({ c: '0.5' });
  });

  it('a job of the same name made with another request is an error, not reused', async () => {
    const dry = await run({ 'dry-run': 'true' });
    const request = JSON.parse(/\{[\s\S]*\}/.exec(dry.text)![0]) as CreateTrainingJobRequest;
    await sm.send(
      new CreateTrainingJobCommand({
        ...request,
        HyperParameters: { ...request.HyperParameters, c: '2' },
        Tags: [{ Key: 'project', Value: 'churn' }],
      }),
    );
    const sha = request.Tags!.find((t) => t.Key === 'modelship:request-sha256')!.Value!;
    expect(await configErrorLine(run())).toBe(
      `training job ${JOB_NAME}: exists with a different request: hyperparameters.c ("1" here, "2" there), ` +
        `tag modelship:request-sha256 ("${sha.slice(0, 38)}… here, absent there)`,
    );
    const jobs = await sm.send(new ListTrainingJobsCommand({}));
    expect(jobs.TrainingJobSummaries).toHaveLength(1);
  });

  it('wait: false in one job, attach in a later one', async () => {
    const started = await run({ wait: 'false' });
    expect(started.result.outputs['job-name']).toBe(JOB_NAME);
    const later = await runStep(
      trainStep,
      { config: 'modelship.yml', attach: JOB_NAME },
      { cwd: ws.dir, env: { ...moto.env } },
    );
    expect(later.result.ok).toBe(true);
    expect(later.result.outputs['model-sha256']).toBe(createHash('sha256').update(MODEL).digest('hex'));
  });

  it('a missing artefact is a one-line error naming the object', async () => {
    await s3.send(new DeleteObjectCommand({ Bucket: 'acme-ml', Key: ARTEFACT_KEY }));
    await expect(run()).rejects.toMatchObject({ line: `s3://acme-ml/${ARTEFACT_KEY}: S3 object not found` });
  });
});
