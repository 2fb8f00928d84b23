// register, declared: its interface, its modelship.yml block (`registry`), its manifest section
// (`registration`), how `modelship run` feeds it. Light on purpose: hosts and the catalogue load
// this at start; the implementation (./step.ts) and the registry's AWS clients load only when the
// step runs.
import {
  defineStep,
  MANIFEST_FRAGMENTS,
  SCHEMA_FRAGMENTS,
  type JsonSchema,
  type LoadedConfig,
} from '@modelship/core';

export type ApprovalStatusInput = 'PendingManualApproval' | 'Approved';

/** The `registry` block of modelship.yml (checked by {@link REGISTRY_CONFIG_SCHEMA}). */
export interface RegistryConfig {
  group?: string;
  path?: string;
  'inference-image'?: string;
  'content-types'?: string[];
  'response-types'?: string[];
  'instance-types'?: string[];
  'transform-instance-types'?: string[];
  'statistics-output'?: string;
  'approval-status'?: ApprovalStatusInput;
  description?: string;
  tags?: Record<string, string>;
}

const { nonEmpty, s3Uri, stringMap } = SCHEMA_FRAGMENTS;
const strings: JsonSchema = { type: 'array', minItems: 1, items: nonEmpty };

export const REGISTRY_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'register: the model package group, the local registry folder, and what a package says about serving the model.',
  properties: {
    group: {
      type: 'string',
      pattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$',
      description: 'The model package group (default: model).',
    },
    path: {
      ...nonEmpty,
      description: 'Local backend: the registry folder, relative to this file (default .modelship/registry).',
    },
    'inference-image': {
      ...nonEmpty,
      description:
        'The serving image (required on SageMaker): an ECR image by tag (resolved to its digest) or any image by digest.',
    },
    'content-types': { ...strings, description: 'SupportedContentTypes (default [text/csv]).' },
    'response-types': { ...strings, description: 'SupportedResponseMIMETypes (default [text/csv]).' },
    'instance-types': {
      ...strings,
      description: 'SupportedRealtimeInferenceInstanceTypes, e.g. [ml.m5.large].',
    },
    'transform-instance-types': {
      ...strings,
      description: 'SupportedTransformInstanceTypes (batch transform), e.g. [ml.m5.large].',
    },
    'statistics-output': {
      ...s3Uri,
      description:
        "SageMaker: the s3:// prefix the gate's model-quality statistics are uploaded under (default: train.output, else the model artefact's folder).",
    },
    'approval-status': {
      enum: ['PendingManualApproval', 'Approved'],
      description: 'The status modelship run registers with (default PendingManualApproval).',
    },
    description: { type: 'string', maxLength: 1024, description: 'ModelPackageDescription.' },
    tags: { ...stringMap, description: 'Tags of the group and the packages, over train.tags.' },
  },
};

/** The manifest's `registration` section: the package this candidate became. */
export interface RegistrationSection {
  backend: 'local' | 'sagemaker';
  /** The local folder, or `SageMaker Model Registry (<region>)`. */
  registry: string;
  group: string;
  arn: string;
  version: number;
  status: 'Approved' | 'Rejected' | 'PendingManualApproval';
  registeredAt: string;
  /** Registered despite a failed gate or none (the `force` input). */
  forced: boolean;
  /**
   * The candidate's manifest digest: the idempotency key in the package's metadata (absent for a
   * package registered without one, e.g. by hand).
   */
  manifestSha256?: string;
  modelSha256?: string;
  modelDataUrl?: string;
  image?: string;
  imageDigest?: string;
  statistics?: { uri: string; sha256: string };
  approval?: { status: string; description: string; at: string };
  consoleUrl?: string;
}

const { sha256, isoTime } = MANIFEST_FRAGMENTS;

