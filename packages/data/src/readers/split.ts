// Reading one large local CSV file on two cores. The file is cut at a line break near its middle;
// this thread reads the first half (and hashes the whole file) while a worker thread reads the
// second, assuming a record starts at the cut. The assumption is checked, not guessed: the first
// half's parser reports where it stood when its input ended (inside a quoted field? with which line
// break?), and the halves are combined only when that parser ended exactly at a record boundary
// with the line break the second half's parser used too. Then the halves' tallies, errors (line
// numbers shifted) and column profiles (merged: they are mergeable by design) are combined; in any
// other case, including any failure of either half, the caller reads the file on one thread, so
// the answer is always the one-thread answer. The worker runs its own entry of the build
// (csv-worker.ts, declared in the step's definition), which loads only the shared chunks it needs.
import { createReadStream } from 'node:fs';
import type { ColumnReference } from '@modelship/stats';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { bundledWorker, ConfigError, type JsonSchema, workerExecArgv } from '@modelship/core';
import type { RecordProcessor } from '../processor.js';
import { readCsv, type CsvEnd } from './csv.js';
import { CSV_PART_JOB, partProcessor, type PartFailure, type PartJob, type PartResult } from './csv-part.js';
import { fingerprintFile, READ_SIZE } from './meter.js';
import type { DataSource, SourceStats } from './source.js';

const PROBE = 1 << 20;

export interface SplitOptions {
  /** Each half compiles it the same way (see `partProcessor`), and takes its columns from it. */
  schema: JsonSchema;
  /** Names the schema in errors. */
  schemaWhere: string;
  keepErrors: number;
  maxRecordLength: number;
  /** Reference edges of numeric columns, for both halves (see ProcessorOptions). */
  reference?: ReadonlyMap<string, ColumnReference>;
  /** Where the halves' error logs go. */
  workDir: string;
  /** Files smaller than this are read on one thread. */
  minBytes: number;
  signal?: AbortSignal;
  /** Says how a file was read (debug output). */
  log?: (message: string) => void;
  /** The worker bundle to run (default: `csv-worker/index.js` beside this bundle). */
  workerScript?: string;
}

/** The worker's bundle beside the build this code runs from; undefined when running from sources. */
export function workerScript(): string | undefined {
  return bundledWorker('csv-worker', import.meta.url);
}

/**
 * The worker bundle and the file's path, when this file is one to read on two threads: local, not
 * gzip-compressed, large enough, on a machine with two cores, from a bundle.
 */
export function splitWorker(
  source: DataSource,
  opts: Pick<SplitOptions, 'workerScript' | 'minBytes'>,
): { script: string; path: string } | undefined {
  const script = opts.workerScript ?? workerScript();
  const path = source.localPath;
  if (!script || !path || source.gzip || source.size < opts.minBytes || availableParallelism() < 2)
    return undefined;
  return { script, path };
}

/** Run the worker on one part; `stop` ends it early. */
export function runPart<R extends { ok: boolean }>(
  script: string,
  job: object,
  stop: AbortSignal,
): Promise<Extract<R | PartFailure, { ok: true }>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, {
      workerData: job,
      // Not the parent's `--input-type`/`--eval`: the worker runs a file.
      execArgv: workerExecArgv(),
      resourceLimits: { maxYoungGenerationSizeMb: 16 },
    });
    const onStop = (): void => void worker.terminate();
    stop.addEventListener('abort', onStop, { once: true });
    worker.once('message', (r: R | PartFailure) => {
      stop.removeEventListener('abort', onStop);
      void worker.terminate();
      if (r.ok) resolve(r as Extract<R | PartFailure, { ok: true }>);
      else {
        const f = r as PartFailure;
        reject(f.config ? new ConfigError(f.message, f.where) : new Error(f.message));
      }
    });
    worker.once('error', (err) => reject(err));
    worker.once('exit', (code) => {
      if (stop.aborted) reject(new Error('stopped'));
      else if (code !== 0) reject(new Error(`CSV worker exited with code ${code}`));
    });
  });
}

interface Cut {
  header: string[];
  /** Byte offset where the second half starts: just after a `\n`. */
  cut: number;
  /** That `\n` ends a `\r\n`. */
  crlf: boolean;
}

