// codepipeline, declared: start or follow an AWS CodePipeline execution, answer or await its manual
// approval. Its modelship.yml block (`codepipeline`) names the pipeline and the approval; its
// manifest section (`codepipeline`) records the execution and the answer. Never part of
// `modelship run`: it drives a pipeline, it is not a stage of one. Light on purpose: the
// implementation (./step.ts) and the CodePipeline client load only when the step runs.
import { defineStep, MANIFEST_FRAGMENTS, type JsonSchema } from '@modelship/core';

export const OPERATIONS = ['start', 'wait', 'approve', 'reject', 'await-approval', 'install'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The `codepipeline` block of modelship.yml. */
export interface CodePipelineConfig {
  pipeline?: string;
  'approval-stage'?: string;
  'approval-action'?: string;
  'stack-name'?: string;
}

const PIPELINE_NAME = { type: 'string', pattern: '^[A-Za-z0-9.@_-]{1,100}$' };
const STAGE_OR_ACTION = { type: 'string', pattern: '^[A-Za-z0-9.@_-]{1,100}$' };

export const CODEPIPELINE_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'codepipeline: the pipeline `modelship codepipeline` starts, follows and answers, and its manual approval.',
  properties: {
    pipeline: { ...PIPELINE_NAME, description: 'The pipeline name (default for --pipeline).' },
    'approval-stage': {
      ...STAGE_OR_ACTION,
      description: 'The stage holding the manual approval (default for --stage).',
    },
    'approval-action': {
      ...STAGE_OR_ACTION,
      description: 'The manual approval action in that stage (default for --action).',
    },
    'stack-name': {
      type: 'string',
      pattern: '^[A-Za-z][-A-Za-z0-9]{0,127}$',
      description: 'The CloudFormation stack `modelship codepipeline install` deploys the template to.',
    },
  },
};

/** The manifest's `codepipeline` section: the execution this candidate went through, and its approval. */
export interface CodePipelineSection {
  pipeline: string;
  region: string;
  executionId?: string;
  status?: string;
  statusSummary?: string;
  failedAction?: { stage: string; action: string; error: string };
  approval?: {
    stage: string;
    action: string;
    result: ApprovalResult;
    approver?: string;
    summary?: string;
    at: string;
  };
}

export type ApprovalResult = 'Approved' | 'Rejected' | 'Expired';

const { isoTime } = MANIFEST_FRAGMENTS;

export const CODEPIPELINE_SECTION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['pipeline', 'region'],
  properties: {
    pipeline: { type: 'string' },
    region: { type: 'string' },
    executionId: { type: 'string' },
    status: { type: 'string' },
    statusSummary: { type: 'string' },
    failedAction: { type: 'object' },
    approval: {
      type: 'object',
      required: ['stage', 'action', 'result', 'at'],
      properties: {
        stage: { type: 'string' },
        action: { type: 'string' },
        result: { enum: ['Approved', 'Rejected', 'Expired'] },
        approver: { type: 'string' },
        summary: { type: 'string' },
        at: isoTime,
      },
    },
  },
};

export interface CodePipelineInputs {
  operation: Operation;
  pipeline?: string;
  'execution-id'?: string;
  variables?: string;
  stage?: string;
  action?: string;
  summary?: string;
  'timeout-minutes'?: number;
  wait: boolean;
  'stack-name'?: string;
  template?: string;
  parameters?: string;
  'dry-run': boolean;
}

export type CodePipelineOutput =
  'execution-id' | 'status' | 'approval-result' | 'approver' | 'stack-id' | 'stack-status' | 'stack-outputs';

