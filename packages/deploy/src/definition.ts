// deploy-canary, declared: its interface, its modelship.yml block (`deploy`), its manifest section
// (`deployment`), how `modelship run` feeds it. Light on purpose: hosts and the catalogue load this
// at start; the implementation (./step.ts) and its AWS clients load only when the step runs.
import {
  defineStep,
  MANIFEST_FRAGMENTS,
  SCHEMA_FRAGMENTS,
  type JsonSchema,
  type LoadedConfig,
} from '@modelship/core';

export type Strategy = 'variants' | 'guardrails' | 'shadow';
/** `blue-green` is the old name of `guardrails`, still accepted (with a warning). */
export type StrategyAsWritten = Strategy | 'blue-green';
export const STRATEGIES = ['variants', 'guardrails', 'shadow', 'blue-green'] as const;

export type TrafficRouting = 'CANARY' | 'LINEAR' | 'ALL_AT_ONCE';

/** The `deploy` block of modelship.yml (checked by {@link DEPLOY_CONFIG_SCHEMA}). */
export interface DeployConfig {
  endpoint?: string;
  'instance-type'?: string;
  'instance-count'?: number;
  'canary-percent'?: number;
  strategy?: StrategyAsWritten;
  role?: string;
  guardrails?: {
    type?: TrafficRouting;
    /** CANARY: the canary's share, LINEAR: each step's share (percent of capacity). */
    size?: number;
    'wait-seconds'?: number;
    'max-execution-seconds'?: number;
    'termination-wait-seconds'?: number;
  };
  alarms?: {
    /** Create the 5XX-rate and latency alarms on the challenger variant (default true). */
    create?: boolean;
    /** 5XX errors as a fraction of invocations over a minute (default 0.01). */
    'max-5xx-rate'?: number;
    /** ModelLatency p99 in milliseconds (default 1000). */
    'max-latency-p99-ms'?: number;
    /** Existing CloudWatch alarms to add (guardrails roll back on any of them). */
    names?: string[];
  };
  'data-capture'?: { destination: string; 'sampling-percent'?: number };
  dashboard?: boolean;
  /** Local backend: the command that serves a model under the SageMaker serving contract. */
  serve?: string[];
  /** Local backend: the router's port (default: any free port, kept for the endpoint's life). */
  port?: number;
  contract?: { request?: string; response?: string; openapi?: string; 'content-type'?: string };
  'smoke-requests'?: string;
  autoscaling?: { min: number; max: number; 'target-invocations': number };
  tags?: Record<string, string>;
}

const { nonEmpty, s3Uri, stringMap } = SCHEMA_FRAGMENTS;

