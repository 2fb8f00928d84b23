import type { JsonSchema } from './schema.js';

const s3Uri = { type: 'string', pattern: '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$' };
const nonEmpty = { type: 'string', minLength: 1 };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const percent = {
  description: 'A fraction (0.005) or a percentage string ("0.5%").',
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?%$' },
  ],
};

export const DRIFT_METHODS = ['auto', 'psi', 'ks', 'wasserstein', 'js', 'chi-square', 'linf'] as const;

const driftFeature = {
  type: 'object',
  additionalProperties: false,
  properties: {
    method: { enum: [...DRIFT_METHODS] },
    threshold: { type: 'number', exclusiveMinimum: 0 },
    ignore: { type: 'boolean', description: 'Profile the feature but never judge it for drift.' },
  },
};

/**
 * The JSON Schema of `modelship.yml`. Published as `schemas/modelship.schema.json` (generated from
 * this object; a test keeps them equal). Key names fixed by issues are part of the public API.
 */
export const CONFIG_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://modelship.dev/schemas/modelship.schema.json',
  title: 'modelship.yml',
  description: 'Configuration of a modelship model pipeline.',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    model: {
      type: 'string',
      pattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,40}$',
      description: 'Model name: names the registry group, endpoint defaults and job names.',
    },
    backend: { enum: ['local', 'sagemaker'], default: 'local' },
    region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
    data: {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: {
          ...nonEmpty,
          description: 'Default data to validate: file, directory, glob or s3:// prefix.',
        },
        format: { enum: ['auto', 'csv', 'jsonl', 'parquet'] },
        schema: { ...nonEmpty, description: 'JSON Schema of one record.' },
        baseline: { ...nonEmpty, description: 'Baseline profile (path or s3:// URI) to compare against.' },
        'write-profile': nonEmpty,
        'fail-on': { enum: ['error', 'drift', 'never'] },
        'max-record-length': { type: 'integer', minimum: 1024 },
        delimiter: { enum: [',', ';', '|', '\t', 'tab', '\\t', 'auto'], description: 'CSV field delimiter.' },
        encoding: {
          enum: ['utf-8', 'utf8', 'latin1', 'iso-8859-1', 'windows-1252', 'cp1252'],
          description: 'Text encoding of CSV and JSON Lines files.',
        },
        'null-values': {
          type: ['array', 'string'],
          items: { type: 'string' },
          description:
            'CSV cell values read as missing, besides the empty cell (a list, or comma-separated).',
        },
        drift: {
          type: 'object',
          additionalProperties: false,
          properties: {
            'default-threshold': { type: 'number', exclusiveMinimum: 0 },
            alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
            numeric: { enum: [...DRIFT_METHODS] },
            categorical: { enum: [...DRIFT_METHODS] },
            features: { type: 'object', additionalProperties: driftFeature },
          },
        },
      },
    },
    train: {
      type: 'object',
      additionalProperties: false,
      properties: {
        entrypoint: { type: 'array', minItems: 1, items: nonEmpty },
        image: nonEmpty,
        source: nonEmpty,
        program: nonEmpty,
        role: { type: 'string', pattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$' },
        'instance-type': { type: 'string', pattern: '^ml\\.[a-z0-9]+\\.[a-z0-9]+$' },
        'instance-count': { type: 'integer', minimum: 1 },
        'volume-gb': { type: 'integer', minimum: 1 },
        'max-runtime-minutes': { type: 'integer', minimum: 1, maximum: 40320 },
        spot: { type: 'boolean' },
        'max-wait-minutes': { type: 'integer', minimum: 1 },
        checkpoint: s3Uri,
        channels: { type: 'object', additionalProperties: nonEmpty },
        hyperparameters: {
          type: 'object',
          additionalProperties: { type: ['string', 'number', 'boolean'] },
        },
        metrics: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'regex'],
            properties: { name: { type: 'string', pattern: '^[a-zA-Z0-9_.:/-]{1,255}$' }, regex: nonEmpty },
          },
        },
        output: s3Uri,
        tags: stringMap,
        vpc: {
          type: 'object',
          additionalProperties: false,
          required: ['subnets', 'security-groups'],
          properties: {
            subnets: { type: 'array', minItems: 1, items: nonEmpty },
            'security-groups': { type: 'array', minItems: 1, items: nonEmpty },
          },
        },
        'kms-key': nonEmpty,
        environment: stringMap,
      },
    },
    gate: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['metric'],
        properties: {
          metric: nonEmpty,
          direction: { enum: ['higher-is-better', 'lower-is-better'] },
          min: { type: 'number' },
          max: { type: 'number' },
          'max-regression': { type: 'number', minimum: 0 },
          confidence: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        },
      },
    },
    registry: {
      type: 'object',
      additionalProperties: false,
      properties: {
        group: nonEmpty,
        'inference-image': nonEmpty,
        'instance-types': { type: 'array', items: nonEmpty },
        'approval-status': { enum: ['Approved', 'Rejected', 'PendingManualApproval'] },
      },
    },
    deploy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        endpoint: nonEmpty,
        'instance-type': nonEmpty,
        'instance-count': { type: 'integer', minimum: 1 },
        'canary-percent': { type: 'number', exclusiveMinimum: 0, maximum: 100 },
        strategy: { enum: ['variants', 'blue-green'] },
      },
    },
    promote: {
      type: 'object',
      additionalProperties: false,
      properties: {
        'interval-minutes': { type: 'number', exclusiveMinimum: 0 },
        steps: { type: 'array', items: { type: 'number', exclusiveMinimum: 0, maximum: 100 } },
        metrics: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'kind'],
            properties: {
              name: nonEmpty,
              kind: { enum: ['latency', 'error-rate', 'count'] },
              'max-increase': percent,
              critical: { type: 'boolean' },
            },
          },
        },
      },
    },
  },
};
