// SageMaker's Model Registry behind the ModelRegistry interface.
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  UpdateModelPackageCommand,
  type CreateModelPackageCommandInput,
  type DescribeModelPackageCommandOutput,
  type ModelPackageSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  awsError,
  isS3Uri,
  putS3Object,
  readJsonDocument,
  sha256Of,
  type AwsErrorContext,
  type S3Client,
} from '@modelship/aws';
import { ConfigError } from '@modelship/core';
import { METADATA } from './metadata.js';
import {
  modelQuality,
  type ApprovalStatus,
  type InferenceSpecification,
  type ModelPackage,
  type ModelRegistry,
  type PackageRequest,
  type PackageSummary,
} from './types.js';

/** Where the register step uploads a package's model-quality statistics: `<prefix>/<group>/<digest16>/model-quality.json`. */
export function statisticsUri(prefix: string, group: string, digest: string): string {
  return `${prefix.replace(/\/+$/, '')}/${group}/${digest.slice(0, 16)}/model-quality.json`;
}

/** SageMaker's `ClientToken` (at most 36 of `[a-zA-Z0-9-]`): the first 36 hex characters of the digest. */
export function clientToken(digest: string): string {
  return digest.slice(0, 36);
}

function errorName(err: unknown): string {
  return (err as { name?: string } | undefined)?.name ?? '';
}

/** SageMaker answers a missing package or group with a ValidationException saying so. */
function isNotFound(err: unknown): boolean {
  const message = (err as Error | undefined)?.message ?? '';
  return (
    errorName(err) === 'ResourceNotFound' ||
    (/Validation/.test(errorName(err)) && /not found|does not exist/i.test(message))
  );
}

function iso(d: Date | undefined): string {
  return d ? new Date(d).toISOString() : '';
}

function summaryOf(s: ModelPackageSummary): PackageSummary {
  return {
    ModelPackageGroupName: s.ModelPackageGroupName ?? '',
    ModelPackageVersion: s.ModelPackageVersion ?? 0,
    ModelPackageArn: s.ModelPackageArn ?? '',
    ...(s.ModelPackageDescription ? { ModelPackageDescription: s.ModelPackageDescription } : {}),
    ModelApprovalStatus: (s.ModelApprovalStatus ?? 'PendingManualApproval') as ApprovalStatus,
    CreationTime: iso(s.CreationTime),
  };
}

function packageOf(d: DescribeModelPackageCommandOutput): ModelPackage {
  const stats = d.ModelMetrics?.ModelQuality?.Statistics;
  const out: ModelPackage = {
    ModelPackageGroupName: d.ModelPackageGroupName ?? '',
    ModelPackageVersion: d.ModelPackageVersion ?? 0,
    ModelPackageArn: d.ModelPackageArn ?? '',
    ModelApprovalStatus: (d.ModelApprovalStatus ?? 'PendingManualApproval') as ApprovalStatus,
    CreationTime: iso(d.CreationTime),
    CustomerMetadataProperties: d.CustomerMetadataProperties ?? {},
  };
  if (d.ModelPackageDescription) out.ModelPackageDescription = d.ModelPackageDescription;
  if (d.ApprovalDescription) out.ApprovalDescription = d.ApprovalDescription;
  if (d.LastModifiedTime) out.LastModifiedTime = iso(d.LastModifiedTime);
  if (d.InferenceSpecification)
    out.InferenceSpecification = d.InferenceSpecification as InferenceSpecification;
  if (stats?.S3Uri && stats.ContentType)
    out.ModelMetrics = {
      ModelQuality: {
        Statistics: {
          ContentType: stats.ContentType,
          S3Uri: stats.S3Uri,
          ...(stats.ContentDigest ? { ContentDigest: stats.ContentDigest } : {}),
        },
      },
    };
  return out;
}

export interface SageMakerRegistryOptions {
  sagemaker: SageMakerClient;
  s3: () => S3Client;
  region: string;
  /** The `s3://` prefix the model-quality statistics are uploaded under (see {@link statisticsUri}). */
  statisticsPrefix?: string;
  /** How messages name the config file (default modelship.yml). */
  configFile?: string;
  signal?: AbortSignal;
}

export class SageMakerRegistry implements ModelRegistry {
  readonly backend = 'sagemaker' as const;

