// One build for every entry: each step's action (main and, when declared, post), the root action,
// the CLI and the worker threads, all read from the step catalogue and built once into `dist/` as
// ES modules that share their common code in `dist/chunks/` (the AWS SDK, core, ajv are stored
// once). A step's implementation is a dynamic import, so its code loads only when the step runs.
//
//   npm run bundle          rebuild dist/
//   npm run bundle:check    fail when the committed dist/ differs from a fresh build
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { STEPS } from '@modelship/catalog';

export const ROOT = join(import.meta.dirname, '..');

/** Entry name (path under dist/, no extension) → source: a file, or generated code (`virtual:`). */
export function entries(): Record<string, string> {
  const out: Record<string, string> = {
    index: `virtual:import { runRootAction } from '@modelship/github';\nawait runRootAction('main');\n`,
    post: `virtual:import { runRootAction } from '@modelship/github';\nawait runRootAction('post');\n`,
    'cli/index': 'packages/cli/src/main.ts',
  };
  for (const step of STEPS) {
    out[`${step.name}/index`] =
      `virtual:import { runNamedAction } from '@modelship/github';\nawait runNamedAction(${JSON.stringify(step.name)}, 'main');\n`;
    if (step.post)
      out[`${step.name}/post`] =
        `virtual:import { runNamedAction } from '@modelship/github';\nawait runNamedAction(${JSON.stringify(step.name)}, 'post');\n`;
    for (const w of step.workers ?? []) out[`workers/${w.name}`] = w.source;
  }
  return out;
}

/** Generated entry modules, resolved from the repository root so workspace packages are found. */
const virtualEntries: Plugin = {
  name: 'virtual-entries',
  setup(b) {
    b.onResolve({ filter: /^virtual:/ }, (args) => ({ path: args.path, namespace: 'virtual' }));
    b.onLoad({ filter: /.*/, namespace: 'virtual' }, (args) => ({
      contents: args.path.slice('virtual:'.length),
      loader: 'ts',
      resolveDir: ROOT,
    }));
  },
};

// Dependencies written as CommonJS call `require` for Node built-ins; ES modules have none.
const BANNER = `import { createRequire as __modelshipRequire } from 'node:module';\nconst require = __modelshipRequire(import.meta.url);`;

async function bundle(outdir: string): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  const points = Object.entries(entries()).map(([out, src]) => ({
    out,
    in: src.startsWith('virtual:') ? src : join(ROOT, src),
  }));
  await build({
    absWorkingDir: ROOT,
    entryPoints: points,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: BANNER },
    legalComments: 'eof',
    mainFields: ['module', 'main'],
    logLevel: 'warning',
    plugins: [virtualEntries],
  });
  writeFileSync(join(outdir, 'package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n');
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p).map((f) => join(n, f)) : [n];
  });
}

const DIST = join(ROOT, 'dist');

if (process.argv.includes('--check')) {
  const scratch = mkdtempSync(join(tmpdir(), 'modelship-bundle-'));
  try {
    await bundle(scratch);
    const stale: string[] = [];
    for (const f of new Set([...files(scratch), ...files(DIST)])) {
      const a = join(scratch, f);
      const b = join(DIST, f);
      if (!existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b)))
        stale.push(`dist/${f}`);
    }
    if (stale.length) {
      console.error(
        `dist/ is out of date with the sources (run npm run bundle and commit):\n  ${stale.sort().join('\n  ')}`,
      );
      process.exit(1);
    }
    console.log(`dist/ matches a fresh build (${files(DIST).length} files)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  const t0 = Date.now();
  await bundle(DIST);
  const all = files(DIST);
  const bytes = all.reduce((n, f) => n + statSync(join(DIST, f)).size, 0);
  console.log(
    `built ${Object.keys(entries()).length} entries into ${relative(process.cwd(), DIST) || 'dist'}/: ${all.length} files, ${(bytes / 1e6).toFixed(2)} MB, ${Date.now() - t0} ms`,
  );
}
