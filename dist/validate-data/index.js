import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as a}from"../chunks/chunk-6KD4PU3A.js";import"../chunks/chunk-TJ2RHXT7.js";import"../chunks/chunk-LUHZHT6H.js";import"../chunks/chunk-RS75YSRF.js";import"../chunks/chunk-FW62F6XF.js";import"../chunks/chunk-N57BZRVX.js";import"../chunks/chunk-3VGBAVFI.js";await a("validate-data","main");
