/**
 * The SageMaker backend against aws-sdk-client-mock: what moto cannot do or cannot fail (status
 * sequences, throttling, StopTrainingJob on cancel, log paging, the polling budget).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  ListTagsCommand,
  SageMakerClient,
  StopTrainingJobCommand,
  type DescribeTrainingJobResponse,
} from '@aws-sdk/client-sagemaker';
import { pollCallsFor } from '@modelship/aws';
import { MemoryState } from '@modelship/core';
import { mockClient } from 'aws-sdk-client-mock';
import { createTrainStep, STATE } from '../src/step.js';
import {
  fakeClock,
  GITHUB_ENV,
  JOB_NAME,
  makeContext,
  REQUEST_SHA256,
  runStep,
  SAGEMAKER_YAML,
  workspace,
  type Workspace,
} from './helpers.js';

const sm = mockClient(SageMakerClient);
const logs = mockClient(CloudWatchLogsClient);
const s3 = mockClient(S3Client);
afterAll(() => {
  sm.restore();
  logs.restore();
  s3.restore();
});

const ARN = `arn:aws:sagemaker:us-east-1:123456789012:training-job/${JOB_NAME}`;
const ARTEFACT = `s3://acme-ml/churn/models/${JOB_NAME}/output/model.tar.gz`;
const MODEL_BYTES = Buffer.from('pretend this is model.tar.gz');

let ws: Workspace;
let clock: ReturnType<typeof fakeClock>;
const START = Date.parse('2026-11-22T09:00:00Z');

beforeEach(async () => {
  sm.reset();
  logs.reset();
  s3.reset();
  clock = fakeClock(START);
  ws = await workspace({ 'modelship.yml': SAGEMAKER_YAML });
  logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [] });
  s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from([MODEL_BYTES]) }));
  sm.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: ARN });
  sm.on(ListTagsCommand).resolves({ Tags: [{ Key: 'modelship:request-sha256', Value: REQUEST_SHA256 }] });
});
afterEach(() => ws.cleanup());

const notFound = () =>
  Object.assign(new Error('Requested resource not found.'), { name: 'ValidationException' });
const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });

const at = (s: number) => new Date(START + s * 1000);
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';

/** SAGEMAKER_YAML's job as DescribeTrainingJob reports it, in `status`. */
function job(status: string, extra: Partial<DescribeTrainingJobResponse> = {}): DescribeTrainingJobResponse {
  const done = status !== 'InProgress';
  return {
    TrainingJobName: JOB_NAME,
    TrainingJobArn: ARN,
    TrainingJobStatus: status,
    SecondaryStatus: done ? status : 'Training',
    CreationTime: at(0),
    TrainingStartTime: at(60),
    TrainingEndTime: done ? at(300) : undefined,
    SecondaryStatusTransitions: [
      {
        Status: 'Starting',
        StartTime: at(0),
        EndTime: at(40),
        StatusMessage: 'Preparing the instances for training',
      },
      { Status: 'Downloading', StartTime: at(40), EndTime: at(60), StatusMessage: 'Downloading input data' },
      {
        Status: 'Training',
        StartTime: at(60),
        EndTime: done ? at(290) : undefined,
        StatusMessage: 'Training image download completed.',
      },
      ...(done
        ? [
            {
              Status: status,
              StartTime: at(300),
              EndTime: at(300),
              StatusMessage: `Training job ${status.toLowerCase()}`,
            },
          ]
        : []),
    ],
    ModelArtifacts: { S3ModelArtifacts: ARTEFACT },
    AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    HyperParameters: { c: '1', solver: 'lbfgs' },
    InputDataConfig: ['train', 'validation'].map((c) => ({
      ChannelName: c,
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://acme-ml/churn/${c}/` } },
    })),
    OutputDataConfig: { S3OutputPath: 's3://acme-ml/churn/models/' },
    RoleArn: 'arn:aws:iam::123456789012:role/ModelshipTraining',
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    FinalMetricDataList: done ? [{ MetricName: 'auc', Value: 0.84, Timestamp: at(290) }] : undefined,
    BillableTimeInSeconds: done ? 1234 : undefined,
    ...extra,
  } as DescribeTrainingJobResponse;
}

function step() {
  return createTrainStep({ sleep: clock.sleep });
}

function run(inputs: Record<string, string> = {}, opts: { signal?: AbortSignal; state?: MemoryState } = {}) {
  return runStep(
    step(),
    { config: 'modelship.yml', ...inputs },
    { cwd: ws.dir, env: GITHUB_ENV, now: clock.date, ...opts },
  );
}

