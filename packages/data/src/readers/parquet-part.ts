// Rows [start, end) of a Parquet file, read on a worker thread (see parquet-split.ts). Loaded by
// the worker bundle on demand, so a CSV part does not load the Parquet reader.
import type { ProcessorSnapshot } from '../processor.js';
import { readPart, type PartBase, type PartFailure } from './csv-part.js';
import { readParquet } from './parquet.js';

export const PARQUET_PART_JOB = 'modelship-parquet-part';

export interface ParquetPartJob extends PartBase {
  kind: typeof PARQUET_PART_JOB;
  size: number;
  start: number;
  end: number;
  /** Columns the reading thread profiles already (earlier files'), with how: missing here too. */
  known: { name: string; type: 'number' | 'string' }[];
}

export type ParquetPartResult = { ok: true; snapshot: ProcessorSnapshot; rows: number } | PartFailure;

/** Read some rows of a Parquet file and hand back everything learned. */
export function readParquetPart(job: ParquetPartJob): Promise<ParquetPartResult> {
  return readPart(job, async (proc) => {
    for (const k of job.known) proc.accumulator(k.name, k.type);
    const source = {
      uri: job.file,
      workspacePath: job.file,
      format: 'parquet' as const,
      size: job.size,
      localPath: job.path,
      open: () => Promise.reject(new Error('a Parquet file is read by ranges')),
    };
    const stats = await readParquet(source, proc, {
      maxRecordLength: job.maxRecordLength,
      rows: { start: job.start, end: job.end },
      hash: false,
    });
    return { rows: stats.rows };
  });
}
