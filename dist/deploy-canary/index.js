import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as a}from"../chunks/chunk-D2LV4TOT.js";import"../chunks/chunk-F6LIKX5O.js";import"../chunks/chunk-G65ARJLH.js";import"../chunks/chunk-UMCA6BND.js";import"../chunks/chunk-A745OYNI.js";import"../chunks/chunk-C26CJOO5.js";import"../chunks/chunk-GWJZXWJZ.js";import"../chunks/chunk-ZEOCFWQO.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await a("deploy-canary","main");
