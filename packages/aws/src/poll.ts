/**
 * Polling a long-running AWS resource (a training or processing job, an endpoint, a pipeline
 * execution) until it reaches a terminal status: the schedule is a pure function of the poll
 * number so its budget can be tested, and time (sleep, clock) is injectable. Throttled status
 * calls are retried by the AWS clients themselves, not here.
 */

/** Default poll schedule: first poll right away, then 5 s growing ×1.5 up to 50 s. */
export const POLL = { firstDelayMs: 5_000, factor: 1.5, maxDelayMs: 50_000 } as const;

/** Delay in ms before poll number `n + 1`, after `n` polls (n = 1: before the second call; 0 → 0). */
export function pollDelayMs(n: number): number {
  if (n <= 0) return 0;
  return Math.min(POLL.maxDelayMs, Math.round(POLL.firstDelayMs * POLL.factor ** (n - 1)));
}

/**
 * How many status calls {@link poll} makes to see a resource reach its terminal status
 * `durationMs` after polling starts, with the schedule `interval` (default {@link pollDelayMs}).
 */
export function pollCallsFor(durationMs: number, interval: (n: number) => number = pollDelayMs): number {
  let calls = 1;
  for (let at = 0; at < durationMs; calls++) at += interval(calls);
  return calls;
}

/** Wait `ms` milliseconds; resolves early (without throwing) when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real {@link Sleep}, on timers. */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export interface PollOptions<T> {
  /** One status call (e.g. DescribeTrainingJob); pass `signal` on to the SDK call. */
  describe: (signal: AbortSignal) => Promise<T>;
  /** The status in an answer, e.g. `TrainingJobStatus`, `EndpointStatus`. */
  status: (answer: T) => string | undefined;
  /** Statuses that end the polling, e.g. Completed / Failed / Stopped, or InService / Failed. */
  terminal: Iterable<string>;
  /** Aborting it ends the polling (end `aborted`); the resource itself is left alone. */
  signal: AbortSignal;
  /** Epoch ms (by `now`) after which polling stops (end `deadline`); never slept past. */
  deadline?: number;
  /** Delay in ms before the next poll, given the polls made so far (default {@link pollDelayMs}). */
  interval?: (calls: number) => number;
  /** Default: the real {@link sleep}. */
  sleep?: Sleep;
  /** The clock `deadline` is measured by, in epoch ms (default `Date.now`). */
  now?: () => number;
  /** After every answer, terminal or not (progress lines, log streaming). */
  onPoll?: (answer: T) => void | Promise<void>;
  /** When the status differs from the previous answer's (and on the first answer). */
  onChange?: (status: string | undefined, answer: T, previous: string | undefined) => void | Promise<void>;
}

export type PollEnd = 'terminal' | 'aborted' | 'deadline';

/** How polling ended, after how many status calls; `last` is the last answer (none when the first call was aborted). */
export type PollResult<T> =
  { end: 'terminal' | 'deadline'; last: T; calls: number } | { end: 'aborted'; last?: T; calls: number };

/**
 * Call `describe` until the status is terminal, `signal` aborts or the deadline passes: the first
 * call at once, then after the delays of `interval`. A call that fails once the signal has
 * aborted ends the polling as `aborted`; any other failure of `describe` rejects.
 */
export async function poll<T>(opts: PollOptions<T>): Promise<PollResult<T>> {
  const terminal = new Set(opts.terminal);
  const interval = opts.interval ?? pollDelayMs;
  const wait = opts.sleep ?? sleep;
  const now = opts.now ?? Date.now;
  let last: T | undefined;
  let previous: string | undefined;
  for (let calls = 1; ; calls++) {
    let answer: T;
    try {
      answer = await opts.describe(opts.signal);
    } catch (err) {
      if (opts.signal.aborted) return { end: 'aborted', last, calls };
      throw err;
    }
    last = answer;
    const status = opts.status(answer);
    if (calls === 1 || status !== previous) await opts.onChange?.(status, answer, previous);
    previous = status;
    await opts.onPoll?.(answer);
    if (terminal.has(status ?? '')) return { end: 'terminal', last: answer, calls };
    if (opts.signal.aborted) return { end: 'aborted', last: answer, calls };
    const at = now();
    if (opts.deadline !== undefined && at >= opts.deadline) return { end: 'deadline', last: answer, calls };
    const delay = interval(calls);
    await wait(opts.deadline === undefined ? delay : Math.min(delay, opts.deadline - at), opts.signal);
    if (opts.signal.aborted) return { end: 'aborted', last: answer, calls };
  }
}
