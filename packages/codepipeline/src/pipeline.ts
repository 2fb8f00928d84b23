// The CodePipeline engine: start an execution and follow it (stage and action transitions, the
// failed action and its error, StopPipelineExecution on cancel), and find, answer or await a manual
// approval. Host-agnostic: the client, the clock and sleep are injected, so tests drive it with
// moto over HTTP or with aws-sdk-client-mock.
import {
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  PutApprovalResultCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type ActionExecutionDetail,
  type ActionState,
  type CodePipelineClient,
  type GetPipelineStateOutput,
  type PipelineExecution,
  type PipelineVariable,
  type StageState,
} from '@aws-sdk/client-codepipeline';
import { awsError, poll, pollDelayMs, type Sleep } from '@modelship/aws';
import { ConfigError, type Logger } from '@modelship/core';
import type { ApprovalResult } from './definition.js';

export interface PipelineDeps {
  client: CodePipelineClient;
  log: Logger;
  signal: AbortSignal;
  /** Epoch ms. */
  now: () => number;
  sleep?: Sleep;
  /** Delay before the next status call, after `n` calls (default: 5 s growing to 50 s). */
  interval?: (n: number) => number;
}

/** Executions in these statuses are over. */
export const TERMINAL = ['Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled'] as const;

/** The API's limit on an approval's summary. */
export const SUMMARY_MAX = 512;

/**
 * `name=value` pairs, one a line or comma-separated, as StartPipelineExecution's variables.
 * @throws ConfigError naming the malformed pair.
 */
export function parseVariables(text: string | undefined): PipelineVariable[] {
  const out: PipelineVariable[] = [];
  for (const part of (text ?? '').split(/[\n,]/)) {
    const pair = part.trim();
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9@\-_]{1,128}$/.test(name))
      throw new ConfigError(
        `'${pair}' is not name=value (a name of letters, digits, @, - or _)`,
        '--variables',
      );
    out.push({ name, value: pair.slice(eq + 1).trim() });
  }
  return out;
}

const resource = (pipeline: string) => `pipeline ${pipeline}`;

/** StartPipelineExecution; resolves to the new execution's id. */
export async function startExecution(
  deps: PipelineDeps,
  pipeline: string,
  variables: PipelineVariable[],
): Promise<string> {
  try {
    const r = await deps.client.send(
      new StartPipelineExecutionCommand({
        name: pipeline,
        ...(variables.length ? { variables } : {}),
      }),
      { abortSignal: deps.signal },
    );
    if (!r.pipelineExecutionId) throw new Error('StartPipelineExecution returned no execution id');
    return r.pipelineExecutionId;
  } catch (err) {
    throw pipelineError(err, pipeline, 'codepipeline:StartPipelineExecution', 'write');
  }
}

/** A CodePipeline error as the user can fix it (validation errors keep their message). */
function pipelineError(err: unknown, pipeline: string, action: string, access: 'read' | 'write'): Error {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  if (name === 'PipelineNotFoundException')
    return new ConfigError('pipeline not found', resource(pipeline), {
      cause: err,
      hint: 'check the pipeline name and the region',
    });
  if (name === 'ValidationException' || name === 'InvalidStructureException')
    return new ConfigError(`CodePipeline rejected the call: ${(err as Error).message}`, resource(pipeline), {
      cause: err,
    });
  return awsError(err, resource(pipeline), {
    action,
    access,
    kind: 'pipeline execution',
  });
}

/** One look at an execution: its status, its actions (best effort) and its stages. */
interface Snapshot {
  execution: PipelineExecution;
  actions: ActionExecutionDetail[];
  stages: StageState[];
}

export interface FollowOutcome {
  end: 'terminal' | 'deadline';
  status: string;
  statusSummary?: string;
  /** The action that failed (Failed executions), with its error. */
  failed?: { stage: string; action: string; error: string };
}

const time = (d: Date | undefined, now: number) => (d ?? new Date(now)).toISOString();

/**
 * Follow an execution until it ends: a line per stage and action status change, with its time.
 * On cancel (`deps.signal`), StopPipelineExecution, then throws the cancellation.
 * Stage and action details are best effort: without ListActionExecutions / GetPipelineState (a
 * role without them, an emulator) the execution's own status is followed, with one warning.
 */
