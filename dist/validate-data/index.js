import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as a}from"../chunks/chunk-YN4IFHUZ.js";import"../chunks/chunk-7WKUIBBH.js";import"../chunks/chunk-EKN4W4WT.js";import"../chunks/chunk-3T5KMCYF.js";import"../chunks/chunk-U5FAESDI.js";import"../chunks/chunk-HHFB23GK.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await a("validate-data","main");
