import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{D as r}from"../chunks/chunk-7AWNH2UZ.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-XEMODLNP.js";import"../chunks/chunk-3VGBAVFI.js";import{parentPort as o,workerData as a}from"node:worker_threads";r(a).then(t=>o?.postMessage(t));
