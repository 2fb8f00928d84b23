/**
 * Timing: how often the waiter asks SageMaker for the job's status, and how throttled calls are
 * retried. Both are pure functions of their arguments so their budgets can be tested.
 */

/** Poll schedule: first poll right away, then 5 s growing ×1.5 up to 50 s. */
export const POLL = { firstDelayMs: 5_000, factor: 1.5, maxDelayMs: 50_000 } as const;

/** Delay before poll number `n` (n = 1 is the second call; the first is immediate). */
export function pollDelayMs(n: number): number {
  if (n <= 0) return 0;
  return Math.min(POLL.maxDelayMs, Math.round(POLL.firstDelayMs * POLL.factor ** (n - 1)));
}

/** How many DescribeTrainingJob calls the waiter makes to see a job end `durationMs` after it starts. */
export function describeCallsFor(durationMs: number): number {
  let calls = 1;
  for (let at = 0; at < durationMs; calls++) at += pollDelayMs(calls);
  return calls;
}

/** Retry policy for throttled AWS calls: full-jitter exponential backoff. */
export const RETRY = { attempts: 8, baseMs: 1_000, maxDelayMs: 30_000 } as const;

/** Backoff before retry `attempt` (1-based), given a random number in [0, 1). */
export function retryDelayMs(attempt: number, random: number): number {
  const ceiling = Math.min(RETRY.maxDelayMs, RETRY.baseMs * 2 ** (attempt - 1));
  return Math.floor(random * ceiling);
}

const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'ThrottledException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
]);

/** Throttling and transient server errors: worth retrying. */
export function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!e) return false;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return THROTTLE_NAMES.has(e.name ?? '') || status === 429 || status >= 500;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Sleep that ends early (without throwing) when `signal` aborts. */
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

export interface RetryOptions {
  sleep: Sleep;
  random: () => number;
  signal?: AbortSignal;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Call `fn`, retrying throttling / 5xx errors with jittered backoff; other errors pass through. */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || attempt >= RETRY.attempts || opts.signal?.aborted) throw err;
      const delay = retryDelayMs(attempt, opts.random());
      opts.onRetry?.(err, attempt, delay);
      await opts.sleep(delay, opts.signal);
    }
  }
}
