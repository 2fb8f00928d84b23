import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as n}from"./chunk-KCGWJYJL.js";import{b as p}from"./chunk-ZGX4URFZ.js";import{d as r}from"./chunk-34YQOFMT.js";import{b as o}from"./chunk-6AJW6K6Q.js";import{c as e}from"./chunk-VYJ6NM3R.js";var m=[e,p,r,o,n].map(t=>t);function s(t){return m.find(i=>i.name===t)}export{m as a,s as b};
