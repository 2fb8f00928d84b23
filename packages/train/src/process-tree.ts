import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export type EndReason = 'exit' | 'aborted' | 'deadline' | 'max-runtime';

export interface Ended {
  reason: EndReason;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessSpec {
  command: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  onLine: (line: string) => void;
  onSpawn: (pid: number) => void;
  signal: AbortSignal;
  /** Epoch ms (by `now`) at which to end the process. */
  deadline?: number;
  maxRuntimeMs?: number;
  now: () => number;
  /** Grace period between SIGTERM and SIGKILL. */
  killGraceMs: number;
}

export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Signal a whole process tree: the process leads its own group (it was spawned detached). */
export function killTree(child: ChildProcess | number, signal: NodeJS.Signals): void {
  const pid = typeof child === 'number' ? child : child.pid;
  if (!pid) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM the tree, wait up to the grace period, then SIGKILL what is left. */
export async function stopTree(pid: number, graceMs: number): Promise<void> {
  killTree(pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) killTree(pid, 'SIGKILL');
}

/**
 * Run a command in a process group of its own, line by line to `onLine` (stdout and stderr), and
 * end the whole tree on abort, at the deadline or at the maximum runtime (SIGTERM, then SIGKILL).
 * Resolves once the process has exited and its output is read; rejects if it cannot start
 * (`ENOENT` and the like, as the spawn error).
 */
export function runProcessTree(spec: ProcessSpec): Promise<Ended> {
  const [cmd, ...args] = spec.command;
  return new Promise<Ended>((resolve, reject) => {
    const child = spawn(cmd!, args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    let reason: EndReason = 'exit';
    const timers: NodeJS.Timeout[] = [];
    const end = (why: EndReason) => {
      if (reason !== 'exit') return;
      reason = why;
      killTree(child, 'SIGTERM');
      timers.push(setTimeout(() => killTree(child, 'SIGKILL'), spec.killGraceMs).unref());
    };
    const onAbort = () => end('aborted');
    // If this process exits for any reason, the tree must not outlive it.
    const onExit = () => killTree(child, 'SIGKILL');
    const cleanup = () => {
      timers.forEach(clearTimeout);
      spec.signal.removeEventListener('abort', onAbort);
      process.removeListener('exit', onExit);
    };
    child.on('error', (err) => {
      cleanup();
      reject(err);
    });
    if (child.pid) spec.onSpawn(child.pid);
    for (const stream of [child.stdout!, child.stderr!])
      createInterface({ input: stream }).on('line', spec.onLine);
    spec.signal.addEventListener('abort', onAbort, { once: true });
    if (spec.signal.aborted) onAbort();
    process.on('exit', onExit);
    if (spec.maxRuntimeMs) timers.push(setTimeout(() => end('max-runtime'), spec.maxRuntimeMs));
    if (spec.deadline !== undefined) {
      timers.push(setTimeout(() => end('deadline'), Math.max(0, spec.deadline - spec.now())));
    }
    child.on('close', (code, signal) => {
      cleanup();
      resolve({ reason, code, signal });
    });
  });
}
