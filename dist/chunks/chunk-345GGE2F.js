import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-YN2MWFH2.js";import{b as p}from"./chunk-DYXUPDJ2.js";import{d as r}from"./chunk-E4EK3IPY.js";import{b as o}from"./chunk-GVQQO5AR.js";import{c as e}from"./chunk-X2EUNSO7.js";var m=[e,p,r,o,n].map(t=>t);function s(t){return m.find(i=>i.name===t)}export{m as a,s as b};
