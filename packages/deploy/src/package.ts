// The challenger's model package, read from the registry the register step writes. This is the one
// place deploy-canary reads a registry: the local registry's layout (one ModelPackage document per
// version under <root>/<group>/versions/<n>.json, its ModelDataUrl relative to <root>) and
// SageMaker's DescribeModelPackage.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { DescribeModelPackageCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { awsError, isSageMakerNotFound } from '@modelship/aws';
import { ConfigError, fileError, type StepContext } from '@modelship/core';

/** The local registry's folder when `registry.path` is not set, relative to the working directory. */
export const DEFAULT_REGISTRY_PATH = '.modelship/registry';

/** What deploy-canary needs of a model package. */
export interface PackageInfo {
  arn: string;
  group: string;
  version: number;
  status?: string;
  /** The model artefact: an absolute local path (local registry) or an `s3://` URI. */
  modelUri?: string;
  image?: string;
}

/** `model-package/<group>/<n>`, `<group>/<n>` or an ARN ending so → group and version. */
export function parsePackageArn(arn: string): { group: string; version: number } | undefined {
  const m = /(?:^|model-package\/)([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})\/(\d+)$/.exec(arn.trim());
  return m ? { group: m[1]!, version: Number(m[2]) } : undefined;
}

interface PackageDocument {
  ModelPackageGroupName?: string;
  ModelPackageVersion?: number;
  ModelPackageArn?: string;
  ModelApprovalStatus?: string;
  InferenceSpecification?: { Containers?: { Image?: string; ModelDataUrl?: string }[] };
}

/** The local registry's folder: `registry.path` relative to the config file, else `.modelship/registry` in `cwd`. */
export function localRegistryRoot(ctx: Pick<StepContext, 'config' | 'cwd'>): string {
  const path = (ctx.config.values.registry as { path?: string } | undefined)?.path;
  return path ? ctx.config.resolvePath(path) : resolve(ctx.cwd, DEFAULT_REGISTRY_PATH);
}

/**
 * A package of the local registry and where its model artefact is.
 *
 * @throws ConfigError naming the package when the ARN is not a local one or the registry has no such version.
 */
export async function localPackage(
  root: string,
  arn: string,
  where: string,
  display: string = root,
): Promise<PackageInfo> {
  const ref = parsePackageArn(arn);
  if (!ref)
    throw new ConfigError(`'${arn}' is not a local model package (model-package/<group>/<version>)`, where, {
      hint: 'list the packages with: modelship registry list',
    });
  const path = join(root, ref.group, 'versions', `${ref.version}.json`);
  let doc: PackageDocument;
  try {
    doc = JSON.parse(await readFile(path, 'utf8')) as PackageDocument;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT')
      throw new ConfigError(`model package ${arn} not found in the local registry ${display}`, where, {
        cause: err,
        hint: 'register the model first (modelship register), or list the packages with: modelship registry list',
      });
    if (err instanceof SyntaxError)
      throw new ConfigError(`is not valid JSON (${err.message})`, path, { cause: err });
    throw fileError(err, path, 'model package');
  }
  const url = doc.InferenceSpecification?.Containers?.[0]?.ModelDataUrl;
  return {
    arn: doc.ModelPackageArn ?? arn,
    group: doc.ModelPackageGroupName ?? ref.group,
    version: doc.ModelPackageVersion ?? ref.version,
    status: doc.ModelApprovalStatus,
    modelUri:
      url === undefined ? undefined : url.startsWith('s3://') || isAbsolute(url) ? url : resolve(root, url),
    image: doc.InferenceSpecification?.Containers?.[0]?.Image,
  };
}

/** A package of SageMaker's Model Registry (DescribeModelPackage). */
export async function sagemakerPackage(
  sagemaker: SageMakerClient,
  arn: string,
  signal: AbortSignal,
): Promise<PackageInfo> {
  try {
    const d = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }), {
      abortSignal: signal,
    });
    const c = d.InferenceSpecification?.Containers?.[0];
    const ref = parsePackageArn(arn);
    return {
      arn: d.ModelPackageArn ?? arn,
      group: d.ModelPackageGroupName ?? ref?.group ?? 'model',
      version: d.ModelPackageVersion ?? ref?.version ?? 0,
      status: d.ModelApprovalStatus,
      modelUri: c?.ModelDataUrl,
      image: c?.Image,
    };
  } catch (err) {
    if (isSageMakerNotFound(err))
      throw new ConfigError('model package not found in SageMaker Model Registry', `model package ${arn}`, {
        cause: err,
      });
    throw awsError(err, `model package ${arn}`, {
      action: 'sagemaker:DescribeModelPackage',
      kind: 'model package',
    });
  }
}

/**
 * The challenger's package ARN: the input, else the package the manifest's registration section
 * records.
 *
 * @throws ConfigError when neither names one.
 */
export function challengerArn(input: string | undefined, ctx: Pick<StepContext, 'manifest'>): string {
  if (input) return input;
  const registered = ctx.manifest.get<{ arn?: string }>('registration');
  if (registered?.arn) return registered.arn;
  throw ctx.manifest.missing(
    new ConfigError(
      'no model package to deploy: the manifest records no registration',
      "input 'model-package-arn'",
      {
        hint: 'run register first (modelship register), or give model-package-arn',
      },
    ),
  );
}
