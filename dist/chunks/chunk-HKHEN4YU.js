import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as e}from"./chunk-BWT2IUHI.js";import{b as n}from"./chunk-6CVTR6B2.js";var o=[n,e].map(t=>t);function a(t){return o.find(p=>p.name===t)}export{o as a,a as b};
