import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as i}from"../chunks/chunk-IGOKTTRR.js";import"../chunks/chunk-TX3VPXRM.js";import"../chunks/chunk-PSSXEWBH.js";import"../chunks/chunk-WHNZ25WQ.js";import"../chunks/chunk-ZGKWGT4Z.js";import"../chunks/chunk-AQJDJ7QE.js";import"../chunks/chunk-HHFB23GK.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await i("train","main");
