import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as t}from"../chunks/chunk-RJXP7T7J.js";import"../chunks/chunk-OZPHMUBH.js";import"../chunks/chunk-M2EW7A3Q.js";import"../chunks/chunk-UMCA6BND.js";import"../chunks/chunk-IUPW5UH5.js";import"../chunks/chunk-N2WWNOUU.js";import"../chunks/chunk-QZ3QWPZQ.js";import"../chunks/chunk-ZEOCFWQO.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await t("train","post");
