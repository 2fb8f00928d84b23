import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o,b as r,c as s}from"./chunk-OIDZVO4E.js";import{r as m}from"./chunk-WHW5545R.js";var t=class extends o(r,s,"ListTags",m){};export{t as a};
