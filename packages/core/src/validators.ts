// Validators for the schemas core checks on every run (each step's inputs, modelship.yml, the
// manifest). The build compiles them ahead of time (ajv's standalone code) and registers them
// here, so starting an action or the CLI does not load ajv; from sources they are compiled on
// first use.
import type { ErrorObject } from 'ajv';
import type { JsonSchema } from './schema-errors.js';

/** A compiled schema check: true when valid, else `errors` says why (ajv's shape). */
export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** How a schema is compiled: input checks coerce strings and fill defaults; the rest report all errors. */
export type ValidatorMode = 'inputs' | 'document';

const registered = new Map<string, Validator>();
const compiled = new Map<string, Promise<Validator>>();

/** Register validators compiled ahead of time, keyed by their schema's `$id`. */
export function registerValidators(validators: Record<string, Validator>): void {
  for (const [id, v] of Object.entries(validators)) registered.set(id, v);
}

/** The ajv options of a mode (the build compiles with the same). */
export function validatorOptions(mode: ValidatorMode): {
  coerceTypes?: boolean;
  useDefaults?: boolean;
  allErrors: boolean;
} {
  return mode === 'inputs' ? { coerceTypes: true, useDefaults: true, allErrors: false } : { allErrors: true };
}

/**
 * The validator of a schema with a `$id`: the one compiled ahead of time when the build registered
 * it, else compiled now (once per `$id` and mode).
 *
 * @throws ConfigError naming `where` when the schema itself is not valid JSON Schema.
 */
export async function validatorFor(
  schema: JsonSchema,
  mode: ValidatorMode,
  where: string,
): Promise<Validator> {
  const id = typeof schema.$id === 'string' ? schema.$id : undefined;
  const pre = id ? registered.get(id) : undefined;
  if (pre) return pre;
  const key = `${mode} ${JSON.stringify(schema)}`;
  let v = compiled.get(key);
  if (!v) {
    v = import('./schema.js').then(({ compileSchema, createAjv }) =>
      compileSchema(createAjv(schema, validatorOptions(mode)), schema, where),
    );
    compiled.set(key, v);
  }
  return v;
}
