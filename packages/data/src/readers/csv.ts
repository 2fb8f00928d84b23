import Papa from 'papaparse';
import { ConfigError } from '@modelship/core/errors';
import { coercerFor, recordFactory, type RecordFactory, type SchemaColumn } from '../columns.js';
import type { RecordProcessor } from '../processor.js';
import { lineOfByte, metered, UndecodableError } from './meter.js';
import {
  DEFAULT_NULL_VALUES,
  type CsvOptions,
  type DataSource,
  type Delimiter,
  type ReadOptions,
  type SourceStats,
} from './source.js';

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function tooLong(source: DataSource, line: number, max: number): ConfigError {
  return new ConfigError(
    `record at line ${line} is longer than ${max} characters: not tabular CSV (an unclosed quote, or the wrong format?)`,
    source.workspacePath ?? source.uri,
  );
}

export function emptyFile(source: DataSource): ConfigError {
  return new ConfigError('file is empty', source.workspacePath ?? source.uri);
}

/** A delimiter as a person writes it in the delimiter input. */
function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : d;
}

/**
 * Bytes that are not UTF-8, as a one-line error naming the file and line (found by reading the
 * source again up to the byte; `locate` overrides how, for a part of a file).
 */
export async function undecodable(
  source: DataSource,
  err: UndecodableError,
  locate?: (offset: number) => Promise<number>,
): Promise<ConfigError> {
  // 1f 8b opens every gzip stream: a compressed file whose name does not say so.
  if (!source.gzip && err.offset === 1 && err.bytes[0] === 0x8b)
    return new ConfigError(
      'is gzip-compressed, but its name does not end in .gz',
      source.workspacePath ?? source.uri,
      {
        hint: 'rename it to end in .gz (e.g. data.csv.gz) so it is decompressed as it is read',
      },
    );
  const line = locate
    ? await locate(err.offset)
    : await lineOfByte(await source.open(), source.gzip, err.offset);
  const hex = `0x${err.bytes[0]!.toString(16).toUpperCase().padStart(2, '0')}`;
  return new ConfigError(
    `line ${line} is not valid UTF-8 (byte ${hex}): if the file is Latin-1 or Windows-1252, set the encoding input (or data.encoding) to latin1`,
    source.workspacePath ?? source.uri,
  );
}

const CANDIDATES: Delimiter[] = [',', ';', '\t', '|'];

/** Check a header: no name twice; one column holding another delimiter means the wrong delimiter. */
function checkHeader(names: readonly string[], delimiter: string, where: string): void {
  const first = new Map<string, number>();
  names.forEach((n, j) => {
    const before = first.get(n);
    if (before === undefined) first.set(n, j);
    else
      throw new ConfigError(
        n === ''
          ? `the header has no name for columns ${before + 1} and ${j + 1}: every column needs a distinct name`
          : `the header names column '${n}' twice (columns ${before + 1} and ${j + 1}): every column needs a distinct name`,
        where,
      );
  });
  if (names.length === 1) {
    const other = CANDIDATES.find((d) => d !== delimiter && names[0]!.includes(d));
    if (other) {
      throw new ConfigError(
        `the header is one column (${JSON.stringify(names[0]!.slice(0, 60))}): if its delimiter is '${delimiterName(other)}', set the delimiter input (or data.delimiter) to '${delimiterName(other)}' or 'auto'`,
        where,
      );
    }
  }
}

/**
 * Per column, the cell values that mean "missing": the null-value tokens minus the strings the
 * column's schema lists as values. Returns a first-character filter, so most cells are ruled out by
 * one length check and one table look-up, without hashing.
 */
function missingTokens(
  header: readonly string[],
  columns: ReadonlyMap<string, SchemaColumn>,
  tokens: readonly string[],
): { sets: Set<string>[]; first: Uint8Array; maxLength: number } {
  const first = new Uint8Array(65536);
  let maxLength = 0;
  for (const t of tokens) {
    if (t === '') continue;
    first[t.charCodeAt(0)] = 1;
    maxLength = Math.max(maxLength, t.length);
  }
  const sets = header.map((name) => {
    const literals = new Set(columns.get(name)?.literals ?? []);
    return new Set(tokens.filter((t) => t !== '' && !literals.has(t)));
  });
  return { sets, first, maxLength };
}

