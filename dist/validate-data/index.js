import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as a}from"../chunks/chunk-UCULGZA5.js";import"../chunks/chunk-KJ5ASYPH.js";import"../chunks/chunk-FPKZ5FFC.js";import"../chunks/chunk-52LULXQ6.js";import"../chunks/chunk-ITJRV6LS.js";import"../chunks/chunk-N57BZRVX.js";import"../chunks/chunk-3VGBAVFI.js";await a("validate-data","main");
