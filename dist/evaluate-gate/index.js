import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as a}from"../chunks/chunk-D4OD25QH.js";import"../chunks/chunk-DXKIERPH.js";import"../chunks/chunk-EKN4W4WT.js";import"../chunks/chunk-3T5KMCYF.js";import"../chunks/chunk-34PHGTRC.js";import"../chunks/chunk-HHFB23GK.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await a("evaluate-gate","main");