/**
 * Stream a CSV file (header row first) through the processor in one pass. Values are coerced to the
 * schema's types; a row with the wrong number of fields or broken quoting is an invalid row with its
 * line number, and the read goes on.
 */
export interface CsvPartOptions {
  /** The header, when the stream starts after it (a later part of a split file). */
  header?: string[];
  /** Line number of the stream's first line (default 1). */
  firstLine?: number;
  /** Skip the fingerprint (whoever split the file hashes it whole). */
  hash?: boolean;
  /** The line number of a byte of the stream, for a decoding error (default: read the source again). */
  locateLine?: (offset: number) => Promise<number>;
}

/** Where the parser stood when its input ended: what a split read checks its cut against. */
export interface CsvEnd {
  /** The input ended inside a quoted field (the parser reported an unterminated quote). */
  openQuote: boolean;
  /** The line break the parser used (`\n` or `\r\n`, guessed from the start of its input). */
  linebreak: string;
}

export interface CsvStats extends SourceStats {
  /** Line number of the last line read. */
  lines: number;
  end: CsvEnd;
}

export async function readCsv(
  source: DataSource,
  proc: RecordProcessor,
  columns: readonly SchemaColumn[],
  opts: ReadOptions & CsvOptions & CsvPartOptions,
): Promise<CsvStats> {
  try {
    if (opts.delimiter === 'auto') opts = { ...opts, delimiter: await sniffDelimiter(source, opts) };
    return await readCsvText(source, proc, columns, opts);
  } catch (err) {
    if (err instanceof UndecodableError) throw await undecodable(source, err, opts.locateLine);
    throw err;
  }
}

/** How much of a file's start `delimiter: auto` looks at for its header line. */
const SNIFF_CHARS = 64 * 1024;

/**
 * `delimiter: auto`: the candidate that splits the header line into the most columns (outside
 * quotes), in the order `,` `;` tab `|` on a tie, else `,`. Decided from the header alone, so a
 * file of any length — two lines, or a header only — is read the same way.
 */
export async function sniffDelimiter(
  source: DataSource,
  opts: Pick<ReadOptions, 'signal' | 'encoding'>,
): Promise<Delimiter> {
  const text = metered(await source.open(opts.signal), {
    hash: false,
    gzip: source.gzip,
    where: source.workspacePath ?? source.uri,
    encoding: opts.encoding,
  });
  let head = '';
  try {
    for await (const chunk of text) {
      head += String(chunk);
      if (head.length >= SNIFF_CHARS || /[\r\n]/.test(head)) break;
    }
  } finally {
    text.destroy();
  }
  const counts = new Map<Delimiter, number>(CANDIDATES.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of head) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch as Delimiter))
      counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  let best: Delimiter = ',';
  for (const d of CANDIDATES) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

