import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o}from"./chunks/chunk-4GEAVTYR.js";import"./chunks/chunk-XY23TDDK.js";import"./chunks/chunk-BRZJ7RNJ.js";import"./chunks/chunk-5SSPO3YJ.js";import"./chunks/chunk-DGOMLOL7.js";import"./chunks/chunk-AQJDJ7QE.js";import"./chunks/chunk-HHFB23GK.js";import"./chunks/chunk-53JQGKRV.js";import"./chunks/chunk-4FYBBODW.js";import"./chunks/chunk-P4IJG5VI.js";import"./chunks/chunk-3VGBAVFI.js";await o("main");