export const DEPLOY_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'deploy-canary: the endpoint, how the challenger joins the champion (variants, guardrails or shadow), alarms, dashboard, data capture, the inference contract and autoscaling.',
  properties: {
    endpoint: {
      type: 'string',
      pattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$',
      description: 'The endpoint (default: model).',
    },
    'instance-type': {
      type: 'string',
      pattern: '^ml\\.[a-z0-9]+\\.[a-z0-9]+$',
      description: "SageMaker: the challenger variant's instance type (default ml.m5.large).",
    },
    'instance-count': {
      type: 'integer',
      minimum: 1,
      description: "SageMaker: the challenger's instances (default 1).",
    },
    'canary-percent': {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 100,
      description: "The challenger's share of the traffic, in percent (default 10).",
    },
    strategy: {
      enum: [...STRATEGIES],
      description:
        'variants (two production variants with weights, default), guardrails (SageMaker blue/green DeploymentConfig with auto-rollback alarms), or shadow (the challenger gets a copy of the traffic; its answers are recorded, never returned). blue-green is the old name of guardrails.',
    },
    role: {
      type: 'string',
      pattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
      description: "SageMaker: the model's execution role (default: train.role).",
    },
    guardrails: {
      type: 'object',
      additionalProperties: false,
      description: 'strategy guardrails: the blue/green traffic shifting.',
      properties: {
        type: { enum: ['CANARY', 'LINEAR', 'ALL_AT_ONCE'], description: 'Default CANARY.' },
        size: {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 100,
          description:
            'CANARY: the canary, LINEAR: each step, in percent of capacity (default canary-percent).',
        },
        'wait-seconds': {
          type: 'integer',
          minimum: 0,
          maximum: 3600,
          description: 'Between shifts (default 600).',
        },
        'max-execution-seconds': {
          type: 'integer',
          minimum: 600,
          maximum: 28800,
          description: 'The whole deployment at most (default 3600).',
        },
        'termination-wait-seconds': {
          type: 'integer',
          minimum: 0,
          maximum: 3600,
          description: 'How long the old fleet is kept after the shift (default 0).',
        },
      },
    },
    alarms: {
      type: 'object',
      additionalProperties: false,
      properties: {
        create: {
          type: 'boolean',
          description: 'Create the 5XX-rate and latency alarms on the challenger (default true).',
        },
        'max-5xx-rate': {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 1,
          description: '5XX errors per invocation over a minute (default 0.01).',
        },
        'max-latency-p99-ms': {
          type: 'number',
          exclusiveMinimum: 0,
          description: 'ModelLatency p99 (default 1000).',
        },
        names: {
          type: 'array',
          items: nonEmpty,
          maxItems: 8,
          description: 'Existing CloudWatch alarms to add.',
        },
      },
    },
    'data-capture': {
      type: 'object',
      additionalProperties: false,
      required: ['destination'],
      properties: {
        destination: { ...s3Uri, description: 'Where SageMaker writes captured requests and answers.' },
        'sampling-percent': { type: 'integer', minimum: 1, maximum: 100, description: 'Default 100.' },
      },
    },
    dashboard: {
      type: 'boolean',
      description: 'SageMaker: a CloudWatch dashboard for the endpoint (default true).',
    },
    serve: {
      type: 'array',
      minItems: 1,
      items: nonEmpty,
      description:
        'Local backend: the command that serves a model (SAGEMAKER_BIND_TO_PORT, SM_MODEL_DIR, GET /ping, POST /invocations); relative to this file.',
    },
    port: {
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      description: "Local backend: the router's port (default any).",
    },
    contract: {
      type: 'object',
      additionalProperties: false,
      description: 'The inference contract smoke requests are checked against before live traffic.',
      properties: {
        request: { ...nonEmpty, description: 'JSON Schema of a request body.' },
        response: { ...nonEmpty, description: 'JSON Schema of a response body.' },
        openapi: {
          ...nonEmpty,
          description: 'An OpenAPI 3 document (JSON or YAML) whose POST /invocations holds both schemas.',
        },
        'content-type': {
          ...nonEmpty,
          description: 'Content type of the smoke requests (default application/json).',
        },
      },
    },
    'smoke-requests': {
      ...nonEmpty,
      description:
        'JSON Lines of sample requests sent to the challenger (and checked) before it gets live traffic.',
    },
    autoscaling: {
      type: 'object',
      additionalProperties: false,
      required: ['min', 'max', 'target-invocations'],
      properties: {
        min: { type: 'integer', minimum: 1 },
        max: { type: 'integer', minimum: 1 },
        'target-invocations': {
          type: 'number',
          exclusiveMinimum: 0,
          description: 'SageMakerVariantInvocationsPerInstance per minute.',
        },
      },
    },
    tags: { ...stringMap, description: 'Tags of what this step creates, over train.tags.' },
  },
};

export interface DeployedVariant {
  name: string;
  /** `previous-challenger`: a challenger (never promoted) that this deploy replaced. */
  role: 'champion' | 'challenger' | 'previous-challenger';
  modelPackageArn?: string;
  modelVersion?: string;
  model?: string;
  weightBefore: number;
  weightAfter: number;
  shadow: boolean;
}

/** The manifest's `deployment` section: what this step put on the endpoint. */
export interface DeploymentSection {
  backend: 'local' | 'sagemaker';
  endpoint: string;
  endpointConfig: string;
  previousEndpointConfig?: string;
  strategy: Strategy;
  canaryPercent: number;
  status: 'deployed' | 'created' | 'unchanged' | 'failed' | 'rolled-back' | 'dry-run' | 'started';
  championVariant?: string;
  challengerVariant: string;
  modelPackageArn: string;
  variants: DeployedVariant[];
  endpointUrl?: string;
  alarms?: string[];
  dashboard?: string;
  smoke?: { requests: number; passed: number };
  deployedAt: string;
  consoleUrl?: string;
}

const { isoTime } = MANIFEST_FRAGMENTS;

