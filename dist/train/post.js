import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as t}from"../chunks/chunk-SZCNTNQN.js";import"../chunks/chunk-KF4AD6A5.js";import"../chunks/chunk-ZIKFBUQO.js";import"../chunks/chunk-UMCA6BND.js";import"../chunks/chunk-BPK7YXPP.js";import"../chunks/chunk-N2WWNOUU.js";import"../chunks/chunk-FYTECRYW.js";import"../chunks/chunk-ZEOCFWQO.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await t("train","post");
