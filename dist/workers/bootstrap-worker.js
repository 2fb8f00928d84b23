import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{E as a,F as s}from"../chunks/chunk-SSFMRYFL.js";import"../chunks/chunk-3VGBAVFI.js";import{parentPort as e,workerData as p}from"node:worker_threads";var r=p,t;try{let o=a(r.name,r.candidate,r.champion,r.options);t={ok:!0,draws:s(o,r.chunks)}}catch(o){t={ok:!1,message:o instanceof Error?o.message:String(o)}}e?.postMessage(t,t.ok?[t.draws.buffer]:[]);
