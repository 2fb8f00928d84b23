import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{M as o}from"../chunks/chunk-NDOFEL3R.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-VPQ74YDB.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{parentPort as e,workerData as a}from"node:worker_threads";var r=a;r.kind==="modelship-parquet-part"?import("../chunks/parquet-part-Z6OUUN7F.js").then(({readParquetPart:t})=>t(r)).then(t=>e?.postMessage(t)):o(r).then(t=>e?.postMessage(t));
