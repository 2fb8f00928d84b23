import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  executeStep,
  MemoryLogger,
  MemoryState,
  type AnyStep,
  type Manifest,
  type StepResult,
} from '@modelship/core';

export interface StepRun {
  result: StepResult;
  log: MemoryLogger;
  manifest: () => Manifest;
}

/** Run a step in-process, the way a host does, in `cwd` (a fresh temp dir by default). */
export async function runStep(
  step: AnyStep,
  inputs: Record<string, string>,
  opts: { cwd?: string; env?: Record<string, string | undefined>; signal?: AbortSignal } = {},
): Promise<StepRun> {
  const cwd = opts.cwd ?? tempDir();
  const log = new MemoryLogger();
  const result = await executeStep(step, inputs, {
    host: 'test',
    log,
    cwd,
    env: opts.env ?? {},
    signal: opts.signal ?? new AbortController().signal,
    debug: false,
    state: new MemoryState(),
    now: () => new Date('2026-11-22T10:00:00Z'),
  });
  const manifestPath = join(cwd, inputs.manifest ?? '.modelship/manifest.json');
  return { result, log, manifest: () => JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest };
}

export function tempDir(prefix = 'modelship-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Expect a promise to reject with a ConfigError whose one-line message matches. */
export async function configErrorLine(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const e = err as { name?: string; line?: string; message?: string };
    if (e.name !== 'ConfigError') throw err;
    return e.line ?? '';
  }
  throw new Error('expected a ConfigError, but the call succeeded');
}
