/**
 * The codepipeline step against aws-sdk-client-mock, for what moto lacks (executions that run,
 * action executions, pipeline state with approval tokens, PutApprovalResult,
 * StopPipelineExecution) and for injected faults: start and wait through Succeeded / Failed /
 * Stopped / Superseded, cancel, approve with the right token, nothing pending, expired token,
 * throttling, await-approval.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CodePipelineClient,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  PutApprovalResultCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type ActionExecutionDetail,
  type GetPipelineExecutionOutput,
  type GetPipelineStateOutput,
  type PipelineExecutionStatus,
} from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import type { CommonInputs, StepContext } from '@modelship/core';
import { configErrorLine, makeContext, tempDir } from '../../../test/lib/step.js';
import type { CodePipelineInputs } from '../src/definition.js';
import { createCodePipelineImpl } from '../src/step.js';

const cp = mockClient(CodePipelineClient);
afterAll(() => cp.restore());

const PIPELINE = 'churn-release';
const EXEC = '11111111-2222-3333-4444-555555555555';
const T0 = new Date('2026-11-22T09:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

const sleeps: number[] = [];
const impl = createCodePipelineImpl({
  sleep: async (ms) => {
    sleeps.push(ms);
  },
  interval: () => 1000,
});

beforeEach(() => {
  cp.reset();
  sleeps.length = 0;
});

async function run(
  inputs: Partial<CodePipelineInputs>,
  opts: { signal?: AbortSignal; env?: Record<string, string> } = {},
): Promise<{ result: Awaited<ReturnType<typeof impl.run>>; text: string; ctx: StepContext }> {
  const { ctx, log } = await makeContext(tempDir(), {
    env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', ...opts.env },
  });
  if (opts.signal) ctx.signal = opts.signal;
  const full = {
    pipeline: PIPELINE,
    wait: true,
    manifest: '.modelship/manifest.json',
    ...inputs,
  } as CodePipelineInputs & CommonInputs;
  const result = await impl.run(full, ctx);
  return { result, text: log.lines.join('\n'), ctx };
}

/** The step's outputs (empty unless given; the stack's are install's). */
const outputs = (o: Partial<Record<'execution-id' | 'status' | 'approval-result' | 'approver', string>>) => ({
  'execution-id': '',
  status: '',
  'approval-result': '',
  approver: '',
  'stack-id': '',
  'stack-status': '',
  'stack-outputs': '',
  ...o,
});

const action = (
  stage: string,
  name: string,
  status: ActionExecutionDetail['status'],
  s: number,
  extra: Partial<ActionExecutionDetail> = {},
): ActionExecutionDetail => ({
  pipelineExecutionId: EXEC,
  stageName: stage,
  actionName: name,
  status,
  startTime: at(s),
  lastUpdateTime: at(s + 1),
  ...extra,
});

const execution = (status: string, statusSummary?: string): GetPipelineExecutionOutput => ({
  pipelineExecution: {
    pipelineExecutionId: EXEC,
    pipelineName: PIPELINE,
    status: status as PipelineExecutionStatus,
    ...(statusSummary ? { statusSummary } : {}),
  },
});

/** A pipeline state with the approval `Approve/Review` at the given status, held by `exec`. */
function approvalState(
  latest: Record<string, unknown> | undefined,
  exec: string = EXEC,
): GetPipelineStateOutput {
  return {
    pipelineName: PIPELINE,
    stageStates: [
      {
        stageName: 'Build',
        latestExecution: { pipelineExecutionId: exec, status: 'Succeeded' },
        actionStates: [],
      },
      {
        stageName: 'Approve',
        latestExecution: { pipelineExecutionId: exec, status: 'InProgress' },
        actionStates: [{ actionName: 'Review', ...(latest ? { latestExecution: latest } : {}) }],
      },
    ],
  } as GetPipelineStateOutput;
}