async function readCsvText(
  source: DataSource,
  proc: RecordProcessor,
  columns: readonly SchemaColumn[],
  opts: ReadOptions & CsvOptions & CsvPartOptions,
): Promise<CsvStats> {
  const where = source.workspacePath ?? source.uri;
  const meter = metered(await source.open(opts.signal), {
    hash: opts.hash ?? true,
    gzip: source.gzip,
    where,
    encoding: opts.encoding,
  });
  let header: string[] | undefined;
  let build: RecordFactory = recordFactory([]);
  let values: unknown[] = [];
  let coercers: ((raw: string) => unknown)[] = [];
  let accs: ReturnType<RecordProcessor['accumulatorsFor']> = [];
  // A missing value is null where the schema allows null (so a required nullable column passes),
  // else absent (undefined).
  let missing: (null | undefined)[] = [];
  let nulls: Set<string>[] = [];
  let nullFirst: Uint8Array = new Uint8Array(0);
  let nullMax = 0;
  let width = 0;
  let line = (opts.firstLine ?? 1) - 1; // line number of the last row's last physical line
  let rows = 0;
  let fed = 0; // characters handed to the parser so far
  let failure: unknown;
  const end: CsvEnd = { openQuote: false, linebreak: '' };

  const byName = new Map(columns.map((c) => [c.name, c]));
  const delimiter = opts.delimiter ?? ',';
  const useHeader = (h: string[], used: string): void => {
    header = h.map((x) => x.trim());
    checkHeader(header, used, where);
    build = recordFactory(header);
    width = header.length;
    values = new Array<unknown>(width);
    coercers = header.map((n) => coercerFor(byName.get(n)?.type ?? 'string'));
    missing = header.map((n) => (byName.get(n)?.nullable ? null : undefined));
    ({
      sets: nulls,
      first: nullFirst,
      maxLength: nullMax,
    } = missingTokens(header, byName, opts.nullValues ?? DEFAULT_NULL_VALUES));
    accs = proc.accumulatorsFor(header);
  };
  if (opts.header) useHeader(opts.header, delimiter === 'auto' ? ',' : delimiter);

  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      meter.destroy(new Error('cancelled'));
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (err?: unknown): void => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (err ?? failure) {
        meter.destroy();
        reject(err ?? failure);
      } else resolve();
    };
    // Registered before the parser's own listener, so it has counted a chunk when the parser sees it.
    meter.on('data', (text: string) => {
      fed += text.length;
    });
    Papa.parse<string[]>(meter as unknown as File, {
      header: false,
      dynamicTyping: false,
      skipEmptyLines: false,
      // '' = detect it (from the first rows) among the delimiters we take.
      delimiter: delimiter === 'auto' ? '' : delimiter,
      delimitersToGuess: CANDIDATES,
      chunk(results, parser) {
        try {
          const data = results.data;
          // What the parser holds back as an unfinished record: everything after its cursor.
          if (fed - results.meta.cursor > opts.maxRecordLength)
            throw tooLong(source, line + 1, opts.maxRecordLength);
          if (data.length === 0) return;
          end.linebreak = results.meta.linebreak;
          let bad: Map<number, string> | undefined;
          for (const e of results.errors) {
            // Only ever on the last record: the quote ran to the end of the input.
            if (e.code === 'MissingQuotes') end.openQuote = true;
            if (e.row !== undefined && e.row !== null) (bad ??= new Map()).set(e.row, e.message);
          }
          const quoted = meter.sawQuote;
          let start = 0;
          if (!header) {
            const h = data[0]!;
            if (h.every((x) => x.trim() === '')) throw emptyFile(source);
            useHeader(h, results.meta.delimiter);
            line += 1 + (quoted ? countNewlines(h.join('')) : 0);
            start = 1;
          }
          for (let r = start; r < data.length; r++) {
            const row = data[r]!;
            let span = 1;
            if (quoted)
              for (let j = 0; j < row.length; j++) if (row[j]!.includes('\n')) span += countNewlines(row[j]!);
            const first = line + 1;
            line += span;
            if (row.length !== width) {
              if (row.length === 1 && row[0] === '') continue; // blank line
              proc.parseError(first, bad?.get(r) ?? `expected ${width} fields, found ${row.length}`);
              rows++;
              continue;
            }
            if (bad?.has(r)) {
              proc.parseError(first, bad.get(r)!);
              rows++;
              continue;
            }
            for (let j = 0; j < width; j++) {
              const raw = row[j]!;
              if (
                raw === '' ||
                (raw.length <= nullMax && nullFirst[raw.charCodeAt(0)] === 1 && nulls[j]!.has(raw))
              ) {
                values[j] = missing[j];
                accs[j]!.addMissing();
                continue;
              }
              const v = coercers[j]!(raw);
              values[j] = v;
              accs[j]!.add(v);
            }
            proc.record(build(values), first, 'text');
            rows++;
          }
        } catch (err) {
          failure = err;
          parser.abort();
        }
      },
      complete: () => done(),
      error: (err: unknown) => done(err),
    });
  });
  if (!header) throw emptyFile(source);
  return {
    uri: source.uri,
    sha256: meter.digest(),
    bytes: meter.bytes,
    rows,
    lines: line,
    end,
  };
}
