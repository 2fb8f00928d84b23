/**
 * Evaluation runs as SageMaker Processing jobs against moto in server mode (real HTTP). moto has
 * CreateProcessingJob, DescribeProcessingJob, StopProcessingJob, ListProcessingJobs and ListTags
 * for processing jobs; its jobs are Completed at once and run nothing, so the test puts the
 * predictions where the job would upload them. Its DescribeProcessingJob leaves out
 * ProcessingResources and Environment (those are checked on the request here and in the
 * aws-sdk-client-mock tests). Status sequences, failures and stop on cancel: the mock tests.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  CreateProcessingJobCommand,
  DescribeProcessingJobCommand,
  ListProcessingJobsCommand,
  ListTagsCommand,
} from '@aws-sdk/client-sagemaker';
import { list } from 'tar';
import type { Moto } from '../../../test/support/moto.js';
import { startMotoClients, type MotoClients } from '../../../test/lib/aws.js';
import type { EvaluateConfig } from '../src/evaluate-config.js';
import { planEvaluation, runEvaluation, type EvaluationOptions } from '../src/evaluate.js';
import { buildProcessingRequest, CONTAINER_SCRIPT, outputUri } from '../src/evaluate-sagemaker.js';
import { inStep } from '@modelship/core';
import { configErrorLine, GITHUB_ENV, makeContext, workspace, type Workspace } from './helpers.js';

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

const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const CANDIDATE = 's3://acme-ml/churn/models/churn-1a2b3c4-9876543210-1-2a1730f2/output/model.tar.gz';
const CHAMPION = 's3://acme-ml/churn/models/churn-0000000-1111111111-1-0badc0de/output/model.tar.gz';
const EVALUATE: EvaluateConfig = {
  image: IMAGE,
  role: 'arn:aws:iam::123456789012:role/ModelshipEvaluation',
  'instance-type': 'ml.m5.large',
  'max-runtime-minutes': 30,
  source: 'src',
  program: 'evaluate_sklearn.py',
  test: 's3://acme-ml/churn/test/',
  environment: { LOG_LEVEL: 'info' },
};
const DEFAULTS = {
  output: 's3://acme-ml/churn/models/',
  tags: { project: 'churn', owner: 'ml-platform', environment: 'test' },
};
const PREDICTIONS = 'id,label,score,prediction,contract\nc1,1,0.91,1,one-year\nc2,0,0.12,0,two-year\n';

let ws: Workspace;
beforeEach(async () => {
  await moto.reset();
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-ml' }));
  ws = await workspace({
    'modelship.yml': 'model: churn\nbackend: sagemaker\n',
    'src/evaluate_sklearn.py': 'print("scoring")\n',
    'src/requirements.txt': 'joblib\n',
  });
});
afterEach(() => ws.cleanup());

async function options(overrides: Partial<EvaluationOptions> = {}): Promise<EvaluationOptions> {
  const { ctx } = await makeContext(ws.dir, { env, backend: 'sagemaker' });
  return { ctx, role: 'candidate', model: CANDIDATE, evaluate: EVALUATE, defaults: DEFAULTS, ...overrides };
}

/**
 * runEvaluation as evaluate-gate runs it, for the AWS call log (docs/iam.md): under the step, with
 * the config these options stand for (the evaluate block, train's output as the default output).
 */
function evaluateAsStep(opts: EvaluationOptions): ReturnType<typeof runEvaluation> {
  const config = { model: 'churn', train: { output: DEFAULTS.output }, evaluate: opts.evaluate };
  return inStep({ step: 'evaluate-gate', config, inputs: {} }, () => runEvaluation(opts));
}

/** Put the predictions where the job of these options uploads its output; returns the job name. */
async function expectPredictions(opts: EvaluationOptions, body = PREDICTIONS): Promise<string> {
  const plan = await planEvaluation(opts);
  const key = `${outputUri(plan).slice('s3://acme-ml/'.length)}predictions.csv`;
  await s3.send(new PutObjectCommand({ Bucket: 'acme-ml', Key: key, Body: body }));
  return plan.jobName;
}

