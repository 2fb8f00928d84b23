import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o}from"./chunks/chunk-P3VZT5DG.js";import"./chunks/chunk-BSNHU3EW.js";import"./chunks/chunk-7IVP4MIS.js";import"./chunks/chunk-4ELNGVGA.js";import"./chunks/chunk-3JMLGSYS.js";import"./chunks/chunk-53JQGKRV.js";import"./chunks/chunk-XEMODLNP.js";import"./chunks/chunk-3VGBAVFI.js";await o("main");
