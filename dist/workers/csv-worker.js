import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{l as r}from"../chunks/chunk-CV2Y73DJ.js";import"../chunks/chunk-SQOLVGOL.js";import"../chunks/chunk-3VGBAVFI.js";import{parentPort as o,workerData as a}from"node:worker_threads";r(a).then(t=>o?.postMessage(t));
