import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o,b as r,c as m}from"./chunk-226F4ESI.js";import{q as e}from"./chunk-Y3OLJ2KK.js";var c=class extends o(r,m,"DescribeModelPackage",e){};export{c as a};
