/**
 * `codepipeline install` against aws-sdk-client-mock, for what moto's CloudFormation cannot do: a
 * stack that changes over time and rolls back (moto executes a change set at once and never rolls
 * back), the Outputs of a stack a change set made, Replacement in a Modify change, a stack left in
 * ROLLBACK_COMPLETE or REVIEW_IN_PROGRESS, a change set found again from an earlier run, and a
 * cancel during an update or a create.
 */
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CancelUpdateStackCommand,
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type DescribeChangeSetOutput,
  type Stack,
  type StackEvent,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import type { CommonInputs } from '@modelship/core';
import { configErrorLine, makeContext, tempDir } from '../../../test/lib/step.js';
import type { CodePipelineInputs } from '../src/definition.js';
import { createCodePipelineImpl } from '../src/step.js';

const cfn = mockClient(CloudFormationClient);
afterAll(() => cfn.restore());

const SMALL = join(import.meta.dirname, 'fixtures', 'small-stack.yml');
const NAME = 'churn-pipeline';
const ID = `arn:aws:cloudformation:us-east-1:123456789012:stack/${NAME}/0f0f0f0f-1111-2222-3333-444444444444`;
const T0 = new Date('2026-11-22T09:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

const impl = createCodePipelineImpl({ sleep: async () => undefined, interval: () => 1000 });

beforeEach(() => {
  cfn.reset();
});

/** Start an install; its result (a promise) and its log. */
async function start(inputs: Partial<CodePipelineInputs> = {}, signal?: AbortSignal) {
  const { ctx, log } = await makeContext(tempDir(), {
    env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
  });
  if (signal) ctx.signal = signal;
  const full = {
    operation: 'install',
    'stack-name': NAME,
    template: SMALL,
    parameters: 'ModelName=churn',
    wait: true,
    'dry-run': false,
    manifest: '.modelship/manifest.json',
    ...inputs,
  } as CodePipelineInputs & CommonInputs;
  return { run: impl.run(full, ctx), log };
}

async function install(inputs: Partial<CodePipelineInputs> = {}) {
  const { run, log } = await start(inputs);
  const result = await run;
  return { result, text: log.lines.join('\n') };
}

const stack = (status: StackStatus, extra: Partial<Stack> = {}): { Stacks: Stack[] } => ({
  Stacks: [
    {
      StackName: NAME,
      StackId: ID,
      StackStatus: status,
      CreationTime: T0,
      Parameters: [
        { ParameterKey: 'ModelName', ParameterValue: 'churn' },
        { ParameterKey: 'ScheduleExpression', ParameterValue: 'rate(7 days)' },
        { ParameterKey: 'Retries', ParameterValue: '2' },
      ],
      ...extra,
    },
  ],
});
const event = (n: number, id: string, type: string, status: string, reason?: string): StackEvent => ({
  EventId: `e${n}`,
  StackName: NAME,
  StackId: ID,
  LogicalResourceId: id,
  PhysicalResourceId: id === NAME ? ID : `${id}-phys`,
  ResourceType: type,
  ResourceStatus: status as StackEvent['ResourceStatus'],
  Timestamp: at(n),
  ...(reason ? { ResourceStatusReason: reason } : {}),
});
/** DescribeStackEvents answers newest first. */
const newestFirst = (events: StackEvent[]) => ({ StackEvents: [...events].reverse() });

const changeSet = (
  status: string,
  extra: Partial<DescribeChangeSetOutput> = {},
): DescribeChangeSetOutput => ({
  ChangeSetId: 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/modelship-x/1',
  Status: status as DescribeChangeSetOutput['Status'],
  ExecutionStatus: status === 'CREATE_COMPLETE' ? 'AVAILABLE' : 'UNAVAILABLE',
  Changes: [
    {
      Type: 'Resource',
      ResourceChange: {
        Action: 'Modify',
        LogicalResourceId: 'ArtifactBucket',
        ResourceType: 'AWS::S3::Bucket',
        Replacement: 'True',
      },
    },
    {
      Type: 'Resource',
      ResourceChange: { Action: 'Add', LogicalResourceId: 'ScheduleRule', ResourceType: 'AWS::Events::Rule' },
    },
  ],
  ...extra,
});
const notFound = Object.assign(new Error('ChangeSet [modelship-x] does not exist'), {
  name: 'ChangeSetNotFoundException',
});

describe('codepipeline install (client mocks)', () => {
  it('a failing update rolls back: a failure naming the first failed resource and its reason', async () => {
    const before = [event(1, NAME, 'AWS::CloudFormation::Stack', 'CREATE_COMPLETE')];
    const during = [
      ...before,
      event(2, NAME, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated'),
      event(3, 'ArtifactBucket', 'AWS::S3::Bucket', 'UPDATE_IN_PROGRESS'),
      event(4, 'ScheduleRule', 'AWS::Events::Rule', 'CREATE_FAILED', 'Resource creation cancelled'),
      event(5, 'ArtifactBucket', 'AWS::S3::Bucket', 'UPDATE_FAILED', 'acme-ml already exists'),
    ];
    const after = [
      ...during,
      event(
        6,
        NAME,
        'AWS::CloudFormation::Stack',
        'UPDATE_ROLLBACK_IN_PROGRESS',
        'The following resource(s) failed to update: [ArtifactBucket].',
      ),
      event(7, NAME, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE'),
    ];
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('UPDATE_COMPLETE'))
      .resolvesOnce(stack('UPDATE_IN_PROGRESS'))
      .resolves(
        stack('UPDATE_ROLLBACK_COMPLETE', {
          Outputs: [{ OutputKey: 'ArtifactBucketName', OutputValue: 'b-1' }],
        }),
      );
    cfn.on(DescribeChangeSetCommand).rejectsOnce(notFound).resolves(changeSet('CREATE_COMPLETE'));
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs', StackId: ID });
    cfn.on(ExecuteChangeSetCommand).resolves({});
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(newestFirst(before))
      .resolvesOnce(newestFirst(during))
      .resolves(newestFirst(after));
    const { result, text } = await install({ parameters: 'ModelName=churn\nRetries=3' });
    expect(result.ok).toBe(false);
    expect(result.headline).toBe(
      'stack churn-pipeline UPDATE_ROLLBACK_COMPLETE: ArtifactBucket (AWS::S3::Bucket) UPDATE_FAILED: acme-ml already exists',
    );
    expect(result.outputs).toMatchObject({
      'stack-id': ID,
      'stack-status': 'UPDATE_ROLLBACK_COMPLETE',
      'stack-outputs': '{"ArtifactBucketName":"b-1"}',
    });
    // Every new event once, oldest first; none from before the execution.
    const lines = text.split('\n').filter((l) => /^\d{4}-/.test(l));
    expect(lines).toEqual([
      '2026-11-22T09:00:02.000Z  churn-pipeline (AWS::CloudFormation::Stack): UPDATE_IN_PROGRESS — User Initiated',
      '2026-11-22T09:00:03.000Z  ArtifactBucket (AWS::S3::Bucket): UPDATE_IN_PROGRESS',
      '2026-11-22T09:00:04.000Z  ScheduleRule (AWS::Events::Rule): CREATE_FAILED — Resource creation cancelled',
      '2026-11-22T09:00:05.000Z  ArtifactBucket (AWS::S3::Bucket): UPDATE_FAILED — acme-ml already exists',
      '2026-11-22T09:00:06.000Z  churn-pipeline (AWS::CloudFormation::Stack): UPDATE_ROLLBACK_IN_PROGRESS — The following resource(s) failed to update: [ArtifactBucket].',
      '2026-11-22T09:00:07.000Z  churn-pipeline (AWS::CloudFormation::Stack): UPDATE_ROLLBACK_COMPLETE',
    ]);
    // The change listing, Replacement of a Modify included.
    expect(text).toContain('  Modify  ArtifactBucket (AWS::S3::Bucket) replacement: True');
    expect(text).toContain('  Add     ScheduleRule (AWS::Events::Rule)');
    expect(result.summary).toContain('| Modify | ArtifactBucket | AWS::S3::Bucket | True |');
    // Each table stands alone in the Markdown (a blank line before it), not as rows of the one above.
    expect(result.summary).toContain('\n\n| action | logical id | type | replacement |\n| --- |');
    expect(result.summary).toContain('\n\n| output | value |\n| --- |');
    // An update: what was given, the previous values of the rest, the capabilities the IAM role needs.
    const create = cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    expect(create).toMatchObject({
      StackName: NAME,
      ChangeSetType: 'UPDATE',
      ChangeSetName: expect.stringMatching(/^modelship-[0-9a-f]{24}$/),
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [
        { ParameterKey: 'ModelName', ParameterValue: 'churn' },
        { ParameterKey: 'ScheduleExpression', UsePreviousValue: true },
        { ParameterKey: 'Retries', ParameterValue: '3' },
      ],
    });
  });

  it('a create that rolls back ends ROLLBACK_COMPLETE; the next install names it and says to delete it', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejectsOnce(
        Object.assign(new Error(`Stack with id ${NAME} does not exist`), { name: 'ValidationError' }),
      )
      .resolves(stack('ROLLBACK_COMPLETE'));
    cfn.on(DescribeChangeSetCommand).rejectsOnce(notFound).resolves(changeSet('CREATE_COMPLETE'));
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs', StackId: ID });
    cfn.on(ExecuteChangeSetCommand).resolves({});
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(newestFirst([event(1, NAME, 'AWS::CloudFormation::Stack', 'REVIEW_IN_PROGRESS')]))
      .resolves(
        newestFirst([
          event(1, NAME, 'AWS::CloudFormation::Stack', 'REVIEW_IN_PROGRESS'),
          event(
            2,
            'TriggerRole',
            'AWS::IAM::Role',
            'CREATE_FAILED',
            'Requires capabilities : [CAPABILITY_NAMED_IAM]',
          ),
          event(3, NAME, 'AWS::CloudFormation::Stack', 'ROLLBACK_COMPLETE'),
        ]),
      );
    const { result } = await install();
    expect(result.ok).toBe(false);
    expect(result.headline).toBe(
      'stack churn-pipeline ROLLBACK_COMPLETE: TriggerRole (AWS::IAM::Role) CREATE_FAILED: Requires capabilities : [CAPABILITY_NAMED_IAM]',
    );
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe('CREATE');

    cfn.reset();
    cfn.on(DescribeStacksCommand).resolves(
      stack('ROLLBACK_COMPLETE', {
        StackStatusReason: 'The following resource(s) failed to create: [TriggerRole].',
      }),
    );
    expect(await configErrorLine(install())).toBe(
      'stack churn-pipeline: is ROLLBACK_COMPLETE: its creation failed (The following resource(s) failed to create: [TriggerRole].), and such a stack cannot be updated',
    );
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);

    // Nor one whose update could not be rolled back, nor one busy with another operation.
    cfn.reset();
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_ROLLBACK_FAILED'));
    expect(await configErrorLine(install())).toBe(
      'stack churn-pipeline: is UPDATE_ROLLBACK_FAILED: its last update could not be rolled back, and it cannot be updated until the rollback is finished',
    );
    cfn.reset();
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_ROLLBACK_IN_PROGRESS'));
    expect(await configErrorLine(install())).toBe(
      'stack churn-pipeline: is UPDATE_ROLLBACK_IN_PROGRESS: another operation is running on it',
    );
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it('a stack left REVIEW_IN_PROGRESS is created; a change set of an earlier run is found, not made again; Outputs are returned', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('REVIEW_IN_PROGRESS', { Parameters: [] }))
      .resolves(
        stack('CREATE_COMPLETE', {
          Outputs: [
            { OutputKey: 'ApprovalTopicArn', OutputValue: 'arn:aws:sns:us-east-1:123456789012:t' },
            { OutputKey: 'ArtifactBucketName', OutputValue: 'churn-pipeline-artifactbucket-1' },
          ],
        }),
      );
    cfn.on(DescribeChangeSetCommand).resolves(changeSet('CREATE_COMPLETE'));
    cfn.on(ExecuteChangeSetCommand).resolves({});
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    const { result, text } = await install();
    expect(result.ok).toBe(true);
    expect(text).toMatch(/found change set modelship-[0-9a-f]{24} \(CREATE_COMPLETE\) from an earlier run/);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)[0]!.args[0].input).toEqual({
      StackName: NAME,
      ChangeSetName: changeSet('CREATE_COMPLETE').ChangeSetId,
    });
    expect(JSON.parse(result.outputs['stack-outputs']!)).toEqual({
      ApprovalTopicArn: 'arn:aws:sns:us-east-1:123456789012:t',
      ArtifactBucketName: 'churn-pipeline-artifactbucket-1',
    });
    expect(result.summary).toContain('| ArtifactBucketName | churn-pipeline-artifactbucket-1 |');
  });

  it('"didn\'t contain changes" is a no-op: exit 0, the change set deleted', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    cfn
      .on(DescribeChangeSetCommand)
      .rejectsOnce(notFound)
      .resolves(
        changeSet('FAILED', {
          StatusReason:
            "The submitted information didn't contain changes. Submit different information to create a change set.",
          Changes: [],
        }),
      );
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs', StackId: ID });
    cfn.on(DeleteChangeSetCommand).resolves({});
    const { result } = await install();
    expect(result.ok).toBe(true);
    expect(result.headline).toBe('stack churn-pipeline: no changes (it stays UPDATE_COMPLETE)');
    expect(cfn.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('bad parameters are refused before any call', async () => {
    expect(await configErrorLine(install({ parameters: 'ModelName=churn\nModelNmae=x' }))).toMatch(
      /^--parameter ModelNmae: is not a parameter of /,
    );
    expect(await configErrorLine(install({ parameters: 'ModelName=churn\nModelName=other' }))).toBe(
      '--parameter: ModelName is given twice',
    );
    expect(await configErrorLine(install({ parameters: 'ModelName' }))).toBe(
      "--parameter: 'ModelName' is not Key=Value (a key of letters and digits)",
    );
    expect(cfn.calls()).toHaveLength(0);
  });

  it.each([['bad_name!'], ['9lives'], ['x'.repeat(129)]])(
    'stack name %s is refused before any call',
    async (name) => {
      expect(await configErrorLine(install({ 'stack-name': name }))).toBe(
        `--stack-name: is not a CloudFormation stack name, got '${name}'`,
      );
      expect(cfn.calls()).toHaveLength(0);
    },
  );

  it('any other request CloudFormation refuses is one line naming the call, not an internal error', async () => {
    cfn.on(DescribeStacksCommand).resolves(stack('UPDATE_COMPLETE'));
    cfn.on(DescribeChangeSetCommand).rejects(notFound);
    cfn.on(CreateChangeSetCommand).rejects(
      Object.assign(
        new Error('Stack churn-pipeline is in UPDATE_IN_PROGRESS state and can not be updated.'),
        {
          name: 'OperationInProgressException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        },
      ),
    );
    expect(await configErrorLine(install())).toBe(
      `stack ${NAME}: CloudFormation rejected CreateChangeSet: Stack churn-pipeline is in UPDATE_IN_PROGRESS state and can not be updated.`,
    );
  });

  it('cancel during an update sends CancelUpdateStack and says the stack rolls back', async () => {
    const ac = new AbortController();
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('UPDATE_COMPLETE'))
      .callsFake(() => {
        ac.abort(new Error('cancelled by SIGTERM'));
        return stack('UPDATE_IN_PROGRESS');
      });
    cfn.on(DescribeChangeSetCommand).resolves(changeSet('CREATE_COMPLETE'));
    cfn.on(ExecuteChangeSetCommand).resolves({});
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    cfn.on(CancelUpdateStackCommand).resolves({});
    const { run, log } = await start({}, ac.signal);
    await expect(run).rejects.toThrow('cancelled by SIGTERM');
    expect(cfn.commandCalls(CancelUpdateStackCommand)[0]!.args[0].input).toEqual({ StackName: NAME });
    expect(log.lines.join('\n')).toContain(
      'cancelled: CancelUpdateStack sent; stack churn-pipeline rolls back to its previous template (UPDATE_ROLLBACK_IN_PROGRESS)',
    );
  });

  it('cancel during a create says the stack goes on being created, and sends nothing', async () => {
    const ac = new AbortController();
    cfn
      .on(DescribeStacksCommand)
      .rejectsOnce(
        Object.assign(new Error(`Stack with id ${NAME} does not exist`), { name: 'ValidationError' }),
      )
      .callsFake(() => {
        ac.abort(new Error('cancelled by SIGINT'));
        return stack('CREATE_IN_PROGRESS');
      });
    cfn.on(DescribeChangeSetCommand).rejectsOnce(notFound).resolves(changeSet('CREATE_COMPLETE'));
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs', StackId: ID });
    cfn.on(ExecuteChangeSetCommand).resolves({});
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    const { run, log } = await start({}, ac.signal);
    await expect(run).rejects.toThrow('cancelled by SIGINT');
    expect(cfn.commandCalls(CancelUpdateStackCommand)).toHaveLength(0);
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(log.lines.join('\n')).toContain(
      'cancelled: stack churn-pipeline is CREATE_IN_PROGRESS and CloudFormation goes on creating it (a create cannot be cancelled)',
    );
  });
});
