import { localArtefactPath } from '@modelship/local';
import { open, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isS3Uri, REQUIRED_TAGS, requestDigest, resourceName, type Sleep } from '@modelship/aws';
import {
  ConfigError,
  fileError,
  provenanceFromEnv,
  type Provenance,
  type StepContext,
} from '@modelship/core';
import { fileSha256, interpreterOf, SOURCE_EXCLUDES, treeDigest } from '@modelship/local';
import { evaluateDefaults, type EvaluateConfig, type EvaluateDefaults } from './evaluate-config.js';

/**
 * Evaluation runs: one model (the candidate, or the champion) scored on the test data by the
 * user's script, under SageMaker's Processing contract — a local process on the `local` backend,
 * a Processing job on `sagemaker` — leaving a local predictions file for the gate to judge.
 * See docs/gate.md, "Evaluation runs".
 */

export type EvaluationBackend = 'local' | 'sagemaker';
/** Which model a run scores: part of the job name, of the environment and of every message. */
export type ModelRole = 'candidate' | 'champion';

/** The paths of the Processing container: ProcessingInput / ProcessingOutput `LocalPath`s. */
export const PROCESSING_PATHS = {
  model: '/opt/ml/processing/model',
  test: '/opt/ml/processing/input/test',
  code: '/opt/ml/processing/input/code',
  output: '/opt/ml/processing/output',
} as const;

/**
 * The variables a script reads to find its directories, set by both backends (SageMaker itself
 * sets none: modelship passes them in the job's `Environment`), so one script runs unchanged.
 */
export const EVALUATION_ENV = {
  model: 'MODELSHIP_MODEL_DIR',
  test: 'MODELSHIP_TEST_DIR',
  output: 'MODELSHIP_OUTPUT_DIR',
  role: 'MODELSHIP_EVALUATING',
  job: 'MODELSHIP_JOB_NAME',
} as const;

/** Where a run's script finds the model and the data and writes its predictions. */
export interface EvaluationPaths {
  model: string;
  test: string;
  output: string;
}

/** The variables of {@link EVALUATION_ENV} for these paths. */
export function evaluationEnv(
  paths: EvaluationPaths,
  role: ModelRole,
  jobName: string,
): Record<string, string> {
  return {
    [EVALUATION_ENV.model]: paths.model,
    [EVALUATION_ENV.test]: paths.test,
    [EVALUATION_ENV.output]: paths.output,
    [EVALUATION_ENV.role]: role,
    [EVALUATION_ENV.job]: jobName,
  };
}

/** The file names a script may write into its output directory (exactly one of them). */
export const PREDICTION_FILES = ['predictions.csv', 'predictions.jsonl'] as const;

/** The tag holding the sha256 of the run's request: how a re-run knows its job. */
export { REQUEST_TAG } from '@modelship/aws';

/**
 * Everything that defines an evaluation run, as resolved, and nothing volatile: its sha256 is in
 * the job's name (and, on SageMaker, in the tag {@link REQUEST_TAG}), so a re-run of the same
 * CI attempt finds its job again and the candidate's and the champion's runs never share one.
 */
export interface EvaluationRequest {
  backend: EvaluationBackend;
  region?: string;
  model: string;
  role: ModelRole;
  /** The `evaluate` block as used (defaults applied), but for `source` and `test`, resolved below. */
  evaluate: Omit<EvaluateConfig, 'source' | 'test'>;
  /** model.tar.gz: its s3:// URI or absolute path, and its sha256 when known (always for a local file). */
  artefact: { uri: string; sha256?: string };
  test: string;
  entrypoint?: string[];
  cwd?: string;
  source?: { program: string; sha256: string };
}

