// Test stand-in for actions/upload-artifact: copies files instead of uploading them.
import { appendFileSync, cpSync, existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

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
const patterns = input('path')
  .split('\n')
  .map((p) => p.trim())
  .filter((p) => p !== '' && !p.startsWith('!'));

let copied = 0;
for (const pattern of patterns) {
  const src = resolve(workspace, pattern);
  if (!existsSync(src)) {
    console.log(`no file at ${pattern}`);
    continue;
  }
  const rel = relative(workspace, src);
  const target =
    rel.startsWith('..') || isAbsolute(rel) ? join(dest, src.replace(/^\/+/, '')) : join(dest, rel);
  mkdirSync(join(target, '..'), { recursive: true });
  cpSync(src, target, { recursive: true });
  console.log(`copied ${pattern} -> ${target}`);
  copied++;
}

if (copied === 0) {
  const mode = input('if-no-files-found') || 'warn';
  const message = `No files were found with the provided path: ${patterns.join(', ')}. No artifacts will be uploaded.`;
  if (mode === 'error') {
    console.log(`::error::${message}`);
    process.exit(1);
  }
  if (mode === 'warn') console.log(`::warning::${message}`);
} else if (process.env.GITHUB_OUTPUT) {
  appendFileSync(process.env.GITHUB_OUTPUT, `artifact-id=1\nartifact-url=file://${dest}\n`);
}
