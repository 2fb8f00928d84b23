import type { JsonSchema } from '@modelship/core';
import { MAX_EXACT_INTEGER, parseDecimal, RawToken } from './columns.js';

interface Observed {
  seen: number;
  integer: boolean;
  number: boolean;
  boolean: boolean;
  values: Set<string> | undefined;
  /** JSON types of typed (JSON Lines, Parquet) values: a column may mix them, or hold arrays and objects. */
  json: Set<string>;
}

const MAX_ENUM = 20;
const BOOLEAN_TEXT = new Set(['true', 'false', 'TRUE', 'FALSE', 'True', 'False']);

/**
 * Text that is an identifier rather than a quantity, though made of digits: a leading zero
 * (`00123`, `-042`) or an integer of more than 15 digits (account numbers, long IDs), which a
 * number could not hold exactly.
 */
export function looksLikeIdentifier(text: string): boolean {
  const unsigned = text.charCodeAt(0) === 45 || text.charCodeAt(0) === 43 ? text.slice(1) : text;
  if (/^0\d/.test(unsigned)) return true;
  return /^\d{16,}$/.test(unsigned);
}

/**
 * Watches records go by and derives a JSON Schema for them: the narrowest type every value fits
 * (integer ⊂ number; CSV text counts as the type it converts to, by the same decimal grammar the
 * CSV reader uses), `required` for columns never missing, a nullable type for the others, and
 * `enum` for low-cardinality text columns.
 */
export class SchemaInferrer {
  private readonly columns = new Map<string, Observed>();
  private readonly order: string[] = [];
  rows = 0;

  /** Take in one record; `text`: its values are CSV text (else typed JSON / Parquet values). */
  observe(rec: Record<string, unknown>, text = true): void {
    this.rows++;
    for (const key in rec) {
      const v = rec[key];
      // Registered on first sight, missing or not: the schema keeps the data's column order.
      let o = this.columns.get(key);
      if (!o) {
        o = { seen: 0, integer: true, number: true, boolean: true, values: new Set(), json: new Set() };
        this.columns.set(key, o);
        this.order.push(key);
      }
      if (v === undefined || v === null || (text && v === '')) continue;
      o.seen++;
      if (!text) o.json.add(Array.isArray(v) ? 'array' : v instanceof RawToken ? 'number' : typeof v);
      if (typeof v === 'number') {
        o.boolean = false;
        o.values = undefined;
        if (!Number.isInteger(v) || Math.abs(v) > MAX_EXACT_INTEGER) o.integer = false;
      } else if (typeof v === 'boolean') {
        o.integer = o.number = false;
        o.values = undefined;
      } else if (typeof v === 'string') {
        if (text) {
          const n = parseDecimal(v);
          if (n === undefined || looksLikeIdentifier(v)) o.integer = o.number = false;
          else if (!Number.isInteger(n) || Math.abs(n) > MAX_EXACT_INTEGER) o.integer = false;
          if (!BOOLEAN_TEXT.has(v)) o.boolean = false;
        } else o.integer = o.number = o.boolean = false;
        if (o.values) {
          o.values.add(v);
          if (o.values.size > MAX_ENUM) o.values = undefined;
        }
      } else if (v instanceof RawToken) {
        // A JSON integer too large to hold exactly, or NaN/Infinity: a number, not an integer (the
        // check then rejects NaN and Infinity).
        o.integer = o.boolean = false;
        o.values = undefined;
      } else {
        o.integer = o.number = o.boolean = false;
        o.values = undefined;
      }
    }
  }

  schema(title: string): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const name of this.order) {
      const o = this.columns.get(name)!;
      // Missing in some records: not required, and null is a value it may take.
      const nullable = o.seen < this.rows;
      const type = (t: string): string | string[] => (nullable ? [t, 'null'] : t);
      // Typed values of several JSON types, or arrays and objects: each type the data held.
      const held = [...o.json].filter((t) => t !== 'string' || o.json.size > 1);
      const mixed = o.json.has('array') || o.json.has('object') || o.json.size > 1;
      let prop: JsonSchema;
      if (o.seen === 0)
        prop = {}; // never holds a value: nothing to say about its type
      else if (mixed) {
        const types = [...new Set(held.map((t) => (t === 'number' && o.integer ? 'integer' : t)))].sort();
        prop = { type: nullable ? [...types, 'null'] : types.length === 1 ? types[0] : types };
      } else if (o.integer) prop = { type: type('integer') };
      else if (o.number) prop = { type: type('number') };
      else if (o.boolean) prop = { type: type('boolean') };
      else if (o.values && o.values.size > 0 && o.seen >= 10 * o.values.size) {
        const values: (string | null)[] = [...o.values].sort();
        prop = { type: type('string'), enum: nullable ? [...values, null] : values };
      } else prop = { type: type('string') };
      properties[name] = prop;
      if (!nullable) required.push(name);
    }
    return {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title,
      description: `Inferred by modelship from ${this.rows} records; review before relying on it.`,
      type: 'object',
      properties,
      required,
      additionalProperties: false,
    };
  }
}
