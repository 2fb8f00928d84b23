import { isAbsolute, relative, resolve, sep } from 'node:path';
import { isS3Uri, REQUIRED_TAGS, requestDigest, resourceName } from '@modelship/aws';
import {
  ConfigError,
  fileError,
  provenanceFromEnv,
  type ManifestStore,
  type StepContext,
  type Provenance,
} from '@modelship/core';
import { interpreterOf, SOURCE_EXCLUDES, treeDigest } from '@modelship/local';
import { trainConfig, type TrainConfig } from './definition.js';
import { parseHyperparameterInput, type HyperParameters } from './hyperparameters.js';
import { compileMetrics, type MetricDefinition } from './metrics.js';

export type BackendKind = 'local' | 'sagemaker';

/**
 * The deterministic training job name: `<model>-<sha7>-<run id>-<attempt>-<request8>`, e.g.
 * `churn-1a2b3c4-9876543210-1-2a1730f2`, where `request8` starts the sha256 of the resolved
 * request (see {@link TrainingRequest} and `resourceName`: `dev` without a commit, a UTC stamp
 * without a run id, shortened to SageMaker's 63 characters).
 */
export function trainingJobName(
  model: string,
  source: Provenance,
  now: Date,
  request: TrainingRequest,
): string {
  return resourceName(model, source, now, request, { what: 'training job' });
}

/**
 * Everything that defines a training job, as resolved, and nothing volatile (no time, no job
 * name, no provenance: those are in the name already). Its sha256 is in the job's name and, on
 * SageMaker, in the tag `modelship:request-sha256`; the local backend keeps it in `job.json`.
 */
export interface TrainingRequest {
  backend: BackendKind;
  /** SageMaker only: where the job runs. */
  region?: string;
  model: string;
  /** The `train` block as written, but for the parts below that are resolved. */
  train: Omit<TrainConfig, 'hyperparameters' | 'channels' | 'source'>;
  /** Config and input merged, typed as written. */
  hyperparameters: HyperParameters;
  channels: Record<string, string>;
  channelFiles: Record<string, string[]>;
  /** The local command and the directory it runs in. */
  entrypoint?: string[];
  cwd?: string;
  /** Script mode: the program and the sha256 of the source tree (see `treeDigest`). */
  source?: { program: string; sha256?: string };
}

/** Everything a backend needs, resolved from config, inputs and the manifest. */
export interface TrainPlan {
  backend: BackendKind;
  model: string;
  jobName: string;
  /** What defines the job (its sha256 is part of `jobName`). */
  request: TrainingRequest;
  /** sha256 of `request` (see `requestDigest`). */
  requestSha256: string;
  region: string;
  /** Directory the config's relative paths resolve against; local training runs here. */
  dir: string;
  /** How the config file is named in errors, e.g. `modelship.yml`. */
  configName: string;
  train: TrainConfig;
  hyperparameters: HyperParameters;
  /** Channel name → s3:// URI or absolute local path. */
  channels: Record<string, string>;
  /** Local backend: the exact files of a channel, when the validated data was a glob. */
  channelFiles: Record<string, string[]>;
  metrics: MetricDefinition[];
  maxRuntimeSeconds: number | undefined;
  maxWaitSeconds: number | undefined;
  /** Script mode: the directory packed to sourcedir.tar.gz and the program inside it. */
  script: { dir: string; program: string } | undefined;
  entrypoint: string[] | undefined;
  tags: Record<string, string>;
  provenance: Provenance;
}

export interface PlanInputs {
  hyperparameters?: string;
}

export function configName(ctx: Pick<StepContext, 'config' | 'cwd'>): string {
  const p = ctx.config.path;
  if (!p) return 'modelship.yml';
  const rel = relative(ctx.cwd, p);
  return rel && !rel.startsWith('..') ? rel.split(sep).join('/') : p;
}

/**
 * Resolve the plan from config, inputs and the manifest, name the job after its request, then
 * apply the guardrails of {@link checkPlan}. With `check: false` (attaching to a job started
 * elsewhere) the guardrails are skipped and the script-mode source is not read (the name is not
 * used then). Throws a ConfigError for a config the user must fix, e.g. an unreadable `source`.
 */
