import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as i}from"../chunks/chunk-4QTLVGC6.js";import"../chunks/chunk-6XFV6YL6.js";import"../chunks/chunk-OEFHW66L.js";import"../chunks/chunk-AMYDZ375.js";import"../chunks/chunk-32T6GPRZ.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";await i("train","main");
