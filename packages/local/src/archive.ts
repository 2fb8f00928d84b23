import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Archives of file trees, as SageMaker knows them: `model.tar.gz` (what training leaves, what
 * evaluation and serving read) and `sourcedir.tar.gz` (script mode). Packing is deterministic;
 * `tar` loads only when an archive is packed or extracted.
 */

/** Every entry gets this mtime, so the same files always give the same archive (and sha256). */
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

/** Names never packed into a source archive. */
export const SOURCE_EXCLUDES: ReadonlySet<string> = new Set([
  '.git',
  'node_modules',
  '__pycache__',
  '.modelship',
  '.venv',
  '.ipynb_checkpoints',
  '.DS_Store',
]);

/** sha256 (hex) and size of a local file, streamed. */
export async function fileSha256(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Relative (posix) paths of the files under `dir`, sorted, skipping names in `exclude`. */
export async function listFiles(dir: string, exclude: ReadonlySet<string> = new Set()): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      if (exclude.has(e.name) || e.name.endsWith('.pyc')) continue;
      const child = rel ? posix.join(rel, e.name) : e.name;
      const isDir = e.isDirectory() || (e.isSymbolicLink() && (await stat(join(dir, child))).isDirectory());
      if (isDir) await walk(child);
      else out.push(child);
    }
  }
  await walk('');
  return out.sort();
}

export interface PackResult {
  files: number;
  bytes: number;
  sha256: string;
}

/**
 * Pack the files under `dir` into a gzip'd tar at `file`, entries at the archive root (as
 * SageMaker's model.tar.gz and sourcedir.tar.gz are), deterministic for the same content.
 */
export async function packDir(dir: string, file: string, exclude?: ReadonlySet<string>): Promise<PackResult> {
  const files = await listFiles(dir, exclude);
  const { create } = await import('tar');
  await create(
    { file, cwd: dir, gzip: true, portable: true, mtime: FIXED_MTIME, follow: true, noDirRecurse: true },
    files,
  );
  const digest = await fileSha256(file);
  return { files: files.length, ...digest };
}

/**
 * Extract the gzip'd (or plain) tar `file` into `dir` (created if needed), as SageMaker unpacks a
 * model.tar.gz: entries keep their paths below `dir`; absolute paths and `..` are refused by tar
 * (their leading parts stripped), so nothing lands outside `dir`. Resolves with the number of
 * files extracted; rejects with tar's error for a file that is not an archive, and with an
 * AbortError as soon as `signal` aborts (what was written so far stays: the caller removes `dir`).
 */
export async function extractArchive(file: string, dir: string, signal?: AbortSignal): Promise<number> {
  await mkdir(dir, { recursive: true });
  const { extract } = await import('tar');
  let files = 0;
  const unpack = extract({
    cwd: dir,
    strict: true,
    onReadEntry: (e) => {
      if (e.type === 'File' || e.type === 'OldFile') files++;
    },
  });
  await pipeline(createReadStream(file), unpack, ...(signal ? [{ signal }] : []));
  return files;
}

/**
 * sha256 (hex) of the files under `dir` (paths and contents, in path order, names in `exclude`
 * skipped): the same tree always gives the same digest, wherever it lies and whatever its mtimes.
 * Rejects with the file-system error when `dir` cannot be read.
 */
export async function treeDigest(dir: string, exclude?: ReadonlySet<string>): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listFiles(dir, exclude)) {
    hash.update(`${file}\0${(await fileSha256(join(dir, file))).sha256}\n`);
  }
  return hash.digest('hex');
}
