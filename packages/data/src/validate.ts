import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  createS3Client,
  readJsonDocument,
  readJsonText,
  writeJsonDocument,
  type S3Client,
} from '@modelship/aws';
import {
  ConfigError,
  processRuns,
  type JsonSchema,
  type StepContext,
  type ValidateFunction,
} from '@modelship/core';
import { PROFILE_SCHEMA_VERSION, referencesOf, type DatasetProfile } from '@modelship/stats';
import { checkProfile } from './baseline.js';
import { schemaColumns, type SchemaColumn } from './columns.js';
import { computeDrift, type DriftOptions, type DriftReport } from './drift.js';
import { SchemaInferrer } from './infer.js';
import { appendErrorLogAsJsonArray, RecordProcessor, type RowError } from './processor.js';
import { readCsv } from './readers/csv.js';
import { readJsonl } from './readers/jsonl.js';
import { readParquet } from './readers/parquet.js';
import { ParquetTypes } from './readers/parquet-schema.js';
import { readParquetSplit } from './readers/parquet-split.js';
import {
  DEFAULT_MAX_RECORD_LENGTH,
  DEFAULT_NULL_VALUES,
  type CsvOptions,
  type DataFormat,
  type DataSource,
  type SourceStats,
} from './readers/source.js';
import type { TextEncoding } from './readers/meter.js';
import { compileRecordSchema } from './record-schema.js';
import { localCopy, resolveSources } from './readers/sources.js';
import { readCsvSplit, type SplitOptions } from './readers/split.js';

export type FailOn = 'error' | 'drift' | 'never';

export interface ValidateOptions {
  data: string;
  format: 'auto' | DataFormat;
  /** Parsed JSON Schema of one record and where it came from. */
  schema: { doc: JsonSchema; path: string; sha256: string };
  baseline?: string;
  failOn: FailOn;
  keepErrors: number;
  maxRecordLength: number;
  /** How text files are read: encoding, CSV delimiter, missing-value tokens. */
  text?: TextReadOptions;
  drift: DriftOptions;
  /** Directory for the report, error log and default profile. */
  outDir: string;
  profilePath: string;
  /** CSV files at least this large are read on two threads (see readers/split.ts). */
  splitMinBytes: number;
}

/** How CSV and JSON Lines files are decoded and split into values. */
export interface TextReadOptions extends CsvOptions {
  encoding?: TextEncoding;
}

/** 32 MiB: below this, starting worker threads costs more than it saves. */
export const DEFAULT_SPLIT_MIN_BYTES = 32 << 20;

export interface ValidateOutcome {
  passed: boolean;
  rows: number;
  invalidRows: number;
  files: SourceStats[];
  fingerprint: string;
  formats: DataFormat[];
  firstErrors: RowError[];
  errorCounts: { field: string; reason: string; count: number; example: RowError }[];
  profile: DatasetProfile;
  drift?: DriftReport;
  baseline?: string;
  reportPath: string;
  profilePath: string;
}

export interface DataDeps {
  cwd: string;
  /** Debug detail (how files were read). */
  log?: (message: string) => void;
  signal?: AbortSignal;
  s3: () => S3Client;
  now: () => Date;
}

export async function loadRecordSchema(path: string, deps: DataDeps): Promise<ValidateOptions['schema']> {
  const { doc, text } = await readJsonText(path, { ...deps, what: 'schema' });
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError('a JSON Schema must be a JSON object', path);
  }
  // Of the file as written, so it matches `sha256sum` of the schema file.
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { doc: doc as JsonSchema, path, sha256 };
}

interface ReadAllOptions {
  maxRecordLength: number;
  signal?: AbortSignal;
  text?: TextReadOptions;
  split?: Omit<SplitOptions, 'maxRecordLength' | 'signal'>;
  /** Learns the column types of Parquet files (schema inference). */
  parquetTypes?: ParquetTypes;
}

/** The two-thread CSV read takes the defaults only: UTF-8, commas, the default missing-value tokens. */
function splittable(text: TextReadOptions | undefined): boolean {
  const nulls = text?.nullValues;
  return (
    (text?.encoding ?? 'utf-8') === 'utf-8' &&
    (text?.delimiter ?? ',') === ',' &&
    (nulls === undefined ||
      (nulls.length === DEFAULT_NULL_VALUES.length && nulls.every((v, i) => v === DEFAULT_NULL_VALUES[i])))
  );
}

