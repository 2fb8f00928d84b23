import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o}from"./chunks/chunk-Q5QT4CSY.js";import"./chunks/chunk-PZNYKVIV.js";import"./chunks/chunk-FUE2ZBST.js";import"./chunks/chunk-4XKQD6E5.js";import"./chunks/chunk-WAW6VQG6.js";import"./chunks/chunk-53JQGKRV.js";import"./chunks/chunk-4FYBBODW.js";import"./chunks/chunk-P4IJG5VI.js";import"./chunks/chunk-3VGBAVFI.js";await o("post");
