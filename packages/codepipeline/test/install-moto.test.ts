/**
 * `codepipeline install` against moto's CloudFormation in server mode (real HTTP): create, update
 * with a changed parameter, a re-run with no changes, dry runs, bad parameters. moto's
 * CloudFormation cannot create AWS::CodePipeline::Pipeline, AWS::CodeBuild::Project or
 * AWS::SNS::Subscription (it skips them with a warning, then fails ExecuteChangeSet on the
 * template's GetAtt of a project), so the stacks here come from fixtures/small-stack.yml, of the
 * types it can (S3, SNS topic, IAM role, EventBridge rule); the shipped pipeline template is
 * only dry-run here (its change set is listed, then deleted). moto executes a change set at once
 * and never rolls back: rollbacks and cancel are in install-mock.test.ts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListChangeSetsCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { startMoto, type Moto } from '../../../test/support/moto.js';
import { configErrorLine, runStep } from '../../../test/lib/step.js';
import { codepipelineStep } from '../src/definition.js';

const SMALL = join(import.meta.dirname, 'fixtures', 'small-stack.yml');
let moto: Moto;
let cfn: CloudFormationClient;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  env = { ...moto.env, MODELSHIP_AWS_MAX_ATTEMPTS: '2' };
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
beforeEach(() => moto.reset());

const install = (parameters: string, extra: Record<string, string> = {}) =>
  runStep(
    codepipelineStep,
    { operation: 'install', 'stack-name': 'churn-pipeline', template: SMALL, parameters, ...extra },
    { env },
  );

async function stack() {
  const r = await cfn.send(new DescribeStacksCommand({ StackName: 'churn-pipeline' }));
  return r.Stacks![0]!;
}
const params = async () =>
  Object.fromEntries((await stack()).Parameters!.map((p) => [p.ParameterKey, p.ParameterValue]));
/** Change sets left to execute or to look at (executed ones stay listed, as on CloudFormation). */
const leftOver = async () =>
  ((await cfn.send(new ListChangeSetsCommand({ StackName: 'churn-pipeline' }))).Summaries ?? []).filter(
    (c) => c.ExecutionStatus !== 'EXECUTE_COMPLETE',
  );

