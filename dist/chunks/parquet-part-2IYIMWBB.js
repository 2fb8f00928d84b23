import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{c as a,d as b}from"./chunk-STIKSNI7.js";import"./chunk-VVHYZSFM.js";import"./chunk-B67KNBGU.js";import"./chunk-VPQ74YDB.js";import"./chunk-53JQGKRV.js";import"./chunk-4FYBBODW.js";import"./chunk-P4IJG5VI.js";import"./chunk-3VGBAVFI.js";export{a as PARQUET_PART_JOB,b as readParquetPart};
