// One part of a data file, read on a worker thread (see split.ts, parquet-split.ts). This module
// and its imports make up the small worker bundle (`csv-worker/index.js` beside each bundle that
// reads CSV), so it takes core by subpath: no AWS clients to load in the worker.
import { createReadStream } from 'node:fs';
import { ConfigError } from '@modelship/core/errors';
import type { JsonSchema } from '@modelship/core/schema';
import { schemaColumns, type SchemaColumn } from '../columns.js';
import type { ColumnReference } from '@modelship/stats';
import { RecordProcessor, type ProcessorSnapshot } from '../processor.js';
import { compileRecordSchema } from '../record-schema.js';
import { readCsv, type CsvEnd } from './csv.js';
import { lineOfByte, READ_SIZE } from './meter.js';
import type { DataSource } from './source.js';

export const CSV_PART_JOB = 'modelship-csv-part';

/** What every part job carries: the file, the schema, where the errors go. */
export interface PartBase {
  path: string;
  /** Names the file in errors. */
  file: string;
  schema: JsonSchema;
  schemaWhere: string;
  keepErrors: number;
  maxRecordLength: number;
  errorLog: string;
  /** Reference edges of numeric columns (see ProcessorOptions). */
  reference?: ReadonlyMap<string, ColumnReference>;
}

export interface PartJob extends PartBase {
  kind: typeof CSV_PART_JOB;
  start: number;
  end: number;
  header: string[];
  firstLine: number;
}

/** A part that could not be read: the error, as plain data. */
export type PartFailure = { ok: false; message: string; where?: string; config: boolean };

export type PartResult =
  { ok: true; snapshot: ProcessorSnapshot; lines: number; end: CsvEnd; rows: number } | PartFailure;

/**
 * The processor of one part of a file, on either thread: the schema compiled from the job the same
 * way for every part (compileRecordSchema: every error of a row), so the parts' answers are the
 * one-thread answer by construction.
 */
export function partProcessor(
  job: Pick<PartBase, 'file' | 'schema' | 'schemaWhere' | 'keepErrors' | 'errorLog' | 'reference'>,
): { proc: RecordProcessor; columns: SchemaColumn[] } {
  const columns = schemaColumns(job.schema);
  const validate = compileRecordSchema(job.schema, job.schemaWhere);
  const proc = new RecordProcessor(validate, columns, {
    keepErrors: job.keepErrors,
    errorLog: job.errorLog,
    reference: job.reference,
  });
  proc.file = job.file;
  return { proc, columns };
}

/**
 * Check and profile a part of a file with a processor of its own (`read` fills it) and hand back
 * everything learned, or the error.
 */
export async function readPart<T extends object>(
  job: PartBase,
  read: (proc: RecordProcessor, columns: readonly SchemaColumn[]) => Promise<T>,
): Promise<({ ok: true; snapshot: ProcessorSnapshot } & T) | PartFailure> {
  try {
    const { proc, columns } = partProcessor(job);
    const learned = await read(proc, columns);
    const snapshot = proc.snapshot();
    proc.finish();
    return { ok: true, snapshot, ...learned };
  } catch (err) {
    const config = err instanceof ConfigError;
    return { ok: false, message: (err as Error).message, where: config ? err.where : undefined, config };
  }
}

/** Read bytes [start, end) of a CSV file (header given) and hand back everything learned. */
export function readCsvPart(job: PartJob): Promise<PartResult> {
  return readPart(job, async (proc, columns) => {
    const source: DataSource = {
      uri: job.file,
      workspacePath: job.file,
      format: 'csv',
      size: job.end - job.start,
      localPath: job.path,
      open: async () =>
        createReadStream(job.path, { start: job.start, end: job.end - 1, highWaterMark: READ_SIZE }),
    };
    const stats = await readCsv(source, proc, columns, {
      maxRecordLength: job.maxRecordLength,
      header: job.header,
      firstLine: job.firstLine,
      hash: false,
      // A decoding error's line counts from the start of the file, not of the part.
      locateLine: (offset) =>
        lineOfByte(createReadStream(job.path, { end: job.start + offset }), false, job.start + offset),
    });
    return { lines: stats.lines, end: stats.end, rows: stats.rows };
  });
}
