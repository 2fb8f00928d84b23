import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-NQFMQTN4.js";import{b as p}from"./chunk-IX4WC3LE.js";import{d as r}from"./chunk-RZTBMWTD.js";import{b as o}from"./chunk-BTBTAIHU.js";import{c as e}from"./chunk-7YRYTY47.js";var m=[e,p,r,o,n].map(t=>t);function s(t){return m.find(i=>i.name===t)}export{m as a,s as b};
