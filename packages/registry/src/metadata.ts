// Names and values SageMaker accepts, checked here before any call, so a bad name is one line
// naming the field rather than a ValidationException from the service.
import { ConfigError } from '@modelship/core';

/** A model package group name: SageMaker's `EntityName` (1–63 characters). */
export const GROUP_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** @throws ConfigError naming `where` when SageMaker would refuse `name` as a group name. */
export function checkGroupName(name: string, where: string): string {
  if (!GROUP_NAME_PATTERN.test(name))
    throw new ConfigError(
      `'${name}' is not a valid model package group name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit`,
      where,
      { hint: 'e.g. churn or churn-classifier' },
    );
  return name;
}

/** The keys the register step writes into `CustomerMetadataProperties` (the lineage). */
export const METADATA = {
  manifestSha256: 'modelship:manifest-sha256',
  modelSha256: 'modelship:model-sha256',
  repository: 'modelship:repository',
  commit: 'modelship:commit',
  run: 'modelship:run',
  runUrl: 'modelship:run-url',
  codebuild: 'modelship:codebuild-build',
  dataFingerprint: 'modelship:data-fingerprint',
  trainingJob: 'modelship:training-job',
  trainingJobArn: 'modelship:training-job-arn',
  gate: 'modelship:gate-verdict',
  gateChecks: 'modelship:gate-failed-checks',
  forced: 'modelship:forced',
  imageTag: 'modelship:image-as-configured',
  approvedBy: 'modelship:approval-by',
  approvedFrom: 'modelship:approval-from',
  metricPrefix: 'modelship:metric:',
} as const;

/** SageMaker's limits on `CustomerMetadataProperties`: at most 50 entries, keys 1–128 and values 1–256 characters. */
export const METADATA_LIMITS = { entries: 50, key: 128, value: 256 } as const;

/** Characters SageMaker allows in metadata (and tag) keys and values: letters, spaces, digits, `_.:/=+-@`. */
const ALLOWED = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

/** A value SageMaker accepts: other characters become `_`, cut to 256 characters; empty stays empty. */
export function metadataValue(v: string): string {
  return v.replace(ALLOWED, '_').slice(0, METADATA_LIMITS.value);
}

/**
 * Metadata within SageMaker's limits: values cleaned ({@link metadataValue}), empty values and
 * keys that do not fit left out, at most 50 entries (the first ones given win).
 */
export function fitMetadata(entries: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(entries)) {
    if (raw === undefined) continue;
    const v = metadataValue(raw);
    if (v === '' || k.length === 0 || k.length > METADATA_LIMITS.key || k.replace(ALLOWED, '') !== k)
      continue;
    if (Object.keys(out).length >= METADATA_LIMITS.entries) break;
    out[k] = v;
  }
  return out;
}
