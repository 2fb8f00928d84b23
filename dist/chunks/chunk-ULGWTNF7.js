import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{B as o,C as r,D as m,p as e}from"./chunk-4I24DZKL.js";var c=class extends o(r,m,"DescribeModelPackage",e){};export{c as a};
