// The model registry as both backends hold it: SageMaker's Model Registry and the local file
// registry keep the same fields (SageMaker's names) and the same approval statuses, so a person,
// the register step and evaluate-gate's champion lookup read one shape whichever backend holds it.

/** SageMaker's `ModelApprovalStatus` values (the local registry uses the same). */
export const APPROVAL_STATUSES = ['Approved', 'Rejected', 'PendingManualApproval'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** SageMaker's `MetricsSource`; in the local registry `S3Uri` is a path relative to the registry's root. */
export interface MetricsSource {
  ContentType: string;
  S3Uri: string;
  ContentDigest?: string;
}

/** One container of a package's `InferenceSpecification`. */
export interface PackageContainer {
  Image?: string;
  ImageDigest?: string;
  /** The model artefact: `s3://…` on SageMaker; in the local registry a path relative to its root (or an `s3://` URI referenced). */
  ModelDataUrl?: string;
}

export interface InferenceSpecification {
  Containers: PackageContainer[];
  SupportedContentTypes?: string[];
  SupportedResponseMIMETypes?: string[];
  SupportedRealtimeInferenceInstanceTypes?: string[];
  SupportedTransformInstanceTypes?: string[];
}

/**
 * A versioned model package, as DescribeModelPackage shows it (times as ISO strings). The local
 * registry stores exactly this document, one file per version.
 */
export interface ModelPackage {
  ModelPackageGroupName: string;
  ModelPackageVersion: number;
  ModelPackageArn: string;
  ModelPackageDescription?: string;
  ModelApprovalStatus: ApprovalStatus;
  ApprovalDescription?: string;
  CreationTime: string;
  LastModifiedTime?: string;
  InferenceSpecification?: InferenceSpecification;
  ModelMetrics?: { ModelQuality?: { Statistics?: MetricsSource } };
  CustomerMetadataProperties: Record<string, string>;
}

/** A package as a listing shows it (SageMaker's `ModelPackageSummary`). */
export type PackageSummary = Pick<
  ModelPackage,
  | 'ModelPackageGroupName'
  | 'ModelPackageVersion'
  | 'ModelPackageArn'
  | 'ModelPackageDescription'
  | 'ModelApprovalStatus'
  | 'CreationTime'
>;

/** What the register step asks a registry to create. */
export interface PackageRequest {
  group: string;
  description?: string;
  status: ApprovalStatus;
  inference: InferenceSpecification;
  /** The model-quality statistics file (local path) to attach as ModelMetrics.ModelQuality.Statistics. */
  statistics?: { file: string; contentType: string; sha256: string; bytes: Buffer };
  metadata: Record<string, string>;
  tags: Record<string, string>;
  /** The idempotency key: the candidate's manifest digest (also in `metadata`). */
  digest: string;
  /** The sha256 the model artefact must have (the judged one): a local copy of other bytes is refused. */
  modelSha256?: string;
}

/** Both backends behind one interface. Errors a user can fix are ConfigErrors naming the resource. */
export interface ModelRegistry {
  readonly backend: 'local' | 'sagemaker';
  /** Where the registry is, for people: the local root, or `SageMaker Model Registry (<region>)`. */
  readonly location: string;
  /**
   * Check, without calling anything, that `create` can make this package: what the backend needs
   * (on SageMaker an s3:// artefact, and a statistics location when there are statistics).
   *
   * @throws ConfigError naming the field or file.
   */
  check(req: PackageRequest): void;
  /** Create the group unless it exists (described first); `created` says which. */
  ensureGroup(group: string, tags: Record<string, string>): Promise<{ created: boolean }>;
  /** The group's packages, newest first; empty when the group does not exist. */
  list(group: string, opts?: { status?: ApprovalStatus }): Promise<PackageSummary[]>;
  /** The groups, by name. */
  groups(): Promise<string[]>;
  /** The package this candidate digest created earlier, newest first, or undefined. */
  findByDigest(group: string, digest: string): Promise<ModelPackage | undefined>;
  /**
   * Create the next version. `created` is false when another process registered this very
   * candidate (the same digest) at the same moment and its package is returned instead.
   */
  create(req: PackageRequest): Promise<{ pkg: ModelPackage; created: boolean }>;
  /** @throws ConfigError naming the package when there is none. */
  describe(arn: string): Promise<ModelPackage>;
  setApproval(
    pkg: ModelPackage,
    status: ApprovalStatus,
    description: string,
    metadata: Record<string, string>,
  ): Promise<ModelPackage>;
  /** The group's latest Approved package (the champion), or undefined. */
  latestApproved(group: string): Promise<ModelPackage | undefined>;
  /** Where evaluate-gate reads the package's model artefact: a local path or an `s3://` URI. */
  modelUri(pkg: ModelPackage): string | undefined;
  /** The package's model-quality statistics document, when it has one. */
  statistics(pkg: ModelPackage): Promise<unknown>;
  /** sha256 of the package's model artefact as it is now. */
  modelSha256(pkg: ModelPackage): Promise<string>;
}

/** `ModelMetrics` pointing at a model-quality statistics document stored at `uri`. */
export function modelQuality(
  statistics: NonNullable<PackageRequest['statistics']>,
  uri: string,
): NonNullable<ModelPackage['ModelMetrics']> {
  return {
    ModelQuality: {
      Statistics: {
        ContentType: statistics.contentType,
        S3Uri: uri,
        ContentDigest: `sha256:${statistics.sha256}`,
      },
    },
  };
}