export const REGISTRATION_SECTION_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['backend', 'group', 'arn', 'version', 'status'],
  properties: {
    backend: { enum: ['local', 'sagemaker'] },
    registry: { type: 'string' },
    group: { type: 'string' },
    arn: { type: 'string' },
    version: { type: 'integer', minimum: 1 },
    status: { enum: ['Approved', 'Rejected', 'PendingManualApproval'] },
    registeredAt: isoTime,
    forced: { type: 'boolean' },
    manifestSha256: sha256,
    modelSha256: sha256,
    modelDataUrl: { type: 'string' },
    image: { type: 'string' },
    imageDigest: { type: 'string' },
    statistics: { type: 'object', properties: { uri: { type: 'string' }, sha256 } },
    approval: { type: 'object' },
    consoleUrl: { type: 'string' },
  },
};

/** The step's `registry` block, as the composed schema checked it (empty when absent). */
export function registryConfig(config: LoadedConfig): RegistryConfig {
  return (config.values.registry as RegistryConfig | undefined) ?? {};
}

export interface RegisterInputs {
  operation: 'register' | 'approve' | 'reject';
  'model-package-group'?: string;
  'approval-status': ApprovalStatusInput;
  'model-package-arn'?: string;
  description?: string;
  force: boolean;
}

export type RegisterOutput = 'model-package-arn' | 'model-version' | 'approval-status' | 'champion-arn';

export const registerStep = defineStep<RegisterInputs, RegisterOutput>({
  name: 'register',
  title: 'modelship register',
  description:
    'Register the gated candidate in the model registry (SageMaker Model Registry, or the local file registry) as a new version of its model package group, with its model-quality metrics, lineage metadata and approval status; or approve / reject a package. Refuses a candidate the gate failed or never judged unless forced. Verifies the model artefact against the sha256 the gate judged. Idempotent: the same candidate (model artefact, data and verdict) returns the package it created.',
  inputs: {
    operation: {
      type: 'string',
      enum: ['register', 'approve', 'reject'],
      default: 'register',
      description:
        '`register` the candidate of the manifest, or `approve` / `reject` a package (`model-package-arn`, default the one the manifest registered).',
    },
    'model-package-group': {
      type: 'string',
      description: 'The model package group. Defaults to `registry.group` in modelship.yml, else `model`.',
    },
    'approval-status': {
      type: 'string',
      enum: ['PendingManualApproval', 'Approved'],
      default: 'PendingManualApproval',
      description: 'The status a new package is registered with.',
    },
    'model-package-arn': {
      type: 'string',
      description:
        'For approve / reject: the package (an ARN; on the local backend `model-package/<group>/<version>`). Defaults to the package the manifest records.',
    },
    description: {
      type: 'string',
      description:
        'register: the package description. approve / reject: a note added to the approval description (who and from where are recorded anyway).',
    },
    force: {
      type: 'boolean',
      default: false,
      description:
        'Register even though the gate failed or never ran; the package and the manifest record it as forced.',
    },
  },
  outputs: {
    'model-package-arn': 'The model package (ARN; `model-package/<group>/<version>` on the local backend).',
    'model-version': 'Its version in the group.',
    'approval-status': '`PendingManualApproval`, `Approved` or `Rejected`.',
    'champion-arn': "The group's latest Approved package after this step (empty when there is none).",
  },
  config: { key: 'registry', schema: REGISTRY_CONFIG_SCHEMA },
  manifest: { key: 'registration', schema: REGISTRATION_SECTION_SCHEMA },
  // modelship run registers what it trained and gated: whenever there is a registry block, and on
  // the local backend also without one (SageMaker needs the block's inference image).
  fromConfig: (config): Record<string, string> | undefined => {
    const v = config.values;
    const trainedAndGated = v.train !== undefined && v.gate !== undefined;
    if (v.registry === undefined && !(trainedAndGated && v.backend !== 'sagemaker')) return undefined;
    const status = registryConfig(config)['approval-status'];
    const inputs: Record<string, string> = {};
    if (status) inputs['approval-status'] = status;
    return inputs;
  },
  load: async () => (await import('./step.js')).createRegisterImpl(),
});
