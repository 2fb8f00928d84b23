// Reading one large local CSV file on two cores. The file is cut at a line break near its middle;
// this thread reads the first half (and hashes the whole file) while a worker thread reads the
// second; then the halves' tallies, errors (line numbers shifted) and column profiles (merged:
// they are mergeable by design) are combined. The cut is only valid outside a quoted field, which
// holds when the first half has an even number of `"` characters; otherwise the caller reads the
// file sequentially. The worker runs its own entry of the build (csv-worker.ts, declared in the
// step's definition), which loads only the shared chunks it needs.
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ConfigError, type JsonSchema, type ValidateFunction } from '@modelship/core';
import type { SchemaColumn } from '../columns.js';
import { RecordProcessor } from '../processor.js';
import { readCsv } from './csv.js';
import { CSV_PART_JOB, type PartJob, type PartResult } from './csv-part.js';
import { fingerprintFile, READ_SIZE } from './meter.js';
import type { DataSource, SourceStats } from './source.js';

const PROBE = 1 << 20;

export interface SplitOptions {
  schema: JsonSchema;
  /** The compiled schema and its columns, for the half read on this thread. */
  validate: ValidateFunction;
  columns: readonly SchemaColumn[];
  /** Names the schema in errors. */
  schemaWhere: string;
  keepErrors: number;
  maxRecordLength: number;
  /** Where the halves' error logs go. */
  workDir: string;
  /** Files smaller than this are read on one thread. */
  minBytes: number;
  signal?: AbortSignal;
  /** Says how a file was read (debug output). */
  log?: (message: string) => void;
}

/**
 * The worker's bundle, `workers/csv-worker.js` at the root of the build this code runs from (the
 * code itself may sit in `dist/chunks/`); undefined when running from sources.
 */
function workerScript(): string | undefined {
  const url = import.meta.url;
  if (!url.startsWith('file:') || !url.endsWith('.js')) return undefined;
  let dir = dirname(fileURLToPath(url));
  for (let up = 0; up < 3; up++, dir = dirname(dir)) {
    const script = join(dir, 'workers', 'csv-worker.js');
    if (existsSync(script)) return script;
  }
  return undefined;
}

function runPart(
  script: string,
  job: PartJob,
  signal?: AbortSignal,
): Promise<Extract<PartResult, { ok: true }>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, {
      workerData: job,
      // Not the parent's `--input-type`/`--eval`: the worker runs a file.
      execArgv: process.execArgv.filter((a) => !/^--(input-type|eval|print)\b|^-[ep]$/.test(a)),
      resourceLimits: { maxYoungGenerationSizeMb: 16 },
    });
    const onAbort = (): void => void worker.terminate();
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (r: PartResult) => {
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (r.ok) resolve(r);
      else reject(r.config ? new ConfigError(r.message, r.where) : new Error(r.message));
    });
    worker.once('error', (err) => reject(err));
    worker.once('exit', (code) => {
      if (signal?.aborted) reject(new Error('cancelled'));
      else if (code !== 0) reject(new Error(`CSV worker exited with code ${code}`));
    });
  });
}

/** The header line and the cut point, or undefined when this file is not one to split. */
async function plan(path: string, size: number): Promise<{ header: string[]; cut: number } | undefined> {
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
    const { bytesRead: n } = await fh.read(buf, 0, PROBE, middle);
    const at = buf.subarray(0, n).indexOf(10);
    if (at === -1 || middle + at + 1 >= size || middle <= nl) return undefined;
    return { header: text.split(','), cut: middle + at + 1 };
  } finally {
    await fh.close();
  }
}

/**
 * Read a local CSV file in two halves, this thread and a worker thread, into `proc`. Returns
 * undefined (and leaves `proc` untouched) when the file is small, the machine has one core, the code
 * is not bundled, or the cut would fall inside a quoted field: the caller then reads it on one thread.
 */
export async function readCsvSplit(
  source: DataSource,
  proc: RecordProcessor,
  opts: SplitOptions,
): Promise<SourceStats | undefined> {
  const script = workerScript();
  const path = source.localPath;
  if (!script || !path || source.gzip || source.size < opts.minBytes || availableParallelism() < 2)
    return undefined;
  const cut = await plan(path, source.size);
  if (!cut) return undefined;
  const file = source.workspacePath ?? source.uri;
  const logs = [
    join(opts.workDir, 'errors-part-1.jsonl'),
    join(opts.workDir, 'errors-part-2.jsonl'),
  ] as const;
  const firstHalf = new RecordProcessor(opts.validate, opts.columns, {
    keepErrors: opts.keepErrors,
    errorLog: logs[0],
  });
  firstHalf.file = file;
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
    keepErrors: opts.keepErrors,
    maxRecordLength: opts.maxRecordLength,
    errorLog: logs[1],
  };
  const log = opts.log ?? ((): void => undefined);
  try {
    const [a, b, hash] = await Promise.all([
      readCsv(head, firstHalf, opts.columns, {
        maxRecordLength: opts.maxRecordLength,
        signal: opts.signal,
        hash: false,
      }),
      runPart(script, second, opts.signal),
      fingerprintFile(path, opts.signal),
    ]);
    firstHalf.finish();
    if (a.quotes % 2 !== 0) {
      log(`${file}: the middle of the file is inside a quoted field: reading it on one thread`);
      return undefined;
    }
    log(`${file}: read in two halves on two threads (cut at byte ${cut.cut} of ${source.size})`);
    proc.absorb(firstHalf.snapshot(), 0, logs[0]);
    proc.absorb(b.snapshot, a.lines, logs[1]);
    return { uri: source.uri, sha256: hash.sha256, bytes: hash.bytes, rows: a.rows + b.rows };
  } catch (err) {
    // Bad data is the user's to fix; a worker that failed for any other reason costs only speed.
    if (err instanceof ConfigError || opts.signal?.aborted) throw err;
    log(`${file}: the second thread failed (${(err as Error).message}): reading it on one thread`);
    return undefined;
  } finally {
    firstHalf.finish();
    await Promise.all(logs.map((l) => rm(l, { force: true })));
  }
}
