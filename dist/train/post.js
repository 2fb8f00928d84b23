import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as t}from"../chunks/chunk-U3ACBKBD.js";import"../chunks/chunk-4AE23AHH.js";import"../chunks/chunk-WY5R5O4P.js";import"../chunks/chunk-YHXU327C.js";import"../chunks/chunk-K77XZLPH.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-N57BZRVX.js";import"../chunks/chunk-3VGBAVFI.js";await t("train","post");
