// Where a local file the manifest records is now. The local backend records what it made and read
// by absolute path (a model as a file:// URI, channels as paths). When the manifest travels with
// its `.modelship/` folder to another working directory — a CI job downloading the previous job's
// artifact into its own checkout — those paths are gone, but the same files are there under the
// new working directory at the same relative place (the checkout's data, the downloaded
// `.modelship/training/<job>/model.tar.gz`).
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The local training root of a working directory: `.modelship/training`. */
export const LOCAL_TRAINING_DIR = '.modelship/training';

/**
 * A recorded local path (a file:// URI or a path; s3:// URIs are returned unchanged) as a path to
 * read now: the recorded one when it exists; else the longest tail of it that exists under `cwd`
 * (`/old/checkout/examples/data/v.csv` → `<cwd>/examples/data/v.csv`); else the recorded path
 * (the caller reports it missing). Callers that know a digest (the model's sha256) check it.
 */
export function localArtefactPath(uri: string, cwd: string): string {
  if (uri.startsWith('s3://')) return uri;
  const path = uri.startsWith('file:') ? fileURLToPath(uri) : resolve(cwd, uri);
  if (existsSync(path) || !isAbsolute(uri.startsWith('file:') ? path : uri)) return path;
  const parts = path.split(sep).filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const moved = join(cwd, ...parts.slice(i));
    if (existsSync(moved)) return moved;
  }
  return path;
}
