// What the register step reads from the manifest, and the lineage it writes into a package.
import { hostname } from 'node:os';
import { requestDigest } from '@modelship/aws';
import { provenanceFromEnv, type ManifestStore, type Provenance } from '@modelship/core';
import { fitMetadata, METADATA } from '@modelship/registry';

/** The fields of train's `training` section this step reads. */
export interface TrainingView {
  backend?: 'local' | 'sagemaker';
  jobName?: string;
  jobArn?: string;
  modelArtifact?: string;
  modelSha256?: string;
  metrics?: Record<string, number>;
  region?: string;
}

/** The fields of evaluate-gate's `evaluation` section this step reads. */
export interface EvaluationView {
  passed?: boolean;
  verdict?: 'pass' | 'fail';
  headline?: string;
  statistics?: string;
  report?: string;
  candidate?: { modelSha256?: string };
  champion?: { kind?: string; identity?: string };
  checks?: {
    check: string;
    metric?: string;
    condition: string;
    status: 'pass' | 'fail' | 'insufficient';
    critical?: boolean;
    slice?: { column: string; value: string };
    candidate?: number | null;
    reason?: string;
  }[];
}

/**
 * The candidate's digest (stored as `modelship:manifest-sha256`, the idempotency key): the sha256
 * of the canonical JSON of what the candidate *is* — the model's name, the model artefact (its
 * sha256, else its URI), the data's fingerprint, and the gate's verdict (each condition's check,
 * metric, condition, slice, status and candidate value). Run-volatile fields are left out (times,
 * job and run ids, report and predictions paths, the champion's numbers), so re-running train to
 * the same bytes or evaluate-gate to the same result gives the same digest, and register returns
 * the package it made; another model, other data or another verdict is another candidate.
 */
export function manifestDigest(manifest: ManifestStore): string {
  const training = manifest.get<TrainingView>('training');
  const evaluation = manifest.get<EvaluationView>('evaluation');
  return requestDigest({
    model: manifest.get<string>('model'),
    artefact: training?.modelSha256 ?? training?.modelArtifact,
    data: manifest.get<{ fingerprint?: string }>('data')?.fingerprint,
    verdict: evaluation && {
      verdict: evaluation.verdict,
      checks: (evaluation.checks ?? []).map((c) => ({
        check: c.check,
        metric: c.metric,
        condition: c.condition,
        slice: c.slice,
        status: c.status,
        candidate: c.candidate,
      })),
    },
  });
}

/** The gate's checks that failed it: failed rows, and insufficient rows of critical checks. */
export function failedChecks(evaluation: EvaluationView | undefined): string[] {
  const rows = (evaluation?.checks ?? []).filter(
    (c) => c.status === 'fail' || (c.status === 'insufficient' && c.critical),
  );
  return [...new Set(rows.map((c) => c.check))];
}

/** The run's page: GitHub Actions' run URL, or the CodeBuild build. */
export function runUrl(p: Provenance, env: Record<string, string | undefined>): string | undefined {
  if (p.system === 'github-actions' && p.repository && p.runId) {
    const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    const attempt = p.runAttempt && p.runAttempt !== '1' ? `/attempts/${p.runAttempt}` : '';
    return `${server}/${p.repository}/actions/runs/${p.runId}${attempt}`;
  }
  return undefined;
}

/** Who decides and from where, for an ApprovalDescription. */
export function approver(env: Record<string, string | undefined>): { by: string; from: string } {
  const p = provenanceFromEnv(env);
  // A pipeline passes the person who answered its manual approval (CodeBuild does not know them).
  const named = env.MODELSHIP_APPROVER;
  if (p.system === 'github-actions')
    return {
      by: named ?? p.actor ?? 'an unknown GitHub actor',
      from: runUrl(p, env) ?? `GitHub Actions run ${p.runId ?? '?'}`,
    };
  if (p.system === 'codebuild') {
    const initiator = env.CODEBUILD_INITIATOR ?? '';
    const pipeline = initiator.startsWith('codepipeline/')
      ? initiator.slice('codepipeline/'.length)
      : undefined;
    return {
      by: named ?? (pipeline ? `the approver of CodePipeline ${pipeline}` : initiator || 'CodeBuild'),
      from: pipeline
        ? `CodePipeline ${pipeline}, CodeBuild build ${p.buildId ?? '?'}`
        : `CodeBuild build ${p.buildId ?? '?'}`,
    };
  }
  return { by: named ?? env.USER ?? env.USERNAME ?? 'a local user', from: `host ${hostname()}` };
}

/** The lineage of a package, within SageMaker's metadata limits (values cleaned, empty ones left out). */
export function lineage(opts: {
  env: Record<string, string | undefined>;
  source?: Record<string, string>;
  digest: string;
  training: TrainingView;
  evaluation?: EvaluationView;
  dataFingerprint?: string;
  forced: boolean;
  imageAsConfigured?: string;
}): Record<string, string> {
  const p = (opts.source as Provenance | undefined) ?? provenanceFromEnv(opts.env);
  const failed = failedChecks(opts.evaluation);
  const metrics = Object.fromEntries(
    Object.entries(opts.training.metrics ?? {})
      .slice(0, 20)
      .map(([k, v]) => [`${METADATA.metricPrefix}${k}`, String(v)]),
  );
  return fitMetadata({
    [METADATA.manifestSha256]: opts.digest,
    [METADATA.modelSha256]: opts.training.modelSha256,
    [METADATA.gate]: opts.evaluation?.verdict ?? 'none',
    // Space-separated: SageMaker allows no commas in metadata.
    [METADATA.gateChecks]: failed.length > 0 ? failed.join(' ') : undefined,
    [METADATA.forced]: opts.forced ? 'true' : undefined,
    [METADATA.repository]: p.repository,
    [METADATA.commit]: p.commit,
    [METADATA.run]: p.runId ? `${p.runId}/${p.runAttempt ?? '1'}` : undefined,
    [METADATA.runUrl]: runUrl(p, opts.env),
    [METADATA.codebuild]: p.buildId,
    [METADATA.dataFingerprint]: opts.dataFingerprint,
    [METADATA.trainingJob]: opts.training.jobName,
    [METADATA.trainingJobArn]: opts.training.jobArn,
    [METADATA.imageTag]: opts.imageAsConfigured,
    ...metrics,
  });
}
