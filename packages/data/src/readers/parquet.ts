// Reading a Parquet file in bounded memory: each row group is read page by page, one page per
// column in memory at a time (parquet-pages.ts), and records are built for the rows that every
// column has at hand, a window at a time. Values arrive as what they mean (parquet-values.ts).
import { open } from 'node:fs/promises';
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetSchema,
  type DecodedArray,
  type FileMetaData,
  type SchemaTree,
} from 'hyparquet';
import { assembleNested } from 'hyparquet/src/assemble.js';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { getTreePath } from 'hyparquet/src/schema.js';
import { ConfigError } from '@modelship/core/errors';
import { recordFactory } from '../columns.js';
import type { RecordProcessor } from '../processor.js';
import type { ColumnAccumulator } from '@modelship/stats';
import { emptyFile } from './csv.js';
import { fingerprintFile } from './meter.js';
import { decoderFor, PageStream } from './parquet-pages.js';
import type { ParquetTypes } from './parquet-schema.js';
import { leafConverter, shapeConverter, shapeOf, type Shape } from './parquet-values.js';
import type { DataSource, ReadOptions, SourceStats } from './source.js';

/** One top-level column: its shape, and the page streams of its leaves in the current row group. */
interface Column {
  name: string;
  shape: Shape;
  flat: boolean;
  /** Converts an assembled nested value (a flat column's values are converted as they are taken). */
  convert: (v: unknown) => unknown;
  leaves: PageStream[];
}

function columnsOf(metadata: FileMetaData): { tree: SchemaTree; columns: Column[] } {
  const tree = parquetSchema(metadata);
  const columns = tree.children.map((child): Column => {
    const shape = shapeOf(child);
    return {
      name: child.element.name,
      shape,
      flat: shape.type === 'leaf',
      convert: shapeConverter(shape),
      leaves: [],
    };
  });
  return { tree, columns };
}

function unreadable(where: string, err: unknown): ConfigError {
  let message = (err as Error).message.replace(/^parquet /, '');
  const codec = /unsupported compression codec: (\w+)/.exec(message)?.[1];
  if (codec)
    message += ` (this reader has snappy, gzip and brotli${codec === 'ZSTD' ? ', and zstd from Node 22.15 on' : ''})`;
  return new ConfigError(`not a readable Parquet file: ${message}`, where, { cause: err });
}

export interface ParquetReadOptions extends ReadOptions {
  /** Learns the columns' types (schema inference). */
  types?: ParquetTypes;
  /** Read only these rows, [start, end) of the file (row numbers stay those of the file). */
  rows?: { start: number; end: number };
  /** Skip the fingerprint (whoever split the file hashes it). */
  hash?: boolean;
}

/** The footer of a Parquet file, or a ConfigError naming the file. */
export async function parquetFooter(path: string, where: string): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(await asyncBufferFromFile(path));
  } catch (err) {
    throw unreadable(where, err);
  }
}

/**
 * Read a Parquet file (or some of its rows) into the processor, in bounded memory: row groups one
 * after another, each page by page.
 */
