import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, runProcessTree, stopTree, treeAlive, type ProcessSpec } from '../src/process-tree.js';
import { isAlive, until } from '../../../test/lib/process.js';

const NODE = process.execPath;
/** A program that starts a grandchild holding its stdout, prints its pid and exits at once. */
const LEAVES = `const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'inherit', 'ignore'] });
console.log('grandchild ' + child.pid);
child.unref();`;
/** A program that starts a grandchild, prints its pid and never ends by itself. */
const HANGS = `const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log('grandchild ' + child.pid);
setInterval(() => {}, 1000);`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelship-process-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function spec(command: string[], extra: Partial<ProcessSpec> = {}): ProcessSpec {
  return {
    command,
    cwd: dir,
    env: {},
    onLine: () => undefined,
    signal: new AbortController().signal,
    now: Date.now,
    killGraceMs: 1_000,
    ...extra,
  };
}

describe('runProcessTree', () => {
  it('reports stdout and stderr line by line and the exit code', async () => {
    const lines: string[] = [];
    let pid = 0;
    const ended = await runProcessTree(
      spec([NODE, '-e', 'console.log("a\\nb"); console.error("c"); process.exit(3)'], {
        onLine: (l) => lines.push(l),
        onSpawn: (p) => (pid = p),
      }),
    );
    expect(ended).toEqual({ reason: 'exit', code: 3, signal: null });
    expect(lines.sort()).toEqual(['a', 'b', 'c']);
    expect(pid).toBeGreaterThan(0);
  });

  it('passes only the given environment and runs in cwd', async () => {
    const lines: string[] = [];
    await runProcessTree(
      spec([NODE, '-e', 'console.log(process.cwd(), process.env.ONLY, process.env.HOME ?? "-")'], {
        env: { ONLY: 'x' },
        onLine: (l) => lines.push(l),
      }),
    );
    expect(lines).toEqual([`${dir} x -`]);
  });

  it('ends the whole tree on abort (SIGTERM to the group)', async () => {
    const ac = new AbortController();
    let grandchild = 0;
    const pending = runProcessTree(
      spec([NODE, '-e', HANGS], {
        signal: ac.signal,
        onLine: (l) => (grandchild = Number(/grandchild (\d+)/.exec(l)?.[1] ?? grandchild)),
      }),
    );
    await until(() => grandchild > 0);
    expect(isAlive(grandchild)).toBe(true);
    ac.abort();
    expect(await pending).toEqual({ reason: 'aborted', code: null, signal: 'SIGTERM' });
    await until(() => !isAlive(grandchild), 5_000);
  });

  it('ends the tree at the maximum runtime (reason max-runtime)', async () => {
    const lines: string[] = [];
    const ended = await runProcessTree(
      spec([NODE, '-e', 'console.log("up"); setInterval(() => {}, 1000)'], {
        onLine: (l) => lines.push(l),
        maxRuntimeMs: 500,
      }),
    );
    expect(ended).toEqual({ reason: 'max-runtime', code: null, signal: 'SIGTERM' });
    expect(lines).toEqual(['up']);
  });

  it('ends the tree at the deadline, measured by the given clock', async () => {
    const ended = await runProcessTree(
      spec([NODE, '-e', 'setInterval(() => {}, 1000)'], { now: () => 1_000, deadline: 1_300 }),
    );
    expect(ended.reason).toBe('deadline');
  });

  it('SIGKILLs a tree that ignores SIGTERM after the grace period', async () => {
    const t0 = Date.now();
    const ended = await runProcessTree(
      spec(
        [NODE, '-e', 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'],
        {
          maxRuntimeMs: 300,
          killGraceMs: 300,
        },
      ),
    );
    expect(ended).toEqual({ reason: 'max-runtime', code: null, signal: 'SIGKILL' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
  });

  it('kills what the command left running when it exits, and does not wait for it', async () => {
    let grandchild = 0;
    const t0 = Date.now();
    const ended = await runProcessTree(
      spec([NODE, '-e', LEAVES], {
        onLine: (l) => (grandchild = Number(/grandchild (\d+)/.exec(l)?.[1] ?? grandchild)),
      }),
    );
    expect(ended).toEqual({ reason: 'exit', code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(grandchild).toBeGreaterThan(0);
    await until(() => !isAlive(grandchild), 5_000);
  });

  it('rejects with the spawn error when the command does not exist', async () => {
    await expect(runProcessTree(spec(['modelship-no-such-command']))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('alive and stopTree', () => {
  it('find and stop a detached tree by its pid alone', async () => {
    const proc = spawn(NODE, ['-e', HANGS], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    let grandchild = 0;
    proc.stdout.on(
      'data',
      (b: Buffer) => (grandchild = Number(/grandchild (\d+)/.exec(String(b))?.[1] ?? 0)),
    );
    await until(() => grandchild > 0);
    expect(alive(proc.pid)).toBe(true);
    await stopTree(proc.pid!, 1_000);
    await until(() => !alive(proc.pid) && !alive(grandchild), 5_000);
  });

  it('find and stop what a tree left behind after its leader exited, by the leader pid', async () => {
    const proc = spawn(NODE, ['-e', LEAVES.replace("'inherit'", "'ignore'")], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let grandchild = 0;
    proc.stdout.on(
      'data',
      (b: Buffer) => (grandchild = Number(/grandchild (\d+)/.exec(String(b))?.[1] ?? 0)),
    );
    await until(() => grandchild > 0 && !alive(proc.pid));
    expect(isAlive(grandchild)).toBe(true);
    expect(treeAlive(proc.pid)).toBe(true);
    await stopTree(proc.pid!, 1_000);
    expect(treeAlive(proc.pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
  });

  it('SIGKILL what ignores SIGTERM after the grace period', async () => {
    const proc = spawn(NODE, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], {
      detached: true,
      stdio: 'ignore',
    });
    await until(() => alive(proc.pid));
    await new Promise((r) => setTimeout(r, 200));
    await stopTree(proc.pid!, 300);
    expect(treeAlive(proc.pid)).toBe(false);
  });

  it('alive and treeAlive are false without a pid', () => {
    expect(treeAlive(undefined)).toBe(false);
    expect(treeAlive(0)).toBe(false);
    expect(alive(undefined)).toBe(false);
    expect(alive(0)).toBe(false);
  });
});

describe('treeAlive and zombies', () => {
  it('from a trial: a group whose only process is a zombie (killed, not yet reaped) is not alive', async () => {
    // A parent that never reaps: its child leads its own group and exits at once, a zombie.
    const parent = spawn(
      'python3',
      [
        '-c',
        'import os, sys, time\npid = os.fork()\nif pid == 0:\n    os.setpgid(0, 0)\n    os._exit(0)\nprint(pid, flush=True)\ntime.sleep(30)',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const child = await new Promise<number>((resolvePid) =>
        parent.stdout!.once('data', (d: Buffer) => resolvePid(Number(d.toString().trim()))),
      );
      await until(() => {
        try {
          return readFileSync(`/proc/${child}/stat`, 'utf8').includes(') Z ');
        } catch {
          return false;
        }
      });
      expect(treeAlive(child)).toBe(false);
      expect(treeAlive(parent.pid)).toBe(false); // not a group leader: no group of that id
      expect(alive(parent.pid!)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
