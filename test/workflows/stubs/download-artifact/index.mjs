// Test stand-in for actions/download-artifact: copies what the upload-artifact stand-in wrote.
import { appendFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
const root = process.env.MODELSHIP_TEST_ARTIFACTS;
if (!root) {
  console.log(
    '::error::MODELSHIP_TEST_ARTIFACTS is not set: the download-artifact stand-in has nothing to copy',
  );
  process.exit(1);
}
const name = input('name');
const dest = resolve(workspace, input('path') || '.');
const names = name ? [name] : existsSync(root) ? readdirSync(root) : [];
for (const n of names) {
  const src = join(root, n);
  if (!existsSync(src)) {
    console.log(`::error::Unable to download artifact(s): Artifact not found for name: ${n}`);
    process.exit(1);
  }
  const target = name ? dest : join(dest, n);
  mkdirSync(target, { recursive: true });
  // a symbolic link the workspace already holds is kept (a test's folder shared between jobs)
  cpSync(src, target, {
    recursive: true,
    filter: (from, to) => !(lstatSync(from).isSymbolicLink() && existsSync(to)),
  });
  console.log(`copied artifact ${n} -> ${target}`);
}
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `download-path=${dest}\n`);
