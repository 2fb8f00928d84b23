import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { createCloudFormationClient, createCodePipelineClient, type Sleep } from '@modelship/aws';
import {
  ConfigError,
  provenanceFromEnv,
  table,
  type CommonInputs,
  type StepContext,
  type StepImpl,
  type StepResult,
} from '@modelship/core';
import type {
  CodePipelineConfig,
  CodePipelineInputs,
  CodePipelineOutput,
  CodePipelineSection,
} from './definition.js';
import {
  answerApproval,
  awaitApproval,
  followExecution,
  parseVariables,
  resolveApproval,
  startExecution,
  SUMMARY_MAX,
  type PipelineDeps,
} from './pipeline.js';
import {
  bundledTemplate,
  checkParameters,
  installStack,
  parseParameters,
  readTemplate,
  type InstallOutcome,
} from './stack.js';

type Inputs = CodePipelineInputs & CommonInputs;
type Outputs = Record<CodePipelineOutput, string>;

/** What tests may replace: the poll schedule and sleep. */
export interface CodePipelineImplOptions {
  sleep?: Sleep;
  interval?: (n: number) => number;
}

function codepipelineConfig(ctx: StepContext): CodePipelineConfig {
  return (ctx.config.values.codepipeline as CodePipelineConfig | undefined) ?? {};
}

/** Who answers from here: the GitHub actor or the CodeBuild initiator, else the local user. */
function actorOf(env: StepContext['env']): string {
  return provenanceFromEnv(env).actor ?? env.USER ?? '';
}

/** Where this run is, as a link when there is one (a GitHub run, a CodeBuild build). */
function runLink(env: StepContext['env']): string | undefined {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID)
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  return env.CODEBUILD_BUILD_URL ?? env.CODEBUILD_BUILD_ARN;
}

/**
 * The default summary of an answer: who, from where, and the last verdict the manifest recorded
 * (the gate's or the canary's headline), within the API's 512 characters.
 */
export function defaultSummary(ctx: StepContext, status: 'Approved' | 'Rejected'): string {
  const actor = actorOf(ctx.env);
  const link = runLink(ctx.env);
  const verdict = ctx.manifest.doc.history
    .filter((h) => h.step === 'evaluate-gate' || h.step === 'promote-on-metrics')
    .at(-1);
  const parts = [`${status} with modelship${actor ? ` by ${actor}` : ''}${link ? ` (${link})` : ''}.`];
  if (verdict) parts.push(`${verdict.step}: ${verdict.headline}`);
  return parts.join(' ').slice(0, SUMMARY_MAX);
}

