import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as d,b as e}from"./chunk-VPQ74YDB.js";import"./chunk-4FYBBODW.js";import{f as a,g as b,h as c}from"./chunk-P4IJG5VI.js";import"./chunk-3VGBAVFI.js";export{e as compileSchema,d as createAjv,c as firstUsefulError,b as formatAjvError,a as jsonPointerToPath};