async function manifest(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(ws.dir, '.modelship', 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

describe('status sequences', () => {
  it('InProgress → Completed: outputs, artefact sha256, metrics, billable time, manifest', async () => {
    sm.on(DescribeTrainingJobCommand)
      .rejectsOnce(notFound())
      .resolvesOnce(job('InProgress'))
      .resolvesOnce(job('InProgress'))
      .resolves(job('Completed'));
    const { result, text, state } = await run();
    expect(result.ok).toBe(true);
    expect(result.headline).toBe(`trained ${JOB_NAME} in 4m00s: auc=0.84`);
    const sha = createHash('sha256').update(MODEL_BYTES).digest('hex');
    expect(result.outputs).toEqual({
      'job-name': JOB_NAME,
      'job-arn': ARN,
      status: 'Completed',
      'model-artifact': ARTEFACT,
      'model-sha256': sha,
      metrics: '{"auc":0.84}',
      'billable-seconds': '1234',
      'estimated-cost-usd': '0.08',
    });
    expect(sm.commandCalls(CreateTrainingJobCommand)).toHaveLength(1);
    expect(sm.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input.TrainingJobName).toBe(JOB_NAME);
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'acme-ml',
      Key: `churn/models/${JOB_NAME}/output/model.tar.gz`,
    });
    // secondary transitions with timestamps and elapsed time, once each
    expect(text).toContain('[09:00:00Z +0s] Starting: Preparing the instances for training');
    expect(text).toContain('[09:01:00Z +1m00s] Training: Training image download completed.');
    expect(text.match(/\] Downloading:/g)).toHaveLength(1);
    expect(text).toContain(`>> SageMaker training job ${JOB_NAME}`);
    expect(result.summary).toContain('#### Status transitions');
    expect(result.summary).toContain('#### Cost (estimate)');
    expect(result.summary).toContain(sha);
    expect(state.get(STATE.job)).toBe(JOB_NAME);
    expect(state.get(STATE.settled)).toBe('finished');
    const training = (await manifest()).training as Record<string, unknown>;
    expect(training).toMatchObject({
      backend: 'sagemaker',
      jobName: JOB_NAME,
      jobArn: ARN,
      status: 'Completed',
      modelArtifact: ARTEFACT,
      modelSha256: sha,
      metrics: { auc: 0.84 },
      hyperparameters: { c: '1', solver: 'lbfgs' },
      channels: { train: 's3://acme-ml/churn/train/', validation: 's3://acme-ml/churn/validation/' },
      image: IMAGE,
      instanceType: 'ml.m5.xlarge',
      billableSeconds: 1234,
    });
  });

  it('InProgress → Failed: fails with FailureReason and the last log lines', async () => {
    sm.on(DescribeTrainingJobCommand)
      .rejectsOnce(notFound())
      .resolvesOnce(job('InProgress'))
      .resolves(job('Failed', { FailureReason: 'AlgorithmError: ValueError: bad column' }));
    logs
      .on(DescribeLogStreamsCommand)
      .resolves({ logStreams: [{ logStreamName: `${JOB_NAME}/algo-1-1700000000` }] });
    logs
      .on(GetLogEventsCommand)
      .resolvesOnce({
        events: [{ message: 'loading data' }, { message: 'Traceback: ValueError: bad column' }],
        nextForwardToken: 'f/1',
      })
      .resolves({ events: [], nextForwardToken: 'f/1' });
    const { result, text, state } = await run();
    expect(result.ok).toBe(false);
    expect(result.headline).toBe(`training job ${JOB_NAME} failed: AlgorithmError: ValueError: bad column`);
    expect(result.outputs.status).toBe('Failed');
    expect(result.outputs['model-artifact']).toBe('');
    expect(result.summary).toContain('Traceback: ValueError: bad column');
    expect(text).toContain('last lines of the training log');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(state.get(STATE.settled)).toBe('finished');
    expect(((await manifest()).training as Record<string, unknown>).failureReason).toBe(
      'AlgorithmError: ValueError: bad column',
    );
  });

  it('InProgress → Stopped (by someone else) is a failure', async () => {
    sm.on(DescribeTrainingJobCommand)
      .rejectsOnce(notFound())
      .resolvesOnce(job('InProgress'))
      .resolves(job('Stopped'));
    const { result } = await run();
    expect(result.ok).toBe(false);
    expect(result.headline).toBe(`training job ${JOB_NAME} was stopped (not by this step)`);
  });
});

