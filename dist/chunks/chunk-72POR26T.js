import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o,b as r,c as s}from"./chunk-J3VVUBE3.js";import{m}from"./chunk-4UDBPJLE.js";var t=class extends o(r,s,"ListTags",m){};export{t as a};
