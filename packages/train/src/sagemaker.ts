import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  StopTrainingJobCommand,
  type DescribeTrainingJobResponse,
} from '@aws-sdk/client-sagemaker';
import {
  createCloudWatchLogsClient,
  createS3Client,
  createSageMakerClient,
  describeDifferences,
  isSageMakerNotFound,
  jobLogs,
  LineTail,
  LogFollower,
  poll,
  ProgressPrinter,
  requestDifferences,
  sha256Of,
  TRAINING_JOB_LOG_GROUP,
  type AwsEnv,
  type CloudWatchLogsClient,
  type S3Client,
  type SageMakerClient,
  type Sleep,
  type RequestDifference,
  type Snapshot,
  readRequestTag,
} from '@modelship/aws';
import { awsError } from '@modelship/aws';
import { ConfigError, type Logger } from '@modelship/core';
import {
  TERMINAL,
  type JobRef,
  type Preview,
  type StopOutcome,
  type TrainingBackend,
  type TrainingOutcome,
  type WaitOptions,
} from './backend.js';
import { decodeHyperparameters } from './hyperparameters.js';
import { MetricScraper } from './metrics.js';
import type { TrainPlan } from './plan.js';
import { buildTrainingRequest, comparableFields, REQUEST_TAG, sourceUri } from './request.js';
import { uploadSource } from './source.js';

export interface AwsClients {
  sagemaker: SageMakerClient;
  logs: CloudWatchLogsClient;
  s3: S3Client;
}

/** The clients the SageMaker backend uses, built from the step's environment. */
export function createClients(region: string, env: AwsEnv): AwsClients {
  return {
    sagemaker: createSageMakerClient(region, env),
    logs: createCloudWatchLogsClient(region, env),
    s3: createS3Client(region, env),
  };
}

export interface SageMakerDeps {
  clients: AwsClients;
  log: Logger;
  sleep: Sleep;
  now: () => number;
  signal: AbortSignal;
  /** Called just before CreateTrainingJob, so cleanup knows which job this step started. */
  beforeCreate?: (jobName: string) => void;
}

/** How long a cancelled step waits for the job to reach Stopping/Stopped. */
export const STOP_WAIT_MS = 15_000;

function errorName(err: unknown): string {
  return (err as { name?: string } | undefined)?.name ?? '';
}

const isJobNotFound = isSageMakerNotFound;

/** Errors from CreateTrainingJob that the user fixes (role, quota, request values). */
function createError(err: unknown, jobName: string): Error {
  const name = errorName(err);
  if (['ValidationException', 'AccessDeniedException', 'ResourceLimitExceeded'].includes(name)) {
    return new ConfigError(
      `SageMaker rejected CreateTrainingJob: ${(err as Error).message}`,
      `training job ${jobName}`,
      {
        cause: err,
      },
    );
  }
  return awsError(err, `training job ${jobName}`, { action: 'sagemaker:CreateTrainingJob', access: 'write' });
}

function tagDifference(ours: string, theirs: string | undefined): RequestDifference {
  return {
    path: `tag ${REQUEST_TAG}`,
    ours: JSON.stringify(ours),
    theirs: theirs === undefined ? undefined : JSON.stringify(theirs),
  };
}

function iso(d: Date | undefined): string | undefined {
  return d ? new Date(d).toISOString() : undefined;
}

