// Who approved and from where, on each host; the failed checks of a verdict; when modelship run registers.
import { describe, expect, it } from '@jest/globals';
import { approver, failedChecks, registerStep, runUrl } from '@modelship/register';

describe('approval descriptions', () => {
  it('GitHub Actions: the actor and the run URL (with the attempt after the first)', () => {
    expect(
      approver({
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTOR: 'octocat',
        GITHUB_REPOSITORY: 'acme/churn',
        GITHUB_RUN_ID: '9',
        GITHUB_RUN_ATTEMPT: '3',
      }),
    ).toEqual({ by: 'octocat', from: 'https://github.com/acme/churn/actions/runs/9/attempts/3' });
  });

  it('CodeBuild started by CodePipeline: the pipeline and build; MODELSHIP_APPROVER names the person', () => {
    const env = {
      CODEBUILD_BUILD_ID: 'release:8d6a',
      CODEBUILD_INITIATOR: 'codepipeline/churn-release',
      CODEBUILD_BUILD_NUMBER: '12',
    };
    expect(approver(env)).toEqual({
      by: 'the approver of CodePipeline churn-release',
      from: 'CodePipeline churn-release, CodeBuild build release:8d6a',
    });
    expect(approver({ ...env, MODELSHIP_APPROVER: 'jane@acme.com' }).by).toBe('jane@acme.com');
  });

  it('a workstation: the user and the host', () => {
    expect(approver({ USER: 'jane' })).toEqual({ by: 'jane', from: expect.stringMatching(/^host \S+/) });
    expect(runUrl({ system: 'local' }, {})).toBeUndefined();
  });

  it('failed checks: failed rows, and insufficient rows of critical checks, each check once', () => {
    expect(
      failedChecks({
        checks: [
          { check: 'auc', condition: 'min', status: 'fail' },
          { check: 'auc', condition: 'max-regression', status: 'fail' },
          { check: 'recall', condition: 'min', status: 'insufficient', critical: false },
          { check: 'f1', condition: 'min', status: 'insufficient', critical: true },
          { check: 'acc', condition: 'min', status: 'pass' },
        ],
      }),
    ).toEqual(['auc', 'f1']);
  });
});

describe('modelship run', () => {
  const config = (values: Record<string, unknown>) => ({
    path: undefined,
    dir: '/ws',
    values,
    resolvePath: (p: string) => p,
  });

  it('registers after a trained and gated candidate on the local backend, or with a registry block', () => {
    expect(registerStep.fromConfig!(config({ train: {}, gate: {} }), '/ws')).toEqual({});
    expect(registerStep.fromConfig!(config({ train: {} }), '/ws')).toBeUndefined();
    // SageMaker needs the block (its inference image): without it register is left out.
    expect(
      registerStep.fromConfig!(config({ backend: 'sagemaker', train: {}, gate: {} }), '/ws'),
    ).toBeUndefined();
    expect(
      registerStep.fromConfig!(
        config({ backend: 'sagemaker', train: {}, gate: {}, registry: { 'approval-status': 'Approved' } }),
        '/ws',
      ),
    ).toEqual({ 'approval-status': 'Approved' });
  });
});
