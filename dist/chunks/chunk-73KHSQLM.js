import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o,b as r,c as s}from"./chunk-VQAITR4A.js";import{z as m}from"./chunk-7VVTD775.js";var t=class extends o(r,s,"ListTags",m){};export{t as a};
