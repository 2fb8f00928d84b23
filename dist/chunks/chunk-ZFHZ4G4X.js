import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-BI327UXC.js";import{b as m}from"./chunk-OCKXARD6.js";import{b as o}from"./chunk-5RMCHR26.js";import{d as p}from"./chunk-ECTRCYZV.js";import{b as r}from"./chunk-6TTRDMRM.js";import{c as e}from"./chunk-GA4IY6UA.js";var S=[e,o,p,r,n,m].map(t=>t);function u(t){return S.find(i=>i.name===t)}export{S as a,u as b};
