import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

// Core by subpath: this module also runs in the CSV worker bundle, which should not load AWS clients.
import { jsonPointerToPath, type ValidateFunction } from '@modelship/core/schema';
import { kindOf, type SchemaColumn, type ValueType } from './columns.js';
import {
  accumulatorFromState,
  createAccumulator,
  type AccumulatorState,
  type ColumnAccumulator,
  type ColumnProfile,
} from './stats/profile.js';

/** One invalid record: where it is and why. */
export interface RowError {
  file: string;
  line: number;
  field: string;
  reason: string;
}

export interface ProcessorOptions {
  /** How many errors to keep in memory for annotations and the summary. */
  keepErrors: number;
  /** Where every error is appended (JSON lines); undefined keeps only the first `keepErrors`. */
  errorLog?: string;
}

const FLUSH_AT = 1 << 20;

interface ErrorTally {
  field: string;
  reason: string;
  count: number;
  example: RowError;
}

/** Everything a processor learned, as plain data: how a worker thread hands its share back. */
export interface ProcessorSnapshot {
  rows: number;
  invalid: number;
  firstErrors: RowError[];
  errorCounts: [string, ErrorTally][];
  accumulators: AccumulatorState[];
}

const withLine = (e: RowError, offset: number): RowError => (offset ? { ...e, line: e.line + offset } : e);

/**
 * Receives every record of every file, in order: checks it against the schema, updates the column
 * profiles, and keeps the tally of invalid rows. Called synchronously from the readers' hot loops.
 */
export class RecordProcessor {
  rows = 0;
  invalid = 0;
  file = '';
  readonly firstErrors: RowError[] = [];
  /** Invalid rows counted by `field: reason` (bounded). */
  readonly errorCounts = new Map<
    string,
    { field: string; reason: string; count: number; example: RowError }
  >();
  private readonly accumulators = new Map<string, ColumnAccumulator>();
  private readonly order: string[] = [];
  private errorFd: number | undefined;
  private errorBuf = '';

  constructor(
    private readonly validate: ValidateFunction,
    private readonly columns: readonly SchemaColumn[],
    private readonly opts: ProcessorOptions,
  ) {
    for (const c of columns) this.accumulator(c.name, c.type);
    if (opts.errorLog) this.errorFd = openSync(opts.errorLog, 'w');
  }

  /** The accumulator of a column, created on first sight (columns outside the schema too). */
  accumulator(name: string, type: ValueType = 'string'): ColumnAccumulator {
    let acc = this.accumulators.get(name);
    if (!acc) {
      acc = createAccumulator(name, kindOf(type));
      this.accumulators.set(name, acc);
      this.order.push(name);
    }
    return acc;
  }

  /** The names of the columns profiled so far, in order. */
  get columnNames(): readonly string[] {
    return this.order;
  }

  /** Accumulators aligned with a CSV header. */
  accumulatorsFor(header: readonly string[]): ColumnAccumulator[] {
    return header.map((h) => this.accumulator(h, this.columns.find((c) => c.name === h)?.type));
  }

  /** Profile an object record (JSONL, Parquet): every known column, plus any new keys. */
  profileObject(rec: Record<string, unknown>): void {
    for (const key in rec) {
      if (!this.accumulators.has(key)) {
        const v = rec[key];
        this.accumulator(key, typeof v === 'number' ? 'number' : 'string');
      }
    }
    for (const [name, acc] of this.accumulators) {
      const v = rec[name];
      if (v === undefined || v === null || v === '') acc.addMissing();
      else acc.add(v);
    }
  }

  /** Check one parsed record. Returns whether it is valid. */
  record(rec: Record<string, unknown>, line: number): boolean {
    this.rows++;
    if (this.validate(rec)) return true;
    const e = this.validate.errors?.[0];
    const params = (e?.params ?? {}) as Record<string, unknown>;
    let field = jsonPointerToPath(e?.instancePath ?? '');
    if (typeof params.missingProperty === 'string')
      field = field ? `${field}.${params.missingProperty}` : params.missingProperty;
    if (typeof params.additionalProperty === 'string') field = params.additionalProperty;
    let reason = e?.message ?? 'is invalid';
    if (e?.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      reason = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    if (e?.keyword === 'additionalProperties') reason = 'is not allowed by the schema';
    if (e?.instancePath && e.keyword !== 'required' && e.keyword !== 'additionalProperties')
      reason = `${reason} (got ${preview(valueAt(rec, e.instancePath))})`;
    this.fail({ file: this.file, line, field, reason });
    return false;
  }

