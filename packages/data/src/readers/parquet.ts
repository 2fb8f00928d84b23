import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { ConfigError } from '@modelship/core';
import type { RecordProcessor } from '../processor.js';
import { emptyFile } from './csv.js';
import { fingerprintFile } from './meter.js';
import type { DataSource, ReadOptions, SourceStats } from './source.js';

/** Parquet values → JSON-Schema-checkable values (INT64 arrives as bigint, timestamps as Date). */
function normalise(rec: Record<string, unknown>): Record<string, unknown> {
  for (const k in rec) {
    const v = rec[k];
    if (typeof v === 'bigint') rec[k] = Number(v);
    else if (v instanceof Date) rec[k] = v.toISOString();
    else if (v === null) delete rec[k];
  }
  return rec;
}

/** Read a Parquet file one row group at a time, so memory is bounded by the largest row group. */
export async function readParquet(
  source: DataSource,
  proc: RecordProcessor,
  opts: ReadOptions,
): Promise<SourceStats> {
  const where = source.workspacePath ?? source.uri;
  if (!source.localPath) throw new Error(`parquet source ${source.uri} has no local copy`);
  if (source.size === 0) throw emptyFile(source);
  const { sha256, bytes } = await fingerprintFile(source.localPath, opts.signal);
  const file = await asyncBufferFromFile(source.localPath);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new ConfigError(`not a readable Parquet file: ${(err as Error).message}`, where, { cause: err });
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    if (opts.signal?.aborted) throw new Error('cancelled');
    const n = Number(group.num_rows);
    const records = (await parquetReadObjects({ file, metadata, rowStart, rowEnd: rowStart + n })) as Record<
      string,
      unknown
    >[];
    for (let i = 0; i < records.length; i++) {
      const rec = normalise(records[i]!);
      proc.profileObject(rec);
      proc.record(rec, rowStart + i + 1);
    }
    rowStart += n;
  }
  return { uri: source.uri, sha256, bytes, rows: rowStart };
}
