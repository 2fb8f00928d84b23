// baseline: registry — the champion is the model package group's latest Approved package, found by
// the registry's one champion lookup (the register step uses the same function).
import { ConfigError, type StepContext } from '@modelship/core';
import { lookupChampion, METADATA, type ModelPackage, type ModelRegistry } from '@modelship/registry';
import { metricValues } from './baseline.js';

export interface RegistryChampion {
  /** The package ARN (`model-package/<group>/<version>` on the local backend). */
  arn: string;
  version: number;
  group: string;
  /** Where the evaluation run reads its model artefact: an s3:// URI or a local path. */
  model?: string;
  modelSha256?: string;
  pkg: ModelPackage;
  registry: ModelRegistry;
}

/** The champion, or why there is none (in the verdict's words). */
export async function findRegistryChampion(
  ctx: StepContext,
): Promise<{ champion: RegistryChampion } | { why: string }> {
  let found;
  try {
    found = await lookupChampion(ctx);
  } catch (err) {
    if (err instanceof ConfigError && /nothing names the model/.test(err.message))
      return {
        why: 'there is no champion: baseline is registry, but nothing names the model package group (set model or registry.group in modelship.yml)',
      };
    throw err;
  }
  const { registry, group, champion: pkg } = found;
  if (!pkg)
    return {
      why: `there is no champion yet: the model package group ${group} (${registry.location}) has no Approved package`,
    };
  const model = registry.modelUri(pkg);
  return {
    champion: {
      arn: pkg.ModelPackageArn,
      version: pkg.ModelPackageVersion,
      group,
      ...(model ? { model } : {}),
      ...(pkg.CustomerMetadataProperties[METADATA.modelSha256]
        ? { modelSha256: pkg.CustomerMetadataProperties[METADATA.modelSha256] }
        : {}),
      pkg,
      registry,
    },
  };
}

/**
 * The champion's recorded metrics: the training metrics register wrote into its metadata
 * (`modelship:metric:<name>`, what a metrics-only gate compares the candidate's training metrics
 * with), and for other metrics its model-quality statistics.
 */
export async function recordedMetrics(c: RegistryChampion): Promise<Record<string, number>> {
  const stats = await c.registry.statistics(c.pkg);
  const out: Record<string, number> =
    stats === undefined
      ? {}
      : metricValues(stats, c.pkg.ModelMetrics?.ModelQuality?.Statistics?.S3Uri ?? c.arn);
  for (const [k, v] of Object.entries(c.pkg.CustomerMetadataProperties)) {
    if (!k.startsWith(METADATA.metricPrefix)) continue;
    const n = Number(v);
    if (Number.isFinite(n)) out[k.slice(METADATA.metricPrefix.length)] = n;
  }
  return out;
}
