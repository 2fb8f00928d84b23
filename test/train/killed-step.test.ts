/**
 * The step killed outright (SIGKILL: no handler runs, nothing is cleaned up) while a local training
 * job runs: the `post:` cleanup, given the state the step saved, ends the whole training process
 * tree, whatever the job's last state. The step runs from the source under the GitHub Actions host
 * in a process of its own (test/train/train-host.ts); the cleanup runs in-process.
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MemoryState } from '@modelship/core';
import { trainStep } from '@modelship/train';
import { parseFileCommand } from '../support/action-runner.js';
import { REPO_ROOT } from '../support/tools.js';
import { isAlive, until } from '../lib/process.js';
import { runPost } from '../lib/step.js';

const NODE = process.execPath;
const HOST = join(dirname(fileURLToPath(import.meta.url)), 'train-host.ts');
/** tsx's loader, by its path: the step runs in a temporary directory. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * A training script that starts a grandchild and prints both pids; it hangs, or (with an argument)
 * exits once the file `exit-now` appears, leaving the grandchild behind.
 */
const TRAIN = `import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
child.unref();
console.log('tree ' + process.pid + ' ' + child.pid);
setInterval(() => {
  if (process.argv[2] && existsSync('exit-now')) process.exit(0);
}, 50);
`;

let data: string;
beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'modelship-killed-data-'));
  execFileSync(NODE, [join(REPO_ROOT, 'examples', 'churn', 'generate.mjs'), '--out', data, '--rows', '200']);
});
afterAll(() => rm(data, { recursive: true, force: true }));

const pids: number[] = [];
let ws: string;
afterEach(async () => {
  for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await rm(ws, { recursive: true, force: true });
});

interface Killed {
  state: MemoryState;
  leader: number;
  grandchild: number;
}

/** Run the step in a process of its own until the training tree is up, then SIGKILL the step. */
async function startAndKill(args: string[]): Promise<Killed> {
  ws = await mkdtemp(join(tmpdir(), 'modelship-killed-'));
  await writeFile(join(ws, 'train.mjs'), TRAIN);
  await writeFile(
    join(ws, 'modelship.yml'),
    `model: churn\nbackend: local\ntrain:\n  entrypoint: ${JSON.stringify([NODE, 'train.mjs', ...args])}\n` +
      `  channels: { train: ${join(data, 'train.csv')} }\n`,
  );
  const stateFile = join(ws, 'github-state');
  await writeFile(stateFile, '');
  // The runner creates its command files before a step starts (the host checks they exist).
  await writeFile(join(ws, 'github-output'), '');
  const step = spawn(NODE, ['--import', TSX, HOST], {
    cwd: ws,
    env: {
      PATH: process.env.PATH,
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: 'a3f1c2d4e5b6a7980f1e2d3c4b5a69788f9e0d1c',
      GITHUB_RUN_ID: '4242424242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_STATE: stateFile,
      GITHUB_OUTPUT: join(ws, 'github-output'),
      INPUT_WAIT: 'true',
      'INPUT_DRY-RUN': 'false',
      INPUT_MANIFEST: '.modelship/manifest.json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  pids.push(step.pid!);
  let out = '';
  step.stdout.on('data', (b: Buffer) => (out += String(b)));
  step.stderr.on('data', (b: Buffer) => (out += String(b)));
  await until(() => /tree \d+ \d+/.test(out), 30_000).catch(() => {
    throw new Error(`the training tree did not start:\n${out}`);
  });
  const [, leader, grandchild] = /tree (\d+) (\d+)/.exec(out)!.map(Number) as [number, number, number];
  pids.push(leader, grandchild);
  step.kill('SIGKILL');
  await new Promise((r) => step.once('close', r));
  const state = new MemoryState();
  for (const [k, v] of Object.entries(parseFileCommand(readFileSync(stateFile, 'utf8')))) state.save(k, v);
  return { state, leader, grandchild };
}

async function jobRecord(state: MemoryState): Promise<{ status: string; failureReason?: string }> {
  const file = join(state.get('job-root')!, state.get('job-name')!, 'job.json');
  return JSON.parse(await readFile(file, 'utf8')) as { status: string };
}

describe('train killed outright (SIGKILL), local backend', () => {
  it('post ends the training process tree the step started', async () => {
    const { state, leader, grandchild } = await startAndKill([]);
    // nothing ran in the killed step: its training tree lives on, the job is recorded running
    expect(isAlive(leader) && isAlive(grandchild)).toBe(true);
    expect(state.get('job-name')).toMatch(/^churn-a3f1c2d-4242424242-1-[0-9a-f]{8}$/);
    expect(state.get('job-pid')).toBe(String(leader));
    expect(state.get('job-settled')).toBeUndefined();
    expect((await jobRecord(state)).status).toBe('InProgress');

    const { text } = await runPost(trainStep, {}, { cwd: ws, state });
    expect(text).toContain(`training job ${state.get('job-name')} was running; stopped it (Stopped)`);
    await until(() => !isAlive(leader) && !isAlive(grandchild), 10_000);
    expect(await jobRecord(state)).toMatchObject({
      status: 'Stopped',
      failureReason: 'stopped by cleanup: the run ended first',
    });
  });

  it('post ends what the script left running when it has exited since', async () => {
    const { state, leader, grandchild } = await startAndKill(['exit-on-file']);
    await writeFile(join(ws, 'exit-now'), '');
    await until(() => !isAlive(leader), 10_000);
    expect(isAlive(grandchild)).toBe(true);

    const { text } = await runPost(trainStep, {}, { cwd: ws, state });
    expect(text).toContain('stopped it');
    await until(() => !isAlive(grandchild), 10_000);
  });
});
