// `codepipeline install`: deploy a CloudFormation template (by default the pipeline template
// modelship ships) as a stack, the way `aws cloudformation deploy` does: a change set, named after
// the template and parameters' digest, created (or found again) and described, then executed while
// the stack's events stream, until the stack settles. Host-agnostic: the client, the clock and
// sleep are injected, so tests drive it with moto over HTTP or with aws-sdk-client-mock.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CancelUpdateStackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type Capability,
  type Change,
  type CloudFormationClient,
  type DescribeChangeSetOutput,
  type Parameter,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { awsError, poll, pollDelayMs } from '@modelship/aws';
import { ConfigError } from '@modelship/core';
import { parseDocument } from 'yaml';
import type { PipelineDeps } from './pipeline.js';

/** What the stack engine runs with: {@link PipelineDeps}' clock, sleep and schedule, a CloudFormation client. */
export type StackDeps = Omit<PipelineDeps, 'client'> & { client: CloudFormationClient };

/** CloudFormation's limit on a template sent inline (`TemplateBody`), in bytes. */
export const TEMPLATE_BODY_MAX = 51_200;

/** The template file modelship ships: `workflows/codepipeline/pipeline.yml` of the build or checkout this code runs from. */
export function bundledTemplate(moduleUrl: string = import.meta.url): string | undefined {
  if (!moduleUrl.startsWith('file:')) return undefined;
  let dir = dirname(fileURLToPath(moduleUrl));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) {
    const file = join(dir, 'workflows', 'codepipeline', 'pipeline.yml');
    if (existsSync(file)) return file;
  }
  return undefined;
}

// --- The template and its parameters ----------------------------------------------------------

/** One entry of a template's `Parameters`, as far as modelship checks values against it. */
export interface TemplateParameter {
  Type?: string;
  Default?: unknown;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
  NoEcho?: boolean | string;
}

export interface Template {
  /** The file, as named to the user. */
  path: string;
  body: string;
  parameters: Record<string, TemplateParameter>;
  /** What CreateChangeSet must acknowledge: IAM resources (named ones), macros. */
  capabilities: Capability[];
}

const IAM_TYPES: Record<string, string | undefined> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::Policy': undefined,
  'AWS::IAM::AccessKey': undefined,
  'AWS::IAM::UserToGroupAddition': undefined,
};

/**
 * Read a template's text (YAML or JSON, CloudFormation's short tags such as `!Ref` allowed): its
 * Parameters and the capabilities its resources need (`CAPABILITY_IAM` for IAM resources,
 * `CAPABILITY_NAMED_IAM` when one of them has a fixed name, `CAPABILITY_AUTO_EXPAND` for a
 * Transform).
 * @throws ConfigError naming the file when it is not a template (no Resources, bad YAML) or is
 *   over {@link TEMPLATE_BODY_MAX} bytes.
 */
export function readTemplate(body: string, path: string): Template {
  if (Buffer.byteLength(body) > TEMPLATE_BODY_MAX)
    throw new ConfigError(
      `is ${Buffer.byteLength(body)} bytes, over the ${TEMPLATE_BODY_MAX} CloudFormation takes inline`,
      path,
      {
        hint: 'shorten the template (e.g. move policies to managed policies), or deploy it from S3 with aws cloudformation deploy --s3-bucket',
      },
    );
  // Short tags (!Ref, !Sub, !GetAtt…) are CloudFormation's: read past them, only the structure matters here.
  const doc = parseDocument(body, { logLevel: 'silent', uniqueKeys: false });
  const fatal = doc.errors[0];
  if (fatal)
    throw new ConfigError(`is not valid YAML or JSON: ${fatal.message.split('\n')[0]}`, path, {
      cause: fatal,
    });
  const root = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(root) || !isMap(root.Resources))
    throw new ConfigError('is not a CloudFormation template: it has no Resources', path);
  const parameters: Record<string, TemplateParameter> = {};
  if (isMap(root.Parameters))
    for (const [k, v] of Object.entries(root.Parameters)) parameters[k] = isMap(v) ? v : {};
  const caps = new Set<Capability>();
  for (const r of Object.values(root.Resources)) {
    if (!isMap(r) || typeof r.Type !== 'string' || !(r.Type in IAM_TYPES)) continue;
    caps.add('CAPABILITY_IAM');
    const nameProp = IAM_TYPES[r.Type];
    if (nameProp && isMap(r.Properties) && r.Properties[nameProp] !== undefined)
      caps.add('CAPABILITY_NAMED_IAM');
  }
  if (root.Transform !== undefined) caps.add('CAPABILITY_AUTO_EXPAND');
  return { path, body, parameters, capabilities: [...caps].sort() };
}

