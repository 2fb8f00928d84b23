import type { Provenance } from '@modelship/core';

/** SageMaker's limit and pattern for training job names. */
export const JOB_NAME_MAX = 63;
export const JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

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

/**
 * The deterministic training job name: `<model>-<sha7>-<run id>-<attempt>`, e.g.
 * `churn-1a2b3c4-9876543210-1`. Without a commit the sha part is `dev`; without a run id (a
 * workstation) the run part is a UTC timestamp, so every local run is a new job. The model part is
 * shortened so the whole name fits SageMaker's 63 characters.
 */
export function trainingJobName(model: string, source: Provenance, now: Date): string {
  const sha = clean((source.commit ?? '').slice(0, 7)) || 'dev';
  const run = source.runId ? `${clean(source.runId)}-${clean(source.runAttempt ?? '1') || '1'}` : stamp(now);
  const suffix = `${sha}-${run}`.slice(0, JOB_NAME_MAX - 2);
  const room = JOB_NAME_MAX - suffix.length - 1;
  const head = clean(clean(model).slice(0, room)) || 'model';
  const name = `${head}-${suffix}`.slice(0, JOB_NAME_MAX).replace(/-+$/, '');
  if (!JOB_NAME_PATTERN.test(name))
    throw new Error(`could not derive a valid training job name from '${model}'`);
  return name;
}
