import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{A as o,p as t,q as e,v as m}from"./chunk-FFRB7T4D.js";var r=class extends t(e,m,"PutObject",o){};export{r as a};
