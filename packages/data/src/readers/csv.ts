import Papa from 'papaparse';
import { ConfigError } from '@modelship/core/errors';
import { coercerFor, recordFactory, type RecordFactory, type SchemaColumn } from '../columns.js';
import type { RecordProcessor } from '../processor.js';
import { metered } from './meter.js';
import type { DataSource, ReadOptions, SourceStats } from './source.js';

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
  opts: ReadOptions & CsvPartOptions,
): Promise<CsvStats> {
  const meter = metered(await source.open(opts.signal), {
    hash: opts.hash ?? true,
    gzip: source.gzip,
    where: source.workspacePath ?? source.uri,
  });
  let header: string[] | undefined;
  let build: RecordFactory = recordFactory([]);
  let values: unknown[] = [];
  let coercers: ((raw: string) => unknown)[] = [];
  let accs: ReturnType<RecordProcessor['accumulatorsFor']> = [];
  let width = 0;
  let line = (opts.firstLine ?? 1) - 1; // line number of the last row's last physical line
  let rows = 0;
  let fed = 0; // characters handed to the parser so far
  let failure: unknown;
  const end: CsvEnd = { openQuote: false, linebreak: '' };

  const typeOf = new Map(columns.map((c) => [c.name, c.type]));
  const useHeader = (h: string[]): void => {
    header = h.map((x) => x.trim());
    build = recordFactory(header);
    width = header.length;
    values = new Array<unknown>(width);
    coercers = header.map((n) => coercerFor(typeOf.get(n) ?? 'string'));
    accs = proc.accumulatorsFor(header);
  };
  if (opts.header) useHeader(opts.header);

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
      delimiter: ',',
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
            useHeader(h);
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
              if (raw === '') {
                values[j] = undefined;
                accs[j]!.addMissing();
                continue;
              }
              const v = coercers[j]!(raw);
              values[j] = v;
              accs[j]!.add(v);
            }
            proc.record(build(values), first);
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
