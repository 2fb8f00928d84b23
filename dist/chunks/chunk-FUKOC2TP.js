import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-FTKP5IUM.js";import{b as m}from"./chunk-EDIP7YBT.js";import{b as o}from"./chunk-N3Y45AV7.js";import{d as p}from"./chunk-36M32JUV.js";import{b as r}from"./chunk-V2QU72YE.js";import{c as e}from"./chunk-FWQ5LAKH.js";var S=[e,o,p,r,n,m].map(t=>t);function u(t){return S.find(i=>i.name===t)}export{S as a,u as b};
