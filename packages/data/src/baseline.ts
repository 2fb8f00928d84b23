/**
 * The baseline profile read back from disk: a later run compares its data with it for drift.
 * It is checked against {@link PROFILE_SCHEMA}, then for the consistency a schema cannot express.
 */
import { ConfigError } from '@modelship/core/errors';
import {
  compileSchema,
  createAjv,
  firstUsefulError,
  formatAjvError,
  jsonPointerToPath,
  type ErrorObject,
  type JsonSchema,
  type ValidateFunction,
} from '@modelship/core/schema';
import { HyperLogLog, QUANTILE_KEYS, type DatasetProfile } from '@modelship/stats';

const count = { type: 'number', minimum: 0 };
const counts = { type: 'array', items: count };
const sketchStore = {
  type: 'object',
  required: ['offset', 'counts'],
  properties: { offset: { type: 'integer', description: 'Bucket key of counts[0].' }, counts },
};

/**
 * The JSON Schema of a dataset profile (`DatasetProfile` of @modelship/stats). Numbers must be
 * finite (validated with ajv's strictNumbers). Unknown fields are allowed.
 */
export const PROFILE_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'modelship dataset profile',
  description:
    'Per-column summaries of a dataset, written by validate-data and read back as a drift baseline.',
  type: 'object',
  required: ['kind', 'schemaVersion', 'createdAt', 'rows', 'sources', 'columns'],
  properties: {
    kind: { const: 'modelship.profile' },
    schemaVersion: { const: 1 },
    createdAt: { type: 'string' },
    rows: count,
    sources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['uri', 'sha256', 'rows'],
        properties: { uri: { type: 'string' }, sha256: { type: 'string' }, rows: count },
      },
    },
    columns: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'kind', 'count', 'missing', 'types'],
        properties: {
          name: { type: 'string' },
          kind: { enum: ['numeric', 'categorical'] },
          count,
          missing: count,
          types: { type: 'object', additionalProperties: count },
          numeric: {
            type: 'object',
            required: ['min', 'max', 'mean', 'std', 'quantiles', 'histogram', 'sketch'],
            properties: {
              min: { type: 'number' },
              max: { type: 'number' },
              mean: { type: 'number' },
              std: count,
              quantiles: {
                type: 'object',
                required: [...QUANTILE_KEYS],
                properties: Object.fromEntries(QUANTILE_KEYS.map((k) => [k, { type: 'number' }])),
              },
              histogram: {
                type: 'object',
                required: ['edges', 'counts'],
                properties: { edges: { type: 'array', items: { type: 'number' } }, counts },
              },
              sketch: {
                type: 'object',
                required: ['alpha', 'zero', 'pos', 'neg'],
                properties: {
                  alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
                  zero: count,
                  pos: sketchStore,
                  neg: sketchStore,
                  min: { type: 'number' },
                  max: { type: 'number' },
                },
              },
            },
          },
          categorical: {
            type: 'object',
            required: ['distinct', 'distinctExact', 'top', 'otherCount'],
            properties: {
              distinct: count,
              distinctExact: { type: 'boolean' },
              top: {
                type: 'array',
                items: { type: 'array', minItems: 2, maxItems: 2, items: [{ type: 'string' }, count] },
              },
              otherCount: count,
              hll: { type: 'string', description: 'Base64 of the 4096 HyperLogLog registers.' },
            },
          },
        },
        if: { required: ['kind'], properties: { kind: { const: 'categorical' } } },
        then: { required: ['categorical'] },
      },
    },
  },
};

const TYPE_NAMES: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a finite number',
  integer: 'an integer',
  boolean: 'a boolean',
};

/** One ajv error as `path: message`, in the words of the profile check (`(profile)` for the root). */
function describeError(e: ErrorObject): string {
  const path = jsonPointerToPath(e.instancePath) || '(profile)';
  if (e.keyword === 'type') {
    const type = String((e.params as { type?: unknown }).type);
    return `${path}: must be ${TYPE_NAMES[type] ?? type}`;
  }
  // The only arrays with a length limit are the [value, count] pairs of `top`.
  if (e.keyword === 'minItems' || e.keyword === 'maxItems') return `${path}: must be a [value, count] pair`;
  if (e.keyword === 'enum') return `${formatAjvError(e)}, got ${JSON.stringify(e.data)}`;
  return formatAjvError(e);
}

let validateProfile: ValidateFunction | undefined;

/**
 * Check a baseline profile read from disk and return it typed: first which document it is (`kind`,
 * `schemaVersion`), then {@link PROFILE_SCHEMA}, then what the schema cannot say (column names are
 * unique, a histogram has one more edge than counts, the HyperLogLog registers decode).
 *
 * @param doc the parsed JSON.
 * @param where the file, for the error.
 * @throws ConfigError at `where` whose message names the first bad field, e.g.
 *   `columns[2].numeric.quantiles.p50: must be a finite number`.
 */
export function checkProfile(doc: unknown, where: string): DatasetProfile {
  const fail = (path: string, message: string): never => {
    throw new ConfigError(`${path}: ${message}`, where);
  };
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) {
    const root = doc as Record<string, unknown>;
    if (root.kind !== 'modelship.profile') {
      fail(
        'kind',
        `must be 'modelship.profile' (is this a modelship profile?), got ${JSON.stringify(root.kind)}`,
      );
    }
    if (root.schemaVersion !== 1) {
      fail(
        'schemaVersion',
        `unsupported profile schema version ${JSON.stringify(root.schemaVersion)} (expected 1)`,
      );
    }
  }
  validateProfile ??= compileSchema(
    createAjv(PROFILE_SCHEMA, { strictNumbers: true, verbose: true }),
    PROFILE_SCHEMA,
    'profile schema',
  );
  if (!validateProfile(doc))
    throw new ConfigError(describeError(firstUsefulError(validateProfile.errors)!), where);

  const profile = doc as DatasetProfile;
  const names = new Set<string>();
  profile.columns.forEach((col, i) => {
    const p = `columns[${i}]`;
    if (names.has(col.name)) fail(`${p}.name`, `duplicate column '${col.name}'`);
    names.add(col.name);
    const h = col.numeric?.histogram;
    if (h && h.edges.length !== h.counts.length + 1) {
      fail(
        `${p}.numeric.histogram.edges`,
        `must have one more entry than counts (${h.edges.length} vs ${h.counts.length})`,
      );
    }
    const hll = col.categorical?.hll;
    if (hll !== undefined) {
      try {
        HyperLogLog.fromJSON(hll);
      } catch (err) {
        fail(`${p}.categorical.hll`, err instanceof Error ? err.message : String(err));
      }
    }
  });
  return profile;
}
