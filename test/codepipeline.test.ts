/**
 * `modelship codepipeline` as users run it: the committed CLI bundle and the committed action
 * bundle, as processes, talking over real HTTP to a CodePipeline stand-in (moto has no running
 * executions, approvals or StopPipelineExecution). It speaks CodePipeline's JSON protocol and
 * records every call, so the test sees what the process sent — including the
 * StopPipelineExecution a SIGTERM mid-wait must send.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { runActionBundle } from './support/action-runner.js';
import { tempDir } from './lib/step.js';

const CLI = join(process.cwd(), 'dist/cli/index.js');
const EXEC = '0b0b0b0b-1111-2222-3333-444444444444';

interface Call {
  op: string;
  body: Record<string, unknown>;
}
const calls: Call[] = [];
let server: Server;
let endpoint = '';
/** What the stand-in answers, by operation (the X-Amz-Target's suffix). */
let answers: Record<string, (body: Record<string, unknown>) => unknown> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      calls.push({ op, body });
      const answer = answers[op];
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (!answer) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ValidationException', message: `no answer for ${op}` }));
        return;
      }
      res.end(JSON.stringify(answer(body)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  calls.length = 0;
  answers = {};
});

const awsEnv = () => ({
  AWS_ENDPOINT_URL_CODEPIPELINE: endpoint,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
});

const until = async (cond: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out; calls: ${calls.map((c) => c.op).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('modelship codepipeline (the CLI bundle)', () => {
  it('start follows the execution; SIGTERM mid-wait sends StopPipelineExecution and exits 1', async () => {
    answers = {
      StartPipelineExecution: () => ({ pipelineExecutionId: EXEC }),
      GetPipelineExecution: () => ({
        pipelineExecution: { pipelineExecutionId: EXEC, status: 'InProgress' },
      }),
      ListActionExecutions: () => ({
        actionExecutionDetails: [
          {
            pipelineExecutionId: EXEC,
            stageName: 'Build',
            actionName: 'Train',
            status: 'InProgress',
            startTime: 1795856400,
            lastUpdateTime: 1795856401,
          },
        ],
      }),
      GetPipelineState: () => ({
        stageStates: [
          { stageName: 'Build', latestExecution: { pipelineExecutionId: EXEC, status: 'InProgress' } },
        ],
      }),
      StopPipelineExecution: () => ({ pipelineExecutionId: EXEC }),
    };
    const child = spawn(
      process.execPath,
      [CLI, 'codepipeline', 'start', '--pipeline', 'churn-release', '--variables', 'model=churn'],
      { cwd: tempDir(), env: { PATH: process.env.PATH, ...awsEnv() } },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Mid-wait: the first look is done, the next is seconds away.
    await until(() => calls.some((c) => c.op === 'GetPipelineState'));
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(calls.map((c) => c.op)).toEqual([
      'StartPipelineExecution',
      'GetPipelineExecution',
      'ListActionExecutions',
      'GetPipelineState',
      'StopPipelineExecution',
    ]);
    // The SDK adds an idempotency token: a retried StartPipelineExecution starts one execution.
    expect(calls[0]!.body).toEqual({
      name: 'churn-release',
      variables: [{ name: 'model', value: 'churn' }],
      clientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(calls.at(-1)!.body).toEqual({
      pipelineName: 'churn-release',
      pipelineExecutionId: EXEC,
      abandon: false,
      reason: 'modelship: cancelled by SIGTERM',
    });
    expect(stderr).toContain('2026-11-28T09:00:01.000Z  Build/Train: InProgress');
    expect(stderr).toContain('stage Build: InProgress');
    expect(stderr).toContain(`cancelled: stopping execution ${EXEC} of pipeline churn-release`);
    expect(stderr).toMatch(/\nerror: cancelled by SIGTERM\n$/);
  });

  it('approve with nothing pending is one line and exit 1', async () => {
    answers = {
      GetPipelineState: () => ({
        stageStates: [
          {
            stageName: 'Approve',
            latestExecution: { pipelineExecutionId: EXEC, status: 'Succeeded' },
            actionStates: [{ actionName: 'Review', latestExecution: { status: 'Succeeded' } }],
          },
        ],
      }),
    };
    const child = spawn(
      process.execPath,
      [CLI, 'codepipeline', 'approve', '--pipeline', 'p', '--stage', 'Approve', '--action', 'Review'],
      { cwd: tempDir(), env: { PATH: process.env.PATH, ...awsEnv() } },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr).toContain(
      'error: approval Approve/Review of pipeline p: nothing is pending to approve (its last run is Succeeded)\nhint: start the pipeline',
    );
  });
});

describe('actions/codepipeline (the committed bundle, as the runner runs it)', () => {
  it('approve answers the pending approval with its token and sets the outputs', async () => {
    answers = {
      GetPipelineState: () => ({
        stageStates: [
          {
            stageName: 'Approve',
            latestExecution: { pipelineExecutionId: EXEC, status: 'InProgress' },
            actionStates: [
              { actionName: 'Review', latestExecution: { status: 'InProgress', token: 'tok-1' } },
            ],
          },
        ],
      }),
      PutApprovalResult: () => ({ approvedAt: 1795856500 }),
    };
    const r = await runActionBundle('actions/codepipeline', {
      cwd: tempDir(),
      inputs: {
        operation: 'approve',
        pipeline: 'churn-release',
        stage: 'Approve',
        action: 'Review',
        summary: 'gate passed',
      },
      env: { ...awsEnv(), GITHUB_ACTOR: 'alice' },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({
      'execution-id': EXEC,
      status: 'InProgress',
      'approval-result': 'Approved',
      approver: 'alice',
      'stack-id': '',
      'stack-status': '',
      'stack-outputs': '',
    });
    expect(calls.find((c) => c.op === 'PutApprovalResult')!.body).toEqual({
      pipelineName: 'churn-release',
      stageName: 'Approve',
      actionName: 'Review',
      result: { status: 'Approved', summary: 'gate passed' },
      token: 'tok-1',
    });
    expect(r.summary).toContain('### CodePipeline: approved Approve/Review of execution');
  });
});
