import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{c as a,d as b}from"./chunk-QCDESOJR.js";import"./chunk-SOP2YUW6.js";import"./chunk-LDDNWMRZ.js";import"./chunk-HSJMDOH6.js";import"./chunk-VPQ74YDB.js";import"./chunk-53JQGKRV.js";import"./chunk-4FYBBODW.js";import"./chunk-P4IJG5VI.js";import"./chunk-3VGBAVFI.js";export{a as PARQUET_PART_JOB,b as readParquetPart};