describe('start and wait', () => {
  it('starts with variables and follows stage and action transitions to Succeeded', async () => {
    cp.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: EXEC });
    cp.on(GetPipelineExecutionCommand)
      .resolvesOnce(execution('InProgress'))
      .resolvesOnce(execution('InProgress'))
      .resolves(execution('Succeeded'));
    cp.on(ListActionExecutionsCommand)
      .resolvesOnce({ actionExecutionDetails: [action('Build', 'Train', 'InProgress', 1)] })
      .resolvesOnce({
        actionExecutionDetails: [action('Build', 'Train', 'Succeeded', 1)],
        nextToken: 'page2',
      })
      .resolvesOnce({ actionExecutionDetails: [action('Deploy', 'Canary', 'InProgress', 30)] })
      .resolves({
        actionExecutionDetails: [
          action('Build', 'Train', 'Succeeded', 1),
          action('Deploy', 'Canary', 'Succeeded', 30),
        ],
      });
    cp.on(GetPipelineStateCommand).resolves({
      stageStates: [
        { stageName: 'Build', latestExecution: { pipelineExecutionId: EXEC, status: 'Succeeded' } },
        { stageName: 'Old', latestExecution: { pipelineExecutionId: 'another', status: 'Failed' } },
      ],
    });
    const { result, text } = await run({ operation: 'start', variables: 'model=churn, threshold=0.8' });
    expect(result.ok).toBe(true);
    expect(result.outputs).toEqual(outputs({ 'execution-id': EXEC, status: 'Succeeded' }));
    expect(cp.commandCalls(StartPipelineExecutionCommand)[0]!.args[0].input).toEqual({
      name: PIPELINE,
      variables: [
        { name: 'model', value: 'churn' },
        { name: 'threshold', value: '0.8' },
      ],
    });
    // The second page of action executions was asked for with the token.
    expect(cp.commandCalls(ListActionExecutionsCommand)[2]!.args[0].input.nextToken).toBe('page2');
    expect(text).toContain(`${at(2).toISOString()}  Build/Train: InProgress`);
    expect(text).toContain(`${at(2).toISOString()}  Build/Train: Succeeded`);
    expect(text).toContain(`${at(31).toISOString()}  Deploy/Canary: Succeeded`);
    expect(text).toContain('stage Build: Succeeded');
    expect(text).not.toContain('stage Old');
    expect(text).toMatch(/execution 1111.*: InProgress[\s\S]*execution 1111.*: Succeeded/);
  });

  it('a failed execution fails the step naming the failed action and its error', async () => {
    cp.on(GetPipelineExecutionCommand).resolves(execution('Failed'));
    cp.on(ListActionExecutionsCommand).resolves({
      actionExecutionDetails: [
        action('Build', 'Train', 'Failed', 5, {
          output: {
            executionResult: {
              errorDetails: {
                code: 'JobFailed',
                message: 'Build failed: gate verdict FAIL (auc 0.71 < 0.75)',
              },
            },
          },
        }),
      ],
    });
    cp.on(GetPipelineStateCommand).resolves({ stageStates: [] });
    const { result, ctx } = await run({ operation: 'wait', 'execution-id': EXEC });
    expect(result.ok).toBe(false);
    expect(result.outputs.status).toBe('Failed');
    expect(result.headline).toBe(
      `execution ${EXEC} of pipeline ${PIPELINE} Failed: Build/Train failed: Build failed: gate verdict FAIL (auc 0.71 < 0.75)`,
    );
    expect(ctx.manifest.get('codepipeline')).toMatchObject({
      pipeline: PIPELINE,
      executionId: EXEC,
      status: 'Failed',
      failedAction: { stage: 'Build', action: 'Train' },
    });
  });

  it('without ListActionExecutions the failed action comes from the pipeline state', async () => {
    cp.on(GetPipelineExecutionCommand).resolves(execution('Failed'));
    cp.on(ListActionExecutionsCommand).rejects(
      Object.assign(new Error('not allowed'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    cp.on(GetPipelineStateCommand).resolves({
      stageStates: [
        {
          stageName: 'Deploy',
          latestExecution: { pipelineExecutionId: EXEC, status: 'Failed' },
          actionStates: [
            {
              actionName: 'Canary',
              latestExecution: { status: 'Failed', errorDetails: { message: 'rolled back' } },
            },
          ],
        },
      ],
    });
    const { result, text } = await run({ operation: 'wait', 'execution-id': EXEC });
    expect(result.headline).toContain('Deploy/Canary failed: rolled back');
    expect(text).toContain('cannot read its actions (ListActionExecutions)');
  });

  it.each([
    ['Stopped', 'Stopped by alice', `: Stopped by alice`],
    ['Superseded', undefined, ': a newer execution passed it'],
    ['Cancelled', undefined, ''],
  ])('%s fails the step', async (status, summary, why) => {
    cp.on(GetPipelineExecutionCommand).resolves(execution(status, summary));
    cp.on(ListActionExecutionsCommand).resolves({});
    cp.on(GetPipelineStateCommand).resolves({});
    const { result } = await run({ operation: 'wait', 'execution-id': EXEC });
    expect(result.ok).toBe(false);
    expect(result.outputs.status).toBe(status);
    expect(result.headline).toBe(`execution ${EXEC} of pipeline ${PIPELINE} ${status}${why}`);
  });

  it('wait: false returns the started execution at once', async () => {
    cp.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: EXEC });
    const { result } = await run({ operation: 'start', wait: false });
    expect(result.outputs).toMatchObject({ 'execution-id': EXEC, status: 'InProgress' });
    expect(cp.commandCalls(GetPipelineExecutionCommand)).toHaveLength(0);
  });

  it('cancel stops the execution (StopPipelineExecution) and ends as cancelled', async () => {
    const controller = new AbortController();
    cp.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: EXEC });
    cp.on(GetPipelineExecutionCommand).callsFake(() => {
      controller.abort(new Error('cancelled by SIGTERM'));
      return execution('InProgress');
    });
    cp.on(ListActionExecutionsCommand).resolves({});
    cp.on(GetPipelineStateCommand).resolves({});
    cp.on(StopPipelineExecutionCommand).resolves({ pipelineExecutionId: EXEC });
    await expect(run({ operation: 'start' }, { signal: controller.signal })).rejects.toThrow(
      'cancelled by SIGTERM',
    );
    expect(cp.commandCalls(StopPipelineExecutionCommand)[0]!.args[0].input).toEqual({
      pipelineName: PIPELINE,
      pipelineExecutionId: EXEC,
      abandon: false,
      reason: 'modelship: cancelled by SIGTERM',
    });
  });

  it('a timeout fails the step and leaves the execution running', async () => {
    cp.on(GetPipelineExecutionCommand).resolves(execution('InProgress'));
    cp.on(ListActionExecutionsCommand).resolves({});
    cp.on(GetPipelineStateCommand).resolves({});
    let t = 0;
    const timed = createCodePipelineImpl({ sleep: async (ms) => void (t += ms), interval: () => 60_000 });
    const { ctx } = await makeContext(tempDir(), {
      env: { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
    });
    ctx.now = () => new Date(T0.getTime() + t);
    const result = await timed.run(
      {
        operation: 'wait',
        pipeline: PIPELINE,
        'execution-id': EXEC,
        'timeout-minutes': 5,
        wait: true,
        'dry-run': false,
        manifest: 'm.json',
      },
      ctx,
    );
    expect(result.ok).toBe(false);
    expect(result.headline).toBe(`execution ${EXEC} is still InProgress after 5 minutes (it goes on)`);
    expect(cp.commandCalls(StopPipelineExecutionCommand)).toHaveLength(0);
  });

  it('names a missing pipeline, and a throttled one after the retries', async () => {
    cp.on(StartPipelineExecutionCommand).rejects(
      Object.assign(new Error('no such pipeline'), { name: 'PipelineNotFoundException' }),
    );
    expect(await configErrorLine(run({ operation: 'start' }))).toBe(
      `pipeline ${PIPELINE}: pipeline not found`,
    );
    cp.reset();
    cp.on(GetPipelineExecutionCommand).rejects(
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { attempts: 8 } }),
    );
    expect(await configErrorLine(run({ operation: 'wait', 'execution-id': EXEC }))).toBe(
      `pipeline ${PIPELINE}: CodePipeline throttled the requests (still after 8 attempts)`,
    );
  });

  it('refuses malformed variables and a wait without an id', async () => {
    expect(await configErrorLine(run({ operation: 'start', variables: '=x' }))).toContain(
      "--variables: '=x' is not name=value",
    );
    expect(await configErrorLine(run({ operation: 'wait' }))).toBe(
      '--execution-id: wait needs the execution to follow',
    );
  });
});

