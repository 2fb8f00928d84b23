import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o,b as r,c as s}from"./chunk-CI6UENTM.js";import{y as m}from"./chunk-3XTVFFF2.js";var t=class extends o(r,s,"ListTags",m){};export{t as a};
