import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';

export type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ConfigError } from './errors.js';

// ajv-formats is CommonJS with a default export; normalise across bundlers and Node.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** A JSON Schema as plain data. */
export type JsonSchema = Record<string, unknown>;

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

/** Create an ajv instance for the draft a schema declares (draft-07 unless it says 2020-12). */
export function createAjv(schema?: JsonSchema, options: Options = {}): Ajv {
  const declared = typeof schema?.$schema === 'string' ? schema.$schema : '';
  const opts: Options = { allErrors: true, strict: false, ...options };
  const ajv =
    declared.startsWith(DRAFT_2020.replace('https', 'http')) || declared.startsWith(DRAFT_2020)
      ? (new Ajv2020(opts) as unknown as Ajv)
      : new Ajv(opts);
  addFormats(ajv);
  return ajv;
}

/** Turn ajv's `/gate/0/metric` into `gate[0].metric`. */
export function jsonPointerToPath(pointer: string): string {
  if (!pointer) return '';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out ? `.${seg}` : seg;
  }
  return out;
}

/** One line per ajv error, naming the path of the offending field. */
export function formatAjvError(e: ErrorObject, root = ''): string {
  let path = jsonPointerToPath(e.instancePath);
  let message = e.message ?? 'is invalid';
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    path = path ? `${path}.${params.additionalProperty}` : params.additionalProperty;
    message = 'is not a known field';
  } else if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
    path = path ? `${path}.${params.missingProperty}` : params.missingProperty;
    message = 'is required';
  } else if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  const where = [root, path].filter(Boolean).join(root && path ? ': ' : '');
  return where ? `${where}: ${message}` : message;
}

/** Choose the most useful error: skip the `if`/`anyOf` wrappers ajv adds around the real cause. */
export function firstUsefulError(errors: ErrorObject[] | null | undefined): ErrorObject | undefined {
  if (!errors?.length) return undefined;
  return errors.find((e) => !['if', 'anyOf', 'oneOf', 'allOf', 'not'].includes(e.keyword)) ?? errors[0];
}

/** Compile a schema, turning an invalid schema into a ConfigError that names its file. */
export function compileSchema(ajv: Ajv, schema: JsonSchema, where: string): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(`not a valid JSON Schema: ${msg}`, where, { cause: err });
  }
}