/** One evaluation run, resolved: what both backends need. */
export interface EvaluationPlan {
  backend: EvaluationBackend;
  role: ModelRole;
  /** The config's `model`: the base of the job name. */
  model: string;
  jobName: string;
  request: EvaluationRequest;
  requestSha256: string;
  region: string;
  /** The config's directory: relative paths resolve, and the local command runs, here. */
  dir: string;
  configName: string;
  evaluate: EvaluateConfig;
  /** model.tar.gz: an s3:// URI or an absolute local path. */
  artefact: string;
  artefactSha256?: string;
  /** Who recorded the artefact's sha256 (the registry package, the manifest), for a refusal. */
  artefactOrigin?: string;
  /** The test data: an s3:// URI or an absolute local path (file or directory). */
  test: string;
  entrypoint: string[] | undefined;
  script: { dir: string; program: string } | undefined;
  tags: Record<string, string>;
  maxRuntimeSeconds: number | undefined;
  provenance: Provenance;
  /** Where local runs keep their job directories, and every run its downloaded predictions. */
  root: string;
}

/** What the caller gives for one run. */
export interface EvaluationOptions {
  ctx: Pick<StepContext, 'log' | 'env' | 'cwd' | 'signal' | 'now' | 'config' | 'manifest' | 'backend'>;
  role: ModelRole;
  /** The model's model.tar.gz: an s3:// URI, a file:// URI or a path (relative to the working directory). */
  model: string;
  /**
   * Its sha256 when the caller knows it (the manifest's, the registry's): a local file (or, on the
   * local backend, the downloaded s3:// object) of other bytes is refused, naming `modelOrigin`.
   */
  modelSha256?: string;
  /** Who recorded `modelSha256`, for the refusal: e.g. `model-package/churn/3` or `the manifest`. */
  modelOrigin?: string;
  /** Default: the context's backend. */
  backend?: EvaluationBackend;
  /** The `evaluate` block; default: the config's. */
  evaluate?: EvaluateConfig;
  /** Defaults for the block; default: from the config's `train` block and the manifest's `training`. */
  defaults?: EvaluateDefaults;
  /** Test data overriding the block's (a path relative to the working directory, or s3://). */
  test?: string;
  deps?: EvaluationDeps;
}

/** Seams for tests and for the step's cleanup. */
export interface EvaluationDeps {
  sleep?: Sleep;
  /** Grace period between SIGTERM and SIGKILL (local backend). */
  killGraceMs?: number;
  /** Called with the local process id once the script runs (for a `post:` cleanup). */
  onSpawn?: (jobName: string, pid: number) => void;
  /** Called just before CreateProcessingJob (for a `post:` cleanup). */
  beforeCreate?: (jobName: string) => void;
  /** Where job directories go (default `.modelship/evaluation` under the working directory). */
  root?: string;
}

/** What one run leaves: the local predictions file and where it came from. */
export interface EvaluationResult {
  role: ModelRole;
  backend: EvaluationBackend;
  jobName: string;
  jobArn?: string;
  status: 'Completed';
  /** Local path of predictions.csv or predictions.jsonl. */
  predictions: string;
  format: 'csv' | 'jsonl';
  /** The columns (CSV header, or the first JSON Lines record's keys). */
  columns: string[];
  predictionsSha256: string;
  /** Where the predictions were written: file:// (local) or the job's s3:// output. */
  predictionsUri: string;
  /** The model and test data the run used, as resolved. */
  model: string;
  test: string;
  /** The run was found done (same request) and its result reused. */
  reused: boolean;
  /** The local job directory (local backend). */
  jobDir?: string;
  createdAt?: string;
  endedAt?: string;
}

/** `.modelship/evaluation` under the working directory: one folder per local job. */
export function evaluationRoot(cwd: string): string {
  return resolve(cwd, '.modelship', 'evaluation');
}

function configName(ctx: EvaluationOptions['ctx']): string {
  const p = ctx.config.path;
  if (!p) return 'modelship.yml';
  const rel = relative(ctx.cwd, p);
  return rel && !rel.startsWith('..') ? rel.split(sep).join('/') : p;
}

function fail(configName: string, field: string, message: string, hint?: string): never {
  throw new ConfigError(message, `${configName}: evaluate${field ? `.${field}` : ''}`, { hint });
}

