import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{A as m,n as e,y as o,z as r}from"./chunk-N555QJHE.js";var c=class extends o(r,m,"DescribeModelPackage",e){};export{c as a};
