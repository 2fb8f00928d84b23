import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bundle of a step's worker-thread entry (`workers/<name>.js` at the root of the build that
 * `moduleUrl` belongs to; the module itself may sit in `chunks/` below it), or undefined when the
 * code runs from sources, where no worker bundle exists and callers work on one thread.
 *
 * @param name the worker's name, as declared in its step's `workers`.
 * @param moduleUrl the caller's `import.meta.url`.
 */
export function bundledWorker(name: string, moduleUrl: string): string | undefined {
  if (!moduleUrl.startsWith('file:') || !moduleUrl.endsWith('.js')) return undefined;
  let dir = dirname(fileURLToPath(moduleUrl));
  for (let up = 0; up < 3; up++, dir = dirname(dir)) {
    const script = join(dir, 'workers', `${name}.js`);
    if (existsSync(script)) return script;
  }
  return undefined;
}

/**
 * The parent's Node options a worker should inherit: all but `--input-type`, `--eval` and
 * `--print`, which belong to a parent started from a string, not to a worker that runs a file.
 */
export function workerExecArgv(): string[] {
  return process.execArgv.filter((a) => !/^--(input-type|eval|print)\b|^-[ep]$/.test(a));
}