describe('approve and reject', () => {
  it('answers the pending approval with its token and the summary', async () => {
    cp.on(GetPipelineStateCommand).resolves(
      approvalState({ status: 'InProgress', token: 'tok-123', lastStatusChange: at(60) }),
    );
    cp.on(PutApprovalResultCommand).resolves({ approvedAt: at(90) });
    const { result, ctx } = await run(
      { operation: 'approve', stage: 'Approve', action: 'Review', summary: 'gate passed: auc 0.81' },
      { env: { GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'alice' } },
    );
    expect(result.ok).toBe(true);
    expect(result.outputs).toEqual(
      outputs({
        'execution-id': EXEC,
        status: 'InProgress',
        'approval-result': 'Approved',
        approver: 'alice',
      }),
    );
    expect(cp.commandCalls(PutApprovalResultCommand)[0]!.args[0].input).toEqual({
      pipelineName: PIPELINE,
      stageName: 'Approve',
      actionName: 'Review',
      result: { status: 'Approved', summary: 'gate passed: auc 0.81' },
      token: 'tok-123',
    });
    expect(cp.commandCalls(GetPipelineCommand)).toHaveLength(0);
    expect(ctx.manifest.get('codepipeline')).toMatchObject({
      approval: { stage: 'Approve', action: 'Review', result: 'Approved', approver: 'alice' },
    });
  });

  it('finds the one manual approval in the declaration, and a default summary names who and where', async () => {
    cp.on(GetPipelineCommand).resolves({
      pipeline: {
        name: PIPELINE,
        roleArn: 'arn:aws:iam::123456789012:role/p',
        stages: [
          {
            name: 'Build',
            actions: [
              {
                name: 'Train',
                actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
              },
            ],
          },
          {
            name: 'Approve',
            actions: [
              {
                name: 'Review',
                actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
              },
            ],
          },
        ],
      },
    });
    cp.on(GetPipelineStateCommand).resolves(approvalState({ status: 'InProgress', token: 'tok-9' }));
    cp.on(PutApprovalResultCommand).resolves({});
    const { result } = await run(
      { operation: 'reject' },
      {
        env: {
          GITHUB_ACTIONS: 'true',
          GITHUB_ACTOR: 'bob',
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'acme/churn',
          GITHUB_RUN_ID: '42',
        },
      },
    );
    expect(result.outputs['approval-result']).toBe('Rejected');
    expect(cp.commandCalls(PutApprovalResultCommand)[0]!.args[0].input.result).toEqual({
      status: 'Rejected',
      summary: 'Rejected with modelship by bob (https://github.com/acme/churn/actions/runs/42).',
    });
  });

  it('fails with one line when nothing is pending, or it is another execution', async () => {
    cp.on(GetPipelineStateCommand).resolves(approvalState({ status: 'Succeeded', lastStatusChange: at(5) }));
    expect(await configErrorLine(run({ operation: 'approve', stage: 'Approve', action: 'Review' }))).toBe(
      `approval Approve/Review of pipeline ${PIPELINE}: nothing is pending to approve (its last run is Succeeded since ${at(5).toISOString()})`,
    );
    cp.on(GetPipelineStateCommand).resolves(approvalState(undefined));
    expect(await configErrorLine(run({ operation: 'reject', stage: 'Approve', action: 'Review' }))).toContain(
      'nothing is pending to reject (it has not run)',
    );
    cp.on(GetPipelineStateCommand).resolves(approvalState({ status: 'InProgress', token: 't' }, 'newer'));
    expect(
      await configErrorLine(
        run({ operation: 'approve', stage: 'Approve', action: 'Review', 'execution-id': EXEC }),
      ),
    ).toContain(`the pending approval is of execution newer, not ${EXEC}`);
    expect(await configErrorLine(run({ operation: 'approve', stage: 'Nope', action: 'Review' }))).toBe(
      `pipeline ${PIPELINE}: has no stage Nope (stages: Build, Approve)`,
    );
    expect(cp.commandCalls(PutApprovalResultCommand)).toHaveLength(0);
  });

  it('an expired token is one clear line', async () => {
    cp.on(GetPipelineStateCommand).resolves(approvalState({ status: 'InProgress', token: 'old' }));
    cp.on(PutApprovalResultCommand).rejects(
      Object.assign(new Error('The token is invalid'), { name: 'InvalidApprovalTokenException' }),
    );
    expect(await configErrorLine(run({ operation: 'approve', stage: 'Approve', action: 'Review' }))).toBe(
      `approval Approve/Review of pipeline ${PIPELINE}: the approval token is no longer valid: the approval expired, or was answered meanwhile`,
    );
  });

  it('throttling of GetPipelineState after the retries is one clear line', async () => {
    cp.on(GetPipelineStateCommand).rejects(
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { attempts: 8 } }),
    );
    expect(await configErrorLine(run({ operation: 'approve', stage: 'Approve', action: 'Review' }))).toBe(
      `pipeline ${PIPELINE}: CodePipeline throttled the requests (still after 8 attempts)`,
    );
  });

  it('names the candidates when the pipeline has two manual approvals', async () => {
    const approval = {
      actionTypeId: {
        category: 'Approval' as const,
        owner: 'AWS' as const,
        provider: 'Manual',
        version: '1',
      },
    };
    cp.on(GetPipelineCommand).resolves({
      pipeline: {
        name: PIPELINE,
        roleArn: 'r',
        stages: [
          { name: 'QA', actions: [{ name: 'Review', ...approval }] },
          { name: 'Prod', actions: [{ name: 'Review', ...approval }] },
        ],
      },
    });
    expect(await configErrorLine(run({ operation: 'approve' }))).toBe(
      `pipeline ${PIPELINE}: has 2 manual approval actions (QA/Review, Prod/Review): name one`,
    );
  });
});