export async function followExecution(
  deps: PipelineDeps,
  pipeline: string,
  executionId: string,
  deadline: number | undefined,
): Promise<FollowOutcome> {
  const stageSeen = new Map<string, string>();
  const actionSeen = new Map<string, string>();
  const off = new Set<string>();
  const details = async <T>(what: string, call: () => Promise<T>, empty: T): Promise<T> => {
    if (off.has(what)) return empty;
    try {
      return await call();
    } catch (err) {
      if (deps.signal.aborted) throw err;
      off.add(what);
      deps.log.warn(
        `${resource(pipeline)}: cannot read ${what} (${(err as Error).name}: ${(err as Error).message.split('\n')[0]}); following without them`,
      );
      return empty;
    }
  };
  const look = async (signal: AbortSignal): Promise<Snapshot> => {
    let execution: PipelineExecution;
    try {
      const r = await deps.client.send(
        new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: executionId }),
        { abortSignal: signal },
      );
      execution = r.pipelineExecution ?? {};
    } catch (err) {
      if (signal.aborted) throw err;
      throw pipelineError(err, pipeline, 'codepipeline:GetPipelineExecution', 'read');
    }
    const actions = await details(
      'its actions (ListActionExecutions)',
      () => listActions(deps.client, pipeline, executionId, signal),
      [],
    );
    const stages = await details(
      'its stages (GetPipelineState)',
      async () =>
        (await deps.client.send(new GetPipelineStateCommand({ name: pipeline }), { abortSignal: signal }))
          .stageStates ?? [],
      [],
    );
    return { execution, actions, stages };
  };
  const report = (s: Snapshot) => {
    for (const st of s.stages) {
      if (st.latestExecution?.pipelineExecutionId !== executionId || !st.stageName) continue;
      const status = st.latestExecution.status ?? '';
      if (stageSeen.get(st.stageName) === status) continue;
      stageSeen.set(st.stageName, status);
      deps.log.info(`${time(undefined, deps.now())}  stage ${st.stageName}: ${status}`);
    }
    for (const a of latestPerAction(s.actions)) {
      const key = `${a.stageName}/${a.actionName}`;
      const status = a.status ?? '';
      if (actionSeen.get(key) === status) continue;
      actionSeen.set(key, status);
      const said = a.output?.executionResult?.externalExecutionSummary;
      deps.log.info(
        `${time(a.lastUpdateTime ?? a.startTime, deps.now())}  ${key}: ${status}${said ? ` — ${said}` : ''}`,
      );
    }
  };
  deps.log.info(`following execution ${executionId} of ${resource(pipeline)}`);
  const loop = await poll<Snapshot>({
    describe: look,
    status: (s) => s.execution.status,
    terminal: TERMINAL,
    signal: deps.signal,
    ...(deadline !== undefined ? { deadline } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    interval: deps.interval ?? pollDelayMs,
    now: deps.now,
    onPoll: report,
    onChange: (status, s) =>
      deps.log.info(
        `${time(undefined, deps.now())}  execution ${executionId}: ${status ?? 'unknown'}${s.execution.statusSummary ? ` (${s.execution.statusSummary})` : ''}`,
      ),
  });
  if (loop.end === 'aborted') {
    await stopExecution(deps, pipeline, executionId, deps.signal.reason);
    deps.signal.throwIfAborted();
  }
  const last = loop.last!;
  const out: FollowOutcome = {
    end: loop.end === 'deadline' ? 'deadline' : 'terminal',
    status: last.execution.status ?? 'Unknown',
  };
  const summary = last.execution.statusSummary;
  if (summary) out.statusSummary = summary;
  if (out.status === 'Failed') {
    const failed = failedAction(last, executionId);
    if (failed) out.failed = failed;
  }
  return out;
}

async function listActions(
  client: CodePipelineClient,
  pipeline: string,
  executionId: string,
  signal: AbortSignal,
): Promise<ActionExecutionDetail[]> {
  const out: ActionExecutionDetail[] = [];
  let nextToken: string | undefined;
  do {
    const r = await client.send(
      new ListActionExecutionsCommand({
        pipelineName: pipeline,
        filter: { pipelineExecutionId: executionId },
        ...(nextToken ? { nextToken } : {}),
      }),
      { abortSignal: signal },
    );
    out.push(...(r.actionExecutionDetails ?? []));
    nextToken = r.nextToken;
  } while (nextToken);
  return out;
}

