import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  CreateProcessingJobCommand,
  DescribeProcessingJobCommand,
  StopProcessingJobCommand,
  type CreateProcessingJobRequest,
  type DescribeProcessingJobResponse,
  type ProcessingInstanceType,
} from '@aws-sdk/client-sagemaker';
import {
  awsError,
  createCloudWatchLogsClient,
  createS3Client,
  createSageMakerClient,
  describeDifferences,
  jobLogs,
  LineTail,
  listS3Objects,
  LogFollower,
  openS3Object,
  parseS3Uri,
  poll,
  PROCESSING_JOB_LOG_GROUP,
  ProgressPrinter,
  requestDifferences,
  sleep as realSleep,
  uploadS3File,
  type CloudWatchLogsClient,
  type RequestDifference,
  type S3Client,
  type SageMakerClient,
  type Snapshot,
  readRequestTag,
} from '@modelship/aws';
import { ConfigError, type StepContext } from '@modelship/core';
import { fileSha256, interpreterOf, packDir, SOURCE_EXCLUDES } from '@modelship/local';
import {
  evaluationEnv,
  findPredictions,
  PREDICTION_FILES,
  PROCESSING_PATHS,
  REQUEST_TAG,
  type EvaluationDeps,
  type EvaluationPlan,
  type EvaluationResult,
} from './evaluate.js';

export interface EvaluationClients {
  sagemaker: SageMakerClient;
  logs: CloudWatchLogsClient;
  s3: S3Client;
}

export type SageMakerEvaluationDeps = Pick<StepContext, 'log' | 'env' | 'signal' | 'now'> &
  EvaluationDeps & { clients?: EvaluationClients };

/** Processing job statuses that end the waiting. */
const TERMINAL: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Stopped']);

/** How long a cancelled run waits for the job to reach Stopping/Stopped. */
export const STOP_WAIT_MS = 15_000;

/** `<output>/<job>`: where a job's source and predictions go. */
function jobPrefix(plan: EvaluationPlan): string {
  return `${plan.evaluate.output!.replace(/\/+$/, '')}/${plan.jobName}`;
}

/** Script mode: where the packed source goes (the `code` input). */
export function sourceUri(plan: EvaluationPlan): string {
  return `${jobPrefix(plan)}/source/sourcedir.tar.gz`;
}

/** Where the job uploads `/opt/ml/processing/output` (the `output` output), with a trailing slash. */
export function outputUri(plan: EvaluationPlan): string {
  return `${jobPrefix(plan)}/output/`;
}

/**
 * The container's entrypoint script (`/bin/sh -c`, each argument at most 256 characters): extract
 * every `*.tar.gz` the model input brought into `/opt/ml/processing/model` there (and remove the
 * archive), unpack the source into `/opt/ml/processing/input/code`, install its
 * `requirements.txt` if there is one, then run the program (`"$@"`) from there.
 */
export const CONTAINER_SCRIPT = [
  'set -e',
  `cd ${PROCESSING_PATHS.model}`,
  'for a in *.tar.gz; do if [ -f "$a" ]; then tar -xzf "$a"; rm -f "$a"; fi; done',
  `cd ${PROCESSING_PATHS.code}`,
  'tar -xzf sourcedir.tar.gz',
  '[ ! -f requirements.txt ] || pip install -q -r requirements.txt',
  'exec "$@"',
].join('; ');

/** Lineage tags of every job, next to the user's (and train's) tags. */
export function lineageTags(plan: EvaluationPlan): Record<string, string> {
  const p = plan.provenance;
  const tags: Record<string, string> = {
    'modelship:model': plan.model,
    'modelship:evaluating': plan.role,
    [REQUEST_TAG]: plan.requestSha256,
  };
  if (p.commit) tags['modelship:commit'] = p.commit;
  if (p.repository) tags['modelship:repository'] = p.repository;
  if (p.runId) tags['modelship:run'] = `${p.runId}/${p.runAttempt ?? '1'}`;
  return tags;
}

/**
 * The CreateProcessingJob request of a run: a pure function (tests check it without AWS). Inputs:
 * `model` (the model.tar.gz, extracted by the entrypoint), `test`, `code` (sourcedir.tar.gz);
 * output: `/opt/ml/processing/output` → `<output>/<job>/output/` at the end of the job.
 */
