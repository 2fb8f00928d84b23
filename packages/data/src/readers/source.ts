import type { Readable } from 'node:stream';
import type { TextEncoding } from './meter.js';

export type DataFormat = 'csv' | 'jsonl' | 'parquet';

/** One file or object to read. */
export interface DataSource {
  /** Absolute path or s3:// URI. */
  uri: string;
  /** Path relative to the workspace (for annotations), when the file is local. */
  workspacePath?: string;
  format: DataFormat;
  /** The file is gzip-compressed (`.csv.gz`, `.jsonl.gz`). */
  gzip?: boolean;
  size: number;
  /** Local path, when the data is on disk (Parquet reads ranges from it). */
  localPath?: string;
  open(signal?: AbortSignal): Promise<Readable>;
}

/** What reading one source produced. */
export interface SourceStats {
  uri: string;
  sha256: string;
  bytes: number;
  rows: number;
}

export interface ReadOptions {
  /** A record (line) longer than this is not tabular data: the read stops with an error. */
  maxRecordLength: number;
  signal?: AbortSignal;
  /** Text encoding of CSV and JSON Lines files (default UTF-8). */
  encoding?: TextEncoding;
}

/** The field delimiters a CSV file may use. */
export type Delimiter = ',' | ';' | '\t' | '|';

/** How CSV text is split and what counts as missing. */
export interface CsvOptions {
  /** The field delimiter, or `auto` to detect it from the first rows (default `,`). */
  delimiter?: Delimiter | 'auto';
  /**
   * Cell values read as a missing value, besides the empty cell (default {@link DEFAULT_NULL_VALUES}).
   * A value a column's schema lists in `enum`/`const` stays a value in that column.
   */
  nullValues?: readonly string[];
}

/**
 * Missing-value tokens by default: those pandas and Arrow both read as missing (R writes `NA`),
 * without `None` (a plausible category name) and Excel's `1.#IND`-style spellings.
 */
/** How many errors of one row are reported (the rest are counted). */
export const MAX_ERRORS_PER_ROW = 10;

export const DEFAULT_NULL_VALUES: readonly string[] = [
  'NA',
  'N/A',
  'n/a',
  '#N/A',
  '<NA>',
  'NULL',
  'null',
  'NaN',
  'nan',
  '-NaN',
  '-nan',
];

export const DEFAULT_MAX_RECORD_LENGTH = 1 << 20;
