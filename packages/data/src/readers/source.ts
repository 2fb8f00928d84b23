import type { Readable } from 'node:stream';

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
}

export const DEFAULT_MAX_RECORD_LENGTH = 1 << 20;
