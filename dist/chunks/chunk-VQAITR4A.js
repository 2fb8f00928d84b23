import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as r}from"./chunk-7VVTD775.js";import{l as o,u as m}from"./chunk-FI2WMUMP.js";var g=o(r,"SageMaker","SageMakerClient",m),s={},d=(e,t,n,a)=>[];export{g as a,s as b,d as c};
