import type { JsonSchema } from '@modelship/core';
import type { ColumnKind } from '@modelship/stats';

export type ValueType = 'integer' | 'number' | 'boolean' | 'string' | 'any';

export interface SchemaColumn {
  name: string;
  type: ValueType;
  kind: ColumnKind;
  required: boolean;
}

const PRIORITY: ValueType[] = ['integer', 'number', 'boolean', 'string'];

function valueType(prop: unknown): ValueType {
  if (typeof prop !== 'object' || prop === null) return 'any';
  const t = (prop as { type?: unknown }).type;
  const types = (Array.isArray(t) ? t : [t]).filter((x): x is string => typeof x === 'string');
  return PRIORITY.find((p) => types.includes(p)) ?? 'any';
}

export function kindOf(type: ValueType): ColumnKind {
  return type === 'integer' || type === 'number' ? 'numeric' : 'categorical';
}

/** The top-level columns a record schema declares, in schema order. */
export function schemaColumns(schema: JsonSchema): SchemaColumn[] {
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(props).map(([name, prop]) => {
    const type = valueType(prop);
    return { name, type, kind: kindOf(type), required: required.has(name) };
  });
}

export type Coercer = (raw: string) => unknown;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function slowNumber(raw: string): unknown {
  const n = +raw;
  // +'  ' is 0: only a zero needs the (allocating) whitespace check.
  if (n !== n || (n === 0 && raw.trim() === '')) return raw;
  return n;
}

/**
 * Text → number, exactly as `+raw` would give it. Plain decimals of up to 15 digits (nearly all
 * CSV numbers) take a fast path: the digits form an integer below 2^53 and one division by an exact
 * power of ten is correctly rounded, so the result is the same double. Anything else (exponents,
 * signs, hex, whitespace, long mantissas) goes to the engine's own conversion.
 */
export const toNumber: Coercer = (raw) => {
  const len = raw.length;
  let i = 0;
  let neg = false;
  if (raw.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  let n = 0;
  let digits = 0;
  let scale = 0;
  let dot = false;
  for (; i < len; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits++;
      if (dot) scale++;
    } else if (c === 46 && !dot) dot = true;
    else return slowNumber(raw);
  }
  if (digits === 0 || digits > 15) return slowNumber(raw);
  const v = scale ? n / POW10[scale]! : n;
  return neg ? -v : v;
};

const toBoolean: Coercer = (raw) => {
  switch (raw) {
    case 'true':
    case 'TRUE':
    case 'True':
    case '1':
      return true;
    case 'false':
    case 'FALSE':
    case 'False':
    case '0':
      return false;
    default:
      return raw;
  }
};

const asString: Coercer = (raw) => raw;

/**
 * CSV text → the schema's type. A value that does not convert stays a string, so the schema
 * check reports it (`must be integer`) with the row's line. Empty cells never reach a coercer:
 * they are missing values.
 */
export function coercerFor(type: ValueType): Coercer {
  if (type === 'integer' || type === 'number') return toNumber;
  if (type === 'boolean') return toBoolean;
  return asString;
}

/** Builds one record from a row's values (undefined = missing), aligned with a CSV header. */
export type RecordFactory = (values: readonly unknown[]) => Record<string, unknown>;

/**
 * A record constructor for a header: every record of a file gets the same keys in the same order
 * (a missing value is an own property holding `undefined`, which JSON Schema treats as absent), so
 * the schema check and the profile see one object shape instead of one per pattern of gaps.
 * Header names are embedded as JSON string literals; a header that cannot be (or that repeats a
 * name) gets the plain, slower builder.
 */
export function recordFactory(names: readonly string[]): RecordFactory {
  const unsafe = names.some((n) => n === '__proto__') || new Set(names).size !== names.length;
  if (unsafe || names.length > 500) {
    return (values) => {
      const rec: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      names.forEach((n, j) => {
        if (values[j] !== undefined) rec[n] = values[j];
      });
      return rec;
    };
  }
  const body = names.map((n, j) => `${JSON.stringify(n)}: v[${j}]`).join(', ');
  return new Function('v', `return { ${body} };`) as RecordFactory;
}
