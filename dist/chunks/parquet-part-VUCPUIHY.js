import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{c as a,d as b}from"./chunk-7I7G2MLP.js";import"./chunk-WYNAKLWU.js";import"./chunk-LDDNWMRZ.js";import"./chunk-SSFMRYFL.js";import"./chunk-VPQ74YDB.js";import"./chunk-53JQGKRV.js";import"./chunk-4FYBBODW.js";import"./chunk-P4IJG5VI.js";import"./chunk-3VGBAVFI.js";export{a as PARQUET_PART_JOB,b as readParquetPart};
