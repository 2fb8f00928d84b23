// Which registry a step talks to, and the one champion lookup: the register step and
// evaluate-gate both come here, so "the champion" means the same thing to both.
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { createS3Client, createSageMakerClient, isS3Uri } from '@modelship/aws';
import { ConfigError, configName, type Logger, type StepContext } from '@modelship/core';
import { LocalRegistry } from './local.js';
import { checkGroupName } from './metadata.js';
import { SageMakerRegistry } from './sagemaker.js';
import type { ModelPackage, ModelRegistry } from './types.js';

/** The fields of the `registry` block (declared by the register step) that choosing a registry reads. */
export interface RegistryLocationConfig {
  group?: string;
  path?: string;
  'statistics-output'?: string;
}

/** The local registry's folder when `registry.path` is not set, relative to the working directory. */
export const DEFAULT_REGISTRY_PATH = '.modelship/registry';

/** What choosing a registry needs from a step's context (a command without a manifest leaves it out). */
export type RegistryContext = Pick<StepContext, 'config' | 'cwd' | 'backend' | 'env' | 'signal' | 'now'> & {
  manifest?: Pick<StepContext['manifest'], 'get'>;
  /** Where the registry says what it waits for (a step's log). */
  log?: Pick<Logger, 'info'>;
};

function block(ctx: Pick<RegistryContext, 'config'>): RegistryLocationConfig {
  return (ctx.config.values.registry as RegistryLocationConfig | undefined) ?? {};
}

function shown(cwd: string, p: string): string {
  const rel = relative(cwd, p);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? p : rel;
}

/**
 * The model package group: `input` (the step's `model-package-group`), else `registry.group`, else
 * the config's `model`, else the manifest's. Checked against SageMaker's pattern on both backends.
 *
 * @throws ConfigError when none is set or the name is one SageMaker refuses.
 */
export function registryGroup(
  ctx: RegistryContext,
  input?: string,
  inputLabel = "input 'model-package-group'",
): string {
  if (input) return checkGroupName(input, inputLabel);
  const b = block(ctx);
  const file = configName(ctx.config, ctx.cwd);
  if (b.group) return checkGroupName(b.group, `${file}: registry.group`);
  if (ctx.config.values.model) return checkGroupName(ctx.config.values.model, `${file}: model`);
  const model = ctx.manifest?.get<string>('model');
  if (model) return checkGroupName(model, 'model (in the manifest)');
  throw new ConfigError('no model package group: nothing names the model', inputLabel, {
    hint: `set model (or registry.group) in ${configName(ctx.config, ctx.cwd)}, or give model-package-group`,
  });
}

/**
 * The local registry's folder: `registry.path` relative to the config file (`~` and `~/…` are the
 * home folder), else `.modelship/registry` in the working directory.
 *
 * @throws ConfigError for a URI (`s3://…`, `file://…`) or `~user`: the local registry is a folder.
 */
export function localRegistryRoot(ctx: Pick<RegistryContext, 'config' | 'cwd' | 'env'>): string {
  const p = block(ctx).path;
  if (!p) return resolve(ctx.cwd, DEFAULT_REGISTRY_PATH);
  const where = `${configName(ctx.config, ctx.cwd)}: registry.path`;
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(p))
    throw new ConfigError(`'${p}' is a URI: the local registry is a folder`, where, {
      hint: isS3Uri(p)
        ? 'give a folder (relative to the config file); a registry in the cloud is SageMaker Model Registry: set backend: sagemaker'
        : 'give a folder, relative to the config file or absolute',
    });
  if (p === '~' || p.startsWith('~/')) return join(ctx.env.HOME || homedir(), p.slice(1));
  if (p.startsWith('~'))
    throw new ConfigError(`'${p}': only ~ and ~/… (your home folder) are expanded`, where, {
      hint: 'give the folder as an absolute path',
    });
  return ctx.config.resolvePath(p);
}

/**
 * The registry of the step's backend: on `local` the folder `registry.path` (relative to the
 * config file; default `.modelship/registry` in the working directory), on `sagemaker` the Model
 * Registry of the config's region. Statistics are uploaded under `registry.statistics-output`,
 * else `train.output`, else `defaultStatisticsPrefix`.
 */
export function openRegistry(
  ctx: RegistryContext,
  opts: { defaultStatisticsPrefix?: string } = {},
): ModelRegistry {
  const b = block(ctx);
  const region = ctx.config.values.region;
  const s3 = () => createS3Client(region, ctx.env);
  if (ctx.backend === 'local') {
    const root = localRegistryRoot(ctx);
    return new LocalRegistry(root, shown(ctx.cwd, root), {
      now: ctx.now,
      s3,
      signal: ctx.signal,
      ...(ctx.log ? { log: (m: string) => ctx.log!.info(m) } : {}),
    });
  }
  const train = ctx.config.values.train as { output?: string } | undefined;
  const prefix =
    b['statistics-output'] ??
    (train?.output && isS3Uri(train.output) ? train.output : undefined) ??
    opts.defaultStatisticsPrefix;
  return new SageMakerRegistry({
    sagemaker: createSageMakerClient(region, ctx.env),
    s3,
    region: region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    statisticsPrefix: prefix,
    configFile: configName(ctx.config, ctx.cwd),
    signal: ctx.signal,
  });
}

/** The folder of an `s3://` object, as a prefix: `s3://b/a/model.tar.gz` → `s3://b/a/`. */
export function s3Folder(uri: string): string {
  const i = uri.lastIndexOf('/');
  return i < 's3://'.length ? `${uri}/` : uri.slice(0, i + 1);
}

export interface ChampionLookup {
  registry: ModelRegistry;
  group: string;
  /** The group's latest Approved package, or undefined when it has none (no champion yet). */
  champion?: ModelPackage;
}

/**
 * The champion: the group's latest Approved package. On SageMaker `ListModelPackages` with
 * `ModelApprovalStatus=Approved`, `SortBy=CreationTime`, `SortOrder=Descending`, paged until the
 * first package (a filtered page may be empty and still carry a token), then described; on the
 * local registry the highest version whose status is Approved.
 */
export async function lookupChampion(
  ctx: RegistryContext,
  opts: { group?: string; registry?: ModelRegistry } = {},
): Promise<ChampionLookup> {
  const group = registryGroup(ctx, opts.group);
  const registry = opts.registry ?? openRegistry(ctx);
  const champion = await registry.latestApproved(group);
  return champion ? { registry, group, champion } : { registry, group };
}
