import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as a}from"../chunks/chunk-327UCNG4.js";import"../chunks/chunk-HKHEN4YU.js";import"../chunks/chunk-BWT2IUHI.js";import"../chunks/chunk-6CVTR6B2.js";import"../chunks/chunk-J2UX3RXO.js";import"../chunks/chunk-N57BZRVX.js";import"../chunks/chunk-3VGBAVFI.js";await a("validate-data","main");
