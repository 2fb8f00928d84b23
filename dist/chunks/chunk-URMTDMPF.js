import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-4XOR2ZKA.js";import{b as m}from"./chunk-BVCBEAV7.js";import{b as o}from"./chunk-W6XLTODY.js";import{d as p}from"./chunk-5SVFIH77.js";import{b as r}from"./chunk-62QDB2D2.js";import{c as e}from"./chunk-PZRQBIGX.js";var S=[e,o,p,r,n,m].map(t=>t);function u(t){return S.find(i=>i.name===t)}export{S as a,u as b};
