import type { Logger } from '@modelship/core';

/** One step of a resource's progress, e.g. a SageMaker SecondaryStatusTransition (Starting, Training, …). */
export interface StatusTransition {
  status: string;
  /** ISO 8601. */
  startTime: string;
  endTime?: string;
  message?: string;
}

/** What one status poll tells the progress printer. */
export interface Snapshot {
  status: string;
  /** Shown beside the status, e.g. SageMaker's SecondaryStatus. */
  secondaryStatus?: string;
  /** ISO 8601: elapsed times are counted from here (none without it). */
  createdAt?: string;
  /** Transitions so far, each printed once. */
  transitions: StatusTransition[];
}

/** A duration in ms as `1h02m05s`, `4m10s`, `7s` (rounded to the second; negative → `0s`). */
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

/**
 * Prints a resource's progress as it is polled: each new transition once, as
 * `[09:01:00Z +1m00s] Training: <message>`, and each change of status as
 * `[<now> +<elapsed>] <subject> status: InProgress (Training)`; times are UTC, elapsed times count
 * from the snapshot's `createdAt`.
 */
export class ProgressPrinter {
  private readonly seen = new Set<string>();
  private status: string | undefined;

  /** `now`: the clock in epoch ms; `subject`: what the status is of (`job`, `endpoint`). */
  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly subject = 'job',
  ) {}

  /** Print what is new in `s` since the last update (nothing when nothing changed). */
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
        `[${clock(at)}${since(at)}] ${this.subject} status: ${s.status}${s.secondaryStatus ? ` (${s.secondaryStatus})` : ''}`,
      );
      this.status = s.status;
    }
  }
}
