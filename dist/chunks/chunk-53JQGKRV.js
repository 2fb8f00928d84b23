import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
var e=["NA","N/A","n/a","#N/A","<NA>","NULL","null","NaN","nan","-NaN","-nan"];export{e as a};