/**
 * `Key=Value` pairs, one a line (the CLI's repeated `--parameter`); a value may hold `=` and
 * commas (a CommaDelimitedList).
 * @throws ConfigError naming the malformed pair or a key given twice.
 */
export function parseParameters(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const pair = line.trim();
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9]{1,255}$/.test(key))
      throw new ConfigError(`'${pair}' is not Key=Value (a key of letters and digits)`, '--parameter');
    if (out.has(key)) throw new ConfigError(`${key} is given twice`, '--parameter');
    out.set(key, pair.slice(eq + 1).trim());
  }
  return out;
}

/**
 * Check the given values against the template's Parameters, before any call: every key is one of
 * them, and each value meets its Type (Number), AllowedValues, AllowedPattern, MinLength /
 * MaxLength and MinValue / MaxValue.
 * @throws ConfigError, one line naming the parameter.
 */
export function checkParameters(template: Template, given: Map<string, string>): void {
  const known = Object.keys(template.parameters);
  for (const [key, value] of given) {
    const where = `--parameter ${key}`;
    const p = template.parameters[key];
    if (!p)
      throw new ConfigError(
        `is not a parameter of ${template.path} (its parameters: ${known.join(', ') || 'none'})`,
        where,
      );
    const shown = p.NoEcho && String(p.NoEcho) !== 'false' ? '(hidden)' : `'${value}'`;
    if (p.Type === 'Number' && !/^-?\d+(\.\d+)?$/.test(value))
      throw new ConfigError(`${shown} is not a number`, where);
    if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(value))
      throw new ConfigError(`${shown} is not one of ${p.AllowedValues.map(String).join(', ')}`, where);
    if (typeof p.AllowedPattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(`^(?:${p.AllowedPattern})$`, 'u');
      } catch {
        re = undefined; // a Java-only pattern: CloudFormation checks it
      }
      if (re && !re.test(value))
        throw new ConfigError(`${shown} does not match the AllowedPattern ${p.AllowedPattern}`, where);
    }
    if (p.MinLength !== undefined && value.length < Number(p.MinLength))
      throw new ConfigError(`${shown} is shorter than its MinLength ${p.MinLength}`, where);
    if (p.MaxLength !== undefined && value.length > Number(p.MaxLength))
      throw new ConfigError(`${shown} is longer than its MaxLength ${p.MaxLength}`, where);
    if (p.MinValue !== undefined && Number(value) < Number(p.MinValue))
      throw new ConfigError(`${shown} is below its MinValue ${p.MinValue}`, where);
    if (p.MaxValue !== undefined && Number(value) > Number(p.MaxValue))
      throw new ConfigError(`${shown} is above its MaxValue ${p.MaxValue}`, where);
  }
}

/**
 * The change set's name: `modelship-` and 24 hex digits of the sha256 of the template, the given
 * parameters (sorted) and the capabilities, so a re-run with the same input finds its own.
 */
export function changeSetName(template: Template, given: Map<string, string>): string {
  const h = createHash('sha256');
  h.update(template.body);
  for (const [k, v] of [...given].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) h.update(`\0${k}=${v}`);
  h.update(`\0${template.capabilities.join(',')}`);
  return `modelship-${h.digest('hex').slice(0, 24)}`;
}

