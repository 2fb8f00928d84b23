import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-7QXC7CYC.js";import{b as m}from"./chunk-ZGQLMDP3.js";import{b as o}from"./chunk-6HHO7O7K.js";import{d as p}from"./chunk-HIX4HCNB.js";import{b as r}from"./chunk-7YBC7527.js";import{c as e}from"./chunk-YIK6JSCL.js";var S=[e,o,p,r,n,m].map(t=>t);function u(t){return S.find(i=>i.name===t)}export{S as a,u as b};