export function buildProcessingRequest(plan: EvaluationPlan): CreateProcessingJobRequest {
  const e = plan.evaluate;
  const program = plan.script!.program;
  const interpreter = interpreterOf(program);
  const input = (name: string, uri: string, localPath: string) => ({
    InputName: name,
    S3Input: {
      S3Uri: uri,
      LocalPath: localPath,
      S3DataType: 'S3Prefix' as const,
      S3InputMode: 'File' as const,
      S3DataDistributionType: 'FullyReplicated' as const,
    },
  });
  return {
    ProcessingJobName: plan.jobName,
    RoleArn: e.role,
    AppSpecification: {
      ImageUri: e.image,
      ContainerEntrypoint: [
        '/bin/sh',
        '-c',
        CONTAINER_SCRIPT,
        'modelship-evaluate',
        ...(interpreter ? [interpreter, program] : [`./${program}`]),
      ],
    },
    ProcessingInputs: [
      input('model', plan.artefact, PROCESSING_PATHS.model),
      input('test', plan.test, PROCESSING_PATHS.test),
      input('code', sourceUri(plan), PROCESSING_PATHS.code),
    ],
    ProcessingOutputConfig: {
      Outputs: [
        {
          OutputName: 'output',
          S3Output: { S3Uri: outputUri(plan), LocalPath: PROCESSING_PATHS.output, S3UploadMode: 'EndOfJob' },
        },
      ],
      ...(e['kms-key'] ? { KmsKeyId: e['kms-key'] } : {}),
    },
    ProcessingResources: {
      ClusterConfig: {
        InstanceType: e['instance-type'] as ProcessingInstanceType,
        InstanceCount: e['instance-count'] ?? 1,
        VolumeSizeInGB: e['volume-gb'] ?? 30,
        ...(e['kms-key'] ? { VolumeKmsKeyId: e['kms-key'] } : {}),
      },
    },
    ...(e.vpc
      ? {
          NetworkConfig: {
            VpcConfig: { Subnets: e.vpc.subnets, SecurityGroupIds: e.vpc['security-groups'] },
          },
        }
      : {}),
    StoppingCondition: { MaxRuntimeInSeconds: plan.maxRuntimeSeconds },
    Environment: {
      ...(e.environment ?? {}),
      ...evaluationEnv(PROCESSING_PATHS, plan.role, plan.jobName),
    },
    Tags: Object.entries({ ...plan.tags, ...lineageTags(plan) }).map(([Key, Value]) => ({ Key, Value })),
  };
}

type JobFields = Partial<
  Pick<
    CreateProcessingJobRequest,
    | 'AppSpecification'
    | 'RoleArn'
    | 'ProcessingInputs'
    | 'ProcessingOutputConfig'
    | 'ProcessingResources'
    | 'StoppingCondition'
    | 'Environment'
    | 'NetworkConfig'
  >
>;

/** What must be equal between this run's request and an existing job of its name, by field. */
export function comparableFields(r: JobFields): Record<string, unknown> {
  const c = r.ProcessingResources?.ClusterConfig;
  return {
    image: r.AppSpecification?.ImageUri,
    entrypoint: r.AppSpecification?.ContainerEntrypoint,
    role: r.RoleArn,
    inputs: r.ProcessingInputs
      ? Object.fromEntries(
          r.ProcessingInputs.map((i) => [i.InputName ?? '', `${i.S3Input?.S3Uri} → ${i.S3Input?.LocalPath}`]),
        )
      : undefined,
    outputs: r.ProcessingOutputConfig
      ? Object.fromEntries(
          (r.ProcessingOutputConfig.Outputs ?? []).map((o) => [
            o.OutputName ?? '',
            `${o.S3Output?.LocalPath} → ${o.S3Output?.S3Uri}`,
          ]),
        )
      : undefined,
    instanceType: c?.InstanceType,
    instanceCount: c?.InstanceCount,
    volumeGb: c?.VolumeSizeInGB,
    volumeKmsKey: c?.VolumeKmsKeyId,
    outputKmsKey: r.ProcessingOutputConfig?.KmsKeyId,
    vpc: r.NetworkConfig?.VpcConfig,
    maxRuntimeSeconds: r.StoppingCondition?.MaxRuntimeInSeconds,
    environment: r.Environment,
  };
}

