import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-BTE2HWGL.js";import"./chunk-I6V3JXHG.js";import"./chunk-FI2WMUMP.js";import"./chunk-XOE2X5FD.js";import"./chunk-ZUX4UVYL.js";import"./chunk-P2MYBPQU.js";import"./chunk-2K2QD4NS.js";import"./chunk-3VGBAVFI.js";export{f as ENV_ACCOUNT_ID,e as ENV_CREDENTIAL_SCOPE,d as ENV_EXPIRATION,a as ENV_KEY,b as ENV_SECRET,c as ENV_SESSION,g as fromEnv};
