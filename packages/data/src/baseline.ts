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
import {
  HyperLogLog,
  KllSketch,
  ReferenceBins,
  PROFILE_SCHEMA_VERSION,
  QUANTILE_KEYS,
  type ColumnProfile,
  type DatasetProfile,
} from '@modelship/stats';

const count = { type: 'number', minimum: 0 };
const counts = { type: 'array', items: count };

/** How to write a profile of the current version: in the hint of every version error. */
export const REGENERATE_HINT =
  'regenerate it from the reference data: modelship validate-data --data <reference data> --schema <schema> --write-profile <path>';

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
    schemaVersion: { const: PROFILE_SCHEMA_VERSION },
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
            required: ['min', 'max', 'mean', 'std', 'quantiles', 'histogram'],
            anyOf: [{ required: ['sketch'] }, { required: ['bins'] }],
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
                description: 'A KLL sketch (KllJSON of @modelship/stats).',
                required: ['k', 'n', 'levels', 'worst', 'variance', 'rng'],
                properties: {
                  k: { type: 'integer', minimum: 16 },
                  n: { type: 'integer', minimum: 1 },
                  levels: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
                  worst: count,
                  variance: count,
                  rng: { type: 'integer', minimum: 0 },
                  min: { type: 'number' },
                  max: { type: 'number' },
                },
              },
              bins: {
                type: 'object',
                description: 'Exact counts in reference bins (ReferenceBinsJSON of @modelship/stats).',
                required: ['edges', 'counts'],
                properties: {
                  edges: { type: 'array', minItems: 1, items: { type: 'number' } },
                  counts,
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
  // The arrays with a length limit: the [value, count] pairs of `top`, and the bins' edges.
  if (e.keyword === 'minItems' || e.keyword === 'maxItems')
    return /\.top\[\d+\]$/.test(path)
      ? `${path}: must be a [value, count] pair`
      : `${path}: must have at least ${String((e.params as { limit?: unknown }).limit)} entries`;
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
    if (root.schemaVersion !== PROFILE_SCHEMA_VERSION) {
      const v = root.schemaVersion;
      const older = typeof v === 'number' && v < PROFILE_SCHEMA_VERSION;
      throw new ConfigError(
        `schemaVersion: ${older ? 'an older' : 'an unsupported'} profile version ${JSON.stringify(v)} (this modelship reads version ${PROFILE_SCHEMA_VERSION})`,
        where,
        { hint: REGENERATE_HINT },
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
    const problem = inconsistency(col);
    if (problem) fail(`${p}.${problem[0]}`, `${problem[1]}: the counts contradict each other`);
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

/**
 * What a schema cannot check in one column: the counts agree with each other. Returns the field and
 * the contradiction, or undefined.
 */
function inconsistency(col: ColumnProfile): [string, string] | undefined {
  let typed = 0;
  for (const v of Object.values(col.types)) typed += v;
  if (typed !== col.count) return ['types', `tally ${typed} values, but count is ${col.count}`];
  const num = col.numeric;
  if (num) {
    const parse = <T>(field: string, make: () => T): T | [string, string] => {
      try {
        return make();
      } catch (err) {
        return [field, err instanceof Error ? err.message : String(err)];
      }
    };
    const k = num.sketch ? parse('numeric.sketch', () => KllSketch.fromJSON(num.sketch!)) : undefined;
    if (Array.isArray(k)) return k;
    const b = num.bins ? parse('numeric.bins', () => ReferenceBins.fromJSON(num.bins!)) : undefined;
    if (Array.isArray(b)) return b;
    if (k && b && (k.count !== b.count || k.min !== b.min || k.max !== b.max))
      return [
        'numeric.sketch',
        `holds ${k.count} values in [${k.min}, ${k.max}], the bins ${b.count} in [${b.min}, ${b.max}]`,
      ];
    const sketch = k && (k.exact || !b) ? k : b!;
    // The summary the checks below compare with: its field and what it is called.
    const [field, what, hold] =
      sketch instanceof KllSketch ? ['numeric.sketch', 'sketch', 'holds'] : ['numeric.bins', 'bins', 'hold'];
    const finite = (col.types.integer ?? 0) + (col.types.number ?? 0);
    if (sketch.count > finite)
      return [field, `${hold} ${sketch.count} values, more than the ${finite} numbers tallied in types`];
    if (!(num.min <= num.max)) return ['numeric.min', `min ${num.min} is above max ${num.max}`];
    if (num.min !== sketch.min || num.max !== sketch.max)
      return [
        field,
        `the ${what}'s min / max ${sketch.min} / ${sketch.max} disagree with numeric.min / max ${num.min} / ${num.max}`,
      ];
    if (!(num.mean >= num.min && num.mean <= num.max))
      return ['numeric.mean', `${num.mean} is outside [min, max] = [${num.min}, ${num.max}]`];
    for (const k of QUANTILE_KEYS) {
      const q = num.quantiles[k];
      if (q < num.min || q > num.max) return [`numeric.quantiles.${k}`, `${q} is outside [min, max]`];
    }
    let inBins = 0;
    for (const c of num.histogram.counts) inBins += c;
    if (inBins !== sketch.count)
      return ['numeric.histogram.counts', `sum to ${inBins}, but the ${what} ${hold} ${sketch.count} values`];
  }
  const cat = col.categorical;
  if (cat) {
    let listed = 0;
    const levels = new Set<string>();
    for (const [level, c] of cat.top) {
      if (levels.has(level)) return ['categorical.top', `lists '${level}' twice`];
      if (!Number.isInteger(c)) return ['categorical.top', `'${level}' has ${c} values, not a whole number`];
      levels.add(level);
      listed += c;
    }
    const values =
      (col.types.string ?? 0) + (col.types.boolean ?? 0) + (col.types.integer ?? 0) + (col.types.number ?? 0);
    if (listed + cat.otherCount !== values)
      return [
        'categorical.otherCount',
        `top (${listed}) + otherCount (${cat.otherCount}) is not the ${values} values tallied in types`,
      ];
    if (cat.distinctExact && cat.distinct < cat.top.length)
      return ['categorical.distinct', `is ${cat.distinct}, fewer than the ${cat.top.length} values listed`];
  }
  return undefined;
}