function errorName(err: unknown): string {
  return (err as { name?: string } | undefined)?.name ?? '';
}

function isJobNotFound(err: unknown): boolean {
  const message = (err as Error | undefined)?.message ?? '';
  return (
    errorName(err) === 'ResourceNotFound' ||
    (errorName(err) === 'ValidationException' && /not found|could not find|does not exist/i.test(message))
  );
}

function iso(d: Date | undefined): string | undefined {
  return d ? new Date(d).toISOString() : undefined;
}

function snapshotOf(d: DescribeProcessingJobResponse): Snapshot {
  return { status: d.ProcessingJobStatus ?? 'InProgress', createdAt: iso(d.CreationTime), transitions: [] };
}

export class SageMakerEvaluation {
  private readonly clients: EvaluationClients;

  constructor(
    private readonly plan: EvaluationPlan,
    private readonly deps: SageMakerEvaluationDeps,
  ) {
    this.clients = deps.clients ?? {
      sagemaker: createSageMakerClient(plan.region, deps.env),
      logs: createCloudWatchLogsClient(plan.region, deps.env),
      s3: createS3Client(plan.region, deps.env),
    };
  }

  private get where(): string {
    return `evaluation of the ${this.plan.role} (processing job ${this.plan.jobName})`;
  }

  private async describe(signal: AbortSignal | undefined): Promise<DescribeProcessingJobResponse> {
    try {
      return await this.clients.sagemaker.send(
        new DescribeProcessingJobCommand({ ProcessingJobName: this.plan.jobName }),
        { abortSignal: signal },
      );
    } catch (err) {
      if (isJobNotFound(err) || signal?.aborted) throw err;
      throw awsError(err, `processing job ${this.plan.jobName}`, {
        action: 'sagemaker:DescribeProcessingJob',
        kind: 'processing job',
      });
    }
  }

