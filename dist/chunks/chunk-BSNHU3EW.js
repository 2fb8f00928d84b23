import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as e}from"./chunk-7IVP4MIS.js";import{b as n}from"./chunk-4ELNGVGA.js";var o=[n,e].map(t=>t);function a(t){return o.find(p=>p.name===t)}export{o as a,a as b};