/** The header line and the cut point, or undefined when this file is not one to split. */
async function plan(path: string, size: number): Promise<Cut | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(PROBE);
    const { bytesRead } = await fh.read(buf, 0, PROBE, 0);
    const nl = buf.subarray(0, bytesRead).indexOf(10);
    if (nl === -1) return undefined;
    let text = buf.toString('utf8', 0, nl).replace(/\r$/, '');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.includes('"') || text.trim() === '') return undefined;
    const middle = Math.floor(size / 2);
    if (middle <= nl + 1) return undefined;
    // From the byte before the middle, to see what precedes the first `\n` after it.
    const { bytesRead: n } = await fh.read(buf, 0, PROBE, middle - 1);
    const at = buf.subarray(1, n).indexOf(10) + 1;
    const cut = middle + at;
    if (at === 0 || cut >= size) return undefined;
    return { header: text.split(','), cut, crlf: buf[at - 1] === 13 };
  } finally {
    await fh.close();
  }
}

/**
 * Did the first half's parser end exactly where the second half's began: outside any quoted field,
 * at a line break it takes as one (a lone `\n` is data to a parser that splits at `\r\n`), and
 * with the same line break as the second half's parser?
 */
export function cutHolds(first: CsvEnd, second: CsvEnd, crlf: boolean): boolean {
  if (first.openQuote || first.linebreak !== second.linebreak) return false;
  return first.linebreak === '\n' || (first.linebreak === '\r\n' && crlf);
}

/**
 * Read a local CSV file in two halves, this thread and a worker thread, into `proc`. Returns
 * undefined (and leaves `proc` untouched) when the file is small, the machine has one core, the code
 * is not bundled, or the halves' parsers did not meet at a record boundary (the cut fell inside a
 * quoted field, say), or either half failed: the caller then reads it on one thread, which also
 * reports any error in the data.
 */
export async function readCsvSplit(
  source: DataSource,
  proc: RecordProcessor,
  opts: SplitOptions,
): Promise<SourceStats | undefined> {
  const worker = splitWorker(source, opts);
  if (!worker) return undefined;
  const { script, path } = worker;
  const cut = await plan(path, source.size);
  if (!cut) return undefined;
  const file = source.workspacePath ?? source.uri;
  const logs = [
    join(opts.workDir, 'errors-part-1.jsonl'),
    join(opts.workDir, 'errors-part-2.jsonl'),
  ] as const;
  // Made as the worker makes its own: the halves check and report records alike.
  const { proc: firstHalf, columns } = partProcessor({ ...opts, file, errorLog: logs[0] });
  const head: DataSource = {
    ...source,
    size: cut.cut,
    open: async () => createReadStream(path, { start: 0, end: cut.cut - 1, highWaterMark: READ_SIZE }),
  };
  const second: PartJob = {
    kind: CSV_PART_JOB,
    path,
    file,
    start: cut.cut,
    end: source.size,
    header: cut.header,
    firstLine: 1,
    schema: opts.schema,
    schemaWhere: opts.schemaWhere,
    reference: opts.reference,
    keepErrors: opts.keepErrors,
    maxRecordLength: opts.maxRecordLength,
    errorLog: logs[1],
  };
  const log = opts.log ?? ((): void => undefined);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const part = runPart<PartResult>(script, second, stop.signal);
  const hash = fingerprintFile(path, stop.signal);
  // Settled below only when they are needed; no unhandled rejection meanwhile.
  part.catch(() => undefined);
  hash.catch(() => undefined);
  try {
    const a = await readCsv(head, firstHalf, columns, {
      maxRecordLength: opts.maxRecordLength,
      signal: opts.signal,
      hash: false,
    });
    firstHalf.finish();
    if (a.end.openQuote) {
      log(`${file}: the middle of the file is inside a quoted field: reading it on one thread`);
      return undefined;
    }
    const b = await part;
    if (!cutHolds(a.end, b.end, cut.crlf)) {
      log(`${file}: the halves disagree on where a record ends at the cut: reading it on one thread`);
      return undefined;
    }
    const { sha256, bytes } = await hash;
    log(`${file}: read in two halves on two threads (cut at byte ${cut.cut} of ${source.size})`);
    proc.absorb(firstHalf.snapshot(), 0, logs[0]);
    proc.absorb(b.snapshot, a.lines, logs[1]);
    return { uri: source.uri, sha256, bytes, rows: a.rows + b.rows };
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    // Whatever went wrong (bad data too), one thread reads the file again and gives the answer.
    log(`${file}: the two-thread read failed (${(err as Error).message}): reading it on one thread`);
    return undefined;
  } finally {
    stop.abort();
    opts.signal?.removeEventListener('abort', onAbort);
    firstHalf.finish();
    await Promise.allSettled([part, hash]);
    await Promise.all(logs.map((l) => rm(l, { force: true })));
  }
}