// --- Stacks and change sets -------------------------------------------------------------------

/** Stack statuses in which nothing is running: the end of a create, update or rollback. */
export const STACK_SETTLED = [
  'CREATE_COMPLETE',
  'CREATE_FAILED',
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'UPDATE_COMPLETE',
  'UPDATE_FAILED',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_FAILED',
  'DELETE_COMPLETE',
  'DELETE_FAILED',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
  'IMPORT_ROLLBACK_FAILED',
] as const;

/** The statuses a successful execution ends in. */
const SUCCEEDED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

/** The answers of CloudFormation for a change set that would change nothing. */
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

const stackWhere = (name: string) => `stack ${name}`;

function cfnError(err: unknown, stack: string, action: string, access: 'read' | 'write'): Error {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  if (
    name === 'ValidationError' ||
    name === 'InsufficientCapabilitiesException' ||
    name === 'LimitExceededException'
  )
    return new ConfigError(
      `CloudFormation rejected ${action.split(':')[1]}: ${(err as Error).message}`,
      stackWhere(stack),
      {
        cause: err,
      },
    );
  const mapped = awsError(err, stackWhere(stack), { action, access, kind: 'stack' });
  // Any other request CloudFormation refuses (HTTP 4xx: a concurrent operation, a change set in
  // the wrong state, a resource a template names that AWS refuses) is the user's to act on.
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (!(mapped instanceof ConfigError) && status !== undefined && status >= 400 && status < 500)
    return new ConfigError(
      `CloudFormation rejected ${action.split(':')[1]}: ${(err as Error).message}`,
      stackWhere(stack),
      {
        cause: err,
      },
    );
  return mapped;
}

/** DescribeStacks for one stack; undefined when it does not exist (CloudFormation's ValidationError "does not exist"). */
export async function describeStack(
  deps: Pick<StackDeps, 'client'>,
  name: string,
  signal?: AbortSignal,
): Promise<Stack | undefined> {
  try {
    const r = await deps.client.send(new DescribeStacksCommand({ StackName: name }), { abortSignal: signal });
    return r.Stacks?.[0];
  } catch (err) {
    if (/does not exist/i.test((err as Error).message ?? '')) return undefined;
    if (signal?.aborted) throw err;
    throw cfnError(err, name, 'cloudformation:DescribeStacks', 'read');
  }
}

export type ChangeSetType = 'CREATE' | 'UPDATE';

/**
 * Whether installing means creating or updating the stack: none, or one left in
 * REVIEW_IN_PROGRESS by an earlier change set that was never executed, is created; a stack that
 * settled is updated.
 * @throws ConfigError for a stack that cannot be updated: ROLLBACK_COMPLETE / ROLLBACK_FAILED /
 *   CREATE_FAILED (its creation failed: delete it first), UPDATE_ROLLBACK_FAILED (continue the
 *   rollback first), DELETE_FAILED, or busy (…_IN_PROGRESS).
 */
export function changeSetTypeFor(stack: Stack | undefined, name: string): ChangeSetType {
  const status = stack?.StackStatus;
  if (!stack || !status || status === 'REVIEW_IN_PROGRESS' || status === 'DELETE_COMPLETE') return 'CREATE';
  const where = stackWhere(name);
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED' || status === 'CREATE_FAILED')
    throw new ConfigError(
      `is ${status}: its creation failed${stack.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}, and such a stack cannot be updated`,
      where,
      {
        hint: `see why in its events, delete it (aws cloudformation delete-stack --stack-name ${name}), then install again`,
      },
    );
  if (status === 'UPDATE_ROLLBACK_FAILED')
    throw new ConfigError(
      'is UPDATE_ROLLBACK_FAILED: its last update could not be rolled back, and it cannot be updated until the rollback is finished',
      where,
      {
        hint: `fix what the rollback failed on (see its events), then aws cloudformation continue-update-rollback --stack-name ${name}`,
      },
    );
  if (status === 'DELETE_FAILED')
    throw new ConfigError('is DELETE_FAILED: a stack whose deletion failed cannot be updated', where, {
      hint: `delete it again, retaining what will not delete (aws cloudformation delete-stack --stack-name ${name} --retain-resources ...)`,
    });
  if (status.endsWith('_IN_PROGRESS'))
    throw new ConfigError(`is ${status}: another operation is running on it`, where, {
      hint: 'wait until it ends (aws cloudformation wait), then install again',
    });
  return 'UPDATE';
}

