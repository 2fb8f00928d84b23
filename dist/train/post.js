import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as t}from"../chunks/chunk-HNBF22WC.js";import"../chunks/chunk-R327EQVN.js";import"../chunks/chunk-6VJGKI7B.js";import"../chunks/chunk-DSTTDUJL.js";import"../chunks/chunk-32T6GPRZ.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await t("train","post");
