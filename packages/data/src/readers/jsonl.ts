import { ConfigError } from '@modelship/core';
import { RawToken, type SchemaColumn } from '../columns.js';
import type { RecordProcessor } from '../processor.js';
import { emptyFile, undecodable } from './csv.js';
import { metered, UndecodableError } from './meter.js';
import type { DataSource, ReadOptions, SourceStats } from './source.js';

/** Marks a token rewritten into a JSON string so that it parses; no real string starts with NUL. */
const MARK = '\u0000modelship-token:';
/** The same, as written inside a JSON string literal. */
const MARK_JSON = JSON.stringify(MARK).slice(1, -1);

/**
 * A literal JSON.parse would round or overflow: an integer of 16 or more digits (maybe beyond
 * 2^53), or an exponent of three digits (maybe beyond a double's range, e.g. `1e400` → Infinity).
 */
const MAY_NOT_HOLD = /\d{16}|[eE][+-]?\d{3}/;

/** Bare tokens Python's `json` (and others) write for non-finite floats. */
const NON_FINITE = ['-Infinity', 'Infinity', 'NaN'];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Rewrite, outside strings, the tokens JSON.parse would reject or round into marked strings:
 * `NaN`, `Infinity`, `-Infinity`, and integer literals beyond ±(2^53 − 1). Returns undefined when
 * there is none. Only lines that failed to parse or hold a long run of digits come here.
 */
function markTokens(text: string): string | undefined {
  let out = '';
  let from = 0;
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // Skip a string, escapes included.
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      continue;
    }
    const token = NON_FINITE.find((t) => text.startsWith(t, i));
    let end = -1;
    if (token) end = i + token.length;
    else if (c === 45 || isDigit(c)) {
      let j = c === 45 ? i + 1 : i;
      while (j < text.length && isDigit(text.charCodeAt(j))) j++;
      const next = text.charCodeAt(j);
      const integer = next !== 46 && next !== 101 && next !== 69;
      const literal = text.slice(i, j);
      if (integer && j - i >= 16 && !Number.isSafeInteger(Number(literal))) end = j;
      else {
        // Past the rest of this number (fraction, exponent).
        while (j < text.length && /[0-9.eE+-]/.test(text[j]!)) j++;
        // A literal beyond a double's range is no number: kept as written, like `Infinity`.
        if (!Number.isFinite(Number(text.slice(i, j)))) end = j;
        else {
          i = j - 1;
          continue;
        }
      }
    }
    if (end === -1) continue;
    out += `${text.slice(from, i)}"${MARK_JSON}${text.slice(i, end)}"`;
    from = end;
    i = end - 1;
    found = true;
  }
  return found ? out + text.slice(from) : undefined;
}

/**
 * Turn marked strings back into what they stand for: a RawToken (so the record fails with the value
 * as written), or, for a big integer in a column that takes any number, the nearest number.
 */
function unmark(rec: Record<string, unknown>, typeOf: ReadonlyMap<string, SchemaColumn>): void {
  const restore = (v: unknown, column: SchemaColumn | undefined): unknown => {
    if (typeof v === 'string') {
      if (!v.startsWith(MARK)) return v;
      const text = v.slice(MARK.length);
      if (NON_FINITE.includes(text) || !Number.isFinite(Number(text)))
        return new RawToken(text, 'non-finite');
      const type = column?.type ?? 'any';
      return type === 'number' || type === 'any' ? Number(text) : new RawToken(text, 'big-integer');
    }
    if (Array.isArray(v)) return v.map((x) => restore(x, undefined));
    if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      for (const k in o) o[k] = restore(o[k], undefined);
    }
    return v;
  };
  for (const k in rec) rec[k] = restore(rec[k], typeOf.get(k));
}

function hasToken(rec: Record<string, unknown>): boolean {
  const has = (v: unknown): boolean =>
    v instanceof RawToken ||
    (Array.isArray(v) ? v.some(has) : typeof v === 'object' && v !== null && Object.values(v).some(has));
  return Object.values(rec).some(has);
}

