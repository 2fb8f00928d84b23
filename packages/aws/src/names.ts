import type { Provenance } from '@modelship/core';

/** SageMaker's limit and pattern for resource names (training and processing jobs, models, endpoints, …). */
export const SAGEMAKER_NAME_MAX = 63;
export const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

/** Keep letters, digits and single hyphens; trim hyphens at both ends. */
function clean(part: string): string {
  return part
    .replace(/[^a-zA-Z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/** `20261122t091503`: a compact UTC stamp for runs that have no run id (a workstation). */
function stamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .toLowerCase();
}

export interface ResourceNameOptions {
  /** A part kept whole between the base and the run part, e.g. `eval` → `churn-eval-1a2b3c4-77-1`. */
  tag?: string;
  /** What the name is for, in the error when none can be made (default `resource`). */
  what?: string;
}

/**
 * A deterministic SageMaker resource name: `<base>[-<tag>]-<sha7>-<run id>-<attempt>`, e.g.
 * `churn-1a2b3c4-9876543210-1`, so a re-run of the same CI attempt finds the same resource.
 * Without a commit the sha part is `dev`; without a run id (a workstation) the run part is the UTC
 * time `now` (`20261122t091503`), so every local run gets a new name. Characters SageMaker does
 * not allow become hyphens, and the base is shortened so the whole name fits
 * {@link SAGEMAKER_NAME_MAX} characters and matches {@link SAGEMAKER_NAME_PATTERN}.
 * Throws (an internal Error) only if no valid name can be made.
 */
export function resourceName(
  base: string,
  source: Provenance,
  now: Date,
  opts: ResourceNameOptions = {},
): string {
  const sha = clean((source.commit ?? '').slice(0, 7)) || 'dev';
  const run = source.runId ? `${clean(source.runId)}-${clean(source.runAttempt ?? '1') || '1'}` : stamp(now);
  const tag = clean(opts.tag ?? '');
  const suffix = `${tag ? `${tag}-` : ''}${sha}-${run}`.slice(0, SAGEMAKER_NAME_MAX - 2);
  const room = SAGEMAKER_NAME_MAX - suffix.length - 1;
  const head = clean(clean(base).slice(0, room)) || 'model';
  const name = `${head}-${suffix}`.slice(0, SAGEMAKER_NAME_MAX).replace(/-+$/, '');
  if (!SAGEMAKER_NAME_PATTERN.test(name))
    throw new Error(`could not derive a valid ${opts.what ?? 'resource'} name from '${base}'`);
  return name;
}
