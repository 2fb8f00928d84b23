import { relative } from 'node:path';

/**
 * A path as the workspace sees it: relative to `cwd` when it lies inside it, else as given
 * (`s3://` URIs pass through). Kept apart so the step's light definition can use it.
 */
export function relativeTo(cwd: string, p: string): string {
  if (p.startsWith('s3://')) return p;
  const rel = relative(cwd, p);
  return rel.startsWith('..') ? p : rel;
}