function readableHyperparameters(hps: Record<string, string> | undefined): Record<string, string> {
  const decoded = decodeHyperparameters(hps ?? {});
  return Object.fromEntries(
    Object.entries(decoded).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

function snapshotOf(d: DescribeTrainingJobResponse): Snapshot {
  return {
    status: d.TrainingJobStatus ?? 'InProgress',
    secondaryStatus: d.SecondaryStatus,
    createdAt: iso(d.CreationTime),
    transitions: (d.SecondaryStatusTransitions ?? []).map((t) => ({
      status: t.Status ?? '',
      startTime: iso(t.StartTime) ?? '',
      endTime: iso(t.EndTime),
      message: t.StatusMessage,
    })),
  };
}

/** A DescribeTrainingJob answer in the shape both backends share (final metrics that are not finite numbers left out). */
export function outcomeFromDescription(d: DescribeTrainingJobResponse): TrainingOutcome {
  const snap = snapshotOf(d);
  const submit = d.HyperParameters?.sagemaker_submit_directory;
  return {
    backend: 'sagemaker',
    jobName: d.TrainingJobName ?? '',
    jobArn: d.TrainingJobArn,
    status: snap.status,
    secondaryStatus: d.SecondaryStatus,
    failureReason: d.FailureReason,
    modelArtifact: snap.status === 'Completed' ? d.ModelArtifacts?.S3ModelArtifacts : undefined,
    metrics: Object.fromEntries(
      (d.FinalMetricDataList ?? [])
        .filter((m) => m.MetricName && Number.isFinite(m.Value))
        .map((m) => [m.MetricName!, m.Value!]),
    ),
    billableSeconds: d.BillableTimeInSeconds,
    createdAt: snap.createdAt,
    startedAt: iso(d.TrainingStartTime),
    endedAt: iso(d.TrainingEndTime),
    transitions: snap.transitions,
    lastLines: [],
    stoppedByUs: false,
    timedOut: false,
    image: d.AlgorithmSpecification?.TrainingImage,
    instanceType: d.ResourceConfig?.InstanceType,
    instanceCount: d.ResourceConfig?.InstanceCount,
    spot: d.EnableManagedSpotTraining ?? false,
    hyperparameters: readableHyperparameters(d.HyperParameters),
    channels: Object.fromEntries(
      (d.InputDataConfig ?? []).map((c) => [c.ChannelName ?? '', c.DataSource?.S3DataSource?.S3Uri ?? '']),
    ),
    ...(submit ? { sourceUri: String(decodeSubmit(submit)) } : {}),
  };
}

function decodeSubmit(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Rows of the request table in the job summary. */
export function requestRows(plan: TrainPlan): [string, string][] {
  const r = buildTrainingRequest(plan);
  const rows: [string, string][] = [
    ['job name', r.TrainingJobName ?? ''],
    ['image', r.AlgorithmSpecification?.TrainingImage ?? ''],
    ['role', r.RoleArn ?? ''],
    [
      'instances',
      `${r.ResourceConfig?.InstanceCount} × ${r.ResourceConfig?.InstanceType}, ${r.ResourceConfig?.VolumeSizeInGB} GB`,
    ],
    ['max runtime', `${r.StoppingCondition?.MaxRuntimeInSeconds} s`],
    [
      'spot',
      r.EnableManagedSpotTraining ? `yes, max wait ${r.StoppingCondition?.MaxWaitTimeInSeconds} s` : 'no',
    ],
    ['output', r.OutputDataConfig?.S3OutputPath ?? ''],
  ];
  for (const c of r.InputDataConfig ?? [])
    rows.push([`channel ${c.ChannelName}`, c.DataSource?.S3DataSource?.S3Uri ?? '']);
  if (plan.script) rows.push(['program', `${plan.script.program} (source ${sourceUri(plan)})`]);
  for (const [k, v] of Object.entries(r.HyperParameters ?? {}))
    if (!k.startsWith('sagemaker_')) rows.push([`hp ${k}`, v]);
  for (const m of r.AlgorithmSpecification?.MetricDefinitions ?? [])
    rows.push([`metric ${m.Name}`, m.Regex ?? '']);
  for (const t of r.Tags ?? []) rows.push([`tag ${t.Key}`, t.Value ?? '']);
  return rows;
}

export class SageMakerBackend implements TrainingBackend {
  readonly kind = 'sagemaker' as const;

  constructor(private readonly deps: SageMakerDeps) {}

  preview(plan: TrainPlan): Preview {
    return { request: buildTrainingRequest(plan), rows: requestRows(plan) };
  }

  /**
   * DescribeTrainingJob (the client retries throttling). `signal` aborts the call and its retries;
   * none for the calls that must finish while the step is being cancelled.
   */
  private async describeRaw(
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<DescribeTrainingJobResponse> {
    const cmd = new DescribeTrainingJobCommand({ TrainingJobName: name });
    try {
      return await this.deps.clients.sagemaker.send(cmd, { abortSignal: signal });
    } catch (err) {
      // Not found is the caller's to decide (a first run); credentials, access, throttling are the user's.
      if (isJobNotFound(err)) throw err;
      throw awsError(err, `training job ${name}`, {
        action: 'sagemaker:DescribeTrainingJob',
        kind: 'training job',
      });
    }
  }

  private async find(name: string): Promise<DescribeTrainingJobResponse | undefined> {
    try {
      return await this.describeRaw(name, this.deps.signal);
    } catch (err) {
      if (isJobNotFound(err)) return undefined;
      throw err;
    }
  }

  private ref(d: DescribeTrainingJobResponse, created: boolean): JobRef {
    return {
      name: d.TrainingJobName!,
      arn: d.TrainingJobArn,
      status: d.TrainingJobStatus ?? 'InProgress',
      created,
    };
  }

  /** A re-run: attach to the job of this name, which must have been started with this very request. */
  private async reuse(plan: TrainPlan, d: DescribeTrainingJobResponse): Promise<JobRef> {
    const diffs = requestDifferences(comparableFields(buildTrainingRequest(plan)), comparableFields(d));
    const tag = await this.requestTag(d);
    if (tag !== null && tag !== plan.requestSha256) {
      diffs.push(tagDifference(plan.requestSha256, tag));
    }
    if (diffs.length > 0) {
      throw new ConfigError(
        `exists with a different request: ${describeDifferences(diffs)}`,
        `training job ${plan.jobName}`,
        {
          hint: `a job name is reused only for the same request, and this one was not started by this step's config; re-run the workflow (a new attempt is a new job), or follow that job as it is with \`attach: ${plan.jobName}\``,
        },
      );
    }
    this.deps.log.info(
      `training job ${plan.jobName} already exists (${d.TrainingJobStatus}): attaching to it instead of starting a duplicate`,
    );
    return this.ref(d, false);
  }

  /**
   * The job's {@link REQUEST_TAG} (undefined when it has none), or null when the tags cannot be
   * read (no sagemaker:ListTags): then only the described fields are compared, with a warning.
   */
  private requestTag(d: DescribeTrainingJobResponse): Promise<string | undefined | null> {
    return readRequestTag(this.deps.clients.sagemaker, d.TrainingJobArn, {
      signal: this.deps.signal,
      what: `training job ${d.TrainingJobName}`,
      describe: 'DescribeTrainingJob',
      warn: (m) => this.deps.log.warn(m),
    });
  }

  async start(plan: TrainPlan): Promise<JobRef> {
    const existing = await this.find(plan.jobName);
    if (existing) return this.reuse(plan, existing);
    this.deps.beforeCreate?.(plan.jobName);
    if (plan.script)
      await uploadSource(
        this.deps.clients.s3,
        plan.script.dir,
        sourceUri(plan),
        this.deps.log,
        this.deps.signal,
      );
    if (this.deps.signal.aborted)
      throw new ConfigError('cancelled before the job was created', `training job ${plan.jobName}`);
    const request = buildTrainingRequest(plan);
    try {
      const out = await this.deps.clients.sagemaker.send(new CreateTrainingJobCommand(request), {
        abortSignal: this.deps.signal,
      });
      this.deps.log.info(`started training job ${plan.jobName} (${out.TrainingJobArn})`);
      return { name: plan.jobName, arn: out.TrainingJobArn, status: 'InProgress', created: true };
    } catch (err) {
      // Created meanwhile by a concurrent run of the same step: the same checks as a re-run.
      const raced = errorName(err) === 'ResourceInUse' ? await this.find(plan.jobName) : undefined;
      if (raced) return this.reuse(plan, raced);
      throw createError(err, plan.jobName);
    }
  }

  async attach(name: string): Promise<JobRef> {
    const d = await this.find(name);
    if (!d)
      throw new ConfigError(
        'no SageMaker training job with this name in this account and region',
        `attach: ${name}`,
      );
    this.deps.log.info(`attached to training job ${name} (${d.TrainingJobStatus})`);
    return this.ref(d, false);
  }

  async describe(ref: JobRef): Promise<TrainingOutcome> {
    return outcomeFromDescription(await this.describeRaw(ref.name, this.deps.signal));
  }

  async wait(ref: JobRef, opts: WaitOptions): Promise<TrainingOutcome> {
    const { log } = this.deps;
    const tail = new LineTail();
    // SageMaker scrapes the metrics itself (FinalMetricDataList is the result); the same regexes
    // over the followed log warn here about captures that are not numbers, which would go unseen.
    const scraper = new MetricScraper(opts.metrics, (m) => log.warn(m));
    const follower = new LogFollower(this.deps.clients.logs, jobLogs(TRAINING_JOB_LOG_GROUP, ref.name), {
      onLine: (line) => {
        tail.push(line);
        log.info(line);
        scraper.push(line);
      },
      onWarning: (m) => log.warn(m),
      signal: opts.signal,
    });
    const printer = new ProgressPrinter(log, this.deps.now);
    const { last, stoppedByUs, timedOut } = await log.group(
      `SageMaker training job ${ref.name}`,
      async () => {
        const loop = await poll({
          describe: (signal) => this.describeRaw(ref.name, signal),
          status: (d) => d.TrainingJobStatus,
          terminal: TERMINAL,
          signal: opts.signal,
          deadline: opts.deadline,
          sleep: this.deps.sleep,
          now: this.deps.now,
          onPoll: async (d) => {
            printer.update(snapshotOf(d));
            await follower.poll();
          },
        });
        if (loop.end !== 'aborted') {
          if (loop.end === 'terminal') await follower.poll();
          return { last: loop.last, stoppedByUs: false, timedOut: loop.end === 'deadline' };
        }
        const stopped = await this.stopAndWait(ref.name);
        printer.update(snapshotOf(stopped));
        return { last: stopped, stoppedByUs: true, timedOut: false };
      },
    );
    for (const m of last.FinalMetricDataList ?? []) {
      if (m.MetricName && m.Value !== undefined && !Number.isFinite(m.Value))
        log.warn(`metric ${m.MetricName}: SageMaker reported ${m.Value}, not a number; it is left out`);
    }
    const outcome = { ...outcomeFromDescription(last), lastLines: tail.get(), stoppedByUs, timedOut };
    if (outcome.modelArtifact) outcome.modelSha256 = await this.digest(outcome.modelArtifact);
    return outcome;
  }

  /** sha256 of the model artefact, streamed from S3 (never held in memory). */
  private async digest(uri: string): Promise<string> {
    this.deps.log.info(`computing sha256 of ${uri}`);
    return (await sha256Of(uri, { s3: this.deps.clients.s3 })).sha256;
  }

  /** Cancellation: StopTrainingJob, then wait briefly (not abortable) for Stopping/Stopped. */
  private async stopAndWait(name: string): Promise<DescribeTrainingJobResponse> {
    this.deps.log.warn(`cancelled: stopping training job ${name}`);
    await this.sendStop(name);
    const until = this.deps.now() + STOP_WAIT_MS;
    for (;;) {
      const d = await this.describeRaw(name, undefined);
      if (d.TrainingJobStatus !== 'InProgress' || this.deps.now() >= until) return d;
      await this.deps.sleep(2_000);
    }
  }

  private async sendStop(name: string): Promise<void> {
    try {
      await this.deps.clients.sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: name }));
    } catch (err) {
      if (errorName(err) === 'AccessDeniedException') {
        throw new ConfigError(
          'access denied stopping the job (the role needs sagemaker:StopTrainingJob)',
          `training job ${name}`,
          {
            cause: err,
          },
        );
      }
      // A job that already ended cannot be stopped; that is not an error here.
      if (errorName(err) !== 'ValidationException') throw err;
      this.deps.log.debug(`StopTrainingJob: ${(err as Error).message}`);
    }
  }

  async stop(name: string): Promise<StopOutcome> {
    const d = await this.find(name);
    if (!d) return { status: 'NotFound', stopped: false };
    if (d.TrainingJobStatus !== 'InProgress')
      return { status: d.TrainingJobStatus ?? 'Unknown', stopped: false };
    await this.sendStop(name);
    return { status: 'Stopping', stopped: true };
  }
}
