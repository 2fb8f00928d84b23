import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import"./chunk-3VGBAVFI.js";async function n(...e){throw new Error("not yet")}export{n as deploySageMaker};
