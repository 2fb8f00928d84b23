// The JSON Schema of Parquet columns, from the file's own types and what its values turned out to
// hold: what `--infer` writes for Parquet data, so that the data it was inferred from passes it.
import type { JsonSchema } from '@modelship/core';
import type { LeafKind, Shape } from './parquet-values.js';

function leafSchema(kind: LeafKind): JsonSchema {
  switch (kind.kind) {
    case 'decimal':
    case 'float':
      return { type: 'number' };
    case 'int64':
    case 'integer':
      return { type: 'integer' };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'timestamp':
      // A local timestamp has no offset: RFC 3339's date-time requires one, ISO 8601 does not.
      return { type: 'string', format: kind.utc ? 'date-time' : 'iso-date-time' };
    case 'time':
      return { type: 'string', format: kind.utc ? 'time' : 'iso-time' };
    case 'string':
      return kind.format ? { type: 'string', format: kind.format } : { type: 'string' };
    default:
      return {};
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Admit null besides the schema's type (a list element or map value that was null). */
function nullable(s: JsonSchema): JsonSchema {
  if (s.type === undefined) return s;
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  return { ...s, type: [...types, 'null'] };
}

/** The JSON Schema one value of this shape satisfies, as read (see parquet-values.ts). */
export function shapeSchema(shape: Shape): JsonSchema {
  const { notes } = shape;
  switch (shape.type) {
    case 'leaf': {
      const base = leafSchema(shape.leaf!);
      if (notes.exactText) {
        // Kept as exact decimal text: too large (or long) for a double.
        const pattern = base.type === 'integer' ? '^-?[0-9]+$' : '^-?[0-9]+(\\.[0-9]+)?$';
        return { type: [base.type as string, 'string'], pattern };
      }
      if (notes.nonFinite.size > 0) {
        const seen = [...notes.nonFinite].sort().map(escapeRegExp).join('|');
        return { type: ['number', 'string'], pattern: `^(${seen})$` };
      }
      return base;
    }
    case 'repeated':
      return { type: 'array', items: shapeSchema({ ...shape, type: 'leaf' }) };
    case 'list': {
      const element = shape.children[0]!;
      const items = shapeSchema(element);
      return { type: 'array', items: element.notes.nulls ? nullable(items) : items };
    }
    case 'map': {
      const value = shape.children[0]!;
      const values = shapeSchema(value);
      return { type: 'object', additionalProperties: value.notes.nulls ? nullable(values) : values };
    }
    case 'struct': {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const child of shape.children) {
        const name = child.tree.element.name;
        properties[name] = shapeSchema(child);
        if (!child.notes.nulls) required.push(name);
      }
      return { type: 'object', properties, required, additionalProperties: false };
    }
    default:
      return {};
  }
}

/**
 * Collects the column types of every Parquet file read, to refine a schema inferred from values:
 * the file says what a column is (a DOUBLE column of whole numbers is still `number`, a string
 * column of digits still `string`, a list an `array`), which values alone cannot.
 */
export class ParquetTypes {
  private readonly columns = new Map<string, JsonSchema | null>();

  /** Note the columns of one file, after it was read (its shapes hold what its values held). */
  add(shapes: readonly Shape[]): void {
    for (const shape of shapes) {
      const name = shape.tree.element.name;
      const schema = shapeSchema(shape);
      const known = this.columns.get(name);
      // Files that disagree on a column leave it to the values.
      if (known === undefined) this.columns.set(name, schema);
      else if (known !== null && JSON.stringify(known) !== JSON.stringify(schema))
        this.columns.set(name, null);
    }
  }

  /**
   * The inferred schema with every Parquet column typed as its files declare it (plus the `enum`
   * inferred for a plain string column), columns that were always null included.
   */
  refine(schema: JsonSchema): JsonSchema {
    if (this.columns.size === 0) return schema;
    const inferred = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const properties: Record<string, JsonSchema> = { ...inferred };
    for (const [name, typed] of this.columns) {
      if (!typed) continue;
      const seen = inferred[name];
      const plainString = typed.type === 'string' && typed.format === undefined;
      properties[name] = plainString && seen?.enum ? { ...typed, enum: seen.enum } : typed;
    }
    return { ...schema, properties };
  }
}
