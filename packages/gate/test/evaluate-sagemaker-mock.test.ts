/**
 * The SageMaker evaluation backend against aws-sdk-client-mock, for what moto cannot do: status
 * sequences with progress and streamed logs, a job that fails (its FailureReason surfaced),
 * StopProcessingJob on cancel; and the request itself (guardrails, the container entrypoint).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateProcessingJobCommand,
  DescribeProcessingJobCommand,
  SageMakerClient,
  StopProcessingJobCommand,
  type DescribeProcessingJobResponse,
} from '@aws-sdk/client-sagemaker';
import type { MemoryLogger } from '@modelship/core';
import { mockClient } from 'aws-sdk-client-mock';
import type { EvaluateConfig } from '../src/evaluate-config.js';
import { planEvaluation, type EvaluationOptions, type EvaluationPlan } from '../src/evaluate.js';
import { buildProcessingRequest, CONTAINER_SCRIPT, SageMakerEvaluation } from '../src/evaluate-sagemaker.js';
import { configErrorLine, GITHUB_ENV, makeContext, workspace, type Workspace } from './helpers.js';

const sm = mockClient(SageMakerClient);
const logs = mockClient(CloudWatchLogsClient);
const s3 = mockClient(S3Client);
afterAll(() => {
  sm.restore();
  logs.restore();
  s3.restore();
});

const MODEL = 's3://acme-ml/churn/models/churn-1a2b3c4-9876543210-1-2a1730f2/output/model.tar.gz';
const EVALUATE: EvaluateConfig = {
  image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',
  role: 'arn:aws:iam::123456789012:role/ModelshipEvaluation',
  'instance-type': 'ml.m5.large',
  'max-runtime-minutes': 30,
  source: 'src',
  program: 'evaluate_sklearn.py',
  test: 's3://acme-ml/churn/test/',
  output: 's3://acme-ml/churn/evaluation/',
  tags: { project: 'churn', owner: 'ml-platform', environment: 'test' },
};

let ws: Workspace;
const START = Date.parse('2026-11-22T09:00:00Z');
let t = START;
const sleeps: number[] = [];
const sleep = async (ms: number) => {
  sleeps.push(ms);
  t += ms;
};

beforeEach(async () => {
  sm.reset();
  logs.reset();
  s3.reset();
  t = START;
  sleeps.length = 0;
  ws = await workspace({ 'src/evaluate_sklearn.py': 'print("scoring")\n' });
  logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [] });
  s3.on(PutObjectCommand).resolves({});
  sm.on(CreateProcessingJobCommand).resolves({
    ProcessingJobArn: 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/x',
  });
});
afterEach(() => ws.cleanup());

const notFound = () =>
  Object.assign(new Error('Could not find processing job'), { name: 'ValidationException' });

async function setup(
  overrides: Partial<EvaluationOptions> = {},
  signal?: AbortSignal,
): Promise<{ plan: EvaluationPlan; run: SageMakerEvaluation; log: MemoryLogger }> {
  const { ctx, log } = await makeContext(ws.dir, { env: GITHUB_ENV, backend: 'sagemaker' });
  const plan = await planEvaluation({
    ctx,
    role: 'candidate',
    model: MODEL,
    evaluate: EVALUATE,
    defaults: {},
    ...overrides,
  });
  const run = new SageMakerEvaluation(plan, {
    log,
    env: GITHUB_ENV,
    signal: signal ?? new AbortController().signal,
    now: () => new Date(t),
    sleep,
    clients: {
      sagemaker: new SageMakerClient({ region: 'us-east-1' }),
      logs: new CloudWatchLogsClient({ region: 'us-east-1' }),
      s3: new S3Client({ region: 'us-east-1' }),
    },
  });
  return { plan, run, log };
}

const job = (
  status: string,
  extra: Partial<DescribeProcessingJobResponse> = {},
): DescribeProcessingJobResponse =>
  ({
    ProcessingJobName: 'x',
    ProcessingJobStatus: status,
    CreationTime: new Date(START),
    ...extra,
  }) as DescribeProcessingJobResponse;

describe('the Processing request', () => {
  it('is built from the plan: image, entrypoint, inputs, output, resources, limits, environment, tags', async () => {
    const { plan } = await setup();
    const r = buildProcessingRequest(plan);
    expect(r.ProcessingResources).toEqual({
      ClusterConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 },
    });
    expect(r.Environment).toEqual({
      MODELSHIP_MODEL_DIR: '/opt/ml/processing/model',
      MODELSHIP_TEST_DIR: '/opt/ml/processing/input/test',
      MODELSHIP_OUTPUT_DIR: '/opt/ml/processing/output',
      MODELSHIP_EVALUATING: 'candidate',
      MODELSHIP_JOB_NAME: plan.jobName,
    });
    expect(r.AppSpecification?.ContainerEntrypoint?.slice(3)).toEqual([
      'modelship-evaluate',
      'python3',
      'evaluate_sklearn.py',
    ]);
    expect(r.ProcessingInputs?.[0]?.S3Input).toEqual({
      S3Uri: MODEL,
      LocalPath: '/opt/ml/processing/model',
      S3DataType: 'S3Prefix',
      S3InputMode: 'File',
      S3DataDistributionType: 'FullyReplicated',
    });
    expect(r.Tags?.map((x) => x.Key)).toEqual([
      'project',
      'owner',
      'environment',
      'modelship:model',
      'modelship:evaluating',
      'modelship:request-sha256',
      'modelship:commit',
      'modelship:repository',
      'modelship:run',
    ]);
  });

  it("takes train's VPC and KMS key unless the evaluate block gives its own", async () => {
    const trainVpc = { subnets: ['subnet-1'], 'security-groups': ['sg-1'] };
    const inherited = buildProcessingRequest(
      (await setup({ defaults: { vpc: trainVpc, 'kms-key': 'alias/train' } })).plan,
    );
    expect(inherited.NetworkConfig).toEqual({
      VpcConfig: { Subnets: ['subnet-1'], SecurityGroupIds: ['sg-1'] },
    });
    expect(inherited.ProcessingResources?.ClusterConfig?.VolumeKmsKeyId).toBe('alias/train');
    expect(inherited.ProcessingOutputConfig?.KmsKeyId).toBe('alias/train');
    const own = buildProcessingRequest(
      (
        await setup({
          defaults: { vpc: trainVpc, 'kms-key': 'alias/train' },
          evaluate: {
            ...EVALUATE,
            vpc: { subnets: ['subnet-2'], 'security-groups': ['sg-2'] },
            'kms-key': 'alias/eval',
          },
        })
      ).plan,
    );
    expect(own.NetworkConfig?.VpcConfig?.Subnets).toEqual(['subnet-2']);
    expect(own.ProcessingOutputConfig?.KmsKeyId).toBe('alias/eval');
    const none = buildProcessingRequest((await setup()).plan);
    expect(none.NetworkConfig).toBeUndefined();
    expect(none.ProcessingOutputConfig?.KmsKeyId).toBeUndefined();
  });

  it("keeps every container argument within SageMaker's 256 characters", async () => {
    const { plan } = await setup();
    for (const arg of buildProcessingRequest(plan).AppSpecification!.ContainerEntrypoint!)
      expect(arg.length).toBeLessThanOrEqual(256);
    expect(CONTAINER_SCRIPT).toContain('tar -xzf "$a"');
  });

  it('has the guardrails train has: a time limit, the cost tags, image, role, instance type, source', async () => {
    const line = (e: EvaluateConfig) => configErrorLine(setup({ evaluate: e }));
    const { tags: _tags, ...untagged } = EVALUATE;
    expect(await line({ ...untagged, tags: { project: 'churn', owner: 'x' } })).toBe(
      'modelship.yml: evaluate.tags.environment: tag is required (cost guardrail: project, owner, environment; train.tags count too)',
    );
    expect(await line({ ...EVALUATE, 'max-runtime-minutes': undefined })).toBe(
      'modelship.yml: evaluate.max-runtime-minutes: is required (cost guardrail: every job has a time limit)',
    );
    expect(await line({ ...EVALUATE, source: undefined })).toMatch(
      /^modelship\.yml: evaluate\.source: is required for the sagemaker backend/,
    );
    expect(await line({ ...EVALUATE, output: undefined })).toMatch(
      /^modelship\.yml: evaluate\.output: is required/,
    );
    // train's tags count
    const { plan } = await setup({ evaluate: untagged, defaults: { tags: EVALUATE.tags! } });
    expect(plan.tags).toEqual(EVALUATE.tags);
  });
});

describe('waiting for the Processing job', () => {
  it('prints progress and the job log, then downloads the predictions', async () => {
    const { plan, run, log } = await setup();
    sm.on(DescribeProcessingJobCommand)
      .rejectsOnce(notFound())
      .resolvesOnce(job('InProgress'))
      .resolvesOnce(job('InProgress'))
      .resolves(job('Completed', { ProcessingEndTime: new Date(START + 60_000) }));
    logs
      .on(DescribeLogStreamsCommand)
      .resolves({ logStreams: [{ logStreamName: `${plan.jobName}/algo-1-1700000000` }] });
    logs
      .on(GetLogEventsCommand)
      .resolvesOnce({ events: [{ message: 'scored 2 rows\n', timestamp: START }], nextForwardToken: 'f1' })
      .resolves({ events: [], nextForwardToken: 'f1' });
    const prefix = `churn/evaluation/${plan.jobName}/output/`;
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${prefix}predictions.jsonl`, Size: 10 }] });
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: Readable.from([Buffer.from('{"id":"a","label":1,"score":0.8}\n')]),
    }));
    const r = await run.run();
    expect(r).toMatchObject({
      status: 'Completed',
      format: 'jsonl',
      columns: ['id', 'label', 'score'],
      reused: false,
    });
    expect(log.lines).toContain('scored 2 rows');
    expect(log.lines.filter((l) => l.includes('job status:'))).toEqual([
      '[09:00:00Z +0s] job status: InProgress',
      '[09:00:12Z +13s] job status: Completed',
    ]);
    expect(logs.commandCalls(DescribeLogStreamsCommand)[0]!.args[0].input.logGroupName).toBe(
      '/aws/sagemaker/ProcessingJobs',
    );
    expect(sleeps).toEqual([5000, 7500]);
  });

  it('a failed job is a one-line error with its FailureReason; the last log lines are printed', async () => {
    const { plan, run, log } = await setup();
    sm.on(DescribeProcessingJobCommand)
      .rejectsOnce(notFound())
      .resolves(job('Failed', { FailureReason: 'AlgorithmError: See job logs for more information\nmore' }));
    logs
      .on(DescribeLogStreamsCommand)
      .resolves({ logStreams: [{ logStreamName: `${plan.jobName}/algo-1` }] });
    logs
      .on(GetLogEventsCommand)
      .resolvesOnce({ events: [{ message: 'ValueError: columns missing: churned' }], nextForwardToken: 'f1' })
      .resolves({ events: [], nextForwardToken: 'f1' });
    expect(await configErrorLine(run.run())).toBe(
      `evaluation of the candidate (processing job ${plan.jobName}): the job ended Failed: AlgorithmError: See job logs for more information`,
    );
    expect(log.lines.join('\n')).toContain(
      `last lines of the log of ${plan.jobName}:\n  ValueError: columns missing: churned`,
    );
  });

  it('cancel stops the job (StopProcessingJob) and reports the cancellation', async () => {
    const controller = new AbortController();
    const { plan, run } = await setup({}, controller.signal);
    let polls = 0;
    sm.on(DescribeProcessingJobCommand).callsFake(() => {
      polls++;
      if (polls === 1) throw notFound();
      if (polls === 3) controller.abort();
      return sm.commandCalls(StopProcessingJobCommand).length ? job('Stopped') : job('InProgress');
    });
    sm.on(StopProcessingJobCommand).resolves({});
    expect(await configErrorLine(run.run())).toBe(
      `evaluation of the candidate (processing job ${plan.jobName}): cancelled: stopped the job (Stopped)`,
    );
    expect(sm.commandCalls(StopProcessingJobCommand).map((c) => c.args[0].input)).toEqual([
      { ProcessingJobName: plan.jobName },
    ]);
  });

  it('a rejected request is a one-line error', async () => {
    const { run } = await setup();
    sm.on(DescribeProcessingJobCommand).rejects(notFound());
    sm.on(CreateProcessingJobCommand).rejects(
      Object.assign(new Error('The account-level service limit is 0 Instances'), {
        name: 'ResourceLimitExceeded',
      }),
    );
    expect(await configErrorLine(run.run())).toMatch(
      /^evaluation of the candidate \(processing job .*\): SageMaker rejected CreateProcessingJob: The account-level service limit is 0 Instances$/,
    );
  });
});
