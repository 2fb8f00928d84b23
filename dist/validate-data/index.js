import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as a}from"../chunks/chunk-NSHQIKR3.js";import"../chunks/chunk-7I3SBQNE.js";import"../chunks/chunk-X4OWQKN3.js";import"../chunks/chunk-WRZ6APDF.js";import"../chunks/chunk-ZGKWGT4Z.js";import"../chunks/chunk-AQJDJ7QE.js";import"../chunks/chunk-HHFB23GK.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await a("validate-data","main");