function scriptMode(e: EvaluateConfig, dir: string, name: string): EvaluationPlan['script'] {
  if (!e.source) return undefined;
  const source = isAbsolute(e.source) ? e.source : resolve(dir, e.source);
  if (isS3Uri(e.source))
    fail(name, 'source', 'must be a local directory (it is packed and uploaded for you)');
  if (e.program) return { dir: source, program: e.program };
  for (const arg of [...(e.entrypoint ?? [])].reverse()) {
    const rel = relative(source, resolve(dir, arg));
    if (rel && !rel.startsWith('..') && !isAbsolute(rel))
      return { dir: source, program: rel.split(sep).join('/') };
  }
  return fail(name, 'program', 'is required with evaluate.source (the script inside source to run)');
}

/** A model given as s3://, file:// or a path: the s3:// URI or the absolute path. */
function resolveArtefact(model: string, cwd: string): string {
  if (isS3Uri(model)) return model;
  if (model.startsWith('file:')) return fileURLToPath(model);
  return resolve(cwd, model);
}

/**
 * The model the run scores is the one recorded: `now` (its sha256 as read) must be `recorded` when
 * there is a record. The gate never scores an artefact that changed since it was judged or registered.
 *
 * @throws ConfigError naming the file and who recorded the sha256.
 */
export function checkArtefactSha256(
  now: string,
  recorded: string | undefined,
  o: { artefact: string; role: ModelRole; origin?: string },
): void {
  if (!recorded || now === recorded) return;
  throw new ConfigError(
    `the ${o.role} model artefact${o.origin ? ` of ${o.origin}` : ''} changed since it was recorded: sha256 ${now.slice(0, 12)}… now, ${recorded.slice(0, 12)}… recorded`,
    o.artefact,
    {
      hint:
        o.role === 'champion'
          ? `it is not scored: restore the file, or reject the package${o.origin ? ` (modelship register --operation reject --model-package-arn ${o.origin})` : ''} so that an intact one is the champion`
          : 'it is not scored: restore the file, or train again',
    },
  );
}

/**
 * Resolve one run from the options: the block with its defaults, the model and test data, the
 * request and the job name (`<model>-eval-<role>-<sha7>-<run id>-<attempt>-<request8>`), then the
 * guardrails. Reads the local model file (its sha256) and the script-mode source tree (its
 * digest); creates nothing. Throws a ConfigError for what the user must fix.
 */