describe('codepipeline install on moto', () => {
  it('creates the stack, then updates it with a changed parameter; a re-run changes nothing', async () => {
    const created = await install('ModelName=churn');
    expect(created.result.headline).toBe('stack churn-pipeline CREATE_COMPLETE (4 changes)');
    expect(created.result.ok).toBe(true);
    const s = await stack();
    expect(created.result.outputs['stack-id']).toBe(s.StackId);
    expect(created.result.outputs['stack-status']).toBe('CREATE_COMPLETE');
    // moto returns no Outputs for a stack a change set made (install-mock.test.ts has them).
    expect(JSON.parse(created.result.outputs['stack-outputs']!)).toEqual({});
    // The change set's name is the digest of the template and parameters; its changes are listed.
    expect(created.text).toMatch(/creating stack churn-pipeline: change set modelship-[0-9a-f]{24} created/);
    for (const id of ['ArtifactBucket', 'ApprovalTopic', 'TriggerRole', 'ScheduleRule'])
      expect(created.text).toMatch(new RegExp(`  Add +${id} \\(AWS::`));
    // Events newer than the execution, oldest first, with their time.
    expect(created.text).toMatch(
      /\d{4}-\d\d-\d\dT[\d:.]+Z {2}churn-pipeline \(AWS::CloudFormation::Stack\): CREATE_IN_PROGRESS[^\n]*\n[^\n]*CREATE_COMPLETE/,
    );
    expect(created.text).not.toContain('REVIEW_IN_PROGRESS');
    expect(created.result.summary).toContain('| Add | ScheduleRule | AWS::Events::Rule |');
    expect(await params()).toMatchObject({ ModelName: 'churn', ScheduleExpression: 'rate(7 days)' });

    const updated = await install('ModelName=churn\nScheduleExpression=rate(1 day)');
    expect(updated.result.ok).toBe(true);
    expect(updated.result.outputs['stack-status']).toBe('UPDATE_COMPLETE');
    expect(updated.text).toMatch(/updating stack churn-pipeline: change set modelship-[0-9a-f]{24} created/);
    // moto lists no change for a parameter alone (CloudFormation: Modify ScheduleRule), and
    // applies it all the same.
    expect(updated.text).toMatch(/churn-pipeline \(AWS::CloudFormation::Stack\): UPDATE_COMPLETE/);
    // Only this run's events: none of the create.
    expect(updated.text).not.toContain('CREATE_COMPLETE');
    expect(await params()).toMatchObject({ ScheduleExpression: 'rate(1 day)' });

    // The same again (ModelName not given: it keeps its previous value): nothing to do, exit 0.
    const again = await install('ScheduleExpression=rate(1 day)');
    expect(again.result.ok).toBe(true);
    expect(again.result.headline).toBe('stack churn-pipeline: no changes (it stays UPDATE_COMPLETE)');
    expect(again.result.outputs['stack-status']).toBe('UPDATE_COMPLETE');
    expect(await leftOver()).toEqual([]);
    expect((await stack()).StackStatus).toBe('UPDATE_COMPLETE');
  });

  it('a dry run prints the change set and deletes it: a new stack is not created, an existing one not changed', async () => {
    const dry = await install('ModelName=churn', { 'dry-run': 'true' });
    expect(dry.result.ok).toBe(true);
    expect(dry.result.headline).toBe(
      'dry run: change set of stack churn-pipeline has 4 changes; nothing changed',
    );
    expect(dry.text).toMatch(/ {2}Add +ApprovalTopic \(AWS::SNS::Topic\)/);
    expect(dry.text).toContain('and the REVIEW_IN_PROGRESS stack it made deleted');
    const live = (await cfn.send(new ListStacksCommand({}))).StackSummaries!.filter(
      (s) => s.StackStatus !== 'DELETE_COMPLETE',
    );
    expect(live).toEqual([]);

    await install('ModelName=churn');
    const before = await stack();
    const dryUpdate = await install('ModelName=churn\nRetries=5', { 'dry-run': 'true' });
    expect(dryUpdate.result.ok).toBe(true);
    expect(dryUpdate.text).toMatch(
      /updating stack churn-pipeline: change set modelship-[0-9a-f]{24} created/,
    );
    expect(dryUpdate.text).toMatch(/dry run: change set modelship-[0-9a-f]{24} deleted/);
    expect(await leftOver()).toEqual([]);
    const after = await stack();
    expect(after.StackStatus).toBe('CREATE_COMPLETE');
    expect(after.Parameters).toEqual(before.Parameters);
  });

  it('an unknown parameter is one line naming it, before any call', async () => {
    const line = await configErrorLine(install('ModelName=churn\nModelNmae=churn'));
    expect(line).toBe(
      `--parameter ModelNmae: is not a parameter of ${SMALL} (its parameters: ModelName, ScheduleExpression, Retries)`,
    );
    expect(await configErrorLine(install('ModelName=Churn_1'))).toBe(
      "--parameter ModelName: 'Churn_1' does not match the AllowedPattern ^[a-z0-9](-*[a-z0-9]){0,40}$",
    );
    expect(await configErrorLine(install('ModelName=churn\nRetries=two'))).toBe(
      "--parameter Retries: 'two' is not a number",
    );
    expect(await configErrorLine(install(''))).toBe(
      `--parameter: ${SMALL} needs ModelName, which has no default`,
    );
    expect((await cfn.send(new ListStacksCommand({}))).StackSummaries).toEqual([]);
  });

  it('the shipped pipeline template (the default) dry-runs: every resource in its change set', async () => {
    const dry = await runStep(
      codepipelineStep,
      {
        operation: 'install',
        'stack-name': 'churn-pipeline',
        'dry-run': 'true',
        parameters: [
          'ModelName=churn',
          'ConnectionArn=arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d',
          'FullRepositoryId=acme/churn',
          'SageMakerRoleArn=arn:aws:iam::123456789012:role/churn-sagemaker',
          'DataBucketName=acme-ml',
        ].join('\n'),
      },
      { env },
    );
    expect(dry.result.ok).toBe(true);
    for (const [id, type] of [
      ['Pipeline', 'AWS::CodePipeline::Pipeline'],
      ['BuildProject', 'AWS::CodeBuild::Project'],
      ['BuildRole', 'AWS::IAM::Role'],
    ])
      expect(dry.text).toMatch(new RegExp(`  Add +${id} \\(${type}\\)`));
    expect(
      (await cfn.send(new ListStacksCommand({}))).StackSummaries!.every(
        (s) => s.StackStatus === 'DELETE_COMPLETE',
      ),
    ).toBe(true);
  });
});
