// Parquet values → the plain JSON values a record schema is written for. The decoder (hyparquet)
// hands over raw values for every logical type this module formats (see `decoderFor` in
// parquet-pages.ts): days, counts of time units, unscaled decimals. Here they become what they mean:
//
//   DATE                 '2024-01-15'
//   TIMESTAMP            '2024-01-15T10:30:00.123456Z' (UTC-adjusted), '2024-01-15T10:30:00.123456'
//                        (local: no offset), with the unit's digits (ms 3, µs 6, ns 9), never rounded
//   TIME                 '10:30:00.500000' (+ 'Z' when UTC-adjusted)
//   DECIMAL              the number its decimal text denotes (123.45, as JSON would give it); a value
//                        that a double cannot print back exactly (over 15 significant digits, mostly)
//                        stays its exact decimal text: '12345678901234567890.123456789'
//   INT64, UINT64        a number when it is a safe integer (|v| < 2^53), else its exact decimal text
//   FLOAT, DOUBLE        NaN and ±infinity become the text 'NaN', 'Infinity', '-Infinity': not JSON
//                        numbers, so a `type: number` column reports them
//   list, map, struct    arrays and objects of converted values; a null list element stays null, a
//                        null struct field is left out (as a null column is)
import type { SchemaElement, SchemaTree } from 'hyparquet';

export type Convert = (raw: unknown) => unknown;

/** What a column's values turned out to hold, per schema node: what an inferred schema must admit. */
export interface ValueNotes {
  /** A null was seen here (a list element, a struct field, a map value). */
  nulls: boolean;
  /** A value was kept as exact text (a large INT64, a long DECIMAL). */
  exactText: boolean;
  /** Non-finite floats seen, as written: 'NaN', 'Infinity', '-Infinity'. */
  nonFinite: Set<string>;
}

/** The kind of value a leaf column holds once converted. */
export type LeafKind =
  | { kind: 'decimal'; scale: number }
  | { kind: 'date' }
  | { kind: 'timestamp'; unit: TimeUnit; utc: boolean }
  | { kind: 'time'; unit: TimeUnit; utc: boolean }
  | { kind: 'int64' }
  | { kind: 'float' }
  | { kind: 'integer' }
  | { kind: 'boolean' }
  | { kind: 'string'; format?: 'uuid' }
  | { kind: 'json' }
  | { kind: 'other' };

type TimeUnit = 'MILLIS' | 'MICROS' | 'NANOS';

/** What a leaf column's values are, from its schema element. */
export function leafKind(element: SchemaElement): LeafKind {
  const { type, converted_type: ctype, logical_type: ltype } = element;
  if (ctype === 'DECIMAL' || ltype?.type === 'DECIMAL')
    return { kind: 'decimal', scale: element.scale ?? (ltype?.type === 'DECIMAL' ? ltype.scale : 0) };
  if (ctype === 'DATE' || ltype?.type === 'DATE') return { kind: 'date' };
  if (ltype?.type === 'TIMESTAMP') return { kind: 'timestamp', unit: ltype.unit, utc: ltype.isAdjustedToUTC };
  // The converted types predate local timestamps: they are UTC-adjusted by definition.
  if (ctype === 'TIMESTAMP_MILLIS') return { kind: 'timestamp', unit: 'MILLIS', utc: true };
  if (ctype === 'TIMESTAMP_MICROS') return { kind: 'timestamp', unit: 'MICROS', utc: true };
  // INT96: legacy nanosecond timestamps, read as local times (as pyarrow and Spark's readers do).
  if (type === 'INT96') return { kind: 'timestamp', unit: 'NANOS', utc: false };
  if (ltype?.type === 'TIME') return { kind: 'time', unit: ltype.unit, utc: ltype.isAdjustedToUTC };
  if (ctype === 'TIME_MILLIS') return { kind: 'time', unit: 'MILLIS', utc: true };
  if (ctype === 'TIME_MICROS') return { kind: 'time', unit: 'MICROS', utc: true };
  if (ctype === 'JSON' || ltype?.type === 'JSON') return { kind: 'json' };
  if (ltype?.type === 'UUID') return { kind: 'string', format: 'uuid' };
  if (type === 'INT64') return { kind: 'int64' };
  if (type === 'FLOAT' || type === 'DOUBLE' || ltype?.type === 'FLOAT16') return { kind: 'float' };
  if (type === 'INT32') return { kind: 'integer' };
  if (type === 'BOOLEAN') return { kind: 'boolean' };
  if (type === 'BYTE_ARRAY' || ctype === 'UTF8' || ctype === 'ENUM' || ltype?.type === 'STRING')
    return { kind: 'string' };
  return { kind: 'other' };
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const BIG_POW10: Record<TimeUnit, bigint> = { MILLIS: 1000n, MICROS: 1000000n, NANOS: 1000000000n };
const DIGITS: Record<TimeUnit, number> = { MILLIS: 3, MICROS: 6, NANOS: 9 };
const MAX_DATE_MS = 8.64e15;

/** The exact decimal text of `unscaled × 10^-scale`. */
export function decimalText(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  } else if (scale < 0 && digits !== '0') digits += '0'.repeat(-scale);
  return neg ? `-${digits}` : digits;
}

