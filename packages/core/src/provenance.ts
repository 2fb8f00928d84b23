/** Where a run comes from: GitHub Actions, CodeBuild, or a workstation. */
export interface Provenance {
  system: 'github-actions' | 'codebuild' | 'local';
  repository?: string;
  commit?: string;
  ref?: string;
  runId?: string;
  runAttempt?: string;
  workflow?: string;
  job?: string;
  actor?: string;
  buildId?: string;
}

export function provenanceFromEnv(env: Record<string, string | undefined>): Provenance {
  if (env.GITHUB_ACTIONS === 'true') {
    return strip({
      system: 'github-actions',
      repository: env.GITHUB_REPOSITORY,
      commit: env.GITHUB_SHA,
      ref: env.GITHUB_REF,
      runId: env.GITHUB_RUN_ID,
      runAttempt: env.GITHUB_RUN_ATTEMPT,
      workflow: env.GITHUB_WORKFLOW,
      job: env.GITHUB_JOB,
      actor: env.GITHUB_ACTOR,
    });
  }
  if (env.CODEBUILD_BUILD_ID) {
    const [, buildNumber] = env.CODEBUILD_BUILD_ID.split(':');
    return strip({
      system: 'codebuild',
      repository: env.CODEBUILD_SOURCE_REPO_URL,
      commit: env.CODEBUILD_RESOLVED_SOURCE_VERSION,
      ref: env.CODEBUILD_WEBHOOK_HEAD_REF ?? env.CODEBUILD_SOURCE_VERSION,
      runId: env.CODEBUILD_BUILD_NUMBER ?? buildNumber,
      runAttempt: '1',
      buildId: env.CODEBUILD_BUILD_ID,
      actor: env.CODEBUILD_INITIATOR,
    });
  }
  return strip({ system: 'local', commit: env.MODELSHIP_COMMIT, runId: env.MODELSHIP_RUN_ID });
}

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}
