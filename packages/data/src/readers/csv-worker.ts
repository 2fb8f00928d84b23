// Entry of the worker bundle: read the part described by workerData (a CSV byte range, or rows of
// a Parquet file), post the result.
import { parentPort, workerData } from 'node:worker_threads';
import { readCsvPart, type PartJob } from './csv-part.js';
import type { ParquetPartJob } from './parquet-part.js';

const job = workerData as PartJob | ParquetPartJob;
if (job.kind === 'modelship-parquet-part') {
  // Loaded only for Parquet: the CSV part starts without it.
  void import('./parquet-part.js')
    .then(({ readParquetPart }) => readParquetPart(job))
    .then((result) => parentPort?.postMessage(result));
} else void readCsvPart(job).then((result) => parentPort?.postMessage(result));
