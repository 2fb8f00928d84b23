import type { JsonSchema } from '@modelship/core';
import type { ColumnKind } from './stats/profile.js';

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

const toNumber: Coercer = (raw) => {
  const n = +raw;
  return n === n && raw.trim() !== '' ? n : raw;
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