export const codepipelineStep = defineStep<CodePipelineInputs, CodePipelineOutput>({
  name: 'codepipeline',
  title: 'modelship codepipeline',
  description:
    'Drive an AWS CodePipeline: start an execution (with pipeline variables) and follow it, printing stage and action transitions, failing on a failed, stopped or superseded execution with the failed action and its error, and stopping it on cancel; follow an existing execution; approve or reject its pending manual approval with a summary; wait until a person answers it and report who and what; or install the pipeline template as a CloudFormation stack through a change set, streaming its events.',
  inputs: {
    operation: {
      type: 'string',
      enum: OPERATIONS,
      description:
        '`start` an execution and wait for it, `wait` for an execution (`execution-id`), `approve` / `reject` the pending manual approval, `await-approval` (wait until a person answers it), or `install` the pipeline template as a CloudFormation stack (`stack-name`).',
    },
    pipeline: {
      type: 'string',
      description: 'The pipeline name. Defaults to `codepipeline.pipeline` in modelship.yml.',
    },
    'execution-id': {
      type: 'string',
      description:
        'wait: the execution to follow (required). approve / reject / await-approval: only the approval of this execution (default: the execution at the approval stage).',
    },
    variables: {
      type: 'string',
      description:
        'start: pipeline variables as `name=value` pairs, one a line or comma-separated (pipeline type V2).',
    },
    stage: {
      type: 'string',
      description:
        'approve / reject / await-approval: the stage holding the manual approval. Defaults to `codepipeline.approval-stage`, else the one stage with a manual approval.',
    },
    action: {
      type: 'string',
      description:
        'approve / reject / await-approval: the manual approval action. Defaults to `codepipeline.approval-action`, else the one approval action in the stage.',
    },
    summary: {
      type: 'string',
      description:
        'approve / reject: the summary recorded with the answer (at most 512 characters), e.g. the gate verdict and a link to its report. Default: who answered, from where.',
    },
    wait: {
      type: 'boolean',
      default: true,
      description:
        'start: wait for the execution to end. With `false`, start it, output its id and return (follow it later with `wait` or `await-approval`).',
    },
    'timeout-minutes': {
      type: 'number',
      minimum: 0,
      description:
        'start / wait / await-approval / install: how long to wait; past it the step fails and the execution (or the stack operation) goes on. Empty or 0: until it ends.',
    },
    'stack-name': {
      type: 'string',
      description:
        'install: the CloudFormation stack. Defaults to `codepipeline.stack-name` in modelship.yml.',
    },
    template: {
      type: 'string',
      description:
        'install: the template file (YAML or JSON, at most 51,200 bytes). Default: the pipeline template modelship ships (workflows/codepipeline/pipeline.yml).',
    },
    parameters: {
      type: 'string',
      cliAliases: ['parameter'],
      cliRepeat: true,
      description:
        "install: the template's parameters as `Key=Value`, one a line (CLI: `--parameter Key=Value`, repeated). Checked against the template's Parameters before any call; on an update, a parameter not given keeps its previous value.",
    },
    'dry-run': {
      type: 'boolean',
      default: false,
      description: 'install: create the change set, print its changes, delete it; change nothing.',
    },
  },
  required: ['operation'],
  outputs: {
    'execution-id': 'The pipeline execution (started, followed, or the one the approval belongs to).',
    status:
      "The execution's status when the step ended: `Succeeded`, `Failed`, `Stopped`, `Superseded`, `Cancelled`, or `InProgress` (an approval answered, a timeout).",
    'approval-result': 'approve / reject / await-approval: `Approved`, `Rejected` or `Expired`.',
    approver:
      'approve / reject: who answered (the GitHub actor or CodeBuild initiator); await-approval: the identity CodePipeline recorded.',
    'stack-id': 'install: the stack (its ARN).',
    'stack-status':
      'install: the stack status when the step ended (`CREATE_COMPLETE`, `UPDATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, …; unchanged after a dry run or no changes).',
    'stack-outputs':
      'install: the stack\'s Outputs as a JSON object (`{"PipelineName": "churn-release", …}`).',
  },
  config: { key: 'codepipeline', schema: CODEPIPELINE_CONFIG_SCHEMA },
  manifest: { key: 'codepipeline', schema: CODEPIPELINE_SECTION_SCHEMA },
  // Not part of the main job: starting or answering a pipeline is asked for, never implied.
  fromConfig: () => undefined,
  load: async () => (await import('./step.js')).createCodePipelineImpl(),
});
