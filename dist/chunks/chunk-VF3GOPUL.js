import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-VDZCLCQY.js";import{b as m}from"./chunk-MOCGNQ35.js";import{b as o}from"./chunk-YYZ6LNDE.js";import{d as p}from"./chunk-6X5IFAEN.js";import{b as r}from"./chunk-CS7CRGXV.js";import{c as e}from"./chunk-WJG6KKP4.js";var S=[e,o,p,r,n,m].map(t=>t);function u(t){return S.find(i=>i.name===t)}export{S as a,u as b};