/** One line per resource change: action, logical id, type, and for a Modify whether it is replaced. */
export interface ChangeRow {
  action: string;
  logicalId: string;
  type: string;
  replacement: string;
}

function rows(changes: Change[]): ChangeRow[] {
  return changes.map((c) => {
    const r = c.ResourceChange ?? {};
    return {
      action: r.Action ?? c.Type ?? '',
      logicalId: r.LogicalResourceId ?? '',
      type: r.ResourceType ?? '',
      replacement: r.Action === 'Modify' ? (r.Replacement ?? '') : '',
    };
  });
}

interface ChangeSetLook {
  status: string;
  reason: string;
  executionStatus: string;
  id: string;
}

async function describeChangeSet(
  deps: Pick<StackDeps, 'client'>,
  stack: string,
  changeSet: string,
  signal: AbortSignal | undefined,
): Promise<(ChangeSetLook & { changes: Change[] }) | undefined> {
  const changes: Change[] = [];
  let first: DescribeChangeSetOutput | undefined;
  let next: string | undefined;
  do {
    let r: DescribeChangeSetOutput;
    try {
      r = await deps.client.send(
        new DescribeChangeSetCommand({
          StackName: stack,
          ChangeSetName: changeSet,
          ...(next ? { NextToken: next } : {}),
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      const name = (err as { name?: string }).name ?? '';
      if (
        name === 'ChangeSetNotFoundException' ||
        (name === 'ValidationError' && /does not exist/i.test((err as Error).message ?? ''))
      )
        return undefined;
      if (signal?.aborted) throw err;
      throw cfnError(err, stack, 'cloudformation:DescribeChangeSet', 'read');
    }
    first ??= r;
    changes.push(...(r.Changes ?? []));
    next = r.NextToken;
  } while (next);
  return {
    status: first.Status ?? '',
    reason: first.StatusReason ?? '',
    executionStatus: first.ExecutionStatus ?? '',
    id: first.ChangeSetId ?? changeSet,
    changes,
  };
}

async function deleteChangeSet(
  deps: Pick<StackDeps, 'client' | 'log'>,
  stack: string,
  id: string,
): Promise<void> {
  try {
    await deps.client.send(new DeleteChangeSetCommand({ StackName: stack, ChangeSetName: id }));
  } catch (err) {
    throw cfnError(err, stack, 'cloudformation:DeleteChangeSet', 'write');
  }
}

/** The newest events first, down to (not including) `since`; every page until then. */
async function eventsSince(
  deps: Pick<StackDeps, 'client'>,
  stack: string,
  since: string | undefined,
  signal: AbortSignal | undefined,
): Promise<StackEvent[]> {
  const out: StackEvent[] = [];
  let next: string | undefined;
  do {
    let page;
    try {
      page = await deps.client.send(
        new DescribeStackEventsCommand({ StackName: stack, ...(next ? { NextToken: next } : {}) }),
        { abortSignal: signal },
      );
    } catch (err) {
      if (signal?.aborted) throw err;
      throw cfnError(err, stack, 'cloudformation:DescribeStackEvents', 'read');
    }
    for (const e of page.StackEvents ?? []) {
      if (since !== undefined && e.EventId === since) return out;
      out.push(e);
    }
    next = page.NextToken;
    // Without a mark, the first page is enough: only the latest event matters.
    if (since === undefined) return out;
  } while (next);
  return out;
}

export interface InstallRequest {
  stack: string;
  template: Template;
  parameters: Map<string, string>;
  dryRun: boolean;
  /** Epoch ms past which following the stack stops (it goes on). */
  deadline?: number;
}

export interface InstallOutcome {
  /** `no-changes`: nothing to do; `dry-run`: changes shown, none made; `deadline`: still running. */
  end: 'succeeded' | 'failed' | 'no-changes' | 'dry-run' | 'deadline';
  type: ChangeSetType;
  changeSet: string;
  changes: ChangeRow[];
  stackId?: string;
  status?: string;
  outputs: Record<string, string>;
  /** The first resource that failed, and why (a failed or rolled-back stack). */
  failed?: { logicalId: string; type: string; status: string; reason: string };
}

const outputsOf = (s: Stack | undefined): Record<string, string> =>
  Object.fromEntries((s?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));

function eventLine(e: StackEvent, now: number): string {
  const at = (e.Timestamp ?? new Date(now)).toISOString();
  const reason = e.ResourceStatusReason ? ` — ${e.ResourceStatusReason}` : '';
  return `${at}  ${e.LogicalResourceId ?? '?'} (${e.ResourceType ?? '?'}): ${e.ResourceStatus ?? '?'}${reason}`;
}

/**
 * Install the template as the stack: DescribeStacks decides CREATE or UPDATE; the change set named
 * by {@link changeSetName} is described first (a re-run finds its own) or created, and waited for;
 * one that changes nothing is deleted (`no-changes`); with `dryRun` it is printed and deleted (and
 * so is the REVIEW_IN_PROGRESS stack a create made for it). Otherwise ExecuteChangeSet, then the
 * stack's new events stream, oldest first, until it settles.
 *
 * On cancel (`deps.signal`): before execution, the change set (and a stack made for it) is
 * removed; during an update, CancelUpdateStack; during a create, the stack's state is told (a
 * create cannot be cancelled). Then the cancellation is thrown.
 * @throws ConfigError for what the user can fix (a stack that cannot be updated, a parameter
 *   without a value, a change set CloudFormation refused); others keep their cause.
 */
export async function installStack(deps: StackDeps, req: InstallRequest): Promise<InstallOutcome> {
  const { stack: name, template } = req;
  const where = stackWhere(name);
  const before = await describeStack(deps, name, deps.signal);
  const type = changeSetTypeFor(before, name);
  const madeStack = type === 'CREATE' && before?.StackStatus !== 'REVIEW_IN_PROGRESS';
  const previous = new Set((before?.Parameters ?? []).map((p) => p.ParameterKey));
  const parameters: Parameter[] = [];
  const missing: string[] = [];
  for (const [key, p] of Object.entries(template.parameters)) {
    const value = req.parameters.get(key);
    if (value !== undefined) parameters.push({ ParameterKey: key, ParameterValue: value });
    else if (type === 'UPDATE' && previous.has(key))
      parameters.push({ ParameterKey: key, UsePreviousValue: true });
    else if (p.Default === undefined) missing.push(key);
  }
  if (missing.length)
    throw new ConfigError(
      `${template.path} needs ${missing.join(', ')}, which ${missing.length > 1 ? 'have' : 'has'} no default${type === 'UPDATE' ? ' and no previous value' : ''}`,
      '--parameter',
      { hint: `pass --parameter ${missing[0]}=<value>` },
    );
  const changeSet = changeSetName(template, req.parameters);
  const out: InstallOutcome = { end: 'succeeded', type, changeSet, changes: [], outputs: outputsOf(before) };
  if (before?.StackId) out.stackId = before.StackId;
  if (before?.StackStatus) out.status = before.StackStatus;

  // Cleanup before execution: the change set, and the stack a create made only to hold it.
  const discard = async (id: string, why: string) => {
    await deleteChangeSet(deps, name, id);
    if (madeStack) {
      try {
        await deps.client.send(new DeleteStackCommand({ StackName: name }));
      } catch (err) {
        throw cfnError(err, name, 'cloudformation:DeleteStack', 'write');
      }
      deps.log.info(`${why}: change set ${changeSet} and the REVIEW_IN_PROGRESS stack it made deleted`);
    } else deps.log.info(`${why}: change set ${changeSet} deleted`);
  };

  let look = await describeChangeSet(deps, name, changeSet, deps.signal);
  if (
    look &&
    ((look.status === 'FAILED' && !NO_CHANGES.test(look.reason)) ||
      look.executionStatus.startsWith('EXECUTE_') ||
      look.executionStatus === 'OBSOLETE')
  ) {
    // Ours, but of no use now (refused, already executed, overtaken): made anew.
    deps.log.info(`change set ${changeSet} is ${look.status}/${look.executionStatus}: creating it again`);
    await deleteChangeSet(deps, name, look.id);
    look = undefined;
  }
  if (look) deps.log.info(`found change set ${changeSet} (${look.status}) from an earlier run`);
  else {
    try {
      await deps.client.send(
        new CreateChangeSetCommand({
          StackName: name,
          ChangeSetName: changeSet,
          ChangeSetType: type,
          TemplateBody: template.body,
          Parameters: parameters,
          Capabilities: template.capabilities,
          Description: `modelship codepipeline install of ${template.path}`.slice(0, 1024),
        }),
        { abortSignal: deps.signal },
      );
    } catch (err) {
      if (deps.signal.aborted) throw err;
      // Some endpoints refuse an empty update outright instead of failing the change set.
      if (NO_CHANGES.test((err as Error).message ?? '')) {
        deps.log.info(`no changes: ${(err as Error).message}`);
        return { ...out, end: 'no-changes' };
      }
      throw cfnError(err, name, 'cloudformation:CreateChangeSet', 'write');
    }
    deps.log.info(`${type === 'CREATE' ? 'creating' : 'updating'} ${where}: change set ${changeSet} created`);
  }
  const settled = await poll({
    describe: async (signal) => (await describeChangeSet(deps, name, changeSet, signal)) ?? null,
    status: (l) => l?.status ?? 'DELETED',
    terminal: ['CREATE_COMPLETE', 'FAILED', 'DELETE_COMPLETE', 'DELETED'],
    signal: deps.signal,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    interval: deps.interval ?? pollDelayMs,
    now: deps.now,
  });
  if (settled.end === 'aborted') {
    await discard(changeSet, 'cancelled before any change');
    deps.signal.throwIfAborted();
  }
  const cs = settled.last;
  if (!cs) throw new ConfigError(`change set ${changeSet} was deleted while it was being created`, where);
  if (cs.status === 'FAILED') {
    if (NO_CHANGES.test(cs.reason)) {
      await discard(cs.id, 'no changes');
      // A create change set cannot be empty; this is an update of a stack that exists.
      return { ...out, end: 'no-changes' };
    }
    await discard(cs.id, 'refused');
    throw new ConfigError(
      `CloudFormation refused change set ${changeSet}: ${cs.reason || 'no reason given'}`,
      where,
    );
  }
  out.changes = rows(cs.changes);
  for (const r of out.changes)
    deps.log.info(
      `  ${r.action.padEnd(7)} ${r.logicalId} (${r.type})${r.replacement ? ` replacement: ${r.replacement}` : ''}`,
    );
  if (req.dryRun) {
    await discard(cs.id, 'dry run');
    return { ...out, end: 'dry-run' };
  }

  // Events from now on: everything newer than the latest one before execution.
  const mark = (await eventsSince(deps, name, undefined, deps.signal))[0]?.EventId;
  try {
    await deps.client.send(new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: cs.id }), {
      abortSignal: deps.signal,
    });
  } catch (err) {
    if (deps.signal.aborted) {
      await discard(cs.id, 'cancelled before any change');
      throw err;
    }
    throw cfnError(err, name, 'cloudformation:ExecuteChangeSet', 'write');
  }
  deps.log.info(`executing change set ${changeSet} on ${where}`);
  let seen = mark;
  const events: StackEvent[] = [];
  const stream = async (signal: AbortSignal | undefined) => {
    const fresh = (await eventsSince(deps, name, seen, signal)).reverse();
    for (const e of fresh) deps.log.info(eventLine(e, deps.now()));
    if (fresh.length) seen = fresh.at(-1)!.EventId;
    events.push(...fresh);
  };
  const follow = await poll<Stack | undefined>({
    describe: async (signal) => {
      const s = await describeStack(deps, name, signal);
      await stream(signal);
      return s;
    },
    status: (s) => s?.StackStatus ?? 'DELETE_COMPLETE',
    terminal: STACK_SETTLED,
    signal: deps.signal,
    ...(req.deadline !== undefined ? { deadline: req.deadline } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    interval: deps.interval ?? pollDelayMs,
    now: deps.now,
  });
  if (follow.end === 'aborted') {
    await onCancel(deps, name);
    deps.signal.throwIfAborted();
  }
  const last = follow.last;
  out.status = last?.StackStatus ?? 'DELETE_COMPLETE';
  if (last?.StackId) out.stackId = last.StackId;
  out.outputs = outputsOf(last);
  if (follow.end === 'deadline') return { ...out, end: 'deadline' };
  if (SUCCEEDED.has(out.status)) return { ...out, end: 'succeeded' };
  const failed = firstFailure(events, name, last?.StackId);
  if (failed) out.failed = failed;
  return { ...out, end: 'failed' };
}

/**
 * The resource at the root of a failure: the first of the new events with a …_FAILED status on a
 * resource (not the stack), preferring one whose reason is not CloudFormation's "cancelled" for the
 * resources it stopped because of another.
 */
function firstFailure(
  events: StackEvent[],
  stack: string,
  stackId: string | undefined,
): InstallOutcome['failed'] {
  const failures = events.filter(
    (e) =>
      (e.ResourceStatus ?? '').endsWith('_FAILED') &&
      e.LogicalResourceId !== stack &&
      e.PhysicalResourceId !== stackId,
  );
  const root = failures.find((e) => !/cancell?ed/i.test(e.ResourceStatusReason ?? '')) ?? failures[0];
  if (!root) return undefined;
  return {
    logicalId: root.LogicalResourceId ?? '?',
    type: root.ResourceType ?? '?',
    status: root.ResourceStatus ?? '?',
    reason: root.ResourceStatusReason ?? 'no reason given',
  };
}

/** A cancel while the stack changes: CancelUpdateStack for an update, and what state it is in. */
async function onCancel(deps: StackDeps, name: string): Promise<void> {
  const s = await describeStack(deps, name);
  const status = s?.StackStatus ?? 'gone';
  if (status === 'UPDATE_IN_PROGRESS') {
    try {
      await deps.client.send(new CancelUpdateStackCommand({ StackName: name }));
      deps.log.warn(
        `cancelled: CancelUpdateStack sent; stack ${name} rolls back to its previous template (UPDATE_ROLLBACK_IN_PROGRESS)`,
      );
      return;
    } catch (err) {
      deps.log.warn(
        `cancelled: CancelUpdateStack failed (${(err as Error).message}); stack ${name} is ${status}`,
      );
      return;
    }
  }
  if (status === 'CREATE_IN_PROGRESS')
    deps.log.warn(
      `cancelled: stack ${name} is CREATE_IN_PROGRESS and CloudFormation goes on creating it (a create cannot be cancelled); delete it if unwanted (aws cloudformation delete-stack --stack-name ${name})`,
    );
  else deps.log.warn(`cancelled: stack ${name} is ${status}`);
}
