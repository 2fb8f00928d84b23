// The one in-process test host: runs a step the way every host does (core's executeStep: inputs
// checked, config loaded against the catalogue's composed schema, manifest opened and saved), with
// a memory logger and memory state. Step tests in test/ and packages/*/test use it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STEPS } from '@modelship/catalog';
import {
  ConfigError,
  executePost,
  executeStep,
  inStep,
  loadConfig,
  ManifestStore,
  MemoryLogger,
  MemoryState,
  type AnyStep,
  type GitHubRun,
  type HostBindings,
  type Manifest,
  type StepContext,
  type StepResult,
} from '@modelship/core';
import type { DataSection } from '@modelship/data';
import type { TrainingSection } from '@modelship/train';

/** The manifest as tests read it: the shipped steps' sections typed. */
export type TestManifest = Manifest & { data?: DataSection; training?: TrainingSection };

export interface RunOptions {
  /** Working directory (a fresh temp dir by default). */
  cwd?: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  state?: MemoryState;
  now?: () => Date;
  log?: MemoryLogger;
  github?: GitHubRun;
}

export interface StepRun {
  result: StepResult;
  log: MemoryLogger;
  state: MemoryState;
  /** Everything logged, one line each. */
  text: string;
  cwd: string;
  manifest: () => TestManifest;
}

/** The fixed clock of {@link makeContext} (steps run by {@link runStep} see the real clock unless given `now`). */
export const NOW = new Date('2026-11-22T09:15:03Z');

function bindings(cwd: string, opts: RunOptions, log: MemoryLogger, state: MemoryState): HostBindings {
  return {
    steps: STEPS,
    log,
    cwd,
    env: opts.env ?? {},
    signal: opts.signal ?? new AbortController().signal,
    debug: false,
    state,
    now: opts.now,
    github: opts.github,
  };
}

/** Run a step in-process, the way a host does, in `opts.cwd` (a fresh temp dir by default). */
export async function runStep(
  step: AnyStep,
  inputs: Record<string, string>,
  opts: RunOptions = {},
): Promise<StepRun> {
  const cwd = opts.cwd ?? tempDir();
  const log = opts.log ?? new MemoryLogger();
  const state = opts.state ?? new MemoryState();
  const result = await executeStep(step, inputs, bindings(cwd, opts, log, state));
  const manifestPath = join(cwd, inputs.manifest ?? '.modelship/manifest.json');
  return {
    result,
    log,
    state,
    cwd,
    text: log.lines.join('\n'),
    manifest: () => JSON.parse(readFileSync(manifestPath, 'utf8')) as TestManifest,
  };
}

/** Run a step's `post:` cleanup in-process with the state its main part saved. */
export async function runPost(
  step: AnyStep,
  inputs: Record<string, string>,
  opts: RunOptions & { state: MemoryState },
): Promise<{ log: MemoryLogger; text: string }> {
  const log = opts.log ?? new MemoryLogger();
  await executePost(step, inputs, bindings(opts.cwd ?? tempDir(), opts, log, opts.state));
  return { log, text: log.lines.join('\n') };
}

/** A step context as a host builds it, for calling a step's functions directly. */
export async function makeContext(
  dir: string,
  opts: {
    state?: MemoryState;
    env?: Record<string, string | undefined>;
    backend?: 'local' | 'sagemaker';
    config?: string;
    now?: Date;
  } = {},
): Promise<{ ctx: StepContext; log: MemoryLogger }> {
  const log = new MemoryLogger();
  const now = opts.now ?? NOW;
  const config = await loadConfig(opts.config, dir, STEPS);
  const ctx: StepContext = {
    log,
    cwd: dir,
    env: opts.env ?? {},
    signal: new AbortController().signal,
    debug: false,
    now: () => now,
    config,
    backend: opts.backend ?? config.values.backend ?? 'local',
    manifest: await ManifestStore.open('.modelship/manifest.json', dir, now, STEPS),
    state: opts.state ?? new MemoryState(),
  };
  return { ctx, log };
}

/** A GitHub-like environment (commit, run, attempt, repository, region, credentials): job names are deterministic. */
export const GITHUB_ENV = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SHA: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
  GITHUB_RUN_ID: '9876543210',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_REPOSITORY: 'acme/churn',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
};

export interface Workspace {
  dir: string;
  cleanup(): Promise<void>;
}

/** A temp directory holding `files` (relative names; their folders are made). */
export async function workspace(
  files: Record<string, string> = {},
  prefix = 'modelship-test-',
): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await addFiles(dir, files);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Write `files` (names relative to `dir`; their folders are made). */
export async function addFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, body] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), body);
  }
}

/**
 * Run `fn` as step `name` with `ctx`'s config and `inputs`, as `executeStep` does for a whole step: the AWS calls
 * it makes through logged clients are checked against the step's IAM policy (docs/iam.md). For
 * tests that call a step's functions directly.
 */
export function asStep<T>(
  name: string,
  ctx: StepContext,
  inputs: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  return inStep({ step: name, config: { ...ctx.config.values }, inputs }, fn);
}

export function tempDir(prefix = 'modelship-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Expect a promise to reject with a ConfigError; the error (its line, its hint). */
export async function configErrorOf(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError, but the call succeeded');
}

/** Expect a promise to reject with a ConfigError; its one-line message. */
export async function configErrorLine(p: Promise<unknown>): Promise<string> {
  return (await configErrorOf(p)).line;
}

/** The one line a user sees for a ConfigError thrown by `fn` (sync or async). */
export async function errorLine(fn: () => unknown): Promise<string> {
  return configErrorLine(Promise.resolve().then(fn));
}
