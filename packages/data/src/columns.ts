import type { JsonSchema } from '@modelship/core';
import type { ColumnKind } from '@modelship/stats';

export type ValueType = 'integer' | 'number' | 'boolean' | 'string' | 'any';

export interface SchemaColumn {
  name: string;
  /** The type CSV text is converted to: `number` when the schema allows any number, else `integer`, … */
  type: ValueType;
  kind: ColumnKind;
  required: boolean;
  /** The schema accepts `null` here (`type: [..., "null"]`, an `anyOf` branch, `enum`/`const`): a missing value is `null`. */
  nullable: boolean;
  /** Strings the schema names as values (`enum`, `const`): never read as missing-value tokens. */
  literals: readonly string[];
}

/** What one property schema allows, followed through `$ref`, `anyOf`/`oneOf`/`allOf`, `enum` and `const`. */
interface Allowed {
  /** JSON types allowed (`integer` included in `number` is kept apart); undefined = any type. */
  types: Set<string> | undefined;
  literals: unknown[];
}

const MAX_DEPTH = 20;

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** `#/definitions/x`, `#/$defs/x` (any local JSON pointer) in the schema document. */
function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function intersect(a: Set<string> | undefined, b: Set<string> | undefined): Set<string> | undefined {
  if (!a) return b;
  if (!b) return a;
  const out = new Set<string>();
  for (const t of a) {
    if (b.has(t)) out.add(t);
    // integer ⊂ number
    else if (t === 'integer' && b.has('number')) out.add('integer');
    else if (t === 'number' && b.has('integer')) out.add('integer');
  }
  return out;
}

function allowed(prop: unknown, root: unknown, depth = 0): Allowed {
  if (typeof prop !== 'object' || prop === null || depth > MAX_DEPTH)
    return { types: undefined, literals: [] };
  const p = prop as Record<string, unknown>;
  let types: Set<string> | undefined;
  const literals: unknown[] = [];
  if (typeof p.type === 'string') types = new Set([p.type]);
  else if (Array.isArray(p.type)) types = new Set(p.type.filter((t): t is string => typeof t === 'string'));
  const values = Array.isArray(p.enum) ? p.enum : 'const' in p ? [p.const] : undefined;
  if (values) {
    literals.push(...values);
    types = intersect(types, new Set(values.map(jsonType)));
  }
  if (typeof p.$ref === 'string') {
    const target = allowed(resolveRef(root, p.$ref), root, depth + 1);
    types = intersect(types, target.types);
    literals.push(...target.literals);
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = p[key];
    if (!Array.isArray(branches)) continue;
    let union: Set<string> | undefined = new Set();
    for (const b of branches) {
      const a = allowed(b, root, depth + 1);
      literals.push(...a.literals);
      if (!a.types) union = undefined;
      else if (union) for (const t of a.types) union.add(t);
    }
    types = intersect(types, union);
  }
  if (Array.isArray(p.allOf)) {
    for (const b of p.allOf) {
      const a = allowed(b, root, depth + 1);
      literals.push(...a.literals);
      types = intersect(types, a.types);
    }
  }
  return { types, literals };
}

function valueType(types: Set<string> | undefined): ValueType {
  if (!types) return 'any';
  // integer ⊂ number: a column that takes any number reads text as a number.
  if (types.has('number')) return 'number';
  if (types.has('integer')) return 'integer';
  if (types.has('boolean')) return 'boolean';
  if (types.has('string')) return 'string';
  return 'any';
}

export function kindOf(type: ValueType): ColumnKind {
  return type === 'integer' || type === 'number' ? 'numeric' : 'categorical';
}

