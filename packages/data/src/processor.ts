import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

// Core by subpath: this module also runs in the CSV worker bundle, which should not load AWS clients.
import { jsonPointerToPath, type ErrorObject, type ValidateFunction } from '@modelship/core/schema';
import {
  accumulatorFromState,
  createAccumulator,
  type ColumnReference,
  type AccumulatorState,
  type ColumnAccumulator,
  type ColumnProfile,
} from '@modelship/stats';
import {
  DECIMAL,
  kindOf,
  MAX_EXACT_INTEGER,
  RawToken,
  type SchemaColumn,
  type ValueType,
} from './columns.js';
import { MAX_ERRORS_PER_ROW } from './readers/source.js';

/** One invalid record: where it is and why. */
export interface RowError {
  file: string;
  line: number;
  field: string;
  reason: string;
}

/** What a record's values are: see {@link RecordProcessor.record}. */
export type RecordOrigin = 'typed' | 'text' | 'marked';

/** At most this many errors of one row are reported (the row counts once, whatever its errors). */
export { MAX_ERRORS_PER_ROW };

export interface ProcessorOptions {
  /** How many invalid rows to keep (with their errors) in memory for annotations and the summary. */
  keepErrors: number;
  /** Where every error is appended (JSON lines); undefined keeps only the first `keepErrors`. */
  errorLog?: string;
  /**
   * What each column is counted against (from the baseline): numeric reference edges, categorical
   * reference levels (see createAccumulator's options).
   */
  reference?: ReadonlyMap<string, ColumnReference>;
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
  /** The errors of the first `keepErrors` invalid rows, in order (a row may have several). */
  readonly firstErrors: RowError[] = [];
  private keptRows = 0;
  /** Columns that must hold exact integers (type `integer`, not `number`). */
  private readonly integerColumns: string[];
  private readonly typeOf: Map<string, ValueType>;
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
    this.integerColumns = columns.filter((c) => c.type === 'integer').map((c) => c.name);
    this.typeOf = new Map(columns.map((c) => [c.name, c.type]));
    if (opts.errorLog) this.errorFd = openSync(opts.errorLog, 'w');
  }

  /** The accumulator of a column, created on first sight (columns outside the schema too). */
  accumulator(name: string, type: ValueType = 'string'): ColumnAccumulator {
    let acc = this.accumulators.get(name);
    if (!acc) {
      const ref = this.opts.reference?.get(name);
      acc = createAccumulator(name, kindOf(type), { reference: ref?.edges, levels: ref?.levels });
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
      else acc.add(v instanceof RawToken ? v.text : v);
    }
  }

  /**
   * Check one parsed record. Returns whether it is valid. `origin` says what its values are:
   * - `typed`: JSON or Parquet values; integer columns are checked for integers held exactly.
   * - `text`: converted from CSV text by the schema's types (which keeps inexact integers as text).
   * - `marked`: JSON holding {@link RawToken}s (values JSON cannot hold): invalid, whatever the schema.
   */
  record(rec: Record<string, unknown>, line: number, origin: RecordOrigin = 'typed'): boolean {
    this.rows++;
    const valid = this.validate(rec);
    if (valid && (origin === 'text' || (origin === 'typed' && this.exactIntegers(rec)))) return true;
    const issues = this.issues(rec, valid ? [] : (this.validate.errors ?? []), origin === 'marked');
    if (issues.length === 0) return true;
    this.failRow(issues, line);
    return false;
  }

  /** Integer columns hold integers within ±(2^53 − 1): beyond, a number may have been rounded. */
  private exactIntegers(rec: Record<string, unknown>): boolean {
    for (const name of this.integerColumns) if (beyondExact(rec[name])) return false;
    return true;
  }

  /** Everything wrong with a record, one entry per field and reason, at most MAX_ERRORS_PER_ROW. */
  private issues(
    rec: Record<string, unknown>,
    errors: readonly ErrorObject[],
    marked: boolean,
  ): { field: string; reason: string }[] {
    const out: { field: string; reason: string }[] = [];
    const seen = new Set<string>();
    const fields = new Set<string>();
    const add = (field: string, reason: string): void => {
      const key = `${field}\u0000${reason}`;
      if (seen.has(key)) return;
      seen.add(key);
      fields.add(field);
      out.push({ field, reason });
    };
    for (const e of collapseBranches(errors)) {
      const { field, reason } = this.describe(e, rec);
      add(field, reason);
    }
    for (const name of this.integerColumns) {
      const v = rec[name];
      if (!fields.has(name) && beyondExact(v)) add(name, `${INEXACT} (got ${preview(v)})`);
    }
    if (marked) {
      for (const name in rec) {
        const v = rec[name];
        if (v instanceof RawToken && !fields.has(name))
          add(name, `${v.kind === 'non-finite' ? 'is not valid JSON' : INEXACT} (got ${v.text})`);
      }
    }
    return out.slice(0, MAX_ERRORS_PER_ROW);
  }

  /** One ajv error as a field and a reason that shows the value as written. */
  private describe(e: ErrorObject, rec: Record<string, unknown>): { field: string; reason: string } {
    const params = e.params as Record<string, unknown>;
    let field = jsonPointerToPath(e.instancePath);
    if (typeof params.missingProperty === 'string')
      field = field ? `${field}.${params.missingProperty}` : params.missingProperty;
    if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string')
      field = field ? `${field}.${params.additionalProperty}` : params.additionalProperty;
    let reason = e.message ?? 'is invalid';
    if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      reason = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    if (e.keyword === 'additionalProperties') reason = 'is not allowed by the schema';
    if (e.keyword === 'type') {
      const types = typeList(params.type);
      reason = `must be ${types.join(' or ')}`;
      const v = valueAt(rec, e.instancePath);
      const text = v instanceof RawToken ? v.text : typeof v === 'string' ? v : undefined;
      if (
        e.instancePath &&
        text !== undefined &&
        types.includes('integer') &&
        !types.includes('number') &&
        isInexactInteger(text, this.typeOf.get(field))
      )
        reason = INEXACT;
    }
    // The value itself, unless the error is about an object's keys (its field names the key).
    if (e.instancePath && !ABOUT_KEYS.has(e.keyword))
      reason = `${reason} (got ${preview(valueAt(rec, e.instancePath))})`;
    return { field, reason };
  }

  /** A row the parser could not read (wrong field count, broken quoting, invalid JSON). */
  parseError(line: number, reason: string): void {
    this.rows++;
    this.failRow([{ field: '', reason }], line);
  }

  private failRow(issues: readonly { field: string; reason: string }[], line: number): void {
    this.invalid++;
    const keep = this.keptRows < this.opts.keepErrors;
    if (keep) this.keptRows++;
    for (const { field, reason } of issues) {
      const err: RowError = { file: this.file, line, field, reason };
      if (keep) this.firstErrors.push(err);
      this.tally(err);
      if (this.errorFd !== undefined) {
        this.errorBuf += JSON.stringify(err) + '\n';
        if (this.errorBuf.length >= FLUSH_AT) this.flush();
      }
    }
  }

  private tally(err: RowError): void {
    const reason = err.reason.replace(/ \(got .*\)$/, '');
    const key = `${err.field}\u0000${reason}`;
    const agg = this.errorCounts.get(key);
    if (agg) agg.count++;
    else if (this.errorCounts.size < 200) {
      this.errorCounts.set(key, { field: err.field, reason, count: 1, example: err });
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
    let last: RowError | undefined;
    for (const e of other.firstErrors) {
      if (e.line !== last?.line || e.file !== last.file) {
        if (this.keptRows >= this.opts.keepErrors) break;
        this.keptRows++;
      }
      last = e;
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

/** A number too large for every integer up to it to be held exactly. */
function beyondExact(v: unknown): boolean {
  return typeof v === 'number' && (v > MAX_EXACT_INTEGER || v < -MAX_EXACT_INTEGER);
}

const INEXACT = `must be integer within ±${MAX_EXACT_INTEGER} to be held exactly`;

/** Text of an integer beyond ±(2^53 − 1): not representable exactly, so not taken as an integer. */
function isInexactInteger(text: string, column: ValueType | undefined): boolean {
  if (column !== undefined && column !== 'integer') return false;
  if (!DECIMAL.test(text)) return false;
  const n = Math.abs(+text);
  return Number.isFinite(n) && n > MAX_EXACT_INTEGER && Number.isInteger(n);
}

function typeList(t: unknown): string[] {
  return (Array.isArray(t) ? t : String(t).split(',')).map(String);
}

/** The value a JSON pointer (ajv's `instancePath`) names in a record. */
function valueAt(rec: Record<string, unknown>, pointer: string): unknown {
  let v: unknown = rec;
  for (const raw of pointer.split('/').slice(1)) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

const WRAPPERS = new Set(['anyOf', 'oneOf']);
const ABOUT_KEYS = new Set(['required', 'additionalProperties', 'dependencies', 'dependentRequired']);

/**
 * Where the branch errors of the `anyOf`/`oneOf` error at `at` begin: ajv lists them just before
 * it, at the same value or inside it, from the branches' schema (or from a schema a branch `$ref`s).
 */
function branchStart(list: readonly ErrorObject[], at: number): number {
  const w = list[at]!;
  const parent = w.schemaPath.slice(0, w.schemaPath.lastIndexOf('/') + 1);
  let k = at;
  while (k > 0) {
    const e = list[k - 1]!;
    const inside = e.instancePath === w.instancePath || e.instancePath.startsWith(`${w.instancePath}/`);
    const fromBranch = e.schemaPath.startsWith(`${w.schemaPath}/`) || !e.schemaPath.startsWith(parent);
    if (!inside || !fromBranch) break;
    k--;
  }
  return k;
}

/**
 * ajv reports a failed `anyOf`/`oneOf` as every branch's own errors, then the wrapper. Turn each
 * into what a person needs: branches that failed only on their type become one `must be a or b`;
 * otherwise the branch errors that are not about the type (the branch the value was meant for).
 * `if` wrappers are dropped (their `then`/`else` errors stand on their own).
 */
function collapseBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  let list = errors.filter((e) => e.keyword !== 'if');
  for (let i = 0; i < list.length; i++) {
    const w = list[i]!;
    if (!WRAPPERS.has(w.keyword)) continue;
    const start = branchStart(list, i);
    const branch = list.slice(start, i);
    if (branch.length === 0) continue;
    const typeErrors = branch.filter((e) => e.keyword === 'type' && e.instancePath === w.instancePath);
    let replacement = branch.filter((e) => !typeErrors.includes(e));
    if (replacement.length === 0) {
      const types = [...new Set(typeErrors.flatMap((e) => typeList((e.params as { type?: unknown }).type)))];
      replacement = [
        { ...w, keyword: 'type', params: { type: types }, message: `must be ${types.join(' or ')}` },
      ];
    }
    list = [...list.slice(0, start), ...replacement, ...list.slice(i + 1)];
    i = start + replacement.length - 1;
  }
  return list;
}

function preview(v: unknown): string {
  if (v instanceof RawToken) return v.text;
  if (v === undefined) return 'nothing';
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
