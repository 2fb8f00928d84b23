// Test stand-in for actions/upload-artifact: copies files instead of uploading them, laid out as
// the real action lays out an artifact: the root is the least common ancestor of the paths given
// (a single directory is the root itself; a single file, its folder), and `!path` lines exclude.
import { appendFileSync, cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
const root = process.env.MODELSHIP_TEST_ARTIFACTS;
if (!root) {
  console.log(
    '::error::MODELSHIP_TEST_ARTIFACTS is not set: the upload-artifact stand-in has nowhere to copy to',
  );
  process.exit(1);
}
const name = input('name') || 'artifact';
const dest = join(root, name);
const lines = input('path')
  .split('\n')
  .map((p) => p.trim())
  .filter((p) => p !== '');
const excluded = lines.filter((p) => p.startsWith('!')).map((p) => resolve(workspace, p.slice(1)));
const sources = [];
for (const pattern of lines.filter((p) => !p.startsWith('!'))) {
  const src = resolve(workspace, pattern);
  if (existsSync(src)) sources.push(src);
  else console.log(`no file at ${pattern}`);
}

/** The deepest folder holding every path (the real action's least common ancestor). */
function commonRoot(paths) {
  if (paths.length === 1) return statSync(paths[0]).isDirectory() ? paths[0] : dirname(paths[0]);
  const split = paths.map((p) => p.split(sep));
  const common = [];
  for (let i = 0; split.every((s) => i < s.length - 1 && s[i] === split[0][i]); i++) common.push(split[0][i]);
  return common.join(sep) || sep;
}

const isExcluded = (p) => excluded.some((e) => p === e || p.startsWith(e + sep));
if (sources.length > 0) {
  const base = commonRoot(sources);
  for (const src of sources) {
    const target = join(dest, relative(base, src));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(src, target, { recursive: true, filter: (p) => !isExcluded(p) });
    console.log(`copied ${relative(workspace, src) || '.'} -> ${target}`);
  }
  if (process.env.GITHUB_OUTPUT)
    appendFileSync(process.env.GITHUB_OUTPUT, `artifact-id=1\nartifact-url=file://${dest}\n`);
} else {
  const mode = input('if-no-files-found') || 'warn';
  const message = `No files were found with the provided path: ${lines.join(', ')}. No artifacts will be uploaded.`;
  if (mode === 'error') {
    console.log(`::error::${message}`);
    process.exit(1);
  }
  if (mode === 'warn') console.log(`::warning::${message}`);
}