/** The properties and `required` names of a record schema, through a top-level `$ref` and `allOf`. */
function recordShape(
  node: unknown,
  root: unknown,
  props: Map<string, unknown[]>,
  required: Set<string>,
  depth = 0,
): void {
  if (typeof node !== 'object' || node === null || depth > MAX_DEPTH) return;
  const s = node as Record<string, unknown>;
  if (typeof s.properties === 'object' && s.properties !== null) {
    for (const [name, prop] of Object.entries(s.properties as Record<string, unknown>)) {
      const list = props.get(name);
      if (list) list.push(prop);
      else props.set(name, [prop]);
    }
  }
  if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string') required.add(r);
  if (typeof s.$ref === 'string') recordShape(resolveRef(root, s.$ref), root, props, required, depth + 1);
  if (Array.isArray(s.allOf)) for (const b of s.allOf) recordShape(b, root, props, required, depth + 1);
}

/**
 * The top-level columns a record schema declares, in schema order, each with the type its CSV text
 * is converted to. The type is read wherever the schema writes it: `type` (a list too), `enum` and
 * `const`, `$ref` to a local definition, and `anyOf`/`oneOf`/`allOf` branches.
 */
export function schemaColumns(schema: JsonSchema): SchemaColumn[] {
  const props = new Map<string, unknown[]>();
  const required = new Set<string>();
  recordShape(schema, schema, props, required);
  return [...props].map(([name, list]) => {
    const a = allowed({ allOf: list }, schema);
    const type = valueType(a.types);
    return {
      name,
      type,
      kind: kindOf(type),
      required: required.has(name),
      nullable: a.types?.has('null') ?? false,
      literals: a.literals.filter((v): v is string => typeof v === 'string'),
    };
  });
}

export type Coercer = (raw: string) => unknown;

/**
 * The decimal numbers CSV text may hold: an optional sign, digits with an optional fraction (`12`,
 * `12.5`, `12.`, `.5`) and an optional exponent (`1e6`, `2.5E-3`). Not `Infinity`, `NaN`, hex
 * (`0x1F`), binary or octal literals, digit separators (`1_000`, `1,000`) or surrounding spaces.
 */
export const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The value of decimal text (see {@link DECIMAL}), or undefined when it is not one or overflows. */
export function parseDecimal(raw: string): number | undefined {
  if (!DECIMAL.test(raw)) return undefined;
  const n = +raw;
  return n - n === 0 ? n : undefined;
}

/** Integers beyond this size (2^53 − 1) are not all representable: they cannot be held exactly. */
export const MAX_EXACT_INTEGER = Number.MAX_SAFE_INTEGER;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function slowNumber(raw: string): unknown {
  return parseDecimal(raw) ?? raw;
}

/**
 * Decimal text → number; anything else stays text (so the schema check names it). Plain decimals
 * of up to 15 digits (nearly all CSV numbers) take a fast path: the digits form an integer below
 * 2^53 and one division by an exact power of ten is correctly rounded, so the result is the same
 * double `+raw` gives. The rest (a `+` sign, exponents, long mantissas, and everything that is not
 * a decimal) goes through {@link parseDecimal}.
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

/**
 * Like {@link toNumber}, but an integer beyond ±(2^53 − 1) stays text: converting it could round it
 * (`9007199254740993` would become `…992`), so the schema check reports it instead.
 */
export const toInteger: Coercer = (raw) => {
  const v = toNumber(raw);
  return typeof v === 'number' && (v > MAX_EXACT_INTEGER || v < -MAX_EXACT_INTEGER) ? raw : v;
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
  if (type === 'integer') return toInteger;
  if (type === 'number') return toNumber;
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

/**
 * A JSON Lines value that JSON cannot hold, kept as written so the schema check rejects it and the
 * error shows it: a non-finite number token (`NaN`, `Infinity`, `-Infinity`, as Python's `json`
 * writes them) or an integer literal beyond ±(2^53 − 1) in a column that must be an exact integer.
 */
export class RawToken {
  constructor(
    /** The token as written. */
    readonly text: string,
    readonly kind: 'non-finite' | 'big-integer',
  ) {}

  toJSON(): string {
    return this.text;
  }
}