  constructor(private readonly o: SageMakerRegistryOptions) {}

  get location(): string {
    return `SageMaker Model Registry (${this.o.region})`;
  }

  private async call<T>(run: () => Promise<T>, resource: string, ctx: AwsErrorContext): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw awsError(err, resource, { service: 'SageMaker', ...ctx });
    }
  }

  async ensureGroup(group: string, tags: Record<string, string>): Promise<{ created: boolean }> {
    const where = `model package group ${group}`;
    try {
      await this.o.sagemaker.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }), {
        abortSignal: this.o.signal,
      });
      return { created: false };
    } catch (err) {
      if (!isNotFound(err))
        throw awsError(err, where, {
          action: 'sagemaker:DescribeModelPackageGroup',
          kind: 'model package group',
        });
    }
    try {
      await this.o.sagemaker.send(
        new CreateModelPackageGroupCommand({
          ModelPackageGroupName: group,
          ModelPackageGroupDescription: `${group}: registered by modelship`,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
        { abortSignal: this.o.signal },
      );
      return { created: true };
    } catch (err) {
      // Another run created it between our describe and create.
      if (/already exists/i.test((err as Error | undefined)?.message ?? '')) return { created: false };
      throw awsError(err, where, { action: 'sagemaker:CreateModelPackageGroup', access: 'write' });
    }
  }

  async groups(): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(
        () =>
          this.o.sagemaker.send(
            new ListModelPackageGroupsCommand({ NextToken: token, MaxResults: 100, SortBy: 'Name' }),
            { abortSignal: this.o.signal },
          ),
        'model package groups',
        { action: 'sagemaker:ListModelPackageGroups' },
      );
      for (const g of page.ModelPackageGroupSummaryList ?? [])
        if (g.ModelPackageGroupName) out.push(g.ModelPackageGroupName);
      token = page.NextToken;
    } while (token);
    return out;
  }

  /** The group's packages, newest first, page by page (an empty page may still carry a token). */
  private async *pages(group: string, status?: ApprovalStatus): AsyncGenerator<PackageSummary[]> {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.o.sagemaker.send(
          new ListModelPackagesCommand({
            ModelPackageGroupName: group,
            ModelApprovalStatus: status,
            SortBy: 'CreationTime',
            SortOrder: 'Descending',
            MaxResults: 100,
            NextToken: token,
          }),
          { abortSignal: this.o.signal },
        );
      } catch (err) {
        if (isNotFound(err)) return;
        throw awsError(err, `model package group ${group}`, {
          action: 'sagemaker:ListModelPackages',
          kind: 'model package group',
        });
      }
      yield (page.ModelPackageSummaryList ?? []).map(summaryOf);
      token = page.NextToken;
    } while (token);
  }

  async list(group: string, opts: { status?: ApprovalStatus } = {}): Promise<PackageSummary[]> {
    const out: PackageSummary[] = [];
    for await (const page of this.pages(group, opts.status)) out.push(...page);
    return out;
  }

  async findByDigest(group: string, digest: string): Promise<ModelPackage | undefined> {
    // A listing does not carry the metadata: describe each package, newest first (a re-run finds
    // its package near the top).
    for await (const page of this.pages(group)) {
      for (const s of page) {
        const p = await this.describe(s.ModelPackageArn);
        if (p.CustomerMetadataProperties[METADATA.manifestSha256] === digest) return p;
      }
    }
    return undefined;
  }

  async latestApproved(group: string): Promise<ModelPackage | undefined> {
    for await (const page of this.pages(group, 'Approved')) {
      const first = page[0];
      if (first) return this.describe(first.ModelPackageArn);
    }
    return undefined;
  }

  check(req: PackageRequest): void {
    const url = req.inference.Containers[0]?.ModelDataUrl;
    if (!url || !isS3Uri(url))
      throw new ConfigError(
        `is not in S3: a SageMaker model package serves its model from an s3:// URI (ModelDataUrl)`,
        url ?? 'the model artefact',
        {
          hint: 'train on SageMaker (its model.tar.gz is in S3), or upload the artefact and register a manifest that records it; the local backend registers local files',
        },
      );
    if (req.statistics && !this.o.statisticsPrefix)
      throw new ConfigError(
        "no S3 location for the gate's model-quality statistics",
        `${this.o.configFile ?? 'modelship.yml'}: registry.statistics-output`,
        { hint: 'set registry.statistics-output (or train.output) to an s3:// prefix' },
      );
  }

  async create(req: PackageRequest): Promise<{ pkg: ModelPackage; created: boolean }> {
    this.check(req);
    let metrics: ModelPackage['ModelMetrics'];
    if (req.statistics && this.o.statisticsPrefix) {
      const uri = statisticsUri(this.o.statisticsPrefix, req.group, req.digest);
      await putS3Object(this.o.s3(), uri, req.statistics.bytes, {
        contentType: req.statistics.contentType,
        signal: this.o.signal,
      });
      metrics = modelQuality(req.statistics, uri);
    }
    const out = await this.call(
      () =>
        this.o.sagemaker.send(
          new CreateModelPackageCommand({
            ModelPackageGroupName: req.group,
            ModelPackageDescription: req.description,
            // Instance types are checked against SageMaker's lists by SageMaker itself.
            InferenceSpecification: req.inference as CreateModelPackageCommandInput['InferenceSpecification'],
            ModelMetrics: metrics,
            CustomerMetadataProperties: req.metadata,
            ModelApprovalStatus: req.status,
            Tags: Object.entries(req.tags).map(([Key, Value]) => ({ Key, Value })),
            // SageMaker's own idempotency: two calls with this token make one package.
            ClientToken: clientToken(req.digest),
          }),
          { abortSignal: this.o.signal },
        ),
      `model package group ${req.group}`,
      { action: 'sagemaker:CreateModelPackage', access: 'write', kind: 'model package group' },
    ).catch((err: unknown) => {
      if (!(err instanceof ConfigError) && errorName(err) === 'ValidationException')
        throw new ConfigError(
          `SageMaker refused CreateModelPackage: ${(err as Error).message}`,
          `model package group ${req.group}`,
          { cause: err },
        );
      throw err;
    });
    // With the same ClientToken SageMaker answers a racing create with the first one's package.
    return { pkg: await this.describe(out.ModelPackageArn ?? ''), created: true };
  }

  async describe(arn: string): Promise<ModelPackage> {
    try {
      return packageOf(
        await this.o.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }), {
          abortSignal: this.o.signal,
        }),
      );
    } catch (err) {
      if (isNotFound(err))
        throw new ConfigError(`model package not found in the ${this.location}`, arn, {
          cause: err,
          hint: 'check the ARN (and the region); list a group with: modelship registry list --group <name>',
        });
      throw awsError(err, arn, { action: 'sagemaker:DescribeModelPackage', kind: 'model package' });
    }
  }

  async setApproval(
    pkg: ModelPackage,
    status: ApprovalStatus,
    description: string,
    metadata: Record<string, string>,
  ): Promise<ModelPackage> {
    await this.call(
      () =>
        this.o.sagemaker.send(
          new UpdateModelPackageCommand({
            ModelPackageArn: pkg.ModelPackageArn,
            ModelApprovalStatus: status,
            ApprovalDescription: description.slice(0, 1024),
            // The whole map, not just the new keys: SageMaker merges, and an emulator that replaces
            // the map keeps the lineage too.
            CustomerMetadataProperties: { ...pkg.CustomerMetadataProperties, ...metadata },
          }),
          { abortSignal: this.o.signal },
        ),
      pkg.ModelPackageArn,
      { action: 'sagemaker:UpdateModelPackage', access: 'write', kind: 'model package' },
    );
    return this.describe(pkg.ModelPackageArn);
  }

  modelUri(pkg: ModelPackage): string | undefined {
    return pkg.InferenceSpecification?.Containers[0]?.ModelDataUrl;
  }

  async statistics(pkg: ModelPackage): Promise<unknown> {
    const uri = pkg.ModelMetrics?.ModelQuality?.Statistics?.S3Uri;
    if (!uri) return undefined;
    return readJsonDocument(uri, { s3: this.o.s3, signal: this.o.signal, what: 'model-quality statistics' });
  }

  async modelSha256(pkg: ModelPackage): Promise<string> {
    const uri = this.modelUri(pkg);
    if (!uri) throw new ConfigError('records no model artefact', pkg.ModelPackageArn);
    return (await sha256Of(uri, { s3: this.o.s3(), signal: this.o.signal })).sha256;
  }
}