export async function readParquet(
  source: DataSource,
  proc: RecordProcessor,
  opts: ParquetReadOptions,
): Promise<SourceStats> {
  const where = source.workspacePath ?? source.uri;
  if (!source.localPath) throw new Error(`parquet source ${source.uri} has no local copy`);
  if (source.size === 0) throw emptyFile(source);
  const { sha256, bytes } =
    opts.hash === false
      ? { sha256: '', bytes: source.size }
      : await fingerprintFile(source.localPath, opts.signal);
  const metadata = await parquetFooter(source.localPath, where);
  const { tree, columns } = columnsOf(metadata);
  const names = columns.map((c) => c.name);
  // One record object, refilled for every row: the schema check and the profile keep none of it,
  // and a million short-lived records would push the pages they are read from into the old heap.
  const rec = recordFactory(names)([]);
  const fill = rowFiller(names);
  // Numeric columns outside the schema are profiled as numbers.
  const accs: ColumnAccumulator[] = columns.map((c) =>
    proc.accumulator(
      c.name,
      c.flat && ['float', 'decimal', 'int64', 'integer'].includes(c.shape.leaf!.kind) ? 'number' : 'string',
    ),
  );
  const known = new Set(names);
  // Columns of the schema (or of earlier files) that this file lacks: missing in every row.
  const absent = proc.columnNames.filter((n) => !known.has(n)).map((n) => proc.accumulator(n));
  // Per column, for the current window: a flat column's page stream, or a nested column's values.
  const flat = new Array<PageStream | undefined>(columns.length);
  const nested = new Array<unknown[] | undefined>(columns.length);
  const fh = await open(source.localPath, 'r');
  let rowStart = 0;
  let read = 0;
  try {
    for (const group of metadata.row_groups) {
      const groupRows = Number(group.num_rows);
      const first = opts.rows ? Math.max(0, opts.rows.start - rowStart) : 0;
      const last = opts.rows ? Math.min(groupRows, opts.rows.end - rowStart) : groupRows;
      if (last <= first) {
        rowStart += groupRows;
        continue;
      }
      for (const c of columns) c.leaves = [];
      for (const chunk of group.columns) {
        const meta = chunk.meta_data;
        if (!meta) throw unreadable(where, new Error('column chunk without metadata'));
        const schemaPath = getTreePath(tree, meta.path_in_schema);
        const column = columns.find((c) => c.name === meta.path_in_schema[0])!;
        const convertFlat = column.flat ? leafConverter(column.shape.leaf!, column.shape.notes) : undefined;
        column.leaves.push(new PageStream(fh, meta, decoderFor(meta, schemaPath), convertFlat));
      }
      let pos = first;
      while (pos < last) {
        if (opts.signal?.aborted) throw new Error('cancelled');
        // Every leaf holds the row at `pos`; the window is what they all hold.
        let end = last;
        for (const c of columns) {
          for (const leaf of c.leaves) {
            try {
              if (pos === first && first > 0) await leaf.skipTo(first);
              while (leaf.end <= pos && !leaf.done) await leaf.next();
            } catch (err) {
              throw unreadable(where, err);
            }
            if (leaf.end <= pos)
              throw unreadable(where, new Error(`column ${c.name} has fewer values than rows`));
            if (leaf.end < end) end = leaf.end;
          }
        }
        for (let j = 0; j < columns.length; j++) {
          const c = columns[j]!;
          flat[j] = c.flat ? c.leaves[0]! : undefined;
          nested[j] = c.flat ? [] : window(c, pos, end);
        }
        const n = end - pos;
        for (let i = 0; i < n; i++) {
          fill(rec, flat, nested, accs, i);
          for (const acc of absent) acc.addMissing();
          proc.record(rec, rowStart + pos + i + 1);
        }
        read += end - pos;
        pos = end;
      }
      rowStart += groupRows;
    }
  } finally {
    await fh.close();
  }
  opts.types?.add(columns.map((c) => c.shape));
  return { uri: source.uri, sha256, bytes, rows: read };
}

/** Fills a record with row `i` of the window, profiling each value on the way. */
type RowFill = (
  rec: Record<string, unknown>,
  flat: readonly (PageStream | undefined)[],
  nested: readonly (unknown[] | undefined)[],
  accs: readonly ColumnAccumulator[],
  i: number,
) => void;

/**
 * The row filler of a file's columns, generated (as recordFactory is) so that each value goes
 * straight into its field: no array of values in between, no number boxed on the way.
 */
function rowFiller(names: readonly string[]): RowFill {
  if (names.some((n) => n === '__proto__') || new Set(names).size !== names.length || names.length > 500)
    return (rec, flat, nested, accs, i) =>
      names.forEach((name, j) => {
        const v = flat[j] !== undefined ? flat[j].take() : nested[j]![i];
        rec[name] = v;
        if (v === undefined) accs[j]!.addMissing();
        else accs[j]!.add(v);
      });
  const body = names
    .map(
      (name, j) =>
        `v = f[${j}] !== undefined ? f[${j}].take() : n[${j}][i]; r[${JSON.stringify(name)}] = v; ` +
        `if (v === undefined) a[${j}].addMissing(); else a[${j}].add(v);`,
    )
    .join('\n');
  return new Function('r', 'f', 'n', 'a', 'i', `let v;\n${body}`) as RowFill;
}

/** A nested column's values for rows [pos, end) of the row group (undefined for null), converted. */
function window(c: Column, pos: number, end: number): unknown[] {
  // hyparquet's assembly of nested values (lists, maps, structs) from the leaves' rows.
  const parts = new Map<string, unknown[]>();
  for (const leaf of c.leaves)
    parts.set(leaf.path, Array.prototype.slice.call(leaf.page, pos - leaf.pageStart, end - leaf.pageStart));
  assembleNested(parts as Map<string, DecodedArray>, c.shape.tree, DEFAULT_PARSERS);
  const assembled = parts.get(c.name) ?? [];
  const out = new Array<unknown>(end - pos);
  for (let i = 0; i < out.length; i++) out[i] = c.convert(assembled[i]);
  return out;
}