export function createCodePipelineImpl(
  opts: CodePipelineImplOptions = {},
): StepImpl<CodePipelineInputs, CodePipelineOutput> {
  return {
    async run(inputs: Inputs, ctx: StepContext): Promise<StepResult<CodePipelineOutput>> {
      const cfg = codepipelineConfig(ctx);
      if (inputs.operation === 'install') return install(inputs, ctx, cfg, opts);
      const pipeline = inputs.pipeline ?? cfg.pipeline;
      if (!pipeline)
        throw new ConfigError('needs the pipeline name', '--pipeline', {
          hint: 'pass --pipeline (input pipeline), or set codepipeline.pipeline in modelship.yml',
        });
      const region =
        ctx.config.values.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1';
      const deps: PipelineDeps = {
        client: createCodePipelineClient(region, ctx.env),
        log: ctx.log,
        signal: ctx.signal,
        now: () => ctx.now().getTime(),
        ...opts,
      };
      const minutes = inputs['timeout-minutes'] ?? 0;
      const deadline = minutes > 0 ? deps.now() + minutes * 60_000 : undefined;
      const outputs = emptyOutputs();
      const previous = ctx.manifest.get<CodePipelineSection>('codepipeline');
      const section: CodePipelineSection = { pipeline, region };
      if (previous?.pipeline === pipeline && previous.executionId) {
        section.executionId = previous.executionId;
        if (previous.status) section.status = previous.status;
        if (previous.approval) section.approval = previous.approval;
      }
      const finish = (ok: boolean, headline: string): StepResult<CodePipelineOutput> => {
        if (outputs['execution-id']) section.executionId = outputs['execution-id'];
        if (outputs.status) section.status = outputs.status;
        ctx.manifest.set('codepipeline', section);
        return {
          ok,
          headline,
          outputs,
          summary: render(inputs.operation, pipeline, section, outputs, headline),
        };
      };
      try {
        switch (inputs.operation) {
          case 'start':
          case 'wait': {
            let id = inputs['execution-id'];
            if (inputs.operation === 'start') {
              const variables = parseVariables(inputs.variables);
              id = await startExecution(deps, pipeline, variables);
              ctx.log.info(
                `started execution ${id} of pipeline ${pipeline}${variables.length ? ` with ${variables.map((v) => v.name).join(', ')}` : ''}`,
              );
              outputs['execution-id'] = id;
              if (!inputs.wait) {
                outputs.status = 'InProgress';
                delete section.approval;
                return finish(true, `started execution ${id} of pipeline ${pipeline}`);
              }
            } else if (!id) {
              throw new ConfigError('wait needs the execution to follow', '--execution-id');
            }
            outputs['execution-id'] = id!;
            if (id !== previous?.executionId) delete section.approval;
            const r = await followExecution(deps, pipeline, id!, deadline);
            outputs.status = r.status;
            delete section.statusSummary;
            delete section.failedAction;
            if (r.statusSummary) section.statusSummary = r.statusSummary;
            if (r.failed) section.failedAction = r.failed;
            if (r.end === 'deadline')
              return finish(
                false,
                `execution ${id} is still ${r.status} after ${minutes} minutes (it goes on)`,
              );
            if (r.status === 'Succeeded')
              return finish(true, `execution ${id} of pipeline ${pipeline} Succeeded`);
            const why = r.failed
              ? `: ${r.failed.stage}/${r.failed.action} failed: ${r.failed.error}`
              : r.statusSummary
                ? `: ${r.statusSummary}`
                : r.status === 'Superseded'
                  ? ': a newer execution passed it'
                  : '';
            return finish(false, `execution ${id} of pipeline ${pipeline} ${r.status}${why}`);
          }
          case 'approve':
          case 'reject': {
            const status = inputs.operation === 'approve' ? 'Approved' : 'Rejected';
            const ref = await resolveApproval(
              deps,
              pipeline,
              inputs.stage ?? cfg['approval-stage'],
              inputs.action ?? cfg['approval-action'],
            );
            const summary = inputs.summary ?? defaultSummary(ctx, status);
            const r = await answerApproval(deps, pipeline, ref, {
              status,
              summary,
              ...(inputs['execution-id'] ? { executionId: inputs['execution-id'] } : {}),
            });
            Object.assign(outputs, {
              'execution-id': r.executionId,
              status: 'InProgress',
              'approval-result': status,
              approver: actorOf(ctx.env),
            });
            section.approval = { ...ref, result: status, summary, at: ctx.now().toISOString() };
            if (outputs.approver) section.approval.approver = outputs.approver;
            // Answering is what was asked; a rejection is a "no" only for whoever waits on it.
            return finish(
              true,
              `${status.toLowerCase()} ${ref.stage}/${ref.action} of execution ${r.executionId}`,
            );
          }
          case 'await-approval': {
            const ref = await resolveApproval(
              deps,
              pipeline,
              inputs.stage ?? cfg['approval-stage'],
              inputs.action ?? cfg['approval-action'],
            );
            const r = await awaitApproval(deps, pipeline, ref, inputs['execution-id'], deadline);
            if (r.executionId) outputs['execution-id'] = r.executionId;
            if (r.end === 'deadline') {
              outputs.status = 'InProgress';
              return finish(
                false,
                `${ref.stage}/${ref.action}: no answer after ${minutes} minutes (it stays pending)`,
              );
            }
            if (r.end === 'ended') {
              outputs.status = r.executionStatus ?? '';
              return finish(
                false,
                `execution ${r.executionId} ended ${r.executionStatus} before ${ref.stage}/${ref.action} was answered`,
              );
            }
            Object.assign(outputs, {
              status: 'InProgress',
              'approval-result': r.result!,
              approver: r.approver ?? '',
            });
            section.approval = {
              ...ref,
              result: r.result!,
              at: (r.at ?? ctx.now()).toISOString(),
              ...(r.approver ? { approver: r.approver } : {}),
              ...(r.summary ? { summary: r.summary } : {}),
            };
            const by = `${r.approver ? ` by ${r.approver}` : ''}${r.summary ? `: ${r.summary}` : ''}`;
            return finish(r.result === 'Approved', `${ref.stage}/${ref.action} ${r.result}${by}`);
          }
        }
      } finally {
        deps.client.destroy();
      }
    },
  };
}

function emptyOutputs(): Outputs {
  return {
    'execution-id': '',
    status: '',
    'approval-result': '',
    approver: '',
    'stack-id': '',
    'stack-status': '',
    'stack-outputs': '',
  };
}

/**
 * `install`: the template (the given file, else the one modelship ships) as the stack, its
 * parameters checked against it before any AWS call. Writes no manifest section: a pipeline's
 * stack is not a model candidate's history.
 */
