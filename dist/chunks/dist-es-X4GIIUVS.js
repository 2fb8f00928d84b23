import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-UGKV5UI3.js";import"./chunk-ZEMALFMG.js";import"./chunk-6D5NTQIL.js";import"./chunk-RKOKF4W3.js";import"./chunk-3VGBAVFI.js";export{f as ENV_ACCOUNT_ID,e as ENV_CREDENTIAL_SCOPE,d as ENV_EXPIRATION,a as ENV_KEY,b as ENV_SECRET,c as ENV_SESSION,g as fromEnv};