/** The latest execution of each action (a retried stage runs an action again), oldest first. */
function latestPerAction(details: ActionExecutionDetail[]): ActionExecutionDetail[] {
  const by = new Map<string, ActionExecutionDetail>();
  for (const d of details) {
    const key = `${d.stageName}/${d.actionName}`;
    const seen = by.get(key);
    if (!seen || (d.startTime?.getTime() ?? 0) >= (seen.startTime?.getTime() ?? 0)) by.set(key, d);
  }
  return [...by.values()].sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0));
}

/** The failed action of a failed execution and its error, from its action executions or the stages. */
function failedAction(s: Snapshot, executionId: string): FollowOutcome['failed'] {
  const a = latestPerAction(s.actions)
    .filter((d) => d.status === 'Failed')
    .at(-1);
  if (a?.stageName && a.actionName) {
    const r = a.output?.executionResult;
    const error = r?.errorDetails?.message ?? r?.externalExecutionSummary ?? 'no error details';
    return { stage: a.stageName, action: a.actionName, error };
  }
  for (const st of s.stages) {
    if (st.latestExecution?.pipelineExecutionId !== executionId) continue;
    for (const as of st.actionStates ?? []) {
      if (as.latestExecution?.status !== 'Failed') continue;
      const error =
        as.latestExecution.errorDetails?.message ?? as.latestExecution.summary ?? 'no error details';
      return { stage: st.stageName ?? '?', action: as.actionName ?? '?', error };
    }
  }
  return undefined;
}

/** StopPipelineExecution (not abortable: it runs because of a cancel); an execution already over is fine. */
export async function stopExecution(
  deps: Pick<PipelineDeps, 'client' | 'log'>,
  pipeline: string,
  executionId: string,
  why: unknown,
): Promise<void> {
  const reason = `modelship: ${why instanceof Error ? why.message : 'cancelled'}`.slice(0, 200);
  deps.log.warn(`cancelled: stopping execution ${executionId} of ${resource(pipeline)}`);
  try {
    await deps.client.send(
      new StopPipelineExecutionCommand({
        pipelineName: pipeline,
        pipelineExecutionId: executionId,
        abandon: false,
        reason,
      }),
    );
    deps.log.warn(`StopPipelineExecution sent: the running actions finish, no new one starts`);
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    if (name === 'PipelineExecutionNotStoppableException' || name === 'DuplicatedStopRequestException') {
      deps.log.warn(`execution ${executionId}: ${(err as Error).message}`);
      return;
    }
    throw pipelineError(err, pipeline, 'codepipeline:StopPipelineExecution', 'write');
  }
}

// --- Manual approvals -------------------------------------------------------------------------

export interface ApprovalRef {
  stage: string;
  action: string;
}

/**
 * The manual approval to answer: `stage` and `action` when both are given, else the pipeline's
 * one manual approval action (in `stage`, when given), found in its declaration (GetPipeline).
 * @throws ConfigError when there is none, or more than one to choose from.
 */
export async function resolveApproval(
  deps: Pick<PipelineDeps, 'client' | 'signal'>,
  pipeline: string,
  stage: string | undefined,
  action: string | undefined,
): Promise<ApprovalRef> {
  if (stage && action) return { stage, action };
  let declared;
  try {
    declared = await deps.client.send(new GetPipelineCommand({ name: pipeline }), {
      abortSignal: deps.signal,
    });
  } catch (err) {
    throw pipelineError(err, pipeline, 'codepipeline:GetPipeline', 'read');
  }
  const found: ApprovalRef[] = [];
  for (const st of declared.pipeline?.stages ?? []) {
    if (stage && st.name !== stage) continue;
    for (const a of st.actions ?? []) {
      const t = a.actionTypeId;
      if (t?.category === 'Approval' && t.provider === 'Manual' && (!action || a.name === action))
        found.push({ stage: st.name ?? '', action: a.name ?? '' });
    }
  }
  const where = stage ? `stage ${stage} of ${resource(pipeline)}` : resource(pipeline);
  if (found.length === 0)
    throw new ConfigError(`has no manual approval action${action ? ` named ${action}` : ''}`, where, {
      hint: 'name the stage and action with --stage and --action (codepipeline.approval-stage / approval-action)',
    });
  if (found.length > 1)
    throw new ConfigError(
      `has ${found.length} manual approval actions (${found.map((f) => `${f.stage}/${f.action}`).join(', ')}): name one`,
      where,
      { hint: 'pass --stage and --action (codepipeline.approval-stage / approval-action)' },
    );
  return found[0]!;
}

