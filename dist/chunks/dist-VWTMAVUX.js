import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a}from"./chunk-ZRA2VNVB.js";import"./chunk-3VGBAVFI.js";export default a();
