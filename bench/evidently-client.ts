/**
 * Evidently's default DataDriftPreset as a judge for the drift benchmark: one long-running Python
 * worker (bench/drift_evidently.py, in the test venv) fed binary frames, answering one JSON line per
 * frame. Several judge() calls may be in flight; answers are matched by id.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { endianness } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

const ROOT = join(import.meta.dirname, '..');
const PYTHON = join(ROOT, '.cache', 'venv', 'bin', 'python');
const SCRIPT = join(ROOT, 'bench', 'drift_evidently.py');
const INSTALL =
  '`npm test` builds .cache/venv from test/requirements.txt (evidently is pinned there); ' +
  'into an existing venv: `.cache/venv/bin/pip install -r test/requirements.txt`.';
const STDERR_LINES = 20;

export interface EvidentlyVerdict {
  /** Evidently's per-column verdict (the ValueDrift test of the column failed). */
  drift: boolean;
  /** The stat test Evidently picked, by its display name, e.g. `K-S p_value`. */
  test: string;
  /** p-value or distance, as the test defines it (may be NaN or Infinity). */
  score: number;
  threshold: number;
  /** Wall seconds of the report in the worker (datasets, Report.run, snapshot.dict()). */
  seconds: number;
}

interface Pending {
  resolve: (answer: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** One column of {@link EvidentlyJudge.judgeMany}. */
export type EvidentlyColumn =
  | { name: string; kind: 'numeric'; reference: Float64Array; current: Float64Array }
  | { name: string; kind: 'categorical'; reference: Int32Array; current: Int32Array };

/** A column's verdict read from the worker's JSON, or undefined when malformed. */
function verdictOf(v: unknown, seconds: number): EvidentlyVerdict | undefined {
  if (!isRecord(v)) return undefined;
  const score = toNumber(v.score);
  const threshold = toNumber(v.threshold);
  const { drift, test } = v;
  if (
    typeof drift !== 'boolean' ||
    typeof test !== 'string' ||
    score === undefined ||
    threshold === undefined
  )
    return undefined;
  return { drift, test, score, threshold, seconds };
}

type Worker = ChildProcessByStdio<Writable, Readable, Readable>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number as the worker writes it: a JSON number, or "NaN" / "Infinity" / "-Infinity". */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  return undefined;
}

export class EvidentlyJudge {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly stderrTail: string[] = [];
  /** Set once the worker is gone (or broke the protocol): every later call fails with it. */
  private failure: Error | undefined;
  private closed = false;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: Worker) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_LINES) this.stderrTail.shift();
    });
    createInterface({ input: child.stdout }).on('line', (line) => this.onAnswer(line));
    // A write to a worker that died fails with EPIPE; the exit handler reports why.
    child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        this.fail(new Error(`The Evidently worker ${how}.${this.stderrText()}`));
        resolve({ code, signal });
      });
      child.on('error', (error) => {
        this.fail(new Error(`The Evidently worker failed: ${error.message}.${this.stderrText()}`));
        // A process that never started emits no 'close'.
        if (child.pid === undefined) resolve({ code: null, signal: null });
      });
    });
  }

  /**
   * Spawns `<repo>/.cache/venv/bin/python bench/drift_evidently.py` and waits until it has judged a
   * first small frame (so Evidently imports and runs). Throws an Error naming what is missing and how
   * to install it.
   */
  static async start(): Promise<EvidentlyJudge> {
    if (endianness() !== 'LE') throw new Error('The Evidently worker protocol is little-endian only.');
    if (!existsSync(PYTHON)) {
      throw new Error(
        `No Python virtualenv at ${relative(ROOT, PYTHON)} for the Evidently comparison. ${INSTALL}`,
      );
    }
    const child = spawn(PYTHON, [SCRIPT], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Evidently orders categories through a Python set: a fixed hash seed makes scores repeatable.
      env: { ...process.env, DO_NOT_TRACK: '1', PYTHONHASHSEED: '0' },
    });
    const judge = new EvidentlyJudge(child);
    const warmUp = Float64Array.from({ length: 20 }, (_, i) => i);
    try {
      await judge.judge('numeric', warmUp, warmUp);
    } catch (error) {
      await judge.close().catch(() => {});
      const message = error instanceof Error ? error.message : String(error);
      const missing = /No module named '([^']+)'/.exec(message);
      if (missing) {
        throw new Error(
          `Python module '${missing[1]}' is missing from ${relative(ROOT, PYTHON)}, needed for the Evidently ` +
            `comparison. ${INSTALL}`,
        );
      }
      throw new Error(`The Evidently worker did not start: ${message}`);
    }
    return judge;
  }

  /**
   * Runs Evidently's default DataDriftPreset on one column. Categorical codes become the strings
   * `l<code>`. The arrays are sent without a copy: do not modify them before the promise settles.
   */
  judge(kind: 'numeric', reference: Float64Array, current: Float64Array): Promise<EvidentlyVerdict>;
  judge(kind: 'categorical', reference: Int32Array, current: Int32Array): Promise<EvidentlyVerdict>;
  async judge(
    kind: 'numeric' | 'categorical',
    reference: Float64Array | Int32Array,
    current: Float64Array | Int32Array,
  ): Promise<EvidentlyVerdict> {
    const want = kind === 'numeric' ? Float64Array : Int32Array;
    if (!(reference instanceof want) || !(current instanceof want)) {
      throw new TypeError(`judge('${kind}') takes two ${want.name}s`);
    }
    const header = { kind, nRef: reference.length, nCur: current.length };
    const raw = await this.send(header, [reference, current]);
    const verdict = typeof raw.seconds === 'number' ? verdictOf(raw, raw.seconds) : undefined;
    if (!verdict)
      throw new Error(`Malformed answer from the Evidently worker: ${JSON.stringify(raw).slice(0, 200)}`);
    return verdict;
  }

  /**
   * Runs Evidently's default DataDriftPreset once over several columns of equal lengths (one table,
   * as a user would pass it); each column gets its own default test. Same contract as {@link judge}.
   *
   * @returns each column's verdict by name (`seconds` is the whole report's).
   */
  async judgeMany(columns: readonly EvidentlyColumn[]): Promise<Record<string, EvidentlyVerdict>> {
    if (columns.length === 0) return {};
    const nRef = columns[0]!.reference.length;
    const nCur = columns[0]!.current.length;
    if (columns.some((c) => c.reference.length !== nRef || c.current.length !== nCur))
      throw new TypeError('judgeMany() takes columns of equal lengths');
    const header = { columns: columns.map((c) => ({ name: c.name, kind: c.kind })), nRef, nCur };
    const raw = await this.send(
      header,
      columns.flatMap((c) => [c.reference, c.current]),
    );
    const out: Record<string, EvidentlyVerdict> = {};
    const got = isRecord(raw.columns) ? raw.columns : {};
    for (const c of columns) {
      const v = typeof raw.seconds === 'number' ? verdictOf(got[c.name], raw.seconds) : undefined;
      if (!v) throw new Error(`Malformed answer from the Evidently worker for column ${c.name}`);
      out[c.name] = v;
    }
    return out;
  }

  /** Writes one frame (header line + the arrays' bytes, no copy) and waits for its answer. */
  private async send(
    header: Record<string, unknown>,
    arrays: readonly (Float64Array | Int32Array)[],
  ): Promise<Record<string, unknown>> {
    if (this.closed) throw new Error('The Evidently judge is closed.');
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
    });
    // The worker may die while this call awaits 'drain': the rejection is the caller's, not unhandled.
    answer.catch(() => {});
    // Header and payload are queued in the same tick, so concurrent calls cannot interleave.
    const { stdin } = this.child;
    stdin.write(JSON.stringify({ id, ...header }) + '\n');
    let flushed = true;
    for (const a of arrays) flushed = stdin.write(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    if (!flushed && !this.failure) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          stdin.off('drain', done);
          stdin.off('close', done);
          resolve();
        };
        stdin.on('drain', done);
        stdin.on('close', done);
      });
    }
    return answer;
  }

  /** Ends the worker's input, lets it answer what is in flight, and waits for it to exit. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.child.stdin.writableEnded) this.child.stdin.end();
    const { code, signal } = await this.exited;
    if (code !== 0) {
      if (code === null && signal === null)
        throw this.failure ?? new Error('The Evidently worker did not start.');
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      throw new Error(`The Evidently worker ${how}.${this.stderrText()}`);
    }
  }

  private onAnswer(line: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return this.protocolError(`not JSON: ${line.slice(0, 200)}`);
    }
    if (!isRecord(parsed) || typeof parsed.id !== 'number') {
      return this.protocolError(`no id: ${line.slice(0, 200)}`);
    }
    const pending = this.pending.get(parsed.id);
    if (!pending) return this.protocolError(`answer for unknown frame ${parsed.id}`);
    this.pending.delete(parsed.id);
    if (typeof parsed.error === 'string') {
      pending.reject(new Error(`Evidently failed on frame ${parsed.id}: ${parsed.error}`));
      return;
    }
    pending.resolve(parsed);
  }

  private protocolError(detail: string): void {
    this.fail(new Error(`The Evidently worker broke the protocol (${detail}).`));
    this.child.kill();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  private stderrText(): string {
    return this.stderrTail.length > 0 ? `\nLast lines of its stderr:\n${this.stderrTail.join('\n')}` : '';
  }
}