async function readSource(
  source: DataSource,
  proc: RecordProcessor,
  columns: readonly SchemaColumn[],
  opts: ReadAllOptions,
): Promise<SourceStats> {
  const uri = source.workspacePath ?? source.uri;
  proc.file = uri;
  const read = { maxRecordLength: opts.maxRecordLength, signal: opts.signal };
  switch (source.format) {
    case 'csv': {
      const split =
        opts.split && splittable(opts.text) && (await readCsvSplit(source, proc, { ...opts.split, ...read }));
      if (split) return { ...split, uri };
      const {
        lines: _lines,
        end: _end,
        ...stats
      } = await readCsv(source, proc, columns, { ...read, ...opts.text });
      return { ...stats, uri };
    }
    case 'jsonl':
      return { ...(await readJsonl(source, proc, { ...read, encoding: opts.text?.encoding }, columns)), uri };
    case 'parquet': {
      const local = await localCopy(source, opts.signal);
      try {
        const { maxRecordLength, signal, parquetTypes: types } = opts;
        // Inference reads on one thread: the column types are learned on it.
        const split =
          !types &&
          opts.split &&
          (await readParquetSplit(local, proc, { ...opts.split, maxRecordLength, signal }));
        if (split) return { ...split, uri };
        return { ...(await readParquet(local, proc, { maxRecordLength, signal, types })), uri };
      } finally {
        if (local !== source && local.localPath)
          await rm(dirname(local.localPath), { recursive: true, force: true });
      }
    }
  }
}

/** sha256 over the sorted per-file digests: one fingerprint for the whole dataset. */
export function datasetFingerprint(files: readonly SourceStats[]): string {
  const h = createHash('sha256');
  // The content, not where it was read from: the same files give the same fingerprint whatever
  // the working directory or the path spelling.
  for (const digest of files.map((f) => f.sha256).sort()) h.update(`${digest}\n`);
  return h.digest('hex');
}

async function readAll(
  sources: readonly DataSource[],
  proc: RecordProcessor,
  columns: readonly SchemaColumn[],
  opts: ReadAllOptions,
): Promise<SourceStats[]> {
  const files: SourceStats[] = [];
  for (const s of sources) files.push(await readSource(s, proc, columns, opts));
  if (proc.rows === 0)
    throw new ConfigError(
      'no records found (only headers or blank lines)',
      sources.length === 1 ? (sources[0]!.workspacePath ?? sources[0]!.uri) : 'data',
    );
  return files;
}

function buildProfile(proc: RecordProcessor, files: SourceStats[], now: Date): DatasetProfile {
  return {
    kind: 'modelship.profile',
    schemaVersion: PROFILE_SCHEMA_VERSION,
    createdAt: now.toISOString(),
    rows: proc.rows,
    sources: files.map((f) => ({ uri: f.uri, sha256: f.sha256, rows: f.rows })),
    columns: proc.profiles(),
  };
}

