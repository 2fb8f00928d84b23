// Entry of the CSV worker bundle: read the part described by workerData, post the result.
import { parentPort, workerData } from 'node:worker_threads';
import { readCsvPart, type PartJob } from './csv-part.js';

void readCsvPart(workerData as PartJob).then((result) => parentPort?.postMessage(result));
