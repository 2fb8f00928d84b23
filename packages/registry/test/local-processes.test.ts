/**
 * The local registry under real processes: two registering at once (each in its own Node
 * process, racing for version numbers) both land with distinct versions; a process killed outright
 * (SIGKILL: no handler runs) in the middle of a registration leaves no version and no artefact
 * behind, only a temporary file the next writer removes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { LocalRegistry } from '../src/local.js';
import type { ModelPackage } from '../src/types.js';

const NODE = process.execPath;
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'register-child.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let dir: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelship-registry-proc-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function start(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; out: string; err: string }>;
} {
  const child = spawn(NODE, ['--import', TSX, CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out, err })),
  );
  return { child, done };
}

describe('the local registry under real processes', () => {
  it('two processes registering at once both land, every candidate once, with distinct versions', async () => {
    const root = join(dir, 'registry');
    const model = join(dir, 'model.tar.gz');
    writeFileSync(model, 'a small model\n');
    const a = start([root, 'a', '25', model]);
    const b = start([root, 'b', '25', model]);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.code, rb.code, ra.err + rb.err]).toEqual([0, 0, '']);
    const claimed = [
      ...ra.out.matchAll(/registered (\w+) (\d+)/g),
      ...rb.out.matchAll(/registered (\w+) (\d+)/g),
    ];
    expect(claimed).toHaveLength(50);
    const versions = readdirSync(join(root, 'churn/versions')).sort((x, y) => parseInt(x) - parseInt(y));
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => `${i + 1}.json`));
    // Each version is the document its process said it wrote: no number was claimed twice.
    for (const [, digest, v] of claimed) {
      const doc = JSON.parse(readFileSync(join(root, 'churn/versions', `${v}.json`), 'utf8')) as ModelPackage;
      expect(doc.CustomerMetadataProperties['modelship:manifest-sha256']).toBe(digest);
      expect(doc.ModelPackageVersion).toBe(Number(v));
    }
    const registry = new LocalRegistry(root);
    expect(await registry.list('churn')).toHaveLength(50);
    expect(readdirSync(join(root, 'churn/tmp'))).toEqual([]);
  });

  it('two processes registering the same candidates at once: each lands once, both return its version', async () => {
    const root = join(dir, 'registry');
    const model = join(dir, 'model.tar.gz');
    writeFileSync(model, 'a small model\n');
    const [ra, rb] = await Promise.all([
      start([root, 'same', '12', model]).done,
      start([root, 'same', '12', model]).done,
    ]);
    expect([ra.code, rb.code, ra.err + rb.err]).toEqual([0, 0, '']);
    const seen = (out: string) => [...out.matchAll(/registered (\w+) (\d+)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(seen(ra.out)).toHaveLength(12);
    expect(seen(rb.out)).toEqual(seen(ra.out));
    expect(readdirSync(join(root, 'churn/versions'))).toHaveLength(12);
  });

  it('a process killed while it copies the artefact leaves no version and no artefact; the next registration cleans up', async () => {
    const root = join(dir, 'registry');
    const model = join(dir, 'model.tar.gz');
    // Large enough that the copy is under way when the parent sees its temporary file.
    writeFileSync(model, Buffer.alloc(256 * 1024 * 1024, 7));
    const { child, done } = start([root, 'killed', '1', model]);
    const tmp = join(root, 'churn/tmp');
    const deadline = Date.now() + 30_000;
    let seen: string | undefined;
    while (!seen && Date.now() < deadline) {
      if (existsSync(tmp))
        seen = readdirSync(tmp).find((f) => {
          try {
            const size = statSync(join(tmp, f)).size;
            // The artefact's half copy (not the small files a registration also writes there).
            return size > 1024 * 1024 && size < 256 * 1024 * 1024;
          } catch {
            return false;
          }
        });
      if (!seen) await new Promise((r) => setTimeout(r, 2));
    }
    expect(seen).toBeDefined();
    child.kill('SIGKILL');
    const r = await done;
    expect(r.code).toBeNull(); // killed, not finished
    expect(existsSync(join(root, 'churn/versions')) ? readdirSync(join(root, 'churn/versions')) : []).toEqual(
      [],
    );
    expect(
      existsSync(join(root, 'churn/artifacts')) ? readdirSync(join(root, 'churn/artifacts')) : [],
    ).toEqual([]);
    expect(readdirSync(tmp)).toContain(seen);
    // The next writer (another process, the dead one's pid gone) removes the half copy and gets version 1.
    writeFileSync(model, 'a small model\n');
    const next = await start([root, 'next', '1', model]).done;
    expect(next.code).toBe(0);
    expect(readdirSync(join(root, 'churn/versions'))).toEqual(['1.json']);
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);
});
