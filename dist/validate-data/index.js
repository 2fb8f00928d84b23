import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as a}from"../chunks/chunk-63VPPYAB.js";import"../chunks/chunk-WQPI4MO7.js";import"../chunks/chunk-GEFGGHNJ.js";import"../chunks/chunk-XBVNHUPN.js";import"../chunks/chunk-JXXTUADF.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await a("validate-data","main");
