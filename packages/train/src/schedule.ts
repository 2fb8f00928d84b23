/**
 * Timing: how often the waiter asks SageMaker for the job's status, a pure function of the poll
 * number so its budget can be tested. (Throttled calls are retried by the AWS clients themselves.)
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
