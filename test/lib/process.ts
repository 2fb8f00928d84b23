import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodePath, REPO_ROOT } from '../support/tools.js';

/** Whether a process is running (signal 0 probes without touching it; a zombie has exited). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** Poll `check` until it holds, or fail after `ms`. */
export async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The committed CLI (`dist/cli/index.js`) run under Node 24 in `cwd`, with a bare environment. */
export function runCli(
  cwd: string,
  args: readonly string[],
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(nodePath(24), [join(REPO_ROOT, 'dist/cli/index.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