export async function planEvaluation(opts: EvaluationOptions): Promise<EvaluationPlan> {
  const { ctx } = opts;
  const name = configName(ctx);
  const backend = opts.backend ?? ctx.backend;
  const block = opts.evaluate ?? (ctx.config.values.evaluate as EvaluateConfig | undefined);
  if (!block)
    throw new ConfigError('there is no evaluate block to run the evaluation script from', name, {
      hint: 'add an evaluate block (entrypoint for the local backend; image, source, program, role, … for SageMaker): see docs/gate.md',
    });
  const defaults =
    opts.defaults ??
    evaluateDefaults(
      ctx.config.values.train as Parameters<typeof evaluateDefaults>[0],
      ctx.manifest.get<{ channels?: Record<string, string> }>('training'),
    );
  const dir = ctx.config.dir;
  const evaluate: EvaluateConfig = {
    ...block,
    output: block.output ?? defaults.output,
    tags: { ...(defaults.tags ?? {}), ...(block.tags ?? {}) },
  };
  const vpc = block.vpc ?? defaults.vpc;
  if (vpc) evaluate.vpc = vpc;
  const kms = block['kms-key'] ?? defaults['kms-key'];
  if (kms) evaluate['kms-key'] = kms;
  const test = opts.test
    ? isS3Uri(opts.test)
      ? opts.test
      : resolve(ctx.cwd, opts.test)
    : block.test
      ? ctx.config.resolvePath(block.test)
      : // the channel train recorded, found under this working directory if the manifest moved
        defaults.test && localArtefactPath(defaults.test, ctx.cwd);
  if (!test)
    fail(
      name,
      'test',
      'no test data: set evaluate.test, or give train a validation channel (train.channels.validation)',
    );
  const artefact = resolveArtefact(opts.model, ctx.cwd);
  const script = scriptMode(evaluate, dir, name);
  const entrypoint =
    evaluate.entrypoint ??
    (script && interpreterOf(script.program)
      ? [interpreterOf(script.program)!, resolve(script.dir, script.program)]
      : undefined);
  const region = ctx.config.values.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const local = backend === 'local';
  let artefactSha256 = opts.modelSha256;
  if (!isS3Uri(artefact)) {
    try {
      artefactSha256 = (await fileSha256(artefact)).sha256;
    } catch (err) {
      throw fileError(err, artefact, `${opts.role} model artefact`);
    }
    checkArtefactSha256(artefactSha256, opts.modelSha256, {
      artefact,
      role: opts.role,
      origin: opts.modelOrigin,
    });
  }
  let sourceSha256: string | undefined;
  if (script) {
    try {
      sourceSha256 = await treeDigest(script.dir, SOURCE_EXCLUDES);
    } catch (err) {
      throw fileError(err, `${name}: evaluate.source (${script.dir})`, 'source directory');
    }
  }
  const { source: _s, test: _t, ...asUsed } = evaluate;
  const request: EvaluationRequest = {
    backend,
    region: local ? undefined : region,
    model: ctx.config.values.model ?? 'model',
    role: opts.role,
    evaluate: asUsed,
    artefact: { uri: artefact, sha256: artefactSha256 },
    test,
    entrypoint: local ? entrypoint : undefined,
    cwd: local ? dir : undefined,
    source: script && { program: script.program, sha256: sourceSha256! },
  };
  const provenance = provenanceFromEnv(ctx.env);
  const plan: EvaluationPlan = {
    backend,
    role: opts.role,
    model: request.model,
    jobName: resourceName(request.model, provenance, ctx.now(), request, {
      tag: `eval-${opts.role}`,
      what: 'processing job',
    }),
    request,
    requestSha256: requestDigest(request),
    region,
    dir,
    configName: name,
    evaluate,
    artefact,
    artefactSha256,
    ...(opts.modelOrigin ? { artefactOrigin: opts.modelOrigin } : {}),
    test,
    entrypoint,
    script,
    tags: evaluate.tags ?? {},
    maxRuntimeSeconds: evaluate['max-runtime-minutes'] && evaluate['max-runtime-minutes'] * 60,
    provenance,
    root: opts.deps?.root ?? evaluationRoot(ctx.cwd),
  };
  checkPlan(plan);
  return plan;
}

/** Guardrails: the local backend needs a command; SageMaker the cost and safety rules train has. */
export function checkPlan(plan: EvaluationPlan): void {
  const name = plan.configName;
  if (plan.backend === 'local') {
    if (!plan.entrypoint)
      fail(name, 'entrypoint', 'is required for the local backend (e.g. ["node", "evaluate.mjs"])');
    return;
  }
  const e = plan.evaluate;
  if (!e['max-runtime-minutes'])
    fail(name, 'max-runtime-minutes', 'is required (cost guardrail: every job has a time limit)');
  for (const tag of REQUIRED_TAGS) {
    if (!plan.tags[tag]?.trim())
      fail(
        name,
        `tags.${tag}`,
        `tag is required (cost guardrail: ${REQUIRED_TAGS.join(', ')}; train.tags count too)`,
      );
  }
  if (!e.image)
    fail(name, 'image', 'is required for the sagemaker backend (the processing container image URI)');
  if (!e.role) fail(name, 'role', 'is required for the sagemaker backend (the IAM role SageMaker assumes)');
  if (!e['instance-type'])
    fail(name, 'instance-type', 'is required for the sagemaker backend (e.g. ml.m5.xlarge)');
  if (!plan.script)
    fail(
      name,
      'source',
      'is required for the sagemaker backend (the directory holding the evaluation script, uploaded as sourcedir.tar.gz)',
    );
  if (!e.output)
    fail(
      name,
      'output',
      'is required for the sagemaker backend (the s3:// prefix for source and predictions; default: train.output)',
    );
  if (!isS3Uri(plan.artefact))
    throw new ConfigError(
      `the ${plan.role} model must be an s3:// URI for the sagemaker backend (got ${plan.artefact})`,
      `${plan.role} model`,
    );
  if (!isS3Uri(plan.test))
    fail(name, 'test', `must be an s3:// URI for the sagemaker backend (got ${plan.test})`);
}

