// What a JSON Schema failure looks like to a user. No ajv here (types only), so hosts can format
// the errors of precompiled validators without loading ajv at start.
import type { ErrorObject } from 'ajv';

/** A JSON Schema as plain data. */
export type JsonSchema = Record<string, unknown>;

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
