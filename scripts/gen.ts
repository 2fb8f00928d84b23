import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedFiles, ROOT } from './gen-lib.js';
import { wasmFiles } from './gen-wasm.js';

for (const [path, content] of [...generatedFiles(), ...(await wasmFiles())]) {
  mkdirSync(dirname(join(ROOT, path)), { recursive: true });
  writeFileSync(join(ROOT, path), content);
  console.log(`wrote ${path}`);
}
