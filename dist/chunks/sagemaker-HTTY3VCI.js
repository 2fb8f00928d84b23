import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import"./chunk-CHILWQHF.js";import{a as o}from"./chunk-P4IJG5VI.js";import"./chunk-3VGBAVFI.js";async function p(n,r,t,e){throw await Promise.resolve(),new o("is not supported yet on SageMaker",`endpoint ${e}`)}export{p as sagemakerCanary};
