import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as i}from"../chunks/chunk-CJNHOAWT.js";import"../chunks/chunk-33QFNAQ7.js";import"../chunks/chunk-QQAZNT77.js";import"../chunks/chunk-HXT57S53.js";import"../chunks/chunk-VRFOALSD.js";import"../chunks/chunk-QGDD24QC.js";import"../chunks/chunk-STHRENRY.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await i("train","main");
