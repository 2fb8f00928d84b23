// One build for every entry: each step's action (main and, when declared, post), the root action,
// the CLI and the worker threads, all read from the step catalogue and built once into `dist/` as
// ES modules that share their common code in `dist/chunks/` (the AWS SDK, core, ajv are stored
// once). A step's implementation is a dynamic import, so its code loads only when the step runs.
//
//   npm run bundle          rebuild dist/
//   npm run bundle:check    fail when the committed dist/ differs from a fresh build
//   npm run bundle -- --analyze   also print what each entry loads at start, by package
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { createRequire } from 'node:module';
import { STEPS } from '@modelship/catalog';
import {
  composeConfigSchema,
  composeManifestSchema,
  inputSchema,
  validatorOptions,
  type JsonSchema,
  type ValidatorMode,
} from '@modelship/core';
import { createAjv } from '@modelship/core/schema';

export const ROOT = join(import.meta.dirname, '..');

// Every host entry first registers the validators compiled ahead of time (see below).
const PRE = `import 'precompiled:validators';\n`;

/** Entry name (path under dist/, no extension) → source: a file, or generated code (`virtual:`). */
export function entries(): Record<string, string> {
  const out: Record<string, string> = {
    index: `virtual:${PRE}import { runRootAction } from '@modelship/github';\nawait runRootAction('main');\n`,
    post: `virtual:${PRE}import { runRootAction } from '@modelship/github';\nawait runRootAction('post');\n`,
    'cli/index': `virtual:#!/usr/bin/env node\n${PRE}import './packages/cli/src/main.ts';\n`,
  };
  for (const step of STEPS) {
    out[`${step.name}/index`] =
      `virtual:${PRE}import { runNamedAction } from '@modelship/github';\nawait runNamedAction(${JSON.stringify(step.name)}, 'main');\n`;
    if (step.post)
      out[`${step.name}/post`] =
        `virtual:${PRE}import { runNamedAction } from '@modelship/github';\nawait runNamedAction(${JSON.stringify(step.name)}, 'post');\n`;
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

// The schemas core checks on every run — each step's inputs, modelship.yml and the manifest, as
// composed from the catalogue — compiled ahead of time to ajv's standalone code and registered
// with core (`registerValidators`), so a start does not load ajv or compile a schema.
function precompiledSchemas(): { schema: JsonSchema; mode: ValidatorMode }[] {
  return [
    ...STEPS.map((step) => ({ schema: inputSchema(step), mode: 'inputs' as const })),
    { schema: composeConfigSchema(STEPS), mode: 'document' },
    { schema: composeManifestSchema(STEPS), mode: 'document' },
  ];
}

const CORE_DIR = join(ROOT, 'packages', 'core');
const requireFromCore = createRequire(join(CORE_DIR, 'package.json'));
const standaloneCode = (
  requireFromCore('ajv/dist/standalone') as { default: (ajv: unknown, validate: unknown) => string }
).default;
// How the generated code reaches ajv-formats' checks, written with core's own ajv code template
// (ajv-formats would write it with the template class of the ajv it resolves, which can differ).
const { _: code } = requireFromCore('ajv/dist/compile/codegen') as {
  _: (strings: TemplateStringsArray, ...values: unknown[]) => unknown;
};
const FORMATS = code`require("ajv-formats/dist/formats").fullFormats`;

const precompiledValidators: Plugin = {
  name: 'precompiled-validators',
  setup(b) {
    const schemas = precompiledSchemas();
    b.onResolve({ filter: /^precompiled:/ }, (args) => ({ path: args.path, namespace: 'precompiled' }));
    b.onLoad({ filter: /.*/, namespace: 'precompiled' }, (args) => {
      if (args.path === 'precompiled:validators') {
        const lines = schemas.map((_, i) => `import v${i} from 'precompiled:validator/${i}';`);
        const ids = schemas.map((s, i) => `  ${JSON.stringify(s.schema.$id)}: v${i},`);
        return {
          contents: `${lines.join('\n')}\nimport { registerValidators } from '@modelship/core';\nregisterValidators({\n${ids.join('\n')}\n});\n`,
          loader: 'js',
          resolveDir: ROOT,
        };
      }
      const { schema, mode } = schemas[Number(args.path.split('/').pop())]!;
      const ajv = createAjv(schema, {
        ...validatorOptions(mode),
        code: { source: true, esm: true, formats: FORMATS as never },
      });
      // Resolved from core, whose ajv (and ajv-formats) compiled it.
      return { contents: standaloneCode(ajv, ajv.compile(schema)), loader: 'js', resolveDir: CORE_DIR };
    });
  },
};

// @actions/core imports its HTTP client (and undici, ~400 KiB) at the top of its OIDC module for
// getIDToken, which modelship never calls; marked free of side effects, esbuild drops them unless
// something really uses them, so an action does not parse them at every start.
const UNUSED_AT_START = /^(@actions\/http-client|undici)(\/|$)/;
const sideEffectFree: Plugin = {
  name: 'side-effect-free',
  setup(b) {
    b.onResolve({ filter: UNUSED_AT_START }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      return r.errors.length ? { errors: r.errors } : { path: r.path, sideEffects: false };
    });
  },
};

// Dependencies written as CommonJS call `require` for Node built-ins; ES modules have none.
const BANNER = `import { createRequire as __modelshipRequire } from 'node:module';\nconst require = __modelshipRequire(import.meta.url);`;

async function bundle(outdir: string): Promise<Metafile> {
  rmSync(outdir, { recursive: true, force: true });
  const points = Object.entries(entries()).map(([out, src]) => ({
    out,
    in: src.startsWith('virtual:') ? src : join(ROOT, src),
  }));
  const result = await build({
    absWorkingDir: ROOT,
    metafile: true,
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
    plugins: [virtualEntries, sideEffectFree, precompiledValidators],
  });
  writeFileSync(join(outdir, 'package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n');
  return result.metafile;
}

/** The package an input file belongs to (`@aws-sdk/client-s3`, `packages/core`, ...). */
function packageOf(input: string): string {
  const nm = input.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = input.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const ws = /^packages\/([^/]+)\//.exec(input);
  return ws ? `packages/${ws[1]}` : input;
}

/** What starting each entry loads before any dynamic import: bytes per package, largest first. */
function analyze(meta: Metafile, outdir: string): void {
  const outputs = meta.outputs;
  const key = (f: string) => relative(ROOT, join(outdir, f));
  for (const name of Object.keys(entries())) {
    const seen = new Set<string>();
    const visit = (out: string): void => {
      if (seen.has(out)) return;
      seen.add(out);
      for (const imp of outputs[out]?.imports ?? []) if (imp.kind === 'import-statement') visit(imp.path);
    };
    visit(key(`${name}.js`));
    const byPackage = new Map<string, number>();
    for (const out of seen)
      for (const [input, { bytesInOutput }] of Object.entries(outputs[out]?.inputs ?? {}))
        byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
    const total = [...byPackage.values()].reduce((a, b) => a + b, 0);
    const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`${name}: ${(total / 1024).toFixed(0)} KiB loaded at start`);
    for (const [pkg, bytes] of top) console.log(`  ${(bytes / 1024).toFixed(0).padStart(5)} KiB  ${pkg}`);
  }
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
  const meta = await bundle(DIST);
  if (process.argv.includes('--analyze')) analyze(meta, DIST);
  const all = files(DIST);
  const bytes = all.reduce((n, f) => n + statSync(join(DIST, f)).size, 0);
  console.log(
    `built ${Object.keys(entries()).length} entries into ${relative(process.cwd(), DIST) || 'dist'}/: ${all.length} files, ${(bytes / 1e6).toFixed(2)} MB, ${Date.now() - t0} ms`,
  );
}