  private async find(): Promise<DescribeProcessingJobResponse | undefined> {
    try {
      return await this.describe(this.deps.signal);
    } catch (err) {
      if (isJobNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The job's request tag; null when the tags cannot be read (then a warning). */
  private requestTag(arn: string | undefined): Promise<string | undefined | null> {
    return readRequestTag(this.clients.sagemaker, arn, {
      signal: this.deps.signal,
      what: `processing job ${this.plan.jobName}`,
      describe: 'DescribeProcessingJob',
      warn: (m) => this.deps.log.warn(m),
    });
  }

  /**
   * A re-run: the job of this name must have been made from this very request. The fields the
   * description shows are compared (one the service leaves out is not), and the request tag.
   */
  private async reuse(d: DescribeProcessingJobResponse): Promise<void> {
    const theirs = comparableFields(d);
    const ours = comparableFields(buildProcessingRequest(this.plan));
    for (const k of Object.keys(theirs)) if (theirs[k] === undefined) delete ours[k];
    const diffs: RequestDifference[] = requestDifferences(ours, theirs);
    const tag = await this.requestTag(d.ProcessingJobArn);
    if (tag !== null && tag !== this.plan.requestSha256)
      diffs.push({
        path: `tag ${REQUEST_TAG}`,
        ours: JSON.stringify(this.plan.requestSha256),
        theirs: tag === undefined ? undefined : JSON.stringify(tag),
      });
    if (diffs.length > 0)
      throw new ConfigError(
        `exists with a different request: ${describeDifferences(diffs)}`,
        `processing job ${this.plan.jobName}`,
        {
          hint: 'a job name is reused only for the same request; re-run the workflow (a new attempt is a new job)',
        },
      );
    this.deps.log.info(
      `processing job ${this.plan.jobName} already exists (${d.ProcessingJobStatus}): attaching to it instead of starting a duplicate`,
    );
  }

  private async uploadSource(): Promise<void> {
    const { plan, deps } = this;
    const tmp = await mkdtemp(join(tmpdir(), 'modelship-source-'));
    try {
      const file = join(tmp, 'sourcedir.tar.gz');
      const packed = await packDir(plan.script!.dir, file, SOURCE_EXCLUDES).catch((err: unknown) => {
        throw new ConfigError(
          `cannot pack the source directory (${(err as Error).message})`,
          plan.script!.dir,
          {
            cause: err,
          },
        );
      });
      if (packed.files === 0)
        throw new ConfigError('the source directory has no files to pack', plan.script!.dir);
      await uploadS3File(this.clients.s3, file, sourceUri(plan), {
        contentType: 'application/gzip',
        signal: deps.signal,
      });
      deps.log.info(
        `packed ${packed.files} source files (${packed.bytes} bytes, sha256 ${packed.sha256.slice(0, 12)}) → ${sourceUri(plan)}`,
      );
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** Create the job, or attach to the job of its name made from the same request. Returns its ARN. */
  async start(): Promise<{ arn?: string; created: boolean }> {
    const { plan, deps } = this;
    const existing = await this.find();
    if (existing) {
      await this.reuse(existing);
      return { arn: existing.ProcessingJobArn, created: false };
    }
    await this.uploadSource();
    if (deps.signal.aborted) throw new ConfigError('cancelled before the job was created', this.where);
    deps.beforeCreate?.(plan.jobName);
    try {
      const out = await this.clients.sagemaker.send(
        new CreateProcessingJobCommand(buildProcessingRequest(plan)),
        {
          abortSignal: deps.signal,
        },
      );
      deps.log.info(`started processing job ${plan.jobName} (${out.ProcessingJobArn}) for the ${plan.role}`);
      return { arn: out.ProcessingJobArn, created: true };
    } catch (err) {
      // Created meanwhile by a concurrent run of the same step: the same checks as a re-run.
      const raced = errorName(err) === 'ResourceInUse' ? await this.find() : undefined;
      if (raced) {
        await this.reuse(raced);
        return { arn: raced.ProcessingJobArn, created: false };
      }
      throw this.createError(err);
    }
  }

  private createError(err: unknown): Error {
    if (['ValidationException', 'ResourceLimitExceeded'].includes(errorName(err)))
      return new ConfigError(
        `SageMaker rejected CreateProcessingJob: ${(err as Error).message}`,
        this.where,
        {
          cause: err,
        },
      );
    return awsError(err, this.where, {
      action: `sagemaker:CreateProcessingJob, sagemaker:AddTags and iam:PassRole on ${this.plan.evaluate.role}`,
      access: 'write',
    });
  }

  /** Follow the job to its end with progress and its CloudWatch logs; on cancel stop it. */
  async wait(): Promise<{ last: DescribeProcessingJobResponse; tail: string[]; stopped: boolean }> {
    const { plan, deps } = this;
    const tail = new LineTail();
    const follower = new LogFollower(this.clients.logs, jobLogs(PROCESSING_JOB_LOG_GROUP, plan.jobName), {
      onLine: (line) => {
        tail.push(line);
        deps.log.info(line);
      },
      onWarning: (m) => deps.log.warn(m),
      signal: deps.signal,
    });
    const printer = new ProgressPrinter(deps.log, () => deps.now().getTime());
    return deps.log.group(`SageMaker processing job ${plan.jobName} (${plan.role})`, async () => {
      const loop = await poll({
        describe: (signal) => this.describe(signal),
        status: (d) => d.ProcessingJobStatus,
        terminal: TERMINAL,
        signal: deps.signal,
        sleep: deps.sleep ?? realSleep,
        now: () => deps.now().getTime(),
        onPoll: async (d) => {
          printer.update(snapshotOf(d));
          await follower.poll();
        },
      });
      if (loop.end !== 'aborted') {
        await follower.poll();
        return { last: loop.last, tail: tail.get(), stopped: false };
      }
      const last = await this.stopAndWait();
      printer.update(snapshotOf(last));
      return { last, tail: tail.get(), stopped: true };
    });
  }

  /** Cancellation: StopProcessingJob, then wait briefly (not abortable) for Stopping/Stopped. */
  private async stopAndWait(): Promise<DescribeProcessingJobResponse> {
    const { plan, deps } = this;
    deps.log.warn(`cancelled: stopping processing job ${plan.jobName}`);
    await this.sendStop();
    const until = deps.now().getTime() + STOP_WAIT_MS;
    for (;;) {
      const d = await this.describe(undefined);
      if (d.ProcessingJobStatus !== 'InProgress' || deps.now().getTime() >= until) return d;
      await (deps.sleep ?? realSleep)(2_000);
    }
  }

  private async sendStop(): Promise<void> {
    try {
      await this.clients.sagemaker.send(
        new StopProcessingJobCommand({ ProcessingJobName: this.plan.jobName }),
      );
    } catch (err) {
      if (errorName(err) === 'AccessDeniedException')
        throw new ConfigError(
          'access denied stopping the job (the role needs sagemaker:StopProcessingJob)',
          `processing job ${this.plan.jobName}`,
          { cause: err },
        );
      // A job that already ended cannot be stopped; that is not an error here.
      if (errorName(err) !== 'ValidationException') throw err;
      this.deps.log.debug(`StopProcessingJob: ${(err as Error).message}`);
    }
  }

  /** Stop the job if it still runs (a `post:` cleanup after the step was killed). */
  async stop(): Promise<{ status: string; stopped: boolean }> {
    const d = await this.find();
    if (!d) return { status: 'NotFound', stopped: false };
    if (d.ProcessingJobStatus !== 'InProgress')
      return { status: d.ProcessingJobStatus ?? 'Unknown', stopped: false };
    await this.sendStop();
    return { status: 'Stopping', stopped: true };
  }

  /** Download the job's predictions file into `<root>/<job>/output/` and check it. */
  private async download(): Promise<{
    file: string;
    uri: string;
    format: 'csv' | 'jsonl';
    columns: string[];
  }> {
    const { plan, deps } = this;
    const dir = join(plan.root, plan.jobName, 'output');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const prefix = outputUri(plan);
    let uri: string | undefined;
    const { key } = parseS3Uri(prefix);
    for await (const o of listS3Objects(this.clients.s3, prefix, deps.signal)) {
      const name = o.key.slice(key.length);
      if (!(PREDICTION_FILES as readonly string[]).includes(name)) continue;
      await pipeline(
        await openS3Object(this.clients.s3, o.uri, { signal: deps.signal }),
        createWriteStream(join(dir, name)),
      );
      uri ??= o.uri;
    }
    const found = await findPredictions(dir, this.where).catch((err: unknown) => {
      if (err instanceof ConfigError && !uri)
        throw new ConfigError(
          `no predictions in ${prefix}: the script must write ${PREDICTION_FILES.join(' or ')} (columns label and score or prediction; optional id and slice columns) into ${PROCESSING_PATHS.output} (${'$'}MODELSHIP_OUTPUT_DIR)`,
          this.where,
        );
      throw err;
    });
    return { ...found, uri: uri! };
  }

  async run(): Promise<EvaluationResult> {
    const { plan, deps } = this;
    const { arn, created } = await this.start();
    const { last, tail, stopped } = await this.wait();
    const status = last.ProcessingJobStatus ?? 'Unknown';
    if (stopped) throw new ConfigError(`cancelled: stopped the job (${status})`, this.where);
    if (status !== 'Completed') {
      if (tail.length)
        deps.log.info(`last lines of the log of ${plan.jobName}:\n${tail.map((l) => `  ${l}`).join('\n')}`);
      const reason = last.FailureReason ?? last.ExitMessage;
      throw new ConfigError(
        `the job ended ${status}${reason ? `: ${reason.split('\n')[0]}` : ''}`,
        this.where,
        {
          hint: `its logs are in CloudWatch: ${PROCESSING_JOB_LOG_GROUP}, streams ${plan.jobName}/…`,
        },
      );
    }
    const found = await this.download();
    return {
      role: plan.role,
      backend: 'sagemaker',
      jobName: plan.jobName,
      jobArn: arn ?? last.ProcessingJobArn,
      status: 'Completed',
      predictions: found.file,
      format: found.format,
      columns: found.columns,
      predictionsSha256: (await fileSha256(found.file)).sha256,
      predictionsUri: found.uri,
      model: plan.artefact,
      test: plan.test,
      reused: !created,
      createdAt: iso(last.CreationTime),
      endedAt: iso(last.ProcessingEndTime),
    };
  }
}

/** The SageMaker backend of {@link runEvaluation}. */
export function runSageMakerEvaluation(
  plan: EvaluationPlan,
  deps: SageMakerEvaluationDeps,
): Promise<EvaluationResult> {
  return new SageMakerEvaluation(plan, deps).run();
}