async function install(
  inputs: Inputs,
  ctx: StepContext,
  cfg: CodePipelineConfig,
  opts: CodePipelineImplOptions,
): Promise<StepResult<CodePipelineOutput>> {
  const stack = inputs['stack-name'] ?? cfg['stack-name'];
  if (!stack)
    throw new ConfigError('install needs the stack name', '--stack-name', {
      hint: 'pass --stack-name (input stack-name), or set codepipeline.stack-name in modelship.yml',
    });
  // CloudFormation's rule for a stack name, checked before any call.
  if (!/^[A-Za-z][-A-Za-z0-9]{0,127}$/.test(stack))
    throw new ConfigError(
      `is not a CloudFormation stack name, got '${stack}'`,
      inputs['stack-name'] ? '--stack-name' : 'codepipeline.stack-name',
      { hint: 'a letter, then letters, digits and hyphens; at most 128 characters' },
    );
  const file = inputs.template ? resolve(ctx.cwd, inputs.template) : bundledTemplate();
  if (!file)
    throw new ConfigError('the pipeline template modelship ships was not found beside it', '--template', {
      hint: 'pass --template with the path of workflows/codepipeline/pipeline.yml',
    });
  const shown = inputs.template ?? relative(ctx.cwd, file);
  let body: string;
  try {
    body = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the template: ${(err as Error).message}`, shown, { cause: err });
  }
  const template = readTemplate(body, shown);
  const given = parseParameters(inputs.parameters);
  checkParameters(template, given);
  const region = ctx.config.values.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const client = createCloudFormationClient(region, ctx.env);
  const minutes = inputs['timeout-minutes'] ?? 0;
  const now = () => ctx.now().getTime();
  let r: InstallOutcome;
  try {
    r = await installStack(
      { client, log: ctx.log, signal: ctx.signal, now, ...opts },
      {
        stack,
        template,
        parameters: given,
        dryRun: inputs['dry-run'],
        ...(minutes > 0 ? { deadline: now() + minutes * 60_000 } : {}),
      },
    );
  } finally {
    client.destroy();
  }
  const outputs = emptyOutputs();
  outputs['stack-id'] = r.stackId ?? '';
  outputs['stack-status'] = r.status ?? '';
  outputs['stack-outputs'] = JSON.stringify(r.outputs);
  const n = r.changes.length;
  const changes = `${n} change${n === 1 ? '' : 's'}`;
  const headline = {
    succeeded: `stack ${stack} ${r.status} (${changes})`,
    'no-changes': `stack ${stack}: no changes (it stays ${r.status ?? 'as it is'})`,
    'dry-run': `dry run: change set of stack ${stack} has ${changes}; nothing changed`,
    deadline: `stack ${stack} is still ${r.status} after ${minutes} minutes (it goes on)`,
    failed: `stack ${stack} ${r.status}${r.failed ? `: ${r.failed.logicalId} (${r.failed.type}) ${r.failed.status}: ${r.failed.reason}` : ''}`,
  }[r.end];
  const ok = r.end === 'succeeded' || r.end === 'no-changes' || r.end === 'dry-run';
  return { ok, headline, outputs, summary: renderInstall(stack, region, r, headline) };
}

function renderInstall(stack: string, region: string, r: InstallOutcome, headline: string): string {
  const parts = [`### CloudFormation: ${headline}`];
  const rows: [string, string][] = [
    ['stack', `\`${stack}\` (${region})`],
    ['change set', `\`${r.changeSet}\` (${r.type})`],
  ];
  if (r.status) rows.push(['status', r.status]);
  if (r.failed) rows.push(['first failure', `${r.failed.logicalId}: ${r.failed.reason}`]);
  parts.push(table(['', ''], rows));
  if (r.changes.length)
    parts.push(
      table(
        ['action', 'logical id', 'type', 'replacement'],
        r.changes.map((c) => [c.action, c.logicalId, c.type, c.replacement]),
      ),
    );
  const outs = Object.entries(r.outputs);
  if (outs.length) parts.push(table(['output', 'value'], outs));
  return parts.join('\n\n') + '\n';
}

function render(
  operation: string,
  pipeline: string,
  section: CodePipelineSection,
  outputs: Outputs,
  headline: string,
): string {
  const rows: [string, string][] = [
    ['pipeline', `\`${pipeline}\` (${section.region})`],
    ['operation', operation],
  ];
  if (outputs['execution-id']) rows.push(['execution', `\`${outputs['execution-id']}\``]);
  if (outputs.status) rows.push(['status', outputs.status]);
  if (section.failedAction)
    rows.push([
      'failed action',
      `${section.failedAction.stage}/${section.failedAction.action}: ${section.failedAction.error}`,
    ]);
  if (outputs['approval-result']) rows.push(['approval', outputs['approval-result']]);
  if (outputs.approver) rows.push(['approver', outputs.approver]);
  if (section.approval?.summary && outputs['approval-result'])
    rows.push(['summary', section.approval.summary]);
  return `### CodePipeline: ${headline}\n\n${table(['', ''], rows)}\n`;
}
