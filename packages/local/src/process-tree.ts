import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Process trees for the local backend: a command runs as the leader of a process group of its
 * own, so ending it ends everything it started (a shell, its children, their children).
 */

/**
 * Why a process ended: it exited by itself (`exit`), or this module ended it because the signal
 * aborted (`aborted`), the deadline passed (`deadline`) or it ran longer than `maxRuntimeMs`.
 */
export type EndReason = 'exit' | 'aborted' | 'deadline' | 'max-runtime';

export interface Ended {
  reason: EndReason;
  /** Exit code, or null when the process was ended by a signal. */
  code: number | null;
  /** The signal that ended it (`SIGTERM`, `SIGKILL`), or null. */
  signal: NodeJS.Signals | null;
}

export interface ProcessSpec {
  /** Program and arguments (no shell). */
  command: string[];
  cwd: string;
  /** The whole environment of the process (nothing is inherited beyond it). */
  env: Record<string, string | undefined>;
  /** Each line of stdout and stderr, without its line ending, as it arrives. */
  onLine: (line: string) => void;
  /** Called once with the process id (the process group id too) once it has started. */
  onSpawn?: (pid: number) => void;
  /** Aborting it ends the tree (reason `aborted`). */
  signal: AbortSignal;
  /** Epoch ms (by `now`) at which to end the tree (reason `deadline`). */
  deadline?: number;
  /** Milliseconds after the start at which to end the tree (reason `max-runtime`). */
  maxRuntimeMs?: number;
  /** The clock `deadline` is measured by, in epoch ms. */
  now: () => number;
  /** Grace period between SIGTERM and SIGKILL, in ms. */
  killGraceMs: number;
}

/**
 * Whether a process with this id exists (signal 0 probes without touching it). A process owned by
 * another user counts as alive. `undefined` or 0: false.
 */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
  return processState(pid) !== 'Z'; // a zombie has exited; only its parent has not reaped it
}

/** The state letter of a process from /proc (R, S, Z, ...); undefined when unknown. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/**
 * Whether anything of the tree led by `pid` is still running: any process of its process group,
 * even when the leader itself has exited (a grandchild left behind). On Windows, where there are
 * no process groups, whether the process itself is. `undefined` or 0: false.
 */
export function treeAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  if (process.platform === 'win32') return alive(pid);
  try {
    process.kill(-pid, 0);
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
  // A killed process stays in its group as a zombie until its parent reaps it (never, when the
  // parent is a container's init that reaps nothing): a group of zombies only is not alive.
  const members = groupStates(pid);
  return members === undefined || members.some((state) => state !== 'Z');
}

/** The states (R, S, Z, ...) of the processes of group `pgid`, from /proc; undefined without /proc. */
function groupStates(pgid: number): string[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const states: string[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${e}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) states.push(fields[0]!);
  }
  return states;
}

/**
 * Send `signal` to a whole process tree: the process leads its own group (it was spawned detached
 * by {@link runProcessTree}). A process that is already gone is not an error.
 */
export function killTree(child: ChildProcess | number, signal: NodeJS.Signals): void {
  const pid = typeof child === 'number' ? child : child.pid;
  if (!pid) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // already gone
  }
}

/**
 * SIGTERM the tree led by `pid`, wait up to `graceMs` (ms) for all of it to exit, then SIGKILL
 * what is left, and wait (up to 5 s more) until nothing of it runs. Works for a tree started by
 * another process (e.g. a step that was killed), by its pid alone, and when its leader has exited
 * already but processes it started have not.
 */
export async function stopTree(pid: number, graceMs: number): Promise<void> {
  const settle = async (ms: number) => {
    const until = Date.now() + ms;
    while (treeAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  };
  killTree(pid, 'SIGTERM');
  await settle(graceMs);
  if (!treeAlive(pid)) return;
  killTree(pid, 'SIGKILL');
  await settle(5_000);
}

/**
 * Run a command in a process group of its own, line by line to `onLine` (stdout and stderr), and
 * end the whole tree on abort, at the deadline or at the maximum runtime (SIGTERM, then SIGKILL).
 * When the command itself exits, whatever it left running in its group is killed (SIGKILL), as
 * when a container's main process ends. Resolves once the process has exited and its output is
 * read; rejects if it cannot start (`ENOENT` and the like, as the spawn error).
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
    if (child.pid) spec.onSpawn?.(child.pid);
    for (const stream of [child.stdout!, child.stderr!])
      createInterface({ input: stream }).on('line', spec.onLine);
    spec.signal.addEventListener('abort', onAbort, { once: true });
    if (spec.signal.aborted) onAbort();
    process.on('exit', onExit);
    if (spec.maxRuntimeMs) timers.push(setTimeout(() => end('max-runtime'), spec.maxRuntimeMs));
    if (spec.deadline !== undefined) {
      timers.push(setTimeout(() => end('deadline'), Math.max(0, spec.deadline - spec.now())));
    }
    // The leader is gone: nothing it started may outlive it (nor hold its output open).
    child.on('exit', () => killTree(child, 'SIGKILL'));
    child.on('close', (code, signal) => {
      cleanup();
      resolve({ reason, code, signal });
    });
  });
}

const INTERPRETERS: Record<string, string> = {
  py: 'python3',
  mjs: 'node',
  js: 'node',
  cjs: 'node',
  sh: 'bash',
};

/**
 * The interpreter that runs a script-mode program, by its extension (`.py` python3, `.mjs` / `.js` /
 * `.cjs` node, `.sh` bash); undefined for any other, which is run as it is.
 */
export function interpreterOf(program: string): string | undefined {
  return INTERPRETERS[program.split('.').pop() ?? ''];
}
