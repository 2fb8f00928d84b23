import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as s,e as a}from"./chunk-X5ZRUBEZ.js";import{createHash as f}from"node:crypto";import{createReadStream as m}from"node:fs";async function i(t){let e=f("sha256"),n=0;for await(let o of t){let r=o;n+=r.length,e.update(r)}return{sha256:e.digest("hex"),bytes:n}}async function u(t,e={}){if(!s(t))return i(m(t,{signal:e.signal}));if(!e.s3)throw new Error(`no S3 client given to read ${t}`);return i(await a(e.s3,t,{signal:e.signal}))}export{u as a};
