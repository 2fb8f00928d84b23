import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as e}from"./chunk-WY5R5O4P.js";import{b as n}from"./chunk-YHXU327C.js";var o=[n,e].map(t=>t);function a(t){return o.find(p=>p.name===t)}export{o as a,a as b};
