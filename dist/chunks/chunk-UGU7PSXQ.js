import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-GIC6CFHD.js";import{b as p}from"./chunk-XBJVXTYR.js";import{d as r}from"./chunk-SO2PJLW5.js";import{b as o}from"./chunk-XBBYASWT.js";import{c as e}from"./chunk-AU4JLTGY.js";var m=[e,p,r,o,n].map(t=>t);function s(t){return m.find(i=>i.name===t)}export{m as a,s as b};
