import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o,b as r,c as m}from"./chunk-CI6UENTM.js";import{p as e}from"./chunk-3XTVFFF2.js";var p=class extends o(r,m,"DescribeEndpoint",e){};export{p as a};
