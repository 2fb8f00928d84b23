// Reading one large Parquet file on two cores: this thread reads the first half of its rows (and
// hashes the file) while a worker thread reads the rest (parquet-part.ts, in the same worker bundle
// as the CSV parts); then the worker's tallies, errors and column profiles are taken in after this
// thread's. Rows are cut at a row group boundary near the middle, else at the middle row; the
// worker skips the pages before its first row without decoding them. Unlike a CSV cut, a row
// number is exact: nothing to verify. If the worker fails, this thread reads its rows too. Both
// halves are read by processors made alike (partProcessor), then taken into the caller's in order.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileMetaData } from 'hyparquet';
import type { RecordProcessor } from '../processor.js';
import { partProcessor } from './csv-part.js';
import { parquetFooter, readParquet } from './parquet.js';
import { PARQUET_PART_JOB, type ParquetPartJob, type ParquetPartResult } from './parquet-part.js';
import type { DataSource, SourceStats } from './source.js';
import { runPart, splitWorker, type SplitOptions } from './split.js';

export type ParquetSplitOptions = Pick<
  SplitOptions,
  | 'schema'
  | 'schemaWhere'
  | 'keepErrors'
  | 'reference'
  | 'maxRecordLength'
  | 'workDir'
  | 'minBytes'
  | 'signal'
  | 'log'
  | 'workerScript'
>;

/**
 * Where the second thread starts: the row group boundary nearest the middle when one is within an
 * eighth of the rows of it (no page is then decoded twice), else the middle row.
 */
export function cutRow(metadata: FileMetaData): number {
  const total = Number(metadata.num_rows);
  let best = Math.floor(total / 2);
  let distance = total / 8;
  let start = 0;
  for (const group of metadata.row_groups) {
    const d = Math.abs(start - total / 2);
    if (start > 0 && d <= distance) {
      best = start;
      distance = d;
    }
    start += Number(group.num_rows);
  }
  return best;
}

/**
 * Read a local Parquet file into `proc` on two threads. Returns undefined (and leaves `proc`
 * untouched) when the file is small, the machine has one core, or the code is not bundled: the
 * caller then reads it on one thread.
 */
export async function readParquetSplit(
  source: DataSource,
  proc: RecordProcessor,
  opts: ParquetSplitOptions,
): Promise<SourceStats | undefined> {
  const worker = splitWorker(source, opts);
  if (!worker) return undefined;
  const { script, path } = worker;
  const file = source.workspacePath ?? source.uri;
  const metadata = await parquetFooter(path, file);
  const total = Number(metadata.num_rows);
  const cut = cutRow(metadata);
  if (cut === 0 || cut >= total) return undefined;
  const logs = [
    join(opts.workDir, 'errors-part-1.jsonl'),
    join(opts.workDir, 'errors-part-2.jsonl'),
  ] as const;
  const errorLog = logs[1];
  const job: ParquetPartJob = {
    kind: PARQUET_PART_JOB,
    path,
    file,
    size: source.size,
    start: cut,
    end: total,
    schema: opts.schema,
    schemaWhere: opts.schemaWhere,
    reference: opts.reference,
    keepErrors: opts.keepErrors,
    maxRecordLength: opts.maxRecordLength,
    errorLog,
    known: proc.columnNames.map((name) => ({
      name,
      type: proc.accumulator(name).kind === 'numeric' ? 'number' : 'string',
    })),
  };
  const log = opts.log ?? ((): void => undefined);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const part = runPart<ParquetPartResult>(script, job, stop.signal);
  part.catch(() => undefined);
  const read = { maxRecordLength: opts.maxRecordLength, signal: opts.signal };
  // Made as the worker makes its own (and seeded with the same columns): the halves check and
  // report records alike.
  const { proc: firstHalf } = partProcessor({ ...opts, file, errorLog: logs[0] });
  for (const k of job.known) firstHalf.accumulator(k.name, k.type);
  try {
    const first = await readParquet(source, firstHalf, { ...read, rows: { start: 0, end: cut } });
    let second: Extract<ParquetPartResult, { ok: true }> | undefined;
    let rows = first.rows;
    try {
      second = await part;
      rows += second.rows;
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      log(`${file}: the second thread failed (${(err as Error).message}): reading its rows on this one`);
      const rest = await readParquet(source, firstHalf, {
        ...read,
        rows: { start: cut, end: total },
        hash: false,
      });
      rows += rest.rows;
    }
    firstHalf.finish();
    proc.absorb(firstHalf.snapshot(), 0, logs[0]);
    if (second) {
      proc.absorb(second.snapshot, 0, logs[1]);
      log(`${file}: read on two threads (rows ${cut + 1} to ${total} on the second)`);
    }
    return { ...first, rows };
  } finally {
    stop.abort();
    opts.signal?.removeEventListener('abort', onAbort);
    firstHalf.finish();
    await Promise.allSettled([part]);
    await Promise.all(logs.map((l) => rm(l, { force: true })));
  }
}
