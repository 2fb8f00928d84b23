import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-JSXOWSU5.js";import{b as p}from"./chunk-MKUROBTK.js";import{d as r}from"./chunk-WU654OZY.js";import{b as o}from"./chunk-P7O2RU5I.js";import{c as e}from"./chunk-UAE6VZKN.js";var m=[e,p,r,o,n].map(t=>t);function s(t){return m.find(i=>i.name===t)}export{m as a,s as b};
