import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{D as r}from"../chunks/chunk-KD4DWCWH.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-VPQ74YDB.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{parentPort as o,workerData as a}from"node:worker_threads";r(a).then(t=>o?.postMessage(t));