interface ApprovalLook {
  stage: StageState;
  action: ActionState;
  /** The execution the stage is at (its latest). */
  executionId: string | undefined;
}

async function lookAtApproval(
  client: CodePipelineClient,
  pipeline: string,
  ref: ApprovalRef,
  signal: AbortSignal | undefined,
): Promise<ApprovalLook> {
  let state: GetPipelineStateOutput;
  try {
    state = await client.send(new GetPipelineStateCommand({ name: pipeline }), { abortSignal: signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw pipelineError(err, pipeline, 'codepipeline:GetPipelineState', 'read');
  }
  const stages = state.stageStates ?? [];
  const stage = stages.find((s) => s.stageName === ref.stage);
  if (!stage)
    throw new ConfigError(
      `has no stage ${ref.stage} (stages: ${stages.map((s) => s.stageName).join(', ') || 'none'})`,
      resource(pipeline),
    );
  const action = (stage.actionStates ?? []).find((a) => a.actionName === ref.action);
  if (!action)
    throw new ConfigError(
      `has no action ${ref.action} (actions: ${(stage.actionStates ?? []).map((a) => a.actionName).join(', ') || 'none'})`,
      `stage ${ref.stage} of ${resource(pipeline)}`,
    );
  return { stage, action, executionId: stage.latestExecution?.pipelineExecutionId };
}

const approvalName = (pipeline: string, ref: ApprovalRef) =>
  `approval ${ref.stage}/${ref.action} of ${resource(pipeline)}`;

export interface Answered {
  executionId: string;
}

/**
 * Answer the pending approval: its token from GetPipelineState (`latestExecution.token`), then
 * PutApprovalResult with `summary`.
 * @throws ConfigError when nothing is pending, it is another execution's, or the token is no
 *   longer valid (the approval expired or was answered meanwhile).
 */
export async function answerApproval(
  deps: Pick<PipelineDeps, 'client' | 'signal' | 'log'>,
  pipeline: string,
  ref: ApprovalRef,
  answer: { status: 'Approved' | 'Rejected'; summary: string; executionId?: string },
): Promise<Answered> {
  const where = approvalName(pipeline, ref);
  const look = await lookAtApproval(deps.client, pipeline, ref, deps.signal);
  const latest = look.action.latestExecution;
  if (latest?.status !== 'InProgress' || !latest.token) {
    const last = latest?.status
      ? `its last run is ${latest.status}${latest.lastStatusChange ? ` since ${latest.lastStatusChange.toISOString()}` : ''}`
      : 'it has not run';
    throw new ConfigError(
      `nothing is pending to ${answer.status === 'Approved' ? 'approve' : 'reject'} (${last})`,
      where,
      {
        hint: 'start the pipeline, or wait for the execution to reach the approval (modelship codepipeline await-approval)',
      },
    );
  }
  if (answer.executionId && look.executionId !== answer.executionId)
    throw new ConfigError(
      `the pending approval is of execution ${look.executionId ?? 'unknown'}, not ${answer.executionId}`,
      where,
      { hint: 'answer it without --execution-id, or wait for that execution to reach the approval' },
    );
  try {
    await deps.client.send(
      new PutApprovalResultCommand({
        pipelineName: pipeline,
        stageName: ref.stage,
        actionName: ref.action,
        result: { status: answer.status, summary: answer.summary.slice(0, SUMMARY_MAX) },
        token: latest.token,
      }),
      { abortSignal: deps.signal },
    );
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    if (name === 'InvalidApprovalTokenException')
      throw new ConfigError(
        'the approval token is no longer valid: the approval expired, or was answered meanwhile',
        where,
        {
          cause: err,
          hint: 'see the execution in the CodePipeline console; a new execution asks again',
        },
      );
    if (name === 'ApprovalAlreadyCompletedException')
      throw new ConfigError('the approval was already answered', where, { cause: err });
    throw pipelineError(err, pipeline, 'codepipeline:PutApprovalResult', 'write');
  }
  deps.log.info(`${where}: ${answer.status} (execution ${look.executionId ?? 'unknown'})`);
  return { executionId: look.executionId ?? '' };
}

export interface AwaitOutcome {
  end: 'answered' | 'ended' | 'deadline';
  executionId?: string;
  result?: ApprovalResult;
  approver?: string;
  summary?: string;
  at?: Date;
  /** `ended`: the execution's status when it ended before the approval was answered. */
  executionStatus?: string;
}

type Phase = 'waiting' | 'pending' | 'answered' | 'ended';

/**
 * Wait until a person answers the approval of `executionId` (default: the execution that is, or
 * next comes, pending at it): Succeeded is Approved, Failed is Rejected (Expired when the 7 days
 * ran out). Ends early when that execution ends without reaching the approval.
 */
export async function awaitApproval(
  deps: PipelineDeps,
  pipeline: string,
  ref: ApprovalRef,
  executionId: string | undefined,
  deadline: number | undefined,
): Promise<AwaitOutcome> {
  const where = approvalName(pipeline, ref);
  let target = executionId;
  let ended: string | undefined;
  const phaseOf = async (look: ApprovalLook, signal: AbortSignal): Promise<Phase> => {
    const latest = look.action.latestExecution;
    if (!target) {
      if (latest?.status === 'InProgress' && latest.token && look.executionId) target = look.executionId;
      else return 'waiting';
    }
    if (look.executionId === target) {
      if (latest?.status === 'InProgress') return 'pending';
      if (latest?.status) return 'answered';
    }
    // Not at the approval (yet): has the execution ended without reaching it?
    try {
      const r = await deps.client.send(
        new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: target }),
        { abortSignal: signal },
      );
      const status = r.pipelineExecution?.status ?? '';
      if ((TERMINAL as readonly string[]).includes(status)) {
        ended = status;
        return 'ended';
      }
    } catch (err) {
      if (signal.aborted) throw err;
      throw pipelineError(err, pipeline, 'codepipeline:GetPipelineExecution', 'read');
    }
    return 'waiting';
  };
  let phase = 'waiting' as Phase;
  const loop = await poll<ApprovalLook>({
    describe: async (signal) => {
      const look = await lookAtApproval(deps.client, pipeline, ref, signal);
      phase = await phaseOf(look, signal);
      return look;
    },
    status: () => phase,
    terminal: ['answered', 'ended'],
    signal: deps.signal,
    ...(deadline !== undefined ? { deadline } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    interval: deps.interval ?? pollDelayMs,
    now: deps.now,
    onChange: (p, look) => {
      const at = time(undefined, deps.now());
      if (p === 'waiting')
        deps.log.info(
          `${at}  ${where}: waiting for ${target ? `execution ${target}` : 'an execution'} to reach it`,
        );
      if (p === 'pending')
        deps.log.info(
          `${at}  ${where}: pending for execution ${target}${look.action.latestExecution?.lastStatusChange ? ` since ${look.action.latestExecution.lastStatusChange.toISOString()}` : ''}`,
        );
    },
  });
  // Waiting for a person stops nothing: the approval stays pending for someone else to answer.
  deps.signal.throwIfAborted();
  if (loop.end === 'deadline') return { end: 'deadline', ...(target ? { executionId: target } : {}) };
  if (phase === 'ended') return { end: 'ended', executionId: target!, executionStatus: ended! };
  const latest = loop.last!.action.latestExecution!;
  const said = `${latest.summary ?? ''} ${latest.errorDetails?.message ?? ''}`;
  const result: ApprovalResult =
    latest.status === 'Succeeded' ? 'Approved' : /expire|timed? ?out/i.test(said) ? 'Expired' : 'Rejected';
  const out: AwaitOutcome = { end: 'answered', executionId: target!, result };
  if (latest.lastUpdatedBy) out.approver = latest.lastUpdatedBy;
  if (latest.summary) out.summary = latest.summary;
  if (latest.lastStatusChange) out.at = latest.lastStatusChange;
  return out;
}
