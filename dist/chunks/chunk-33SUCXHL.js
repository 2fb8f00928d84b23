import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as i}from"./chunk-B7U3HTOX.js";function p(r,s){let o=[];for(let t of i){let n=t.fromConfig?.(r,s);n&&o.push({step:t,inputs:n})}return o}export{p as a};