// The clients retry throttling themselves (packages/aws/test/retry.test.ts); the mock stands in
// for a client whose retries are spent, so each error below is the one the step finally sees.
describe('throttling', () => {
  it('is not retried a second time by the step', async () => {
    sm.on(DescribeTrainingJobCommand)
      .rejectsOnce(notFound())
      .rejectsOnce(throttled())
      .resolves(job('Completed'));
    await expect(run()).rejects.toThrow('SageMaker throttled the requests');
    expect(sm.commandCalls(DescribeTrainingJobCommand)).toHaveLength(2);
    expect(clock.sleeps).toEqual([]);
  });

  it('once the retries are spent is one line naming the job, leaving the job to be attached', async () => {
    sm.on(DescribeTrainingJobCommand).rejectsOnce(notFound()).rejects(throttled());
    const state = new MemoryState();
    await expect(run({}, { state })).rejects.toMatchObject({
      where: `training job ${JOB_NAME}`,
      message: expect.stringContaining('SageMaker throttled the requests'),
    });
    expect(state.get(STATE.settled)).toBe('abandoned');
  });
});

describe('credentials and access', () => {
  it.each([
    ['no credentials', 'CredentialsProviderError', 'no AWS credentials found', 'configure credentials'],
    [
      'denied DescribeTrainingJob',
      'AccessDeniedException',
      'access denied reading from SageMaker',
      'sagemaker:DescribeTrainingJob',
    ],
  ])(
    '%s before anything is created is one line naming the job, with a hint',
    async (_c, name, line, hint) => {
      sm.on(DescribeTrainingJobCommand).rejects(Object.assign(new Error('from the SDK'), { name }));
      await expect(run()).rejects.toMatchObject({
        where: `training job ${JOB_NAME}`,
        message: line,
        hint: expect.stringContaining(hint),
      });
      expect(sm.commandCalls(CreateTrainingJobCommand)).toHaveLength(0);
    },
  );

  it('denied CreateTrainingJob names the action to allow', async () => {
    sm.on(DescribeTrainingJobCommand).rejects(notFound());
    sm.on(CreateTrainingJobCommand).rejects(
      Object.assign(new Error('User is not authorized'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(run()).rejects.toMatchObject({
      where: `training job ${JOB_NAME}`,
      message: 'access denied writing to SageMaker',
      hint: expect.stringContaining('sagemaker:CreateTrainingJob'),
    });
  });
});

describe('cancellation', () => {
  it.each([
    ['between two status calls', false],
    ['during a status call (the call fails aborted)', true],
  ])(
    'calls StopTrainingJob on abort %s, waits for Stopping and reports a cancellation',
    async (_when, inFlight) => {
      const ac = new AbortController();
      let polls = 0;
      sm.on(DescribeTrainingJobCommand).callsFake(() => {
        polls++;
        if (polls === 1) throw notFound();
        if (sm.commandCalls(StopTrainingJobCommand).length > 0) return job('Stopping');
        if (polls === 3) {
          ac.abort();
          if (inFlight) throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
        }
        return job('InProgress');
      });
      sm.on(StopTrainingJobCommand).resolves({});
      const { result, state, text } = await run({}, { signal: ac.signal });
      expect(sm.commandCalls(StopTrainingJobCommand)).toHaveLength(1);
      expect(sm.commandCalls(StopTrainingJobCommand)[0]!.args[0].input).toEqual({
        TrainingJobName: JOB_NAME,
      });
      expect(result.ok).toBe(false);
      expect(result.headline).toBe(`cancelled: stopped training job ${JOB_NAME} (Stopping)`);
      expect(text).toContain(`cancelled: stopping training job ${JOB_NAME}`);
      expect(state.get(STATE.settled)).toBe('stopped');
    },
  );

  it('post stops a job this step started when the step never settled it', async () => {
    const state = new MemoryState();
    state.save(STATE.job, JOB_NAME);
    state.save(STATE.backend, 'sagemaker');
    state.save(STATE.region, 'us-east-1');
    sm.on(DescribeTrainingJobCommand).resolves(job('InProgress'));
    sm.on(StopTrainingJobCommand).resolves({});
    const { ctx, log } = await makeContext(ws.dir, { state, env: GITHUB_ENV });
    await (
      await step().load()
    ).post!(ctx);
    expect(sm.commandCalls(StopTrainingJobCommand)).toHaveLength(1);
    expect(log.lines.join('\n')).toContain(`stopped it`);
  });

  it('post leaves alone a finished job, a settled job, and a job it merely attached to', async () => {
    sm.on(DescribeTrainingJobCommand).resolves(job('Completed'));
    const finished = new MemoryState();
    finished.save(STATE.job, JOB_NAME);
    const settled = new MemoryState();
    settled.save(STATE.job, JOB_NAME);
    settled.save(STATE.settled, 'detached');
    for (const state of [finished, settled, new MemoryState()]) {
      const { ctx } = await makeContext(ws.dir, { state, env: GITHUB_ENV });
      await (
        await step().load()
      ).post!(ctx);
    }
    expect(sm.commandCalls(StopTrainingJobCommand)).toHaveLength(0);
  });
});

describe('re-runs, wait: false, attach, timeout', () => {
  it('a re-run finds the job and attaches instead of creating a duplicate', async () => {
    sm.on(DescribeTrainingJobCommand).resolves(job('Completed'));
    const { result, text, state } = await run();
    expect(result.ok).toBe(true);
    expect(sm.commandCalls(CreateTrainingJobCommand)).toHaveLength(0);
    expect(text).toContain('already exists (Completed): attaching to it instead of starting a duplicate');
    expect(state.get(STATE.job)).toBeUndefined();
  });

  it('a job of this name with another request is a one-line error naming what differs', async () => {
    sm.on(DescribeTrainingJobCommand).resolves(
      job('Completed', { HyperParameters: { c: '2', solver: 'lbfgs' } }),
    );
    const state = new MemoryState();
    await expect(run({}, { state })).rejects.toMatchObject({
      line: `training job ${JOB_NAME}: exists with a different request: hyperparameters.c ("1" here, "2" there)`,
      hint: expect.stringContaining(`attach: ${JOB_NAME}`),
    });
    expect(sm.commandCalls(CreateTrainingJobCommand)).toHaveLength(0);
    expect(state.get(STATE.job)).toBeUndefined();
  });

  it.each([
    [
      'another request digest',
      [{ Key: 'modelship:request-sha256', Value: 'f'.repeat(64) }],
      `"${'f'.repeat(38)}…`,
    ],
    ['no request digest (not started by modelship)', [{ Key: 'project', Value: 'churn' }], 'absent'],
  ])('a job of this name tagged with %s is an error too', async (_what, Tags, theirs) => {
    sm.on(DescribeTrainingJobCommand).resolves(job('Completed'));
    sm.on(ListTagsCommand).resolves({ Tags });
    await expect(run()).rejects.toMatchObject({
      line: `training job ${JOB_NAME}: exists with a different request: tag modelship:request-sha256 ("${REQUEST_SHA256.slice(0, 38)}… here, ${theirs} there)`,
    });
    expect(sm.commandCalls(ListTagsCommand)[0]!.args[0].input.ResourceArn).toBe(ARN);
  });

  it('without sagemaker:ListTags a re-run compares the described fields and warns', async () => {
    sm.on(DescribeTrainingJobCommand).resolves(job('Completed'));
    sm.on(ListTagsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    const { result, text } = await run();
    expect(result.ok).toBe(true);
    expect(text).toContain(
      `warning: cannot read the tags of training job ${JOB_NAME} (the role needs sagemaker:ListTags)`,
    );
    expect(text).toContain('attaching to it instead of starting a duplicate');
  });

  it('a job created meanwhile by a concurrent run is checked the same way', async () => {
    sm.on(DescribeTrainingJobCommand)
      .rejectsOnce(notFound())
      .resolves(job('InProgress', { HyperParameters: { c: '0.5', solver: 'lbfgs' } }));
    sm.on(CreateTrainingJobCommand).rejects(Object.assign(new Error('in use'), { name: 'ResourceInUse' }));
    await expect(run()).rejects.toMatchObject({
      line: `training job ${JOB_NAME}: exists with a different request: hyperparameters.c ("1" here, "0.5" there)`,
    });
  });

  it('wait: false starts the job and returns; a later attach follows it to the end', async () => {
    sm.on(DescribeTrainingJobCommand).rejectsOnce(notFound()).resolves(job('InProgress'));
    const first = await run({ wait: 'false' });
    expect(first.result.ok).toBe(true);
    expect(first.result.outputs).toMatchObject({
      'job-name': JOB_NAME,
      status: 'InProgress',
      'billable-seconds': '',
    });
    expect(first.result.outputs['estimated-cost-usd']).toBe('0.23');
    expect(first.result.headline).toContain(`attach: ${JOB_NAME}`);
    expect(first.state.get(STATE.settled)).toBe('detached');

    sm.on(DescribeTrainingJobCommand).resolvesOnce(job('InProgress')).resolves(job('Completed'));
    const later = await run({ attach: JOB_NAME });
    expect(later.result.ok).toBe(true);
    expect(later.result.outputs.status).toBe('Completed');
    expect(later.state.get(STATE.job)).toBeUndefined();
    expect(sm.commandCalls(CreateTrainingJobCommand)).toHaveLength(1);
  });

  it('attach to an unknown job is a one-line error', async () => {
    sm.on(DescribeTrainingJobCommand).rejects(notFound());
    await expect(run({ attach: 'nope-1' })).rejects.toMatchObject({
      line: 'attach: nope-1: no SageMaker training job with this name in this account and region',
    });
  });

  it('timeout-minutes stops waiting, not the job', async () => {
    sm.on(DescribeTrainingJobCommand).rejectsOnce(notFound()).resolves(job('InProgress'));
    const { result, state } = await run({ 'timeout-minutes': '5' });
    expect(result.ok).toBe(false);
    expect(result.headline).toBe(
      `stopped waiting after 5 min: training job ${JOB_NAME} is still InProgress; attach later with \`attach: ${JOB_NAME}\``,
    );
    expect(sm.commandCalls(StopTrainingJobCommand)).toHaveLength(0);
    expect(clock.now() - START).toBe(300_000);
    expect(state.get(STATE.settled)).toBe('left-running');
  });
});

describe('CloudWatch logs', () => {
  it('streams every stream of the job with nextForwardToken paging, in a group', async () => {
    sm.on(DescribeTrainingJobCommand)
      .rejectsOnce(notFound())
      .resolvesOnce(job('InProgress'))
      .resolvesOnce(job('InProgress'))
      .resolves(job('Completed'));
    logs
      .on(DescribeLogStreamsCommand)
      .resolvesOnce({ logStreams: [{ logStreamName: `${JOB_NAME}/algo-1-1` }], nextToken: 'page2' })
      .resolves({ logStreams: [{ logStreamName: `${JOB_NAME}/algo-2-1` }] });
    const pages: Record<string, { events: { message: string }[]; nextForwardToken: string }[]> = {
      'algo-1-1': [
        { events: [{ message: 'a1' }, { message: 'a2' }], nextForwardToken: 'f/a1' },
        { events: [{ message: 'a3\n' }], nextForwardToken: 'f/a2' },
        { events: [], nextForwardToken: 'f/a2' },
      ],
      'algo-2-1': [{ events: [{ message: 'b1' }], nextForwardToken: 'f/b1' }],
    };
    logs.on(GetLogEventsCommand).callsFake((input: { logStreamName: string; nextToken?: string }) => {
      const host = input.logStreamName.split('/')[1]!;
      const list = pages[host]!;
      const i =
        input.nextToken === undefined ? 0 : list.findIndex((p) => p.nextForwardToken === input.nextToken) + 1;
      return list[i] ?? { events: [], nextForwardToken: input.nextToken };
    });
    const { result, log } = await run();
    expect(result.ok).toBe(true);
    const open = log.lines.indexOf(`>> SageMaker training job ${JOB_NAME}`);
    const close = log.lines.indexOf(`<< SageMaker training job ${JOB_NAME}`);
    const lines = log.lines.slice(open, close).filter((l) => /^\[algo-/.test(l));
    expect(lines).toEqual(['[algo-1-1] a1', '[algo-1-1] a2', '[algo-1-1] a3', '[algo-2-1] b1']);
    const calls = logs.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input);
    expect(
      calls.every((c) => c.logGroupName === '/aws/sagemaker/TrainingJobs' && c.startFromHead === true),
    ).toBe(true);
    expect(calls.filter((c) => c.logStreamName!.endsWith('algo-1-1')).map((c) => c.nextToken)).toEqual(
      expect.arrayContaining([undefined, 'f/a1', 'f/a2']),
    );
    expect(logs.commandCalls(DescribeLogStreamsCommand)[0]!.args[0].input).toMatchObject({
      logGroupName: '/aws/sagemaker/TrainingJobs',
      logStreamNamePrefix: `${JOB_NAME}/`,
    });
  });

  it('warns about metric captures that are not numbers, and drops final metrics that are not finite', async () => {
    sm.on(DescribeTrainingJobCommand)
      .rejectsOnce(notFound())
      .resolves(
        job('Completed', {
          FinalMetricDataList: [
            { MetricName: 'auc', Value: 0.84, Timestamp: at(290) },
            { MetricName: 'loss', Value: NaN, Timestamp: at(290) },
          ],
        }),
      );
    logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: `${JOB_NAME}/algo-1-1` }] });
    logs
      .on(GetLogEventsCommand)
      .resolvesOnce({ events: [{ message: 'validation:auc=0.84.' }], nextForwardToken: 'f/1' })
      .resolves({ events: [], nextForwardToken: 'f/1' });
    const { result, text } = await run();
    expect(result.ok).toBe(true);
    expect(result.outputs.metrics).toBe('{"auc":0.84}');
    expect(text).toContain(
      'warning: metric auc: its regex "validation:auc=([0-9.]+)" captured "0.84.", which is not a number (line: "validation:auc=0.84.")',
    );
    expect(text).toContain('warning: metric loss: SageMaker reported NaN, not a number; it is left out');
  });

  it('a log access error is a warning, not a failure', async () => {
    sm.on(DescribeTrainingJobCommand).rejectsOnce(notFound()).resolves(job('Completed'));
    logs
      .on(DescribeLogStreamsCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const { result, text } = await run();
    expect(result.ok).toBe(true);
    expect(text).toContain("warning: cannot read the job's CloudWatch logs");
  });
});

describe('polling budget', () => {
  it('a one-hour job costs at most about 80 DescribeTrainingJob calls', async () => {
    const end = START + 3_600_000;
    sm.on(DescribeTrainingJobCommand)
      .rejectsOnce(notFound())
      .callsFake(() => job(clock.now() >= end ? 'Completed' : 'InProgress'));
    const { result } = await run();
    expect(result.ok).toBe(true);
    const polls = sm.commandCalls(DescribeTrainingJobCommand).length - 1;
    expect(polls).toBe(pollCallsFor(3_600_000));
    expect(polls).toBeLessThanOrEqual(80);
  });
});

describe('dry run, script mode, request errors', () => {
  it('dry-run prints the exact request and creates nothing', async () => {
    const { result, text } = await run({ 'dry-run': 'true' });
    expect(result.ok).toBe(true);
    expect(result.outputs).toMatchObject({
      'job-name': JOB_NAME,
      status: 'DryRun',
      'estimated-cost-usd': '0.23',
    });
    expect(text).toContain(`"TrainingJobName": "${JOB_NAME}"`);
    expect(result.summary).toContain('"MaxRuntimeInSeconds": 3600');
    expect(sm.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('script mode packs and uploads the source, then points the job at it', async () => {
    await mkdir(join(ws.dir, 'src'));
    await writeFile(join(ws.dir, 'src', 'train.py'), 'print("validation:auc=0.9")\n');
    await writeFile(join(ws.dir, 'modelship.yml'), SAGEMAKER_YAML + '  source: src\n  program: train.py\n');
    s3.on(PutObjectCommand).resolves({});
    sm.on(DescribeTrainingJobCommand).rejectsOnce(notFound()).resolves(job('Completed'));
    const { result } = await run();
    expect(result.ok).toBe(true);
    // the source is part of the request, so the name differs from the job without it
    const name = sm.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input.TrainingJobName!;
    expect(name).toMatch(/^churn-1a2b3c4-9876543210-1-[0-9a-f]{8}$/);
    expect(name).not.toBe(JOB_NAME);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'acme-ml', Key: `churn/models/${name}/source/sourcedir.tar.gz` });
    const hps = sm.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input.HyperParameters!;
    expect(JSON.parse(hps.sagemaker_submit_directory!)).toBe(
      `s3://acme-ml/churn/models/${name}/source/sourcedir.tar.gz`,
    );
    expect(JSON.parse(hps.sagemaker_program!)).toBe('train.py');
  });

  it('a request SageMaker rejects is one line naming the job', async () => {
    sm.on(DescribeTrainingJobCommand).rejects(notFound());
    sm.on(CreateTrainingJobCommand).rejects(
      Object.assign(new Error('Could not assume role arn:aws:iam::123456789012:role/ModelshipTraining'), {
        name: 'ValidationException',
      }),
    );
    await expect(run()).rejects.toMatchObject({
      line: `training job ${JOB_NAME}: SageMaker rejected CreateTrainingJob: Could not assume role arn:aws:iam::123456789012:role/ModelshipTraining`,
    });
  });
});
