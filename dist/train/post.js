import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as t}from"../chunks/chunk-FRLV5WYP.js";import"../chunks/chunk-U65PXKCI.js";import"../chunks/chunk-VGYL5SZU.js";import"../chunks/chunk-UMCA6BND.js";import"../chunks/chunk-XXWHCDXS.js";import"../chunks/chunk-N2WWNOUU.js";import"../chunks/chunk-H2JQZXO3.js";import"../chunks/chunk-ZEOCFWQO.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await t("train","post");
