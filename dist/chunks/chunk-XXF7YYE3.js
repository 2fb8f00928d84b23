import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{d as n}from"./chunk-QOIJDE6S.js";import{b as p}from"./chunk-DD6IEU3M.js";import{c as e}from"./chunk-HLIQJILH.js";import{b as r}from"./chunk-OYE5VGUS.js";var i=[e,r,n,p].map(t=>t);function d(t){return i.find(o=>o.name===t)}export{i as a,d as b};
