import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o,b as r,c as m}from"./chunk-VQAITR4A.js";import{s as e}from"./chunk-7VVTD775.js";var c=class extends o(r,m,"DescribeModelPackage",e){};export{c as a};
