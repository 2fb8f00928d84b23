import { workspace as sharedWorkspace, type Workspace } from '../../../test/lib/step.js';

export const SAGEMAKER_YAML = `
model: churn
backend: sagemaker
region: us-east-1
train:
  image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3
  role: arn:aws:iam::123456789012:role/ModelshipTraining
  instance-type: ml.m5.xlarge
  max-runtime-minutes: 60
  channels: { train: s3://acme-ml/churn/train/, validation: s3://acme-ml/churn/validation/ }
  hyperparameters: { c: 1.0, solver: lbfgs }
  metrics: [{ name: auc, regex: "validation:auc=([0-9.]+)" }]
  output: s3://acme-ml/churn/models/
  tags: { project: churn, owner: ml-platform, environment: test }
`;

/** The sha256 of SAGEMAKER_YAML's request (pinned: a change means the request's identity changed). */
export const REQUEST_SHA256 = '2a1730f2faf083590ff77ae9049337b4f54d9daa49a24e65836933e70ae84ad9';
/** The job name SAGEMAKER_YAML gets in GITHUB_ENV's run: model, commit, run, attempt, request digest. */
export const JOB_NAME = `churn-1a2b3c4-9876543210-1-${REQUEST_SHA256.slice(0, 8)}`;

export function workspace(files: Record<string, string> = {}): Promise<Workspace> {
  return sharedWorkspace(files, 'modelship-train-');
}

export {
  errorLine,
  GITHUB_ENV,
  type Workspace,
  makeContext,
  NOW,
  runPost,
  runStep,
  type RunOptions,
  type StepRun,
} from '../../../test/lib/step.js';

/** A sleep that returns at once but advances a fake clock: the waiter's timing without waiting. */
export function fakeClock(start = Date.parse('2026-11-22T09:00:00Z')) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    date: () => new Date(t),
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    advance(ms: number) {
      t += ms;
    },
  };
}