describe('evaluation as a SageMaker Processing job (moto)', () => {
  it('creates the job with the right request, uploads the source and downloads the predictions', async () => {
    const opts = await options();
    const name = await expectPredictions(opts);
    expect(name).toMatch(/^churn-eval-candidate-1a2b3c4-9876543210-1-[0-9a-f]{8}$/);
    const r = await evaluateAsStep(opts);
    expect(r).toMatchObject({
      backend: 'sagemaker',
      jobName: name,
      jobArn: `arn:aws:sagemaker:us-east-1:123456789012:processing-job/${name}`,
      status: 'Completed',
      format: 'csv',
      columns: ['id', 'label', 'score', 'prediction', 'contract'],
      predictionsUri: `s3://acme-ml/churn/models/${name}/output/predictions.csv`,
      reused: false,
    });
    expect(r.predictions).toBe(join(ws.dir, '.modelship', 'evaluation', name, 'output', 'predictions.csv'));
    expect(await readFile(r.predictions, 'utf8')).toBe(PREDICTIONS);

    const d = await sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: name }));
    expect(d.RoleArn).toBe('arn:aws:iam::123456789012:role/ModelshipEvaluation');
    expect(d.AppSpecification).toEqual({
      ImageUri: IMAGE,
      ContainerEntrypoint: [
        '/bin/sh',
        '-c',
        CONTAINER_SCRIPT,
        'modelship-evaluate',
        'python3',
        'evaluate_sklearn.py',
      ],
    });
    expect(d.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800 });
    expect(d.ProcessingInputs?.map((i) => [i.InputName, i.S3Input?.S3Uri, i.S3Input?.LocalPath])).toEqual([
      ['model', CANDIDATE, '/opt/ml/processing/model'],
      ['test', 's3://acme-ml/churn/test/', '/opt/ml/processing/input/test'],
      ['code', `s3://acme-ml/churn/models/${name}/source/sourcedir.tar.gz`, '/opt/ml/processing/input/code'],
    ]);
    expect(d.ProcessingOutputConfig?.Outputs).toEqual([
      {
        OutputName: 'output',
        S3Output: {
          S3Uri: `s3://acme-ml/churn/models/${name}/output/`,
          LocalPath: '/opt/ml/processing/output',
          S3UploadMode: 'EndOfJob',
        },
      },
    ]);
    const tags = await sm.send(new ListTagsCommand({ ResourceArn: d.ProcessingJobArn }));
    expect(Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
      project: 'churn',
      owner: 'ml-platform',
      environment: 'test',
      'modelship:model': 'churn',
      'modelship:evaluating': 'candidate',
      'modelship:run': '9876543210/1',
      'modelship:request-sha256': (await planEvaluation(opts)).requestSha256,
    });

    // the packed source is where the code input points
    const obj = await s3.send(
      new GetObjectCommand({ Bucket: 'acme-ml', Key: `churn/models/${name}/source/sourcedir.tar.gz` }),
    );
    const archive = join(ws.dir, 'sourcedir.tar.gz');
    await writeFile(archive, Buffer.from(await obj.Body!.transformToByteArray()));
    const entries: string[] = [];
    await list({ file: archive, onReadEntry: (e) => void entries.push(e.path) });
    expect(entries).toEqual(['evaluate_sklearn.py', 'requirements.txt']);
  });

  it('a re-run attaches to the existing job instead of creating a duplicate', async () => {
    const opts = await options();
    const name = await expectPredictions(opts);
    await evaluateAsStep(opts);
    const again = await options();
    const r = await evaluateAsStep(again);
    expect(r.reused).toBe(true);
    const text = (again.ctx.log as unknown as { lines: string[] }).lines.join('\n');
    expect(text).toContain(`processing job ${name} already exists (Completed): attaching to it`);
    const jobs = await sm.send(new ListProcessingJobsCommand({}));
    expect(jobs.ProcessingJobSummaries?.map((j) => j.ProcessingJobName)).toEqual([name]);
  });

  it('the candidate and the champion are two jobs on the same test data', async () => {
    const cand = await expectPredictions(await options());
    const champ = await expectPredictions(await options({ role: 'champion', model: CHAMPION }));
    expect(champ).toMatch(/^churn-eval-champion-1a2b3c4-9876543210-1-[0-9a-f]{8}$/);
    await evaluateAsStep(await options());
    const r = await evaluateAsStep(await options({ role: 'champion', model: CHAMPION }));
    expect(r.jobName).toBe(champ);
    const d = await sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: champ }));
    expect(d.ProcessingInputs?.[0]?.S3Input?.S3Uri).toBe(CHAMPION);
    expect(d.ProcessingInputs?.[1]?.S3Input?.S3Uri).toBe('s3://acme-ml/churn/test/');
    const jobs = await sm.send(new ListProcessingJobsCommand({}));
    expect(jobs.ProcessingJobSummaries?.map((j) => j.ProcessingJobName).sort()).toEqual([cand, champ].sort());
  });

  it('a job of the same name made from another request is an error, not reused', async () => {
    const opts = await options();
    const plan = await planEvaluation(opts);
    const request = buildProcessingRequest(plan);
    await sm.send(
      new CreateProcessingJobCommand({
        ...request,
        AppSpecification: { ...request.AppSpecification, ImageUri: `${IMAGE}-other` },
        Tags: [{ Key: 'project', Value: 'churn' }],
      }),
    );
    const line = await configErrorLine(evaluateAsStep(opts));
    expect(line).toMatch(
      new RegExp(
        `^processing job ${plan.jobName}: exists with a different request: image \\("683313688378\\..*… here, "683313688378\\..*… there\\), tag modelship:request-sha256 \\("[0-9a-f]+… here, absent there\\)$`,
      ),
    );
  });

  it('a job that leaves no predictions is a one-line error naming where it looked', async () => {
    const opts = await options();
    const plan = await planEvaluation(opts);
    expect(await configErrorLine(evaluateAsStep(opts))).toBe(
      `evaluation of the candidate (processing job ${plan.jobName}): no predictions in ${outputUri(plan)}: ` +
        'the script must write predictions.csv or predictions.jsonl (columns label and score or prediction; ' +
        'optional id and slice columns) into /opt/ml/processing/output ($MODELSHIP_OUTPUT_DIR)',
    );
  });

  it('a model artefact or test data that is not in S3 is refused before anything is created', async () => {
    await mkdir(join(ws.dir, 'data'));
    const local = await options({ model: join(ws.dir, 'src', 'evaluate_sklearn.py') });
    expect(await configErrorLine(planEvaluation(local))).toMatch(
      /^candidate model: the candidate model must be an s3:\/\/ URI for the sagemaker backend/,
    );
    const test = await options({ test: 'data' });
    expect(await configErrorLine(planEvaluation(test))).toBe(
      `modelship.yml: evaluate.test: must be an s3:// URI for the sagemaker backend (got ${join(ws.dir, 'data')})`,
    );
    const jobs = await sm.send(new ListProcessingJobsCommand({}));
    expect(jobs.ProcessingJobSummaries).toEqual([]);
  });
});
