import { localArtefactPath } from '@modelship/local';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isS3Uri, sha256Of } from '@modelship/aws';
import {
  ConfigError,
  configName,
  fileError,
  type CommonInputs,
  type StepContext,
  type StepImpl,
  type StepResult,
} from '@modelship/core';
import {
  digestOf,
  fitMetadata,
  METADATA,
  openRegistry,
  pinImage,
  registryGroup,
  s3Folder,
  type ApprovalStatus,
  type ModelPackage,
  type ModelRegistry,
  type PackageContainer,
  type PackageRequest,
} from '@modelship/registry';
import {
  registryConfig,
  type RegisterInputs,
  type RegisterOutput,
  type RegistrationSection,
} from './definition.js';
import {
  approver,
  failedChecks,
  lineage,
  manifestDigest,
  type EvaluationView,
  type TrainingView,
} from './lineage.js';
import { consoleUrl, renderRegistration } from './summary.js';

type Inputs = RegisterInputs & CommonInputs;

function manifestName(ctx: StepContext): string {
  return ctx.manifest.displayPath;
}

function outputsOf(pkg: ModelPackage, champion: ModelPackage | undefined): Record<RegisterOutput, string> {
  return {
    'model-package-arn': pkg.ModelPackageArn,
    'model-version': String(pkg.ModelPackageVersion),
    'approval-status': pkg.ModelApprovalStatus,
    'champion-arn': champion?.ModelPackageArn ?? '',
  };
}

/** A model artefact as the manifest records it (s3://, file:// or a path) → an s3:// URI or an absolute path. */
function artefactLocation(uri: string, cwd: string): string {
  return localArtefactPath(uri, cwd);
}

/**
 * A file the gate recorded (`evaluation.statistics`), found through the manifest: the gate writes
 * its files into `evaluate-gate/` beside the manifest and records them, like its report, relative
 * to its working directory; so the file is where it stands to the report, under the manifest's
 * folder as it is now (a manifest copied with its folder, or read from another directory, finds
 * its own). Without a report to anchor on, a relative path is the working directory's.
 */
function gateFile(recorded: string, evaluation: EvaluationView, ctx: StepContext): string {
  const report = evaluation.report;
  if (report && isAbsolute(report) === isAbsolute(recorded))
    return resolve(dirname(ctx.manifest.path), 'evaluate-gate', relative(dirname(report), recorded));
  return resolve(ctx.cwd, recorded);
}

