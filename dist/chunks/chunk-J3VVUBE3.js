import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as r}from"./chunk-4UDBPJLE.js";import{p as o,x as m}from"./chunk-WGXSXCWM.js";var g=o(r,"SageMaker","SageMakerClient",m),s={},d=(e,t,n,a)=>[];export{g as a,s as b,d as c};
