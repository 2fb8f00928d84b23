import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as t}from"../chunks/chunk-2P2HY7B4.js";import"../chunks/chunk-AX7FQPK4.js";import"../chunks/chunk-N7BFDWM5.js";import"../chunks/chunk-PBTJ3PIO.js";import"../chunks/chunk-ZGKWGT4Z.js";import"../chunks/chunk-AQJDJ7QE.js";import"../chunks/chunk-HHFB23GK.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await t("train","post");
