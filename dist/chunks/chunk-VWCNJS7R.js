import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-6JVOSDTZ.js";import{b as p}from"./chunk-RV4WUJGM.js";import{d as r}from"./chunk-LZT7JOXX.js";import{b as o}from"./chunk-PFCHPDWB.js";import{c as e}from"./chunk-RERL5IS7.js";var m=[e,p,r,o,n].map(t=>t);function s(t){return m.find(i=>i.name===t)}export{m as a,s as b};
