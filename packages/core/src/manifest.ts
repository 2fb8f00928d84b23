import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, fileError } from './errors.js';
import type { Provenance } from './provenance.js';
import { firstUsefulError, formatAjvError, type JsonSchema } from './schema-errors.js';
import { validatorFor, type Validator } from './validators.js';
import { declaredParts, type AnyStep } from './step.js';
import { commonJs } from './modules.js';

export const MANIFEST_VERSION = 1;

/** Shared fragments for steps' manifest sections. */
export const MANIFEST_FRAGMENTS = {
  sha256: { type: 'string', pattern: '^[a-f0-9]{64}$' },
  isoTime: { type: 'string', format: 'date-time' },
} as const satisfies Record<string, JsonSchema>;

/** Keys of the manifest that core owns; every other top-level key is a step's section. */
const CORE_KEYS = [
  '$schema',
  'schemaVersion',
  'kind',
  'model',
  'createdAt',
  'updatedAt',
  'source',
  'history',
];

/**
 * The model manifest's JSON Schema: core's envelope (version, provenance, history) plus each
 * step's declared section. Published as `schemas/manifest.schema.json` (generated).
 *
 * @throws Error when two steps declare the same section, or a section shadows a core key.
 */
export function composeManifestSchema(steps: readonly Pick<AnyStep, 'name' | 'manifest'>[]): JsonSchema {
  const { isoTime } = MANIFEST_FRAGMENTS;
  const sections = declaredParts(steps, 'manifest', CORE_KEYS);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://modelship.dev/schemas/manifest.schema.json',
    title: 'modelship model manifest',
    description: 'What a model candidate is and where it came from; each step reads and extends it.',
    type: 'object',
    required: ['schemaVersion', 'kind', 'createdAt', 'updatedAt', 'history'],
    // A section this release does not know (written by a newer release, or a step not installed
    // here) is kept as it is: manifests travel between jobs that may pin different versions.
    additionalProperties: { type: 'object' },
    properties: {
      schemaVersion: { const: MANIFEST_VERSION },
      kind: { const: 'modelship.manifest' },
      model: { type: 'string' },
      createdAt: isoTime,
      updatedAt: isoTime,
      source: { type: 'object', additionalProperties: { type: 'string' } },
      ...sections,
      history: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['step', 'at', 'ok'],
          properties: {
            step: { type: 'string' },
            at: isoTime,
            ok: { type: 'boolean' },
            headline: { type: 'string' },
            source: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
      },
    },
  };
}

export interface HistoryEntry {
  step: string;
  at: string;
  ok: boolean;
  headline?: string;
  source?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: typeof MANIFEST_VERSION;
  kind: 'modelship.manifest';
  model?: string;
  createdAt: string;
  updatedAt: string;
  source?: Record<string, string>;
  history: HistoryEntry[];
  /** Steps' sections (`data`, `training`, ...), each checked by its step's declared schema. */
  [section: string]: unknown;
}

const validators = new WeakMap<readonly AnyStep[], Promise<Validator>>();

/**
 * Check a parsed manifest against the schema composed from `steps`.
 *
 * @throws ConfigError naming `where` and the first offending field.
 */
export async function checkManifest(
  doc: unknown,
  where: string,
  steps: readonly AnyStep[],
): Promise<Manifest> {
  let pending = validators.get(steps);
  if (!pending) {
    pending = validatorFor(composeManifestSchema(steps), 'document', 'manifest.schema.json');
    validators.set(steps, pending);
  }
  const validate = await pending;
  if (!validate(doc)) {
    throw new ConfigError(
      `not a valid modelship manifest: ${formatAjvError(firstUsefulError(validate.errors)!)}`,
      where,
    );
  }
  return doc as Manifest;
}

/** A manifest file as a step sees it: read once, changed in memory, written atomically. */
export class ManifestStore {
  private constructor(
    readonly path: string,
    readonly displayPath: string,
    readonly doc: Manifest,
    private readonly steps: readonly AnyStep[],
    /** Whether the file existed when the step started (a missing file starts a new manifest). */
    readonly exists = false,
    /** Whether the user named the path (not the default one). */
    readonly named = false,
  ) {}

  static empty(path: string, displayPath: string, now: Date, steps: readonly AnyStep[]): ManifestStore {
    const at = now.toISOString();
    return new ManifestStore(
      path,
      displayPath,
      {
        schemaVersion: MANIFEST_VERSION,
        kind: 'modelship.manifest',
        createdAt: at,
        updatedAt: at,
        history: [],
      },
      steps,
    );
  }

  /**
   * Read `path` (relative to cwd); a missing file starts a new manifest. `named`: the user gave the
   * path (it is not the default), so a step that needs what it records says when it does not exist.
   */
  static async open(
    path: string,
    cwd: string,
    now: Date,
    steps: readonly AnyStep[],
    named = false,
  ): Promise<ManifestStore> {
    const abs = resolve(cwd, path);
    const doc = await readManifest(abs, path, steps);
    if (doc) return new ManifestStore(abs, path, doc, steps, true, named);
    const empty = ManifestStore.empty(abs, path, now, steps);
    return new ManifestStore(abs, path, empty.doc, steps, false, named);
  }

