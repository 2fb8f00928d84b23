import type { JsonSchema } from '@modelship/core';

interface Observed {
  seen: number;
  integer: boolean;
  number: boolean;
  boolean: boolean;
  values: Set<string> | undefined;
}

const MAX_ENUM = 20;
const BOOLEAN_TEXT = new Set(['true', 'false', 'TRUE', 'FALSE', 'True', 'False']);

/**
 * Watches records go by and derives a JSON Schema for them: the narrowest type every value fits
 * (integer ⊂ number; CSV text counts as the type it converts to), `required` for columns never
 * missing, and `enum` for low-cardinality text columns.
 */
export class SchemaInferrer {
  private readonly columns = new Map<string, Observed>();
  private readonly order: string[] = [];
  rows = 0;

  observe(rec: Record<string, unknown>): void {
    this.rows++;
    for (const key in rec) {
      const v = rec[key];
      if (v === undefined || v === null || v === '') continue;
      let o = this.columns.get(key);
      if (!o) {
        o = { seen: 0, integer: true, number: true, boolean: true, values: new Set() };
        this.columns.set(key, o);
        this.order.push(key);
      }
      o.seen++;
      if (typeof v === 'number') {
        o.boolean = false;
        if (!Number.isInteger(v)) o.integer = false;
      } else if (typeof v === 'boolean') {
        o.integer = o.number = false;
      } else if (typeof v === 'string') {
        const n = +v;
        if (!(n === n && v.trim() !== '')) o.integer = o.number = false;
        else if (!Number.isInteger(n)) o.integer = false;
        if (!BOOLEAN_TEXT.has(v)) o.boolean = false;
        if (o.values) {
          o.values.add(v);
          if (o.values.size > MAX_ENUM) o.values = undefined;
        }
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
      let prop: JsonSchema;
      if (o.integer) prop = { type: 'integer' };
      else if (o.number) prop = { type: 'number' };
      else if (o.boolean) prop = { type: 'boolean' };
      else if (o.values && o.values.size > 0 && o.seen >= 10 * o.values.size) {
        prop = { type: 'string', enum: [...o.values].sort() };
      } else prop = { type: 'string' };
      properties[name] = prop;
      if (o.seen === this.rows) required.push(name);
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
