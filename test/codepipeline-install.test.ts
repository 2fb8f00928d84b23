/**
 * `modelship codepipeline install` as users run it: the committed CLI bundle and the committed
 * action bundle, as processes, against moto's CloudFormation in server mode. The CLI takes
 * `--parameter` more than once; without `--template` it finds the pipeline template shipped
 * beside the bundle (moto cannot create its CodePipeline and CodeBuild resources, so that one is a
 * dry run; the stacks really made use a fixture of types moto can create).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { runActionBundle } from './support/action-runner.js';
import { startMoto, type Moto } from './support/moto.js';
import { tempDir } from './lib/step.js';

const CLI = join(process.cwd(), 'dist/cli/index.js');
const SMALL = join(process.cwd(), 'packages/codepipeline/test/fixtures/small-stack.yml');
let moto: Moto;
let cfn: CloudFormationClient;

beforeAll(async () => {
  moto = await startMoto();
  cfn = new CloudFormationClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
});
afterAll(async () => {
  cfn?.destroy();
  await moto?.stop();
});

const cli = (args: string[]) =>
  spawnSync(process.execPath, [CLI, 'codepipeline', 'install', ...args], {
    cwd: tempDir(),
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, ...moto.env },
  });

describe('modelship codepipeline install (the CLI bundle)', () => {
  it('creates the stack with repeated --parameter, prints its changes and events, outputs JSON', async () => {
    await moto.reset();
    const r = cli([
      '--stack-name',
      'churn-cli',
      '--template',
      SMALL,
      '--parameter',
      'ModelName=churn',
      '--parameter',
      'ScheduleExpression=rate(1 day)',
    ]);
    expect(r.stderr).toMatch(/ {2}Add +ScheduleRule \(AWS::Events::Rule\)/);
    expect(r.stderr).toMatch(/Z {2}churn-cli \(AWS::CloudFormation::Stack\): CREATE_COMPLETE/);
    expect(r.stderr).toContain('✔ codepipeline: stack churn-cli CREATE_COMPLETE (4 changes)');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, string>;
    expect(out['stack-status']).toBe('CREATE_COMPLETE');
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: 'churn-cli' }))).Stacks![0]!;
    expect(out['stack-id']).toBe(s.StackId);
    expect(s.Parameters).toContainEqual({
      ParameterKey: 'ScheduleExpression',
      ParameterValue: 'rate(1 day)',
    });
  });

  it('without --template: the shipped pipeline template, dry run, nothing left; an unknown key is one line', async () => {
    await moto.reset();
    const base = ['--stack-name', 'churn-release', '--dry-run'];
    const params = [
      'ModelName=churn',
      'ConnectionArn=arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d',
      'FullRepositoryId=acme/churn',
      'SageMakerRoleArn=arn:aws:iam::123456789012:role/churn-sagemaker',
      'DataBucketName=acme-ml',
    ].flatMap((p) => ['--parameter', p]);
    const r = cli([...base, ...params]);
    expect(r.stderr).toMatch(/ {2}Add +Pipeline \(AWS::CodePipeline::Pipeline\)/);
    expect(r.stderr).toMatch(
      /✔ codepipeline: dry run: change set of stack churn-release has \d+ changes; nothing changed/,
    );
    expect(r.status).toBe(0);
    const live = (await cfn.send(new ListStacksCommand({}))).StackSummaries!.filter(
      (s) => s.StackStatus !== 'DELETE_COMPLETE',
    );
    expect(live).toEqual([]);

    const bad = cli([...base, ...params, '--parameter', 'BranchNmae=main']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /^error: --parameter BranchNmae: is not a parameter of \S*workflows\/codepipeline\/pipeline\.yml \(its parameters: ModelName, ConnectionArn, /m,
    );
  });
});

describe('actions/codepipeline install (the committed bundle, as the runner runs it)', () => {
  it('creates, then finds nothing to change; outputs the stack', async () => {
    await moto.reset();
    const run = () =>
      runActionBundle('actions/codepipeline', {
        cwd: tempDir(),
        inputs: {
          operation: 'install',
          'stack-name': 'churn-action',
          template: SMALL,
          parameters: 'ModelName=churn\nScheduleExpression=rate(3 days)',
        },
        env: moto.env,
      });
    const first = await run();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ 'stack-status': 'CREATE_COMPLETE' });
    expect(first.outputs['stack-id']).toMatch(
      /^arn:aws:cloudformation:us-east-1:\d{12}:stack\/churn-action\//,
    );
    expect(first.summary).toContain('### CloudFormation: stack churn-action CREATE_COMPLETE (4 changes)');
    const again = await run();
    expect(again.code).toBe(0);
    expect(again.summary).toContain('### CloudFormation: stack churn-action: no changes');
    expect(again.outputs['stack-id']).toBe(first.outputs['stack-id']);
  });
});