/** The whole check: stream every file once, validate, profile, compare to the baseline, write the report. */
export async function validateData(opts: ValidateOptions, deps: DataDeps): Promise<ValidateOutcome> {
  const sources = await resolveSources(opts.data, opts.format, {
    cwd: deps.cwd,
    signal: deps.signal,
    s3: deps.s3,
  });
  const validate = compileRecordSchema(opts.schema.doc, opts.schema.path);
  const columns = schemaColumns(opts.schema.doc);
  // Read the baseline first: a bad baseline should fail before a long read.
  const baseline = opts.baseline
    ? checkProfile(
        await readJsonDocument(opts.baseline, { ...deps, what: 'baseline profile' }),
        opts.baseline,
      )
    : undefined;

  await mkdir(opts.outDir, { recursive: true });
  // Scratch files (the streamed error logs) live in a folder of this run's own, removed when the
  // run ends however it ends; runs sharing outDir never touch each other's, and the folder of a
  // run that was killed outright is removed by the next run.
  const scratch = await runScratchDir(opts.outDir);
  try {
    return await validateInto(sources, opts, deps, { validate, columns, baseline, scratch });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function validateInto(
  sources: Awaited<ReturnType<typeof resolveSources>>,
  opts: ValidateOptions,
  deps: DataDeps,
  {
    validate,
    columns,
    baseline,
    scratch,
  }: {
    validate: ReturnType<typeof compileRecordSchema>;
    columns: ReturnType<typeof schemaColumns>;
    baseline: DatasetProfile | undefined;
    scratch: string;
  },
): Promise<ValidateOutcome> {
  const errorLog = join(scratch, 'errors.jsonl');
  // Numeric columns are counted exactly into bins cut at the baseline's quantiles (see drift.ts).
  const reference = baseline ? referencesOf(baseline) : undefined;
  const proc = new RecordProcessor(validate, columns, { keepErrors: opts.keepErrors, errorLog, reference });
  let files: SourceStats[];
  try {
    files = await readAll(sources, proc, columns, {
      maxRecordLength: opts.maxRecordLength,
      signal: deps.signal,
      text: opts.text,
      split: {
        schema: opts.schema.doc,
        schemaWhere: opts.schema.path,
        keepErrors: opts.keepErrors,
        reference,
        workDir: scratch,
        minBytes: opts.splitMinBytes,
        log: deps.log,
      },
    });
  } finally {
    proc.finish();
  }
  const profile = buildProfile(proc, files, deps.now());
  const drift = baseline ? computeDrift(baseline, profile, opts.drift) : undefined;
  const driftFails = opts.failOn === 'drift' && (drift?.drifted.length ?? 0) > 0;
  const passed = opts.failOn === 'never' || (proc.invalid === 0 && !driftFails);

  await writeJsonDocument(opts.profilePath, profile, deps);
  const outcome: ValidateOutcome = {
    passed,
    rows: proc.rows,
    invalidRows: proc.invalid,
    files,
    fingerprint: datasetFingerprint(files),
    formats: [...new Set(sources.map((s) => s.format))],
    firstErrors: proc.firstErrors,
    errorCounts: [...proc.errorCounts.values()].sort((a, b) => b.count - a.count),
    profile,
    drift,
    baseline: opts.baseline,
    reportPath: join(opts.outDir, 'report.json'),
    profilePath: opts.profilePath,
  };
  await writeReport(outcome, opts, errorLog);
  return outcome;
}

/** A new `.run-<pid>-XXXXXX` folder in `dir`, after removing those of processes no longer running. */
async function runScratchDir(dir: string): Promise<string> {
  for (const name of await readdir(dir)) {
    const m = /^\.run-(\d+)-/.exec(name);
    if (m && !processRuns(Number(m[1]))) await rm(join(dir, name), { recursive: true, force: true });
  }
  return mkdtemp(join(dir, `.run-${process.pid}-`));
}

/** The JSON report: verdict, counts, drift evidence, and every invalid row (streamed, bounded memory). */
async function writeReport(o: ValidateOutcome, opts: ValidateOptions, errorLog: string): Promise<void> {
  const head = {
    kind: 'modelship.validate-data.report',
    schemaVersion: 1,
    passed: o.passed,
    failOn: opts.failOn,
    data: opts.data,
    formats: o.formats,
    rows: o.rows,
    invalidRows: o.invalidRows,
    fingerprint: o.fingerprint,
    files: o.files,
    schema: { path: opts.schema.path, sha256: opts.schema.sha256 },
    profile: o.profilePath,
    baseline: o.baseline ?? null,
    drift: o.drift ?? null,
    errorsByReason: o.errorCounts.map(({ field, reason, count, example }) => ({
      field,
      reason,
      count,
      first: example,
    })),
  };
  // Written beside the report under a name of this run's own, then renamed over it: runs sharing
  // the folder never write into each other's file, and a failed write leaves nothing behind.
  const tmp = `${o.reportPath}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const text = JSON.stringify(head, null, 2);
      // The head object without its closing brace, then the errors array streamed from the log.
      writeSync(fd, `${text.slice(0, -2)},\n  "errors": [`);
      appendErrorLogAsJsonArray(errorLog, fd);
      writeSync(fd, '\n  ]\n}\n');
    } finally {
      closeSync(fd);
    }
    await rename(tmp, o.reportPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Infer a record schema from the data (first pass), then profile it against that schema (second pass). */
export async function inferSchemaFromData(
  data: string,
  format: 'auto' | DataFormat,
  title: string,
  deps: DataDeps,
  maxRecordLength = DEFAULT_MAX_RECORD_LENGTH,
  text?: TextReadOptions,
): Promise<{ schema: JsonSchema; sources: DataSource[] }> {
  const sources = await resolveSources(data, format, { cwd: deps.cwd, signal: deps.signal, s3: deps.s3 });
  const inferrer = new SchemaInferrer();
  // CSV values arrive as text; JSON Lines and Parquet values have their own types.
  const csv = new Set(sources.filter((s) => s.format === 'csv').map((s) => s.workspacePath ?? s.uri));
  const observe = ((rec: Record<string, unknown>) => {
    inferrer.observe(rec, csv.has(proc.file));
    return true;
  }) as unknown as ValidateFunction;
  const proc = new RecordProcessor(observe, [], { keepErrors: 0 });
  // Parquet files say what their columns are: their types refine what the values suggest.
  const parquetTypes = new ParquetTypes();
  await readAll(sources, proc, [], { maxRecordLength, signal: deps.signal, text, parquetTypes });
  return { schema: parquetTypes.refine(inferrer.schema(title)), sources };
}

export function defaultDeps(ctx: StepContext): DataDeps {
  let client: S3Client | undefined;
  return {
    cwd: ctx.cwd,
    signal: ctx.signal,
    now: ctx.now,
    s3: () => (client ??= createS3Client(ctx.config.values.region, ctx.env)),
    log: (m) => ctx.log.debug(m),
  };
}