  /** A row the parser could not read (wrong field count, broken quoting, invalid JSON). */
  parseError(line: number, reason: string): void {
    this.rows++;
    this.fail({ file: this.file, line, field: '', reason });
  }

  private fail(err: RowError): void {
    this.invalid++;
    if (this.firstErrors.length < this.opts.keepErrors) this.firstErrors.push(err);
    const key = `${err.field}\u0000${err.reason.replace(/ \(got .*\)$/, '')}`;
    const agg = this.errorCounts.get(key);
    if (agg) agg.count++;
    else if (this.errorCounts.size < 200) {
      this.errorCounts.set(key, {
        field: err.field,
        reason: err.reason.replace(/ \(got .*\)$/, ''),
        count: 1,
        example: err,
      });
    }
    if (this.errorFd !== undefined) {
      this.errorBuf += JSON.stringify(err) + '\n';
      if (this.errorBuf.length >= FLUSH_AT) this.flush();
    }
  }

  private flush(): void {
    if (this.errorFd !== undefined && this.errorBuf) writeSync(this.errorFd, this.errorBuf);
    this.errorBuf = '';
  }

  /** Close the error log; returns its path (or undefined). */
  finish(): string | undefined {
    this.flush();
    if (this.errorFd !== undefined) closeSync(this.errorFd);
    this.errorFd = undefined;
    return this.opts.errorLog;
  }

  snapshot(): ProcessorSnapshot {
    if (this.errorFd !== undefined) this.flush();
    return {
      rows: this.rows,
      invalid: this.invalid,
      firstErrors: this.firstErrors,
      errorCounts: [...this.errorCounts],
      accumulators: this.order.map((name) => this.accumulators.get(name)!.state()),
    };
  }

  /**
   * Take in what another processor read from a later part of the same file: counts, errors (their
   * line numbers shifted by `lineOffset`), its error log, and its column profiles (merged).
   */
  absorb(other: ProcessorSnapshot, lineOffset: number, errorLog?: string): void {
    this.rows += other.rows;
    this.invalid += other.invalid;
    for (const e of other.firstErrors) {
      if (this.firstErrors.length >= this.opts.keepErrors) break;
      this.firstErrors.push(withLine(e, lineOffset));
    }
    for (const [key, tally] of other.errorCounts) {
      const mine = this.errorCounts.get(key);
      if (mine) mine.count += tally.count;
      else if (this.errorCounts.size < 200)
        this.errorCounts.set(key, { ...tally, example: withLine(tally.example, lineOffset) });
    }
    for (const state of other.accumulators) {
      const mine = this.accumulators.get(state.name);
      const theirs = accumulatorFromState(state);
      if (mine) mine.merge(theirs);
      else {
        this.accumulators.set(state.name, theirs);
        this.order.push(state.name);
      }
    }
    if (errorLog && this.errorFd !== undefined) {
      forEachLine(errorLog, (line) => {
        this.errorBuf += JSON.stringify(withLine(JSON.parse(line) as RowError, lineOffset)) + '\n';
        if (this.errorBuf.length >= FLUSH_AT) this.flush();
      });
    }
  }

  profiles(): ColumnProfile[] {
    return this.order.map((name) => this.accumulators.get(name)!.toJSON());
  }
}

/** The value a JSON pointer (`/l/0`) points at in a record. */
function valueAt(rec: unknown, pointer: string): unknown {
  let v = rec;
  for (const raw of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

function preview(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v));
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Call `fn` for each non-empty line of a file, reading it in bounded memory. */
export function forEachLine(path: string, fn: (line: string) => void): void {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 20);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const lines = (carry + decoder.write(buf.subarray(0, n))).split('\n');
      carry = lines.pop() ?? '';
      for (const l of lines) if (l) fn(l);
    }
    if (carry) fn(carry);
  } finally {
    closeSync(fd);
  }
}

/** Copy a JSON-lines error log into an open report file as array items, in bounded memory. */
export function appendErrorLogAsJsonArray(errorLog: string, out: number): void {
  let first = true;
  let chunk = '';
  forEachLine(errorLog, (l) => {
    chunk += (first ? '\n    ' : ',\n    ') + l;
    first = false;
    if (chunk.length >= FLUSH_AT) {
      writeSync(out, chunk);
      chunk = '';
    }
  });
  if (chunk) writeSync(out, chunk);
}