  /**
   * The error to throw for a section the step needs and did not find: `error`, unless the user
   * named a manifest file that does not exist: then that is what is wrong (a mistyped path must
   * not read as a manifest that records nothing), and the error says so, with `error`'s hint.
   */
  missing(error: ConfigError): ConfigError {
    return this.exists || !this.named ? error : this.notFound(error.hint, error);
  }

  /** `<manifest>: manifest file does not exist`, with a hint. */
  notFound(hint?: string, cause?: unknown): ConfigError {
    return new ConfigError('manifest file does not exist', this.displayPath, {
      ...(cause ? { cause } : {}),
      hint: `check the path${hint ? `; ${hint}` : ''}`,
    });
  }

  /** Sections this run set, re-applied onto the file as it is when saving. */
  private readonly changed = new Map<string, unknown>();

  /** Replace a step's section; checked against its schema when the manifest is saved. */
  set(section: string, value: unknown): void {
    this.doc[section] = value;
    this.changed.set(section, value);
  }

  /**
   * Check that the manifest with `section` set to `value` would be valid, changing nothing: a step
   * calls it before an outside change it would then fail to record.
   *
   * @throws ConfigError naming `where` and the first offending field.
   */
  async check(section: string, value: unknown, where: string): Promise<void> {
    await checkManifest({ ...this.doc, [section]: value }, where, this.steps);
  }

  /**
   * A section as last written. The manifest was checked against the composed schema when read, so
   * `T` is the reader's view of that section's schema (a step declares the fields it reads).
   */
  get<T>(section: string): T | undefined {
    return this.doc[section] as T | undefined;
  }

  /**
   * Record the step's outcome, stamp provenance, check against the schema and write atomically.
   * Runs that share a manifest file take turns: under a lock (`<manifest>.lock`, broken when its
   * holder died), the file is read again as it is now, this run's sections and history entry are
   * applied to it, and it is written whole — so two runs saving at once both land in the history.
   *
   * @throws ConfigError when the manifest on disk became invalid, or the lock cannot be had.
   */
  async save(entry: Omit<HistoryEntry, 'source'>, source: Provenance, model?: string): Promise<void> {
    const { system, ...rest } = source;
    const src: Record<string, string> = { system, ...(rest as Record<string, string>) };
    await mkdir(dirname(this.path), { recursive: true });
    const release = await lockFile(this.path, this.displayPath);
    try {
      const latest = (await readManifest(this.path, this.displayPath, this.steps)) ?? this.doc;
      if (latest !== this.doc) {
        for (const [section, value] of this.changed) latest[section] = value;
      }
      latest.updatedAt = entry.at;
      if (model && !latest.model) latest.model = model;
      latest.source ??= src;
      latest.history.push({ ...entry, source: src });
      await checkManifest(latest, this.displayPath, this.steps);
      await atomicWrite(this.path, JSON.stringify(latest, null, 2) + '\n');
      if (latest !== this.doc) Object.assign(this.doc, latest);
    } finally {
      await release();
    }
  }
}

/** Read and check a manifest file; undefined when it does not exist. */
async function readManifest(
  abs: string,
  path: string,
  steps: readonly AnyStep[],
): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw fileError(err, path, 'manifest');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`manifest is not valid JSON (${(err as Error).message})`, path, { cause: err });
  }
  return await checkManifest(doc, path, steps);
}

/** Take the lock of `path` (a `<path>.lock` directory; stale after 10 s without its holder). */
async function lockFile(path: string, display: string): Promise<() => Promise<void>> {
  // Loaded here, not at start: only a step that ran saves a manifest.
  const { lock } = commonJs(await import('proper-lockfile'));
  try {
    return await lock(path, {
      realpath: false,
      stale: 10_000,
      retries: { retries: 100, factor: 1.3, minTimeout: 20, maxTimeout: 500 },
    });
  } catch (err) {
    throw new ConfigError('could not lock the manifest to update it', display, {
      cause: err,
      hint: `another run holds ${display}.lock; if none is running, delete that folder`,
    });
  }
}

let tmpCounter = 0;

/**
 * Write a file so that a reader never sees half of it: write a sibling `<name>.<pid>.<n>.tmp`,
 * then rename it over the file. The sibling is removed when the write fails, and siblings left by
 * a process that was killed outright (its pid no longer runs) are removed by the next write.
 */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  await removeOrphanTemps(dir, basename(path));
  const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function removeOrphanTemps(dir: string, name: string): Promise<void> {
  const prefix = `${name}.`;
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const pid = Number(entry.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && !processRuns(pid)) await rm(join(dir, entry), { force: true });
  }
}

/** Whether a process with this pid exists (signal 0 probes without touching it; EPERM: it does). */
export function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}
