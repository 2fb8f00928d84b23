import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-GCOWAE2W.js";import{b as p}from"./chunk-DOK2VMPN.js";import{d as r}from"./chunk-WARQDQF3.js";import{b as o}from"./chunk-NYP57HMN.js";import{c as e}from"./chunk-G5QJOGZG.js";var m=[e,p,r,o,n].map(t=>t);function s(t){return m.find(i=>i.name===t)}export{m as a,s as b};