describe('await-approval', () => {
  const AWAIT = {
    operation: 'await-approval',
    stage: 'Approve',
    action: 'Review',
    'execution-id': EXEC,
  } as const;

  it('waits for the execution to reach the approval, then reports who answered and what', async () => {
    cp.on(GetPipelineStateCommand)
      .resolvesOnce(approvalState({ status: 'Succeeded' }, 'older'))
      .resolvesOnce(approvalState({ status: 'InProgress', token: 't', lastStatusChange: at(60) }))
      .resolvesOnce(approvalState({ status: 'InProgress', token: 't', lastStatusChange: at(60) }))
      .resolves(
        approvalState({
          status: 'Succeeded',
          lastUpdatedBy: 'arn:aws:sts::123456789012:assumed-role/Reviewers/carol',
          summary: 'looks good',
          lastStatusChange: at(600),
        }),
      );
    cp.on(GetPipelineExecutionCommand).resolves(execution('InProgress'));
    const { result, text } = await run(AWAIT);
    expect(result.ok).toBe(true);
    expect(result.outputs).toEqual(
      outputs({
        'execution-id': EXEC,
        status: 'InProgress',
        'approval-result': 'Approved',
        approver: 'arn:aws:sts::123456789012:assumed-role/Reviewers/carol',
      }),
    );
    expect(result.headline).toBe(
      'Approve/Review Approved by arn:aws:sts::123456789012:assumed-role/Reviewers/carol: looks good',
    );
    expect(text).toContain(`waiting for execution ${EXEC} to reach it`);
    expect(text).toContain(`pending for execution ${EXEC} since ${at(60).toISOString()}`);
    expect(sleeps).toHaveLength(3);
  });

  it.each([
    [{ status: 'Failed', summary: 'canary regressed', lastUpdatedBy: 'dave' }, 'Rejected'],
    [{ status: 'Failed', errorDetails: { message: 'The approval action has expired' } }, 'Expired'],
  ])('a rejection or an expiry fails the step (%#)', async (latest, answer) => {
    cp.on(GetPipelineStateCommand).resolves(approvalState(latest));
    const { result } = await run(AWAIT);
    expect(result.ok).toBe(false);
    expect(result.outputs['approval-result']).toBe(answer);
  });

  it('an execution that ends before reaching the approval fails the step', async () => {
    cp.on(GetPipelineStateCommand).resolves(approvalState({ status: 'Succeeded' }, 'older'));
    cp.on(GetPipelineExecutionCommand).resolves(execution('Failed'));
    const { result } = await run(AWAIT);
    expect(result.ok).toBe(false);
    expect(result.headline).toBe(`execution ${EXEC} ended Failed before Approve/Review was answered`);
  });
});