/**
 * `unscaled × 10^-scale` as the number its decimal text denotes when that number prints back as
 * the same decimal, else as the exact text (noted).
 */
function decimalValue(unscaled: number | bigint, scale: number, notes: ValueNotes): number | string {
  if (typeof unscaled === 'number' && Math.abs(unscaled) < 1e15 && scale >= 0 && scale <= 22) {
    // At most 15 digits: one correctly rounded division gives the nearest double, which prints back.
    return scale ? unscaled / POW10[scale]! : unscaled;
  }
  const big = BigInt(unscaled);
  const text = decimalText(big, scale);
  const n = Number(text);
  const digits = (big < 0n ? -big : big).toString();
  const significant = digits.replace(/0+$/, '');
  if (significant === '') return 0;
  if (significant.length <= 15) return n;
  // Does the shortest text that reads back as n have the same digits and exponent?
  const [mantissa, exponent] = Math.abs(n).toExponential().split('e');
  if (mantissa!.replace('.', '') === significant && Number(exponent) === digits.length - 1 - scale) return n;
  notes.exactText = true;
  return text;
}

/** A big-endian two's-complement integer (FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY decimals). */
function unscaledFromBytes(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  const neg = b[0]! >= 128;
  const ext = neg ? 255 : 0;
  let i = 0;
  while (i < b.length - 6 && b[i] === ext) i++;
  if (b.length - i <= 6) {
    // At most 48 bits after the sign extension: exact in a double.
    let v = 0;
    for (let j = i; j < b.length; j++) v = v * 256 + b[j]!;
    return neg ? v - 2 ** (8 * (b.length - i)) : v;
  }
  let v = 0n;
  for (let j = i; j < b.length; j++) v = (v << 8n) | BigInt(b[j]!);
  return neg ? v - (1n << BigInt(8 * (b.length - i))) : v;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Days since 1970-01-01 → 'YYYY-MM-DD'. */
export function dateText(days: number): string {
  const ms = days * 86400000;
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return String(days);
  return new Date(ms).toISOString().slice(0, -14);
}

/** A count of time units since the epoch → ISO 8601 date-time with all of the unit's digits. */
export function timestampText(count: bigint | number, unit: TimeUnit, utc: boolean): string {
  const per = BIG_POW10[unit];
  const v = BigInt(count);
  let secs = v / per;
  let frac = v % per;
  if (frac < 0n) {
    frac += per;
    secs -= 1n;
  }
  const ms = Number(secs) * 1000;
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return v.toString();
  const iso = new Date(ms).toISOString(); // ...T10:30:00.000Z
  return `${iso.slice(0, -5)}.${frac.toString().padStart(DIGITS[unit], '0')}${utc ? 'Z' : ''}`;
}

/** A count of time units since midnight → 'HH:MM:SS.fraction'. */
export function timeText(count: bigint | number, unit: TimeUnit, utc: boolean): string {
  const per = BIG_POW10[unit];
  const v = BigInt(count);
  const secs = Number(v / per);
  const frac = (v % per).toString().padStart(DIGITS[unit], '0');
  return `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}.${frac}${utc ? 'Z' : ''}`;
}

const textDecoder = new TextDecoder();

/**
 * The converter of one leaf column's values (null stays null), or undefined when they are already
 * plain values (strings, small integers, booleans).
 */
export function leafConverter(kind: LeafKind, notes: ValueNotes): Convert | undefined {
  switch (kind.kind) {
    case 'decimal': {
      const { scale } = kind;
      return (v) => {
        if (v === null || v === undefined) return v;
        const unscaled = v instanceof Uint8Array ? unscaledFromBytes(v) : (v as number | bigint);
        return decimalValue(unscaled, scale, notes);
      };
    }
    case 'date':
      return (v) => (v === null || v === undefined ? v : dateText(v as number));
    case 'timestamp': {
      const { unit, utc } = kind;
      if (unit === 'MILLIS')
        return (v) => {
          if (v === null || v === undefined) return v;
          const ms = Number(v);
          if (!(Math.abs(ms) <= MAX_DATE_MS)) return String(v);
          const iso = new Date(ms).toISOString();
          return utc ? iso : iso.slice(0, -1);
        };
      return (v) => (v === null || v === undefined ? v : timestampText(v as bigint, unit, utc));
    }
    case 'time': {
      const { unit, utc } = kind;
      return (v) => (v === null || v === undefined ? v : timeText(v as bigint | number, unit, utc));
    }
    case 'int64':
      return (v) => {
        if (typeof v !== 'bigint') return v;
        const n = Number(v);
        if (Number.isSafeInteger(n)) return n;
        notes.exactText = true;
        return v.toString();
      };
    case 'float':
      return (v) => {
        if (typeof v !== 'number' || v - v === 0) return v;
        const text = String(v);
        notes.nonFinite.add(text);
        return text;
      };
    case 'string':
      // Unannotated binary columns arrive as bytes when they must (see parquet-pages.ts).
      return (v) => (v instanceof Uint8Array ? textDecoder.decode(v) : v);
    default:
      return undefined;
  }
}

/** A schema node with what its values turned out to hold. */
export interface Shape {
  tree: SchemaTree;
  notes: ValueNotes;
  /** A leaf's kind; undefined for groups. */
  leaf?: LeafKind;
  /** list: its element; map: key and value; struct: its fields. */
  children: Shape[];
  type: 'leaf' | 'list' | 'map' | 'struct' | 'repeated' | 'opaque';
}

function newNotes(): ValueNotes {
  return { nulls: false, exactText: false, nonFinite: new Set() };
}

/** The shape of a column: how hyparquet assembles it (lists, maps, structs), with notes per node. */
export function shapeOf(tree: SchemaTree): Shape {
  const el = tree.element;
  const notes = newNotes();
  if (
    el.logical_type?.type === 'VARIANT' ||
    el.logical_type?.type === 'GEOMETRY' ||
    el.logical_type?.type === 'GEOGRAPHY'
  )
    return { tree, notes, children: [], type: 'opaque' };
  if (tree.children.length === 0) {
    const leaf = leafKind(el);
    return { tree, notes, leaf, children: [], type: el.repetition_type === 'REPEATED' ? 'repeated' : 'leaf' };
  }
  const first = tree.children[0]!;
  const listLike =
    el.converted_type === 'LIST' &&
    tree.children.length === 1 &&
    first.children.length <= 1 &&
    first.element.repetition_type === 'REPEATED';
  if (listLike) {
    const element = first.children.length === 1 ? first.children[0]! : first;
    return { tree, notes, children: [shapeOf(element)], type: 'list' };
  }
  const mapLike =
    el.converted_type === 'MAP' &&
    tree.children.length === 1 &&
    first.children.length === 2 &&
    first.element.repetition_type === 'REPEATED';
  if (mapLike) {
    const value = first.children.find((c) => c.element.name === 'value') ?? first.children[1]!;
    return { tree, notes, children: [shapeOf(value)], type: 'map' };
  }
  if (el.repetition_type === 'REPEATED') return { tree, notes, children: [], type: 'opaque' };
  return { tree, notes, children: tree.children.map(shapeOf), type: 'struct' };
}

/**
 * The converter of an assembled value of this shape (a top-level nested column, or a part of one).
 * Returns undefined for a null; records nulls, exact text and non-finite floats in the shapes' notes.
 */
export function shapeConverter(shape: Shape): (v: unknown) => unknown {
  switch (shape.type) {
    case 'leaf': {
      const conv = leafConverter(shape.leaf!, shape.notes);
      return (v) => (v === null || v === undefined ? undefined : conv ? conv(v) : v);
    }
    case 'repeated': {
      const conv = leafConverter(shape.leaf!, shape.notes);
      return (v) => (Array.isArray(v) ? (conv ? v.map(conv) : v) : undefined);
    }
    case 'list': {
      const element = shape.children[0]!;
      const conv = shapeConverter(element);
      return (v) => {
        if (!Array.isArray(v)) return undefined;
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = conv(v[i]);
          if (x === undefined) element.notes.nulls = true;
          out[i] = x === undefined ? null : x;
        }
        return out;
      };
    }
    case 'map': {
      const value = shape.children[0]!;
      const conv = shapeConverter(value);
      return (v) => {
        if (v === null || typeof v !== 'object') return undefined;
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
          const c = conv(x);
          if (c === undefined) value.notes.nulls = true;
          out[k] = c === undefined ? null : c;
        }
        return out;
      };
    }
    case 'struct': {
      const fields = shape.children.map((c) => [c.tree.element.name, shapeConverter(c), c] as const);
      return (v) => {
        if (v === null || typeof v !== 'object') return undefined;
        const src = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const [name, conv, child] of fields) {
          const c = conv(src[name]);
          if (c === undefined) child.notes.nulls = true;
          else out[name] = c;
        }
        return out;
      };
    }
    default:
      return (v) => (v === null ? undefined : v);
  }
}