/** What a predictions file holds, as far as the gate needs to know before reading it. */
export interface PredictionsFile {
  file: string;
  format: 'csv' | 'jsonl';
  columns: string[];
}

/** The first line of a file that is not empty (at most 1 MiB read). */
async function firstLine(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  } finally {
    await fh.close();
  }
}

/** CSV header fields (quotes removed; the gate's reader checks the rows). */
function csvHeader(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/**
 * Find and check the predictions a script wrote into `outputDir`: exactly one of
 * `predictions.csv` / `predictions.jsonl`, with a `label` column and a `score` or `prediction`
 * column. Anything else is a one-line ConfigError naming `where` (the job) and what the script
 * must write.
 */
export async function findPredictions(outputDir: string, where: string): Promise<PredictionsFile> {
  const must = `the script must write ${PREDICTION_FILES.join(' or ')} (columns label and score or prediction; optional id and slice columns) into ${outputDir}`;
  let names: string[];
  try {
    names = await readdir(outputDir);
  } catch {
    names = [];
  }
  const found = PREDICTION_FILES.filter((f) => names.includes(f));
  if (found.length === 0) throw new ConfigError(`no predictions: ${must}`, where);
  if (found.length > 1)
    throw new ConfigError(`both ${PREDICTION_FILES.join(' and ')} were written; write one of them`, where);
  const file = join(outputDir, found[0]!);
  const format = file.endsWith('.csv') ? 'csv' : 'jsonl';
  const line = await firstLine(file);
  let columns: string[];
  if (format === 'csv') columns = line ? csvHeader(line) : [];
  else {
    let first: unknown;
    try {
      first = line ? JSON.parse(line) : undefined;
    } catch {
      throw new ConfigError(`${found[0]}: the first line is not JSON: ${line.slice(0, 80)}`, where);
    }
    if (typeof first !== 'object' || first === null || Array.isArray(first))
      throw new ConfigError(
        `${found[0]}: each line must be a JSON object (got ${line.slice(0, 80) || 'nothing'})`,
        where,
      );
    columns = Object.keys(first);
  }
  if (columns.length === 0) throw new ConfigError(`${found[0]} is empty: ${must}`, where);
  const missing = [
    ...(columns.includes('label') ? [] : ['label']),
    ...(columns.includes('score') || columns.includes('prediction') ? [] : ['score or prediction']),
  ];
  if (missing.length)
    throw new ConfigError(
      `${found[0]} has no ${missing.join(' and no ')} column (it has ${columns.join(', ')})`,
      where,
    );
  return { file, format, columns };
}

/**
 * Run the evaluation script on one model (call it for the candidate, then for the champion, on
 * the same test data) and return its local predictions file. The local backend runs the script as
 * a process tree in `.modelship/evaluation/<job>/`; the SageMaker backend runs a Processing job,
 * follows it, stops it on cancel, and downloads its predictions there too. Throws a one-line
 * ConfigError when the script fails, writes no predictions, or the run is cancelled.
 */
export async function runEvaluation(opts: EvaluationOptions): Promise<EvaluationResult> {
  const plan = await planEvaluation(opts);
  const deps = opts.deps ?? {};
  if (plan.backend === 'local') {
    const { runLocalEvaluation } = await import('./evaluate-local.js');
    return runLocalEvaluation(plan, { ...opts.ctx, ...deps });
  }
  const { runSageMakerEvaluation } = await import('./evaluate-sagemaker.js');
  return runSageMakerEvaluation(plan, { ...opts.ctx, ...deps });
}
