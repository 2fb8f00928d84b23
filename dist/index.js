import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as o}from"./chunks/chunk-76FKCKI5.js";import"./chunks/chunk-7LORHTJK.js";import"./chunks/chunk-V5ADHYCD.js";import"./chunks/chunk-UMCA6BND.js";import"./chunks/chunk-SWQNMVYR.js";import"./chunks/chunk-N2WWNOUU.js";import"./chunks/chunk-D4QIE5S2.js";import"./chunks/chunk-ZEOCFWQO.js";import"./chunks/chunk-53JQGKRV.js";import"./chunks/chunk-4FYBBODW.js";import"./chunks/chunk-P4IJG5VI.js";import"./chunks/chunk-3VGBAVFI.js";await o("main");
