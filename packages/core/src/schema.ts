import { Ajv, type Options, type ValidateFunction } from 'ajv';

export type { ErrorObject, ValidateFunction } from 'ajv';
export { firstUsefulError, formatAjvError, jsonPointerToPath, type JsonSchema } from './schema-errors.js';
import type { JsonSchema } from './schema-errors.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ConfigError } from './errors.js';

// ajv-formats is CommonJS with a default export; normalise across bundlers and Node.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

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

/** Compile a schema, turning an invalid schema into a ConfigError that names its file. */
export function compileSchema(ajv: Ajv, schema: JsonSchema, where: string): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(`not a valid JSON Schema: ${msg}`, where, { cause: err });
  }
}
