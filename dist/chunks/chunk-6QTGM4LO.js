import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as r,f as t}from"./chunk-N7UJZBLR.js";import{p as o,x as m}from"./chunk-WGXSXCWM.js";var e=o(r,"SageMaker","SageMakerClient",m),n={},p=(i,s,c,f)=>[];var a=class extends e(n,p,"ListTags",t){};export{e as a,n as b,p as c,a as d};
