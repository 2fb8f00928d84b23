import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o}from"./chunks/chunk-AQPPO5DW.js";import"./chunks/chunk-C2TFYDGG.js";import"./chunks/chunk-KZORG7AR.js";import"./chunks/chunk-RGC6BOZQ.js";import"./chunks/chunk-ZGKWGT4Z.js";import"./chunks/chunk-AQJDJ7QE.js";import"./chunks/chunk-HHFB23GK.js";import"./chunks/chunk-53JQGKRV.js";import"./chunks/chunk-4FYBBODW.js";import"./chunks/chunk-P4IJG5VI.js";import"./chunks/chunk-3VGBAVFI.js";await o("main");
