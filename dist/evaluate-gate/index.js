import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as a}from"../chunks/chunk-DNIYREXA.js";import"../chunks/chunk-GXNUBNBD.js";import"../chunks/chunk-2JGD44HV.js";import"../chunks/chunk-BSSNF5XX.js";import"../chunks/chunk-DGOMLOL7.js";import"../chunks/chunk-AQJDJ7QE.js";import"../chunks/chunk-HHFB23GK.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await a("evaluate-gate","main");