export async function resolvePlan(
  inputs: PlanInputs,
  ctx: StepContext,
  backend: BackendKind,
  check = true,
): Promise<TrainPlan> {
  // With no config file at all there is nothing to describe a job: say so, not "field missing".
  if (check && !ctx.config.path)
    throw new ConfigError(`nothing to train: there is no modelship.yml in ${ctx.cwd}`, "input 'config'", {
      hint: 'add a train block to modelship.yml (see docs/train.md), or point the config input at your file',
    });
  const train = trainConfig(ctx.config) ?? {};
  const name = configName(ctx);
  const provenance = provenanceFromEnv(ctx.env);
  const model = ctx.config.values.model ?? 'model';
  const script = scriptMode(train, ctx, name);
  const resolved: Omit<TrainPlan, 'jobName' | 'request' | 'requestSha256'> = {
    backend,
    model,
    region: ctx.config.values.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    dir: ctx.config.dir,
    configName: name,
    train,
    hyperparameters: {
      ...(train.hyperparameters ?? {}),
      ...parseHyperparameterInput(inputs.hyperparameters),
    },
    ...resolveChannels(train, ctx),
    metrics: compileMetrics(train.metrics ?? [], `${name}: train.metrics`),
    maxRuntimeSeconds: minutes(train['max-runtime-minutes']),
    maxWaitSeconds: train.spot
      ? minutes(train['max-wait-minutes'] ?? 2 * (train['max-runtime-minutes'] ?? 0))
      : undefined,
    script,
    entrypoint: train.entrypoint ?? defaultEntrypoint(script),
    tags: { ...(train.tags ?? {}) },
    provenance,
  };
  const sourceSha256 = script && check ? await sourceDigest(script.dir, name) : undefined;
  const request = trainingRequest(resolved, sourceSha256);
  const plan: TrainPlan = {
    ...resolved,
    jobName: trainingJobName(model, provenance, ctx.now(), request),
    request,
    requestSha256: requestDigest(request),
  };
  if (check) checkPlan(plan, ctx.manifest);
  return plan;
}

/** The {@link TrainingRequest} of a resolved plan. */
function trainingRequest(
  p: Omit<TrainPlan, 'jobName' | 'request' | 'requestSha256'>,
  sourceSha256: string | undefined,
): TrainingRequest {
  const { hyperparameters: _h, channels: _c, source: _s, ...train } = p.train;
  const local = p.backend === 'local';
  return {
    backend: p.backend,
    region: local ? undefined : p.region,
    model: p.model,
    train,
    hyperparameters: p.hyperparameters,
    channels: p.channels,
    channelFiles: p.channelFiles,
    entrypoint: local ? p.entrypoint : undefined,
    cwd: local ? p.dir : undefined,
    source: p.script && { program: p.script.program, sha256: sourceSha256 },
  };
}

/** The sha256 of the script-mode source tree (what would be packed); a missing one is a config error. */
async function sourceDigest(dir: string, name: string): Promise<string> {
  try {
    return await treeDigest(dir, SOURCE_EXCLUDES);
  } catch (err) {
    throw fileError(err, `${name}: train.source (${dir})`, 'source directory');
  }
}

function minutes(m: number | undefined): number | undefined {
  return m ? m * 60 : undefined;
}

/** Script mode when `source` is set: the program is `program`, else the entrypoint's script inside `source`. */
function scriptMode(train: TrainConfig, ctx: StepContext, name: string): TrainPlan['script'] {
  if (!train.source) return undefined;
  const dir = ctx.config.resolvePath(train.source);
  if (isS3Uri(dir))
    throw new ConfigError(
      'must be a local directory (it is packed and uploaded for you)',
      `${name}: train.source`,
    );
  if (train.program) return { dir, program: train.program };
  for (const arg of [...(train.entrypoint ?? [])].reverse()) {
    const rel = relative(dir, resolve(ctx.config.dir, arg));
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return { dir, program: rel.split(sep).join('/') };
  }
  throw new ConfigError(
    'is required with train.source (the script inside source to run)',
    `${name}: train.program`,
  );
}

