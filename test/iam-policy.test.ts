/**
 * The least-privilege model (packages/aws/src/iam.ts), its evaluator and the check the summary
 * reporter runs after the suite (test/support/iam-coverage.ts), on synthetic call logs; and the
 * `modelship iam-policy` command of the committed CLI.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { inStep } from '@modelship/core';
import {
  allowingStatement,
  CALL_LOG_ENV,
  createS3Client,
  policyDocument,
  policyProblems,
  POLICY_STEPS,
  scopeFromConfig,
  type PolicyDocument,
  type RecordedCall,
} from '@modelship/aws';
import { checkCalls, readCalls } from './support/iam-coverage.js';
import { tempDir } from './lib/step.js';

const ROOT = process.cwd();
const ROLE = 'arn:aws:iam::123456789012:role/churn-sagemaker';
const CONFIG = {
  model: 'churn',
  backend: 'sagemaker',
  data: { path: 's3://churn-data/incoming/' },
  train: {
    role: ROLE,
    image: 'img',
    channels: { train: 's3://churn-data/train/' },
    output: 's3://churn-artefacts/runs/',
  },
};

function call(
  step: string,
  service: string,
  operation: string,
  input: Record<string, unknown>,
): RecordedCall {
  return { step, config: CONFIG, inputs: {}, service, operation, region: 'us-east-1', input };
}

const TRAINING = {
  TrainingJobName: 'churn-1a2b3c4-77-1-2a1730f2',
  RoleArn: ROLE,
  Tags: [{ Key: 'project', Value: 'churn' }],
};

describe('the least-privilege check', () => {
  it("allows what train does within its config's names", () => {
    const report = checkCalls([
      call('train', 'sagemaker', 'CreateTrainingJob', TRAINING),
      call('train', 'sagemaker', 'DescribeTrainingJob', { TrainingJobName: TRAINING.TrainingJobName }),
      call('train', 's3', 'PutObject', { Bucket: 'churn-artefacts', Key: 'runs/source/sourcedir.tar.gz' }),
      call('train', 's3', 'ListObjectsV2', { Bucket: 'churn-data', Prefix: 'train/' }),
      call('train', 'logs', 'GetLogEvents', {
        logGroupName: '/aws/sagemaker/TrainingJobs',
        logStreamName: `${TRAINING.TrainingJobName}/algo-1-1700000000`,
      }),
      call('train', 'sts', 'GetCallerIdentity', {}),
    ]);
    expect(report.lines).toEqual([]);
    expect(report.perStep.train).toBe(7); // CreateTrainingJob needs PassRole and AddTags too
  });

  it('fails on a call the policy lacks, a resource outside the config, and another role passed', () => {
    const report = checkCalls([
      // An operation no policy grants (a new call without a permission).
      call('train', 'sagemaker', 'DeleteModelPackageGroup', { ModelPackageGroupName: 'churn' }),
      // A training job outside the model's prefix.
      call('train', 'sagemaker', 'DescribeTrainingJob', { TrainingJobName: 'other-1' }),
      // Another role handed to SageMaker.
      call('train', 'sagemaker', 'CreateTrainingJob', {
        ...TRAINING,
        RoleArn: 'arn:aws:iam::123456789012:role/admin',
      }),
      // A bucket the config does not name, and a listing outside the prefixes.
      call('train', 's3', 'GetObject', { Bucket: 'elsewhere', Key: 'x.csv' }),
      call('train', 's3', 'ListObjectsV2', { Bucket: 'churn-data', Prefix: 'secrets/' }),
      // A step with no policy.
      call('nonesuch', 's3', 'GetObject', { Bucket: 'churn-data', Key: 'train/a.csv' }),
    ]);
    expect(report.lines).toEqual([
      'nonesuch: GetObject needs s3:GetObject on arn:aws:s3:::churn-data/train/a.csv, which its policy does not allow',
      'train: CreateTrainingJob needs iam:PassRole on arn:aws:iam::123456789012:role/admin with iam:PassedToService=sagemaker.amazonaws.com, which its policy does not allow',
      'train: GetObject needs s3:GetObject on arn:aws:s3:::elsewhere/x.csv, which its policy does not allow',
      'train: ListObjectsV2 needs s3:ListBucket on arn:aws:s3:::churn-data with s3:prefix=secrets/, which its policy does not allow',
      'train: DeleteModelPackageGroup needs sagemaker:DeleteModelPackageGroup on arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn, which its policy does not allow',
      'train: DescribeTrainingJob needs sagemaker:DescribeTrainingJob on arn:aws:sagemaker:us-east-1:123456789012:training-job/other-1, which its policy does not allow',
    ]);
  });

  it('reads the call log the AWS clients write (one JSON line a call, per process)', () => {
    const dir = tempDir('modelship-calls-');
    const lines = [call('register', 'sagemaker', 'DeleteModel', { ModelName: 'churn-v1' })];
    writeFileSync(join(dir, '42.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a log');
    const report = checkCalls(readCalls(dir));
    expect(report.calls).toBe(1);
    expect(report.findings).toHaveLength(1);
  });
});

describe('the AWS call log', () => {
  it("records a step's calls (names, no bodies), once each, and nothing outside a step", async () => {
    const dir = tempDir('modelship-calls-');
    const before = process.env[CALL_LOG_ENV];
    process.env[CALL_LOG_ENV] = dir;
    try {
      // Nothing listens on port 9: each call fails after the log has recorded it.
      const s3 = createS3Client('eu-west-1', {
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        MODELSHIP_AWS_MAX_ATTEMPTS: '1',
      });
      const head = () =>
        s3.send(new HeadObjectCommand({ Bucket: 'churn-data', Key: 'train/a.csv' })).catch(() => 0);
      await head(); // a test preparing its fixtures: not recorded
      await inStep({ step: 'train', config: CONFIG, inputs: { wait: 'true' } }, async () => {
        await head();
        await head(); // polling: written once
        await s3
          .send(new PutObjectCommand({ Bucket: 'churn-artefacts', Key: 'runs/x', Body: 'secret' }))
          .catch(() => 0);
      });
      const lines = readdirSync(dir).flatMap((f) =>
        readFileSync(join(dir, f), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as RecordedCall),
      );
      expect(lines).toEqual([
        {
          step: 'train',
          config: CONFIG,
          inputs: { wait: 'true' },
          service: 's3',
          operation: 'HeadObject',
          region: 'eu-west-1',
          input: { Bucket: 'churn-data', Key: 'train/a.csv' },
        },
        expect.objectContaining({
          operation: 'PutObject',
          input: { Bucket: 'churn-artefacts', Key: 'runs/x' },
        }),
      ]);
      expect(checkCalls(lines).lines).toEqual([]);
    } finally {
      if (before === undefined) delete process.env[CALL_LOG_ENV];
      else process.env[CALL_LOG_ENV] = before;
    }
  });
});

describe('the policy model', () => {
  const scope = scopeFromConfig(CONFIG, { account: '123456789012', region: 'us-east-1' });

  it.each(POLICY_STEPS)('%s: a well-formed document within a managed policy', (step) => {
    const doc = policyDocument([step], scope);
    expect(policyProblems(doc)).toEqual([]);
  });

  it('passes only the configured role, and only to SageMaker', () => {
    const doc = policyDocument(['train', 'evaluate-gate', 'deploy-canary'], scope);
    const pass = doc.Statement.filter((s) => s.Action.includes('iam:PassRole'));
    // One statement: the three steps pass the same role (merged in a union).
    expect(pass.map((s) => [s.Sid, s.Resource])).toEqual([['PassRole', [ROLE]]]);
    const other = { ...scope, roles: { ...scope.roles, deploy: 'arn:aws:iam::123456789012:role/serving' } };
    const two = policyDocument(['train', 'deploy-canary'], other).Statement.filter((s) =>
      s.Action.includes('iam:PassRole'),
    );
    expect(two.map((s) => [s.Sid, s.Resource])).toEqual([
      ['TrainPassRole', [ROLE]],
      ['DeployCanaryPassRole', ['arn:aws:iam::123456789012:role/serving']],
    ]);
    for (const s of pass)
      expect(s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    expect(doc.Statement.filter((s) => s.Action.some((a) => a === '*' || a.endsWith(':*')))).toEqual([]);
  });

  it('names "*" only for actions without a resource type', () => {
    const doc = policyDocument([...POLICY_STEPS], scope);
    const star = doc.Statement.filter((s) => s.Resource.includes('*')).flatMap((s) => s.Action);
    expect([...new Set(star)].sort()).toEqual([
      'application-autoscaling:DeregisterScalableTarget',
      'application-autoscaling:DescribeScalableTargets',
      'application-autoscaling:DescribeScalingPolicies',
      'application-autoscaling:PutScalingPolicy',
      'application-autoscaling:RegisterScalableTarget',
      'cloudwatch:GetMetricData',
      'sagemaker:ListEndpoints',
      'sagemaker:ListModelPackageGroups',
      'sagemaker:ListModelPackages',
    ]);
  });

  it('reports a document over the managed-policy size', () => {
    const big: PolicyDocument = policyDocument([...POLICY_STEPS], scope);
    big.Statement.push({
      ...big.Statement[0]!,
      Sid: 'Padding',
      Resource: Array(80).fill(big.Statement[0]!.Resource[0]!),
    });
    expect(policyProblems(big).join('\n')).toMatch(/over the 6144 of a managed policy/);
    expect(
      allowingStatement(big, {
        action: 'sagemaker:CreateTrainingJob',
        resource: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/churn-1',
      })?.Sid,
    ).toBe('TrainJobs');
  });
});

describe('modelship iam-policy', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'dist/cli/index.js'), 'iam-policy', ...args], {
      encoding: 'utf8',
      cwd: ROOT,
      env: { PATH: process.env.PATH },
    });

  it("prints one step's policy narrowed to the config, account and region", () => {
    const r = cli(
      '--step',
      'train',
      '--config',
      'examples/churn/modelship.yml',
      '--account',
      '123456789012',
      '--region',
      'eu-west-1',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as PolicyDocument;
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement[0]).toMatchObject({
      Sid: 'TrainJobs',
      Resource: ['arn:aws:sagemaker:eu-west-1:123456789012:training-job/churn-*'],
    });
  });

  it('writes CloudFormation pseudo parameters with --format cloudformation', () => {
    const r = cli(
      '--step',
      'deploy-canary',
      '--config',
      'examples/churn/modelship.yml',
      '--format',
      'cloudformation',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '"Fn::Sub": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/churn"',
    );
  });

  it("scopes to the config's region over AWS_REGION, as the steps choose theirs", () => {
    const dir = tempDir('modelship-iam-');
    writeFileSync(join(dir, 'c.yml'), 'model: fraud\nregion: eu-west-1\n');
    const run = (env: Record<string, string>, file: string) =>
      spawnSync(
        process.execPath,
        [join(ROOT, 'dist/cli/index.js'), 'iam-policy', '--step', 'deploy-canary', '--config', file],
        {
          encoding: 'utf8',
          cwd: dir,
          env: { PATH: process.env.PATH, ...env },
        },
      );
    const fromConfig = run({ AWS_REGION: 'us-east-1' }, 'c.yml');
    expect(fromConfig.status).toBe(0);
    expect(fromConfig.stdout).toContain('arn:aws:sagemaker:eu-west-1:*:endpoint/fraud');
    expect(fromConfig.stdout).not.toContain('us-east-1');
    writeFileSync(join(dir, 'n.yml'), 'model: fraud\n');
    expect(run({ AWS_REGION: 'us-east-1' }, 'n.yml').stdout).toContain(
      'arn:aws:sagemaker:us-east-1:*:endpoint/fraud',
    );
  });

  it('names the steps the main job leaves out, and leaves them out of the policy', () => {
    const dir = tempDir('modelship-iam-');
    writeFileSync(
      join(dir, 'c.yml'),
      'model: fraud\ndata: { path: data.csv }\ndeploy: { serve: [node, s.mjs] }\n',
    );
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'dist/cli/index.js'), 'iam-policy', '--config', 'c.yml'],
      {
        encoding: 'utf8',
        cwd: dir,
        env: { PATH: process.env.PATH },
      },
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('note: deploy-canary is left out: it deploys the package register registers');
    expect(r.stdout).not.toContain('Endpoint');
  });

  it('refuses an unknown step in one line listing the steps', () => {
    const r = cli('--step', 'nope');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`error: --step: unknown step 'nope' (steps: ${POLICY_STEPS.join(', ')})`);
  });
});
