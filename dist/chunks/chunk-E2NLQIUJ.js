import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o,b as r,c as m}from"./chunk-VQAITR4A.js";import{p as e}from"./chunk-7VVTD775.js";var p=class extends o(r,m,"DescribeEndpoint",e){};export{p as a};
