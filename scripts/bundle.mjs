#!/usr/bin/env node
// Build every committed bundle with ncc, or (--check) verify the committed ones match a fresh build.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

/** [entry, output dir] pairs, relative to the repo root. */
function targets() {
  const list = [
    ['packages/cli/src/root-main.ts', 'dist'],
    ['packages/cli/src/root-post.ts', 'dist/post'],
    ['packages/cli/src/main.ts', 'packages/cli/dist'],
  ];
  for (const name of readdirSync(join(root, 'actions')).sort()) {
    const src = join('actions', name, 'src');
    if (existsSync(join(root, src, 'index.ts')))
      list.push([join(src, 'index.ts'), join('actions', name, 'dist')]);
    if (existsSync(join(root, src, 'post.ts')))
      list.push([join(src, 'post.ts'), join('actions', name, 'dist', 'post')]);
  }
  return list;
}

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p).map((f) => join(n, f)) : [n];
  });
}

// validate-data reads a large CSV file on two threads; the second runs this small bundle, built
// into `csv-worker/` beside every main bundle that contains the reader (found by its job marker;
// `post:` bundles only clean up, so they get none).
const CSV_WORKER = 'packages/data/src/readers/csv-worker.ts';
const CSV_MARKER = 'modelship-csv-part';

function build(entry, out) {
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
      'build',
      join(root, entry),
      '-o',
      out,
      '--minify',
      '--quiet',
      '--transpile-only',
      '--target',
      'es2022',
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const isPost = basename(entry, '.ts').endsWith('post');
  if (entry !== CSV_WORKER && !isPost && readFileSync(join(out, 'index.js'), 'utf8').includes(CSV_MARKER)) {
    build(CSV_WORKER, join(out, 'csv-worker'));
  }
}

const stale = [];
const scratch = check ? mkdtempSync(join(tmpdir(), 'modelship-bundle-')) : undefined;
for (const [entry, outRel] of targets()) {
  const out = scratch ? join(scratch, outRel) : join(root, outRel);
  const t0 = Date.now();
  build(entry, out);
  if (!check) {
    console.log(
      `built ${outRel}/index.js from ${entry} (${(statSync(join(out, 'index.js')).size / 1024).toFixed(0)} KiB, ${Date.now() - t0} ms)`,
    );
    continue;
  }
  const committed = join(root, outRel);
  // Nested bundle dirs (dist/post inside dist) are compared by their own target.
  const nested = new Set(
    targets()
      .map(([, o]) => o)
      .filter((o) => o !== outRel && o.startsWith(outRel + '/'))
      .map((o) => relative(outRel, o)),
  );
  const ours = (d) => files(d).filter((f) => ![...nested].some((n) => f.startsWith(n + '/')));
  const fresh = ours(out);
  const have = ours(committed);
  for (const f of new Set([...fresh, ...have])) {
    const a = join(out, f);
    const b = join(committed, f);
    if (!existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b)))
      stale.push(join(outRel, f));
  }
}
if (scratch) rmSync(scratch, { recursive: true, force: true });
if (check) {
  if (stale.length) {
    console.error(
      `bundles are out of date with their sources (run npm run bundle and commit):\n  ${stale.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`all ${targets().length} bundles match their sources`);
}
