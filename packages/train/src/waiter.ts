import type { Logger } from '@modelship/core';
import { TERMINAL, type StatusTransition } from './backend.js';
import { pollDelayMs, type Sleep } from './schedule.js';

/** What one status poll tells the waiter. */
export interface Snapshot {
  status: string;
  secondaryStatus?: string;
  createdAt?: string;
  transitions: StatusTransition[];
}

export interface LoopOptions {
  sleep: Sleep;
  now: () => number;
  signal: AbortSignal;
  /** Epoch ms: stop waiting (not the job) after this. */
  deadline?: number;
}

export type LoopEnd = 'terminal' | 'aborted' | 'deadline';

/** How the loop ended; `last` is the last answer (none when the first poll was aborted). */
export type LoopResult<T> =
  { end: 'terminal' | 'deadline'; last: T; calls: number } | { end: 'aborted'; last?: T; calls: number };

/**
 * Poll until the job reaches a terminal status, the signal aborts, or the deadline passes. The
 * delays between polls follow {@link pollDelayMs}; `onSnapshot` runs after every poll (progress
 * lines, log streaming). A poll that fails once the signal has aborted ends the loop as aborted.
 */
export async function pollUntilDone<T>(
  poll: () => Promise<T>,
  onSnapshot: (s: T) => Promise<void>,
  opts: LoopOptions & { statusOf: (s: T) => string | undefined },
): Promise<LoopResult<T>> {
  let previous: T | undefined;
  for (let calls = 1; ; calls++) {
    let last: T;
    try {
      last = await poll();
    } catch (err) {
      if (opts.signal.aborted) return { last: previous, end: 'aborted', calls };
      throw err;
    }
    previous = last;
    await onSnapshot(last);
    if (TERMINAL.has(opts.statusOf(last) ?? '')) return { last, end: 'terminal', calls };
    if (opts.signal.aborted) return { last, end: 'aborted', calls };
    const now = opts.now();
    if (opts.deadline !== undefined && now >= opts.deadline) return { last, end: 'deadline', calls };
    const delay = pollDelayMs(calls);
    await opts.sleep(opts.deadline === undefined ? delay : Math.min(delay, opts.deadline - now), opts.signal);
    if (opts.signal.aborted) return { last, end: 'aborted', calls };
  }
}

/** `1h02m05s`, `4m10s`, `7s`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`;
  if (m) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

function clock(iso: string): string {
  return iso.slice(11, 19) + 'Z';
}

/** Prints each new status and secondary-status transition once, with its time and the elapsed time. */
export class ProgressPrinter {
  private readonly seen = new Set<string>();
  private status: string | undefined;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  update(s: Snapshot): void {
    const origin = s.createdAt ? Date.parse(s.createdAt) : undefined;
    const since = (iso: string) =>
      origin === undefined ? '' : ` +${formatElapsed(Date.parse(iso) - origin)}`;
    for (const t of s.transitions) {
      const key = `${t.status}@${t.startTime}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.log.info(
        `[${clock(t.startTime)}${since(t.startTime)}] ${t.status}${t.message ? `: ${t.message}` : ''}`,
      );
    }
    if (s.status !== this.status) {
      const at = new Date(this.now()).toISOString();
      this.log.info(
        `[${clock(at)}${since(at)}] job status: ${s.status}${s.secondaryStatus ? ` (${s.secondaryStatus})` : ''}`,
      );
      this.status = s.status;
    }
  }
}
