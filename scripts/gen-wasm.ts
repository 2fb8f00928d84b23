// The WebAssembly modules, compiled from their text (.wat) sources with wabt and kept as base64 in
// a TypeScript module beside the source, so the bundles and the sources load them alike with no
// file to find at run time. `npm run gen` writes them; a test fails when one is out of date.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { ROOT } from './gen-lib.js';

/** Source .wat → generated module and the name of the base64 constant it exports. */
const MODULES = [
  { wat: 'packages/stats/src/gather.wat', out: 'packages/stats/src/gather-wasm.ts', name: 'GATHER_WASM' },
];

/** Path → content of every generated WebAssembly module file. */
export async function wasmFiles(): Promise<Map<string, string>> {
  const wabt = await wabtInit();
  const out = new Map<string, string>();
  for (const m of MODULES) {
    const mod = wabt.parseWat(m.wat, readFileSync(join(ROOT, m.wat), 'utf8'), { simd: true });
    try {
      mod.validate();
      const { buffer } = mod.toBinary({ write_debug_names: false });
      const base64 = Buffer.from(buffer).toString('base64');
      out.set(
        m.out,
        `// Generated from ${m.wat.split('/').pop()} by \`npm run gen\`: edit the .wat, not this file.\n` +
          `export const ${m.name} =\n  '${base64}';\n`,
      );
    } finally {
      mod.destroy();
    }
  }
  return out;
}