/**
 * Stream JSON Lines: one JSON object per line; a line that is not an object is an invalid row. A
 * `null` is a missing value, like an empty CSV cell: kept where the schema allows null, else the
 * field counts as absent. `NaN`/`Infinity` tokens and integers beyond ±(2^53 − 1) in an integer
 * column make the row invalid, with the value as written.
 */
export async function readJsonl(
  source: DataSource,
  proc: RecordProcessor,
  opts: ReadOptions,
  columns: readonly SchemaColumn[] = [],
): Promise<SourceStats> {
  try {
    return await readJsonlText(source, proc, opts, columns);
  } catch (err) {
    if (err instanceof UndecodableError) throw await undecodable(source, err);
    throw err;
  }
}

async function readJsonlText(
  source: DataSource,
  proc: RecordProcessor,
  opts: ReadOptions,
  columns: readonly SchemaColumn[],
): Promise<SourceStats> {
  const meter = metered(await source.open(opts.signal), {
    gzip: source.gzip,
    where: source.workspacePath ?? source.uri,
    encoding: opts.encoding,
  });
  const where = source.workspacePath ?? source.uri;
  const byName = new Map(columns.map((c) => [c.name, c]));
  const nullableColumns = columns.filter((c) => c.nullable).map((c) => c.name);
  let carry = '';
  let line = 0;
  let rows = 0;
  let nonBlank = false;

  const parse = (text: string): { rec?: unknown; marked: boolean; error?: string } => {
    const marked = MAY_NOT_HOLD.test(text) ? markTokens(text) : undefined;
    try {
      return { rec: JSON.parse(marked ?? text), marked: marked !== undefined };
    } catch (err) {
      const message = (err as Error).message.split('\n')[0];
      const retry = marked === undefined ? markTokens(text) : undefined;
      if (retry === undefined) return { marked: false, error: message };
      try {
        return { rec: JSON.parse(retry), marked: true };
      } catch {
        return { marked: false, error: message };
      }
    }
  };

  const handle = (text: string): void => {
    line++;
    if (text.length > opts.maxRecordLength) {
      throw new ConfigError(
        `line ${line} is longer than ${opts.maxRecordLength} characters: not JSON Lines records`,
        where,
      );
    }
    if (text.trim() === '') return;
    nonBlank = true;
    rows++;
    const parsed = parse(text);
    if (parsed.error !== undefined) {
      proc.parseError(line, `invalid JSON: ${parsed.error}`);
      return;
    }
    const rec = parsed.rec;
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      proc.parseError(line, 'not a JSON object');
      return;
    }
    const r = rec as Record<string, unknown>;
    for (const k in r) if (r[k] === null && !byName.get(k)?.nullable) r[k] = undefined;
    // An absent field is a missing value too, as an empty CSV cell: null where the column allows it.
    for (const c of nullableColumns) if (r[c] === undefined) r[c] = null;
    let marked = false;
    if (parsed.marked) {
      unmark(r, byName);
      marked = hasToken(r);
    }
    proc.profileObject(r);
    proc.record(r, line, marked ? 'marked' : 'typed');
  };

  try {
    for await (const chunk of meter) {
      if (opts.signal?.aborted) throw new Error('cancelled');
      const text = carry + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        handle(text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl));
        start = nl + 1;
      }
      carry = text.slice(start);
      if (carry.length > opts.maxRecordLength) {
        throw new ConfigError(
          `line ${line + 1} is longer than ${opts.maxRecordLength} characters: not JSON Lines records`,
          where,
        );
      }
    }
    if (carry) handle(carry);
  } finally {
    meter.destroy();
  }
  if (!nonBlank) throw emptyFile(source);
  return { uri: source.uri, sha256: meter.digest(), bytes: meter.bytes, rows };
}
