import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{d as n}from"./chunk-RYXCDL65.js";import{b as p}from"./chunk-GB36NMFN.js";import{c as e}from"./chunk-WONMCLZ4.js";import{b as r}from"./chunk-LUVJVVNZ.js";var i=[e,r,n,p].map(t=>t);function d(t){return i.find(o=>o.name===t)}export{i as a,d as b};
