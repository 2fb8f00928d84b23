import { createHash } from 'node:crypto';
import type { Provenance } from '@modelship/core';

/** SageMaker's limit and pattern for resource names (training and processing jobs, models, endpoints, …). */
export const SAGEMAKER_NAME_MAX = 63;
export const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

/** How many hex characters of the request's sha256 a resource name carries. */
export const REQUEST_DIGEST_CHARS = 8;

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

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `value` as JSON with the keys of every object sorted (members whose value is undefined are
 * left out, as JSON.stringify does), so the same value always gives the same text whatever the
 * order its keys were written in. Arrays keep their order. Undefined gives undefined.
 */
export function canonicalJson(value: unknown): string | undefined {
  const text: string | undefined = JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
  return text;
}

/**
 * The sha256 (64 lower-case hex characters) of a resolved request: of its {@link canonicalJson}.
 * Two requests have the same digest exactly when they are equal as JSON values.
 */
export function requestDigest(request: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(request) ?? 'null')
    .digest('hex');
}

/** One field where two requests differ: its dotted path and both values as JSON (undefined when absent). */
export interface RequestDifference {
  path: string;
  ours: string | undefined;
  theirs: string | undefined;
}

/**
 * Where two requests differ, field by field: objects are compared member by member (the path
 * grows `a.b.c`), anything else (arrays included) as a whole by its {@link canonicalJson}.
 * Sorted by path; empty when the requests are equal as JSON values.
 */
export function requestDifferences(ours: unknown, theirs: unknown, path = ''): RequestDifference[] {
  if (isPlainObject(ours) && isPlainObject(theirs)) {
    const keys = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort();
    return keys.flatMap((k) => requestDifferences(ours[k], theirs[k], path ? `${path}.${k}` : k));
  }
  const a = canonicalJson(ours);
  const b = canonicalJson(theirs);
  return a === b ? [] : [{ path: path || '(request)', ours: a, theirs: b }];
}

/**
 * The differences as one line for an error: `hyperparameters.c ("1" here, "2" there), … and 3
 * more`, at most `max` fields spelled out and each value cut to 40 characters.
 */
export function describeDifferences(diffs: readonly RequestDifference[], max = 3): string {
  const show = (v: string | undefined) =>
    v === undefined ? 'absent' : v.length > 40 ? `${v.slice(0, 39)}…` : v;
  const shown = diffs
    .slice(0, max)
    .map((d) => `${d.path} (${show(d.ours)} here, ${show(d.theirs)} there)`)
    .join(', ');
  return diffs.length > max ? `${shown} and ${diffs.length - max} more` : shown;
}

export interface ResourceNameOptions {
  /** A part kept whole between the base and the run part, e.g. `eval` → `churn-eval-1a2b3c4-77-1-…`. */
  tag?: string;
  /** What the name is for, in the error when none can be made (default `resource`). */
  what?: string;
}

/**
 * A deterministic SageMaker resource name from what the resource is for:
 * `<base>[-<tag>]-<sha7>-<run id>-<attempt>-<request8>`, e.g.
 * `churn-1a2b3c4-9876543210-1-2a1730f2`.
 *
 * - `sha7`, `run id`, `attempt` come from `source`: a re-run of the same CI attempt gives the same
 *   name. Without a commit the sha part is `dev`; without a run id (a workstation) the run part is
 *   the UTC time `now` (`20261122t091503`), so every local run gets a new name.
 * - `request8` is the first {@link REQUEST_DIGEST_CHARS} hex characters of
 *   {@link requestDigest}(`request`): `request` is everything that defines the resource as
 *   resolved (image, code digest, hyperparameters, inputs, instance settings, output, …), never
 *   volatile things like timestamps, nor the name itself. Two resources in one run attempt share
 *   a name only when their requests are equal, so a true re-run finds its resource again and a
 *   different request (a matrix leg, a second step with other settings) never does.
 *
 * Characters SageMaker does not allow become hyphens; the base (then the run part) is shortened so
 * the whole name fits {@link SAGEMAKER_NAME_MAX} characters and matches
 * {@link SAGEMAKER_NAME_PATTERN}; the request digest is always kept whole.
 * Throws (an internal Error) only if no valid name can be made.
 */
export function resourceName(
  base: string,
  source: Provenance,
  now: Date,
  request: unknown,
  opts: ResourceNameOptions = {},
): string {
  const sha = clean((source.commit ?? '').slice(0, 7)) || 'dev';
  const run = source.runId ? `${clean(source.runId)}-${clean(source.runAttempt ?? '1') || '1'}` : stamp(now);
  const tag = clean(opts.tag ?? '');
  const digest = requestDigest(request).slice(0, REQUEST_DIGEST_CHARS);
  // At least one character of the base, a hyphen, the middle, a hyphen and the digest.
  const middle = clean(
    `${tag ? `${tag}-` : ''}${sha}-${run}`.slice(0, SAGEMAKER_NAME_MAX - digest.length - 3),
  );
  const room = SAGEMAKER_NAME_MAX - middle.length - digest.length - 2;
  const head = clean((clean(base) || 'model').slice(0, room));
  const name = `${head}-${middle}-${digest}`;
  if (name.length > SAGEMAKER_NAME_MAX || !SAGEMAKER_NAME_PATTERN.test(name))
    throw new Error(`could not derive a valid ${opts.what ?? 'resource'} name from '${base}'`);
  return name;
}

/** Tags every SageMaker job modelship creates must carry (the cost guardrail of train and evaluation). */
export const REQUIRED_TAGS = ['project', 'owner', 'environment'] as const;

/** `<base>-<suffix>`, the base shortened so the whole fits SageMaker's 63 characters. */
export function fitName(base: string, suffix: string): string {
  const s = clean(suffix);
  const room = SAGEMAKER_NAME_MAX - s.length - 1;
  const head = clean(clean(base).slice(0, room)) || 'model';
  return `${head}-${s}`;
}

/** An endpoint config: `<endpoint>-<digest8>` of what it holds (deploy-canary's and promote-on-metrics'). */
export function endpointConfigName(endpoint: string, request: unknown): string {
  return fitName(endpoint, requestDigest(request).slice(0, REQUEST_DIGEST_CHARS));
}
