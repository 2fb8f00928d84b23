import type { JsonSchema } from './schema-errors.js';
import { declaredParts, type AnyStep } from './step.js';

/** Keys of `modelship.yml` that core owns; every other top-level key is a step's block. */
export const CORE_CONFIG_PROPERTIES: Record<string, JsonSchema> = {
  $schema: { type: 'string' },
  model: {
    type: 'string',
    pattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,40}$',
    description: 'Model name: names the registry group, endpoint defaults and job names.',
  },
  backend: { enum: ['local', 'sagemaker'], default: 'local' },
  region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
};

/** Shared fragments for steps' config schemas. */
export const SCHEMA_FRAGMENTS = {
  s3Uri: { type: 'string', pattern: '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$' },
  nonEmpty: { type: 'string', minLength: 1 },
  stringMap: { type: 'object', additionalProperties: { type: 'string' } },
  /** A SageMaker job's VpcConfig: the subnets and security groups its instances join. */
  vpc: {
    type: 'object',
    additionalProperties: false,
    required: ['subnets', 'security-groups'],
    properties: {
      subnets: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      'security-groups': { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    },
  },
  percent: {
    description: 'A fraction (0.005) or a percentage string ("0.5%").',
    anyOf: [
      { type: 'number', minimum: 0 },
      { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?%$' },
    ],
  },
} as const satisfies Record<string, JsonSchema>;

/**
 * The JSON Schema of `modelship.yml`: core's keys plus each step's declared block. Published as
 * `schemas/modelship.schema.json` (generated; a test keeps them equal).
 *
 * @throws Error when two steps declare the same block, or a block shadows a core key.
 */
export function composeConfigSchema(steps: readonly Pick<AnyStep, 'name' | 'config'>[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    ...CORE_CONFIG_PROPERTIES,
    ...declaredParts(steps, 'config', Object.keys(CORE_CONFIG_PROPERTIES)),
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://modelship.dev/schemas/modelship.schema.json',
    title: 'modelship.yml',
    description: 'Configuration of a modelship model pipeline.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}