export const DEPLOYMENT_SECTION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['backend', 'endpoint', 'strategy', 'status', 'challengerVariant', 'modelPackageArn'],
  properties: {
    backend: { enum: ['local', 'sagemaker'] },
    endpoint: { type: 'string' },
    endpointConfig: { type: 'string' },
    previousEndpointConfig: { type: 'string' },
    strategy: { enum: ['variants', 'guardrails', 'shadow'] },
    canaryPercent: { type: 'number', minimum: 0, maximum: 100 },
    status: { enum: ['deployed', 'created', 'unchanged', 'failed', 'rolled-back', 'dry-run', 'started'] },
    championVariant: { type: 'string' },
    challengerVariant: { type: 'string' },
    modelPackageArn: { type: 'string' },
    variants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'role', 'weightBefore', 'weightAfter', 'shadow'],
        properties: {
          name: { type: 'string' },
          role: { enum: ['champion', 'challenger', 'previous-challenger'] },
          weightBefore: { type: 'number' },
          weightAfter: { type: 'number' },
          shadow: { type: 'boolean' },
        },
      },
    },
    endpointUrl: { type: 'string' },
    alarms: { type: 'array', items: { type: 'string' } },
    dashboard: { type: 'string' },
    smoke: { type: 'object' },
    deployedAt: isoTime,
    consoleUrl: { type: 'string' },
  },
};

/** The step's `deploy` block, as the composed schema checked it (undefined when absent). */
export function deployConfig(config: LoadedConfig): DeployConfig | undefined {
  return config.values.deploy as DeployConfig | undefined;
}

export interface DeployInputs {
  endpoint?: string;
  'model-package-arn'?: string;
  'canary-percent'?: number;
  strategy?: StrategyAsWritten;
  wait: boolean;
  'timeout-minutes'?: number;
  'dry-run': boolean;
}

export type DeployOutput =
  'endpoint-name' | 'endpoint-config' | 'champion-variant' | 'challenger-variant' | 'status' | 'endpoint-url';

export const deployStep = defineStep<DeployInputs, DeployOutput>({
  name: 'deploy-canary',
  title: 'modelship deploy-canary',
  description:
    'Put the registered challenger on the endpoint beside the champion it serves now: a second production variant at a small weight, a shadow variant that gets a copy of the traffic, or SageMaker blue/green guardrails with auto-rollback alarms. Checks the challenger against the inference contract before live traffic, creates alarms and a dashboard, and on the local backend runs a real endpoint (serving processes behind a weighted router that records CloudWatch-shaped metrics) that outlives the step.',
  inputs: {
    endpoint: {
      type: 'string',
      description: 'The endpoint. Defaults to `deploy.endpoint`, else the model name.',
    },
    'model-package-arn': {
      type: 'string',
      description:
        'The challenger: a model package (an ARN; on the local backend `model-package/<group>/<version>`). Defaults to the package the manifest registered.',
    },
    'canary-percent': {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 100,
      description:
        "The challenger's share of the traffic in percent. Defaults to `deploy.canary-percent`, else 10.",
    },
    strategy: {
      type: 'string',
      enum: [...STRATEGIES],
      description:
        '`variants`, `guardrails` or `shadow` (see docs/deploy.md). Defaults to `deploy.strategy`, else `variants`. `blue-green` is the old name of `guardrails`.',
    },
    wait: {
      type: 'boolean',
      default: true,
      description:
        'Wait until the endpoint is InService with the new config (and a guardrails deployment has ended).',
    },
    'timeout-minutes': {
      type: 'number',
      minimum: 0,
      description:
        'How long to wait for the update; past it the update is rolled back (SageMaker) and the step fails. Empty or 0: 60 minutes.',
    },
    'dry-run': {
      type: 'boolean',
      default: false,
      description:
        'Print every request this step would make (or the local processes it would start) and change nothing.',
    },
  },
  outputs: {
    'endpoint-name': 'The endpoint.',
    'endpoint-config': 'The endpoint config now in effect (deterministic from what it holds).',
    'champion-variant':
      'The variant serving the champion (empty when the endpoint was created with the challenger alone).',
    'challenger-variant': 'The variant serving the challenger.',
    status:
      '`deployed`, `created` (a new endpoint with the challenger alone), `unchanged` (already so), `started` (`wait: false`), `failed`, `rolled-back` or `dry-run`.',
    'endpoint-url': 'Local backend: the router URL (`http://127.0.0.1:<port>`); empty on SageMaker.',
  },
  config: { key: 'deploy', schema: DEPLOY_CONFIG_SCHEMA },
  manifest: { key: 'deployment', schema: DEPLOYMENT_SECTION_SCHEMA },
  // Optional in the main job: only a config with a deploy block deploys (after register).
  fromConfig: (config) => (deployConfig(config) ? {} : undefined),
  // The local endpoint's router runs as a process of its own (it outlives the step).
  workers: [{ name: 'canary-router', source: 'packages/local/src/endpoint/router-main.ts' }],
  load: async () => (await import('./step.js')).createDeployImpl(),
});