/** The gate's statistics file: its bytes and sha256. */
async function readStatistics(
  evaluation: EvaluationView & { statistics: string },
  ctx: StepContext,
): Promise<NonNullable<PackageRequest['statistics']>> {
  const file = gateFile(evaluation.statistics, evaluation, ctx);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const e = fileError(err, file, "gate's model-quality statistics (evaluation.statistics in the manifest)");
    if (e instanceof ConfigError && (err as { code?: string }).code === 'ENOENT')
      throw new ConfigError(e.message, e.where, {
        cause: err,
        hint: `evaluate-gate writes it into evaluate-gate/ beside the manifest (${manifestName(ctx)}): copy that folder with the manifest, or run evaluate-gate again`,
      });
    throw e;
  }
  return {
    file,
    bytes,
    contentType: 'application/json',
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The verdict allows registering, or `force` overrides it (returned: whether it was forced). */
function checkVerdict(evaluation: EvaluationView | undefined, force: boolean, where: string): boolean {
  if (!evaluation?.verdict) {
    if (force) return true;
    throw new ConfigError('records no gate verdict: the candidate was never judged', where, {
      hint: 'run evaluate-gate first (modelship run does), or set force: true to register it anyway (recorded as forced)',
    });
  }
  if (evaluation.verdict === 'fail') {
    if (force) return true;
    const failed = failedChecks(evaluation);
    throw new ConfigError(
      `the gate failed${failed.length > 0 ? ` (${failed.join(', ')})` : ''}: a candidate that failed its gate is not registered`,
      where,
      { hint: 'improve the model and run the gate again, or set force: true (recorded as forced)' },
    );
  }
  return false;
}

/** `changed since it was judged`, the one line register and approve give for an artefact that is not the judged one. */
function artefactChanged(
  now: string,
  expected: string,
  where: string,
  whose: string,
  hint: string,
): ConfigError {
  return new ConfigError(
    `model artefact changed since it was judged: sha256 ${now.slice(0, 12)}… now, ${expected.slice(0, 12)}… ${whose}`,
    where,
    { hint },
  );
}

/**
 * The artefact register is about to register is the one the gate judged: the gate's record of the
 * candidate's sha256 must be the manifest's, and a local file must hash to it now. An s3://
 * artefact is not downloaded here (approve hashes it). Returns the verified sha256 of a local file.
 */
async function verifyArtefact(
  ctx: StepContext,
  training: TrainingView,
  evaluation: EvaluationView | undefined,
  artefact: string,
): Promise<string | undefined> {
  const hint =
    'run train and evaluate-gate for the artefact as it is now (or restore the file); it is not registered';
  const judged = evaluation?.candidate?.modelSha256;
  if (judged && training.modelSha256 && judged !== training.modelSha256)
    throw new ConfigError(
      `the gate judged a model with sha256 ${judged.slice(0, 12)}…, but training records ${training.modelSha256.slice(0, 12)}…: the verdict is not this model's`,
      manifestName(ctx),
      { hint: 'run evaluate-gate for this model, then register' },
    );
  const expected = training.modelSha256 ?? judged;
  if (isS3Uri(artefact)) return undefined;
  let now: string;
  try {
    now = (await sha256Of(artefact, { signal: ctx.signal })).sha256;
  } catch (err) {
    throw fileError(err, artefact, 'model artefact (training.modelArtifact in the manifest)');
  }
  if (!expected) {
    ctx.log.warn(
      `${manifestName(ctx)} records no sha256 of the model artefact: ${artefact} is registered as it is now (sha256 ${now.slice(0, 12)}…), unverified`,
    );
    return now;
  }
  if (now !== expected) throw artefactChanged(now, expected, artefact, 'in the manifest', hint);
  return now;
}

async function register(inputs: Inputs, ctx: StepContext): Promise<StepResult<RegisterOutput>> {
  // Everything the request needs is checked before the first call that changes anything.
  const where = manifestName(ctx);
  if (!ctx.manifest.exists)
    throw ctx.manifest.notFound(
      'pass the manifest train and evaluate-gate wrote (the manifest input, --manifest on the CLI), or run them first (modelship run does)',
    );
  const training = ctx.manifest.get<TrainingView>('training');
  if (!training?.modelArtifact)
    throw new ConfigError('records no trained model: there is nothing to register', where, {
      hint: 'run train first (modelship run does), or pass the manifest train wrote',
    });
  const evaluation = ctx.manifest.get<EvaluationView>('evaluation');
  const forced = checkVerdict(evaluation, inputs.force, where);
  const group = registryGroup(ctx, inputs['model-package-group']);
  const cfg = registryConfig(ctx.config);
  const file = configName(ctx.config, ctx.cwd);
  const configured = cfg['inference-image'];
  if (ctx.backend === 'sagemaker' && !configured)
    throw new ConfigError(
      'is required on SageMaker: the image that serves the model',
      `${file}: registry.inference-image`,
      { hint: 'e.g. the framework image training used, or your own serving image in ECR' },
    );
  const artefact = artefactLocation(training.modelArtifact, ctx.cwd);
  const registry = openRegistry(ctx, {
    defaultStatisticsPrefix: isS3Uri(artefact) ? `${s3Folder(artefact)}registry/` : undefined,
  });
  const statistics = evaluation?.statistics
    ? await readStatistics({ ...evaluation, statistics: evaluation.statistics }, ctx)
    : undefined;
  const tags: Record<string, string> = {
    ...((ctx.config.values.train as { tags?: Record<string, string> } | undefined)?.tags ?? {}),
    ...(cfg.tags ?? {}),
    'modelship:model': group,
  };
  const digest = manifestDigest(ctx.manifest);
  const container: PackageContainer = { ModelDataUrl: artefact };
  const request: PackageRequest = {
    group,
    description: inputs.description || cfg.description,
    status: inputs['approval-status'],
    inference: {
      Containers: [container],
      SupportedContentTypes: cfg['content-types'] ?? ['text/csv'],
      SupportedResponseMIMETypes: cfg['response-types'] ?? ['text/csv'],
      ...(cfg['instance-types'] ? { SupportedRealtimeInferenceInstanceTypes: cfg['instance-types'] } : {}),
      ...(cfg['transform-instance-types']
        ? { SupportedTransformInstanceTypes: cfg['transform-instance-types'] }
        : {}),
    },
    metadata: {},
    tags,
    digest,
    ...(statistics ? { statistics } : {}),
  };
  // The backend's own needs (SageMaker: an s3:// artefact, a statistics location), before any call.
  registry.check(request);
  const verified = await verifyArtefact(ctx, training, evaluation, artefact);
  if (verified) request.modelSha256 = verified;

  const existing = await registry.findByDigest(group, digest);
  if (existing) {
    ctx.log.info(
      `this candidate (sha256 ${digest.slice(0, 12)}…) is already ${group} version ${existing.ModelPackageVersion}: returning it, not registering again`,
    );
    unchangedStatus(ctx, existing, inputs['approval-status']);
    return finish(ctx, registry, existing, { group, digest, forced, reused: true, evaluation, training });
  }

  let image: { image?: string; digest?: string; asConfigured?: string } = {};
  if (ctx.backend === 'sagemaker') {
    image = await pinImage(configured!, `${file}: registry.inference-image`, {
      env: ctx.env,
      signal: ctx.signal,
    });
  } else if (configured) {
    // No container runs on the local backend: the image is recorded as written (by digest when it has one).
    image = digestOf(configured) ?? { image: configured };
  }
  if (image.image) container.Image = image.image;
  if (image.digest) container.ImageDigest = image.digest;
  request.inference.Containers = [{ ...container, ModelDataUrl: artefact }];
  const data = ctx.manifest.get<{ fingerprint?: string }>('data');
  request.metadata = lineage({
    env: ctx.env,
    source: ctx.manifest.get<Record<string, string>>('source'),
    digest,
    training,
    evaluation,
    dataFingerprint: data?.fingerprint,
    forced,
    imageAsConfigured: image.asConfigured,
  });
  if (!evaluation)
    ctx.log.warn(
      'registering without a gate verdict (force): no gate ran, so the package has no model-quality metrics (ModelMetrics); recorded as forced',
    );
  else {
    if (!statistics)
      ctx.log.warn(
        'the gate wrote no model-quality statistics (it judged metrics, not predictions): the package has no ModelMetrics',
      );
    if (forced) {
      const failed = failedChecks(evaluation);
      ctx.log.warn(
        evaluation.verdict
          ? `registering despite the failed gate${failed.length > 0 ? ` (${failed.join(', ')})` : ''} (force): recorded as forced`
          : 'registering without a gate verdict (force): recorded as forced',
      );
    }
  }

  const { created } = await registry.ensureGroup(group, tags);
  if (created) ctx.log.info(`created the model package group ${group} in ${registry.location}`);
  const { pkg, created: made } = await registry.create(request);
  if (!made) {
    ctx.log.info(`another run registered this candidate at the same moment: ${pkg.ModelPackageArn}`);
    unchangedStatus(ctx, pkg, inputs['approval-status']);
    return finish(ctx, registry, pkg, { group, digest, forced, reused: true, evaluation, training });
  }
  ctx.log.info(
    `registered ${group} version ${pkg.ModelPackageVersion} (${pkg.ModelApprovalStatus}): ${pkg.ModelPackageArn}`,
  );
  return finish(ctx, registry, pkg, { group, digest, forced, reused: false, evaluation, training });
}

/** A candidate registered earlier keeps its status: say so when another one was asked for. */
function unchangedStatus(ctx: StepContext, pkg: ModelPackage, asked: ApprovalStatus): void {
  const status = pkg.ModelApprovalStatus;
  if (status === asked) return;
  if (status === 'Rejected')
    ctx.log.warn(
      `${pkg.ModelPackageArn} is Rejected, and registering the same candidate again returns it (its status is not changed): a new version needs a new candidate — retrain, or gate it on other data`,
    );
  else if (asked === 'Approved')
    ctx.log.warn(
      `${pkg.ModelPackageArn} stays ${status}: registering does not change the status of a package that exists; approve it with: modelship register --operation approve --model-package-arn ${pkg.ModelPackageArn}`,
    );
}

interface FinishOptions {
  group: string;
  digest: string;
  forced: boolean;
  reused: boolean;
  evaluation?: EvaluationView;
  training?: TrainingView;
  approval?: RegistrationSection['approval'];
}

/**
 * The manifest's `registration` section for `pkg`, and whether this run records it (approving
 * another package than the one the manifest registered leaves the section alone).
 */
function registrationSection(
  ctx: StepContext,
  registry: ModelRegistry,
  pkg: ModelPackage,
  o: Pick<FinishOptions, 'digest' | 'group' | 'approval'>,
): { section: RegistrationSection; recorded: boolean; url?: string } {
  const container = pkg.InferenceSpecification?.Containers[0];
  const stats = pkg.ModelMetrics?.ModelQuality?.Statistics;
  const region = ctx.config.values.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const url =
    registry.backend === 'sagemaker' ? consoleUrl(region, o.group, pkg.ModelPackageVersion) : undefined;
  const previous = ctx.manifest.get<RegistrationSection>('registration');
  // This step's decision, else the one the manifest already records for this package.
  const approval = o.approval ?? (previous?.arn === pkg.ModelPackageArn ? previous.approval : undefined);
  // A package registered by hand (or by another tool) may carry no manifest digest: then the
  // section has none.
  const manifestSha256 = pkg.CustomerMetadataProperties[METADATA.manifestSha256] || o.digest;
  const section: RegistrationSection = {
    backend: registry.backend,
    registry: registry.location,
    group: o.group,
    arn: pkg.ModelPackageArn,
    version: pkg.ModelPackageVersion,
    status: pkg.ModelApprovalStatus,
    registeredAt: pkg.CreationTime,
    forced: pkg.CustomerMetadataProperties[METADATA.forced] === 'true',
    ...(manifestSha256 ? { manifestSha256 } : {}),
    ...(pkg.CustomerMetadataProperties[METADATA.modelSha256]
      ? { modelSha256: pkg.CustomerMetadataProperties[METADATA.modelSha256] }
      : {}),
    ...(container?.ModelDataUrl ? { modelDataUrl: container.ModelDataUrl } : {}),
    ...(container?.Image ? { image: container.Image } : {}),
    ...(container?.ImageDigest ? { imageDigest: container.ImageDigest } : {}),
    ...(stats
      ? { statistics: { uri: stats.S3Uri, sha256: (stats.ContentDigest ?? '').replace(/^sha256:/, '') } }
      : {}),
    ...(approval ? { approval } : {}),
    ...(url ? { consoleUrl: url } : {}),
  };
  // The manifest records the package it registered; approving another package leaves it alone.
  const recorded = !previous || previous.arn === pkg.ModelPackageArn || !o.approval;
  return { section, recorded, ...(url ? { url } : {}) };
}

async function finish(
  ctx: StepContext,
  registry: ModelRegistry,
  pkg: ModelPackage,
  o: FinishOptions,
): Promise<StepResult<RegisterOutput>> {
  const champion = await registry.latestApproved(o.group);
  const { section, recorded, url } = registrationSection(ctx, registry, pkg, o);
  if (recorded) ctx.manifest.set('registration', section);
  const verb = o.approval
    ? `${pkg.ModelApprovalStatus === 'Approved' ? 'approved' : 'rejected'}`
    : o.reused
      ? 'already registered as'
      : 'registered';
  const headline = o.approval
    ? `${verb} ${o.group} version ${pkg.ModelPackageVersion}; champion: ${champion ? `version ${champion.ModelPackageVersion}` : 'none'}`
    : `${verb} ${o.group} version ${pkg.ModelPackageVersion} (${pkg.ModelApprovalStatus}${o.forced ? ', forced' : ''}); champion: ${champion ? `version ${champion.ModelPackageVersion}` : 'none'}`;
  return {
    ok: true,
    headline,
    outputs: outputsOf(pkg, champion),
    summary: renderRegistration({
      headline,
      pkg,
      registry: registry.location,
      consoleUrl: url,
      champion,
      evaluation: o.evaluation,
      reused: o.reused,
    }),
    annotations: o.forced
      ? [
          {
            level: 'warning',
            title: 'register',
            message: `${o.group} version ${pkg.ModelPackageVersion} was registered by force`,
          },
        ]
      : [],
  };
}

async function decide(
  inputs: Inputs,
  ctx: StepContext,
  status: ApprovalStatus,
): Promise<StepResult<RegisterOutput>> {
  const registration = ctx.manifest.get<RegistrationSection>('registration');
  const arn = inputs['model-package-arn'] || registration?.arn;
  if (!arn && !ctx.manifest.exists)
    throw ctx.manifest.notFound('give the package (model-package-arn), or pass the manifest register wrote');
  if (!arn)
    throw new ConfigError(
      `nothing to ${inputs.operation}: no model-package-arn, and the manifest records no registered package`,
      "input 'model-package-arn'",
      {
        hint: 'give the package ARN (modelship registry list shows them), or pass the manifest register wrote',
      },
    );
  const registry = openRegistry(ctx);
  const pkg = await registry.describe(arn);
  const group = pkg.ModelPackageGroupName;
  if (status === 'Approved' && pkg.ModelApprovalStatus === 'Rejected')
    throw new ConfigError('is Rejected: a rejected package is not approved', arn, {
      hint: 'a rejected package stays rejected, and registering the same candidate returns it: for a new version, register a new candidate (retrain, or gate it on other data)',
    });
  const training = ctx.manifest.get<TrainingView>('training');
  let forcedWarning: string | undefined;
  if (status === 'Approved') {
    // Approve only the artefact that was judged: its sha256 now must be the one recorded.
    const recorded = pkg.CustomerMetadataProperties[METADATA.modelSha256];
    const ours = registration?.arn === pkg.ModelPackageArn ? training?.modelSha256 : undefined;
    const expected = [ours, recorded].filter((x): x is string => Boolean(x));
    if (expected.length > 0) {
      const now = await registry.modelSha256(pkg);
      const differs = expected.find((e) => e !== now);
      if (differs)
        throw artefactChanged(
          now,
          differs,
          registry.modelUri(pkg) ?? arn,
          differs === ours ? 'in the manifest' : 'when registered',
          pkg.ModelApprovalStatus === 'Approved'
            ? `${arn} is still Approved, and evaluate-gate refuses to score it as the champion: reject it (modelship register --operation reject --model-package-arn ${arn}) or restore the file`
            : 'register and gate the artefact as it is now; do not approve this package',
        );
    }
    const meta = pkg.CustomerMetadataProperties;
    if (meta[METADATA.forced] === 'true' && pkg.ModelApprovalStatus !== 'Approved') {
      const failed = (meta[METADATA.gateChecks] ?? '').split(' ').filter(Boolean);
      const verdict = meta[METADATA.gate];
      const line =
        verdict === 'fail'
          ? `approving ${arn}, which was registered by force although its gate failed${failed.length > 0 ? ` (${failed.join(', ')})` : ''}`
          : `approving ${arn}, which was registered by force without a gate verdict (no gate ran)`;
      ctx.log.warn(line);
      forcedWarning = line;
    }
  }
  if (pkg.ModelApprovalStatus === status) {
    ctx.log.info(`${arn} is already ${status}: nothing to change`);
    return finish(ctx, registry, pkg, {
      group,
      digest: pkg.CustomerMetadataProperties[METADATA.manifestSha256] ?? '',
      forced: false,
      reused: true,
      approval: {
        status,
        description: pkg.ApprovalDescription ?? '',
        at: pkg.LastModifiedTime ?? pkg.CreationTime,
      },
    });
  }
  const who = approver(ctx.env);
  const verb = status === 'Approved' ? 'approved' : 'rejected';
  const description = `${verb} by ${who.by} from ${who.from}${inputs.description ? `: ${inputs.description}` : ''}`;
  // What the manifest will record is checked before the registry changes: a decision that cannot
  // be recorded changes nothing.
  const planned = registrationSection(
    ctx,
    registry,
    { ...pkg, ModelApprovalStatus: status },
    {
      group,
      digest: pkg.CustomerMetadataProperties[METADATA.manifestSha256] ?? '',
      approval: { status, description, at: ctx.now().toISOString() },
    },
  );
  if (planned.recorded)
    await ctx.manifest.check(
      'registration',
      planned.section,
      `${arn} (its metadata, as the manifest would record it)`,
    );
  const updated = await registry.setApproval(
    pkg,
    status,
    description,
    fitMetadata({ [METADATA.approvedBy]: who.by, [METADATA.approvedFrom]: who.from }),
  );
  ctx.log.info(`${updated.ModelPackageArn}: ${description}`);
  const result = await finish(ctx, registry, updated, {
    group,
    digest: updated.CustomerMetadataProperties[METADATA.manifestSha256] ?? '',
    forced: false,
    reused: false,
    approval: { status, description, at: ctx.now().toISOString() },
  });
  if (forcedWarning)
    result.annotations = [
      ...(result.annotations ?? []),
      { level: 'warning', title: 'register', message: forcedWarning },
    ];
  return result;
}

async function runRegister(inputs: Inputs, ctx: StepContext): Promise<StepResult<RegisterOutput>> {
  switch (inputs.operation) {
    case 'approve':
      return decide(inputs, ctx, 'Approved');
    case 'reject':
      return decide(inputs, ctx, 'Rejected');
    default:
      return register(inputs, ctx);
  }
}

/** What register does (declared in ./definition.ts). */
export function createRegisterImpl(): StepImpl<RegisterInputs, RegisterOutput> {
  return { run: (inputs, ctx) => runRegister(inputs, ctx) };
}
