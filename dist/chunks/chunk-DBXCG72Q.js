import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-ZKVPTKVW.js";import{b as m}from"./chunk-PP4HDKX2.js";import{b as o}from"./chunk-APWYNI5E.js";import{d as p}from"./chunk-FC62JUHO.js";import{b as r}from"./chunk-J5USOSCP.js";import{c as e}from"./chunk-MGOIBT6J.js";var S=[e,o,p,r,n,m].map(t=>t);function u(t){return S.find(i=>i.name===t)}export{S as a,u as b};
