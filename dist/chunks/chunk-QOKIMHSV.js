import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{c as n}from"./chunk-4FRFYI44.js";import{b as p}from"./chunk-SIJAW33B.js";import{c as e}from"./chunk-PU2VAFRZ.js";import{b as r}from"./chunk-56TVHB2J.js";var i=[e,r,n,p].map(t=>t);function d(t){return i.find(o=>o.name===t)}export{i as a,d as b};