/** Without an entrypoint, the local backend runs the script-mode program with its usual interpreter. */
function defaultEntrypoint(script: TrainPlan['script']): string[] | undefined {
  if (!script) return undefined;
  const interpreter = interpreterOf(script.program);
  return interpreter ? [interpreter, resolve(script.dir, script.program)] : undefined;
}

/** What train reads of the manifest's `data` section (written by validate-data). */
interface ValidatedData {
  uri?: string;
  files: { uri: string }[];
}

/** Channels from config, else the data validated earlier (manifest `data` section) as `train`. */
function resolveChannels(train: TrainConfig, ctx: StepContext): Pick<TrainPlan, 'channels' | 'channelFiles'> {
  if (train.channels && Object.keys(train.channels).length > 0) {
    const channels = Object.fromEntries(
      Object.entries(train.channels).map(([k, v]) => [k, ctx.config.resolvePath(v)]),
    );
    return { channels, channelFiles: {} };
  }
  const data = ctx.manifest.get<ValidatedData>('data');
  if (!data?.uri) return { channels: {}, channelFiles: {} };
  if (isS3Uri(data.uri)) return { channels: { train: data.uri }, channelFiles: {} };
  const files: Record<string, string[]> = /[*?[{]/.test(data.uri)
    ? { train: data.files.map((f) => resolve(ctx.cwd, f.uri)) }
    : {};
  return { channels: { train: resolve(ctx.cwd, data.uri) }, channelFiles: files };
}

function fail(plan: TrainPlan, field: string, message: string): never {
  throw new ConfigError(message, `${plan.configName}: train${field ? `.${field}` : ''}`);
}

/** Guardrails. The SageMaker ones are the cost and safety rules of the issue; local needs a command. */
export function checkPlan(plan: TrainPlan, manifest?: Pick<ManifestStore, 'missing'>): void {
  for (const channel of Object.keys(plan.channels)) {
    if (!/^[A-Za-z0-9.\-_]{1,64}$/.test(channel))
      fail(plan, `channels.${channel}`, 'channel names are letters, digits, . - _');
  }
  if (plan.backend === 'local') {
    if (!plan.entrypoint)
      fail(plan, 'entrypoint', 'is required for the local backend (e.g. ["node", "train.mjs"])');
    return;
  }
  checkSageMakerPlan(plan, manifest);
}

function checkSageMakerPlan(plan: TrainPlan, manifest?: Pick<ManifestStore, 'missing'>): void {
  const t = plan.train;
  if (!t['max-runtime-minutes'])
    fail(plan, 'max-runtime-minutes', 'is required (cost guardrail: every job has a time limit)');
  for (const tag of REQUIRED_TAGS) {
    if (!plan.tags[tag]?.trim())
      fail(plan, `tags.${tag}`, `tag is required (cost guardrail: ${REQUIRED_TAGS.join(', ')})`);
  }
  if (!t.image)
    fail(plan, 'image', 'is required for the sagemaker backend (the training container image URI)');
  if (!t.role) fail(plan, 'role', 'is required for the sagemaker backend (the IAM role SageMaker assumes)');
  if (!t.output)
    fail(plan, 'output', 'is required for the sagemaker backend (the s3:// prefix for artefacts)');
  if (!t['instance-type'])
    fail(plan, 'instance-type', 'is required for the sagemaker backend (e.g. ml.m5.xlarge)');
  if (t.spot && plan.maxWaitSeconds! < plan.maxRuntimeSeconds!) {
    fail(
      plan,
      'max-wait-minutes',
      'must be at least max-runtime-minutes (SageMaker counts waiting for spot capacity in it)',
    );
  }
  if (!t.spot && t['max-wait-minutes']) fail(plan, 'max-wait-minutes', 'only applies with spot: true');
  if (Object.keys(plan.channels).length === 0) {
    const none = new ConfigError(
      'no input data: set train.channels or run validate-data on s3:// data first',
      `${plan.configName}: train.channels`,
    );
    throw manifest ? manifest.missing(none) : none;
  }
  for (const [channel, uri] of Object.entries(plan.channels)) {
    if (!isS3Uri(uri))
      fail(plan, `channels.${channel}`, `must be an s3:// URI for the sagemaker backend (got ${uri})`);
    if (/[*?[]/.test(uri)) fail(plan, `channels.${channel}`, 'must be an S3 prefix, not a glob');
  }
}
