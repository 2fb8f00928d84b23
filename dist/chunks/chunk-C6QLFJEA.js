import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o,b as r,c as s}from"./chunk-226F4ESI.js";import{w as m}from"./chunk-Y3OLJ2KK.js";var t=class extends o(r,s,"ListTags",m){};export{t as a};
