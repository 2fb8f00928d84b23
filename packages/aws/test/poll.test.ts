import { describe, expect, it } from '@jest/globals';
import { poll, pollCallsFor, pollDelayMs, POLL, sleep, type PollOptions } from '../src/poll.js';

describe('poll schedule', () => {
  it('polls at once, then backs off from 5 s to a 50 s ceiling', () => {
    expect(pollDelayMs(0)).toBe(0);
    expect(pollDelayMs(1)).toBe(POLL.firstDelayMs);
    expect(pollDelayMs(2)).toBe(7_500);
    const delays = Array.from({ length: 30 }, (_, i) => pollDelayMs(i + 1));
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    expect(Math.max(...delays)).toBe(POLL.maxDelayMs);
  });

  it('costs at most about 80 status calls for a one-hour job', () => {
    const calls = pollCallsFor(3_600_000);
    expect(calls).toBeLessThanOrEqual(80);
    expect(calls).toBe(77);
  });

  it('notices a short job quickly', () => {
    expect(pollCallsFor(0)).toBe(1);
    expect(pollCallsFor(60_000)).toBe(6);
    expect(pollCallsFor(60_000, () => 30_000)).toBe(3);
  });
});

/** A fake clock: sleeping advances it at once. */
function clock() {
  const c = { t: 0, sleeps: [] as number[] };
  return {
    c,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
    now: () => c.t,
  };
}

/** Answers the statuses in turn (the last one repeats). */
function statuses(...list: string[]) {
  let i = 0;
  return async () => ({ status: list[Math.min(i++, list.length - 1)]! });
}

function opts(
  describe: PollOptions<{ status: string }>['describe'],
  extra: Partial<PollOptions<{ status: string }>> = {},
): PollOptions<{ status: string }> {
  const { sleep: fakeSleep, now } = clock();
  return {
    describe,
    status: (a) => a.status,
    terminal: ['InService', 'Failed'],
    signal: new AbortController().signal,
    sleep: fakeSleep,
    now,
    ...extra,
  };
}

describe('poll', () => {
  it('polls until a terminal status, on the schedule, reporting each answer and each change', async () => {
    const { c, sleep: fakeSleep, now } = clock();
    const seen: string[] = [];
    const changes: string[] = [];
    const res = await poll(
      opts(statuses('Creating', 'Creating', 'Updating', 'InService'), {
        sleep: fakeSleep,
        now,
        onPoll: (a) => void seen.push(a.status),
        onChange: (s, _a, prev) => void changes.push(`${prev ?? '-'}→${s}`),
      }),
    );
    expect(res).toEqual({ end: 'terminal', last: { status: 'InService' }, calls: 4 });
    expect(seen).toEqual(['Creating', 'Creating', 'Updating', 'InService']);
    expect(changes).toEqual(['-→Creating', 'Creating→Updating', 'Updating→InService']);
    expect(c.sleeps).toEqual([5_000, 7_500, 11_250]);
  });

  it('takes the terminal statuses and the interval as parameters', async () => {
    const { c, sleep: fakeSleep, now } = clock();
    const res = await poll(
      opts(statuses('Executing', 'Succeeded'), {
        terminal: new Set(['Succeeded', 'Failed', 'Stopped']),
        interval: () => 1_000,
        sleep: fakeSleep,
        now,
      }),
    );
    expect(res.end).toBe('terminal');
    expect(c.sleeps).toEqual([1_000]);
  });

  it('stops waiting at the deadline without waiting past it', async () => {
    const { c, sleep: fakeSleep, now } = clock();
    const res = await poll(opts(statuses('Creating'), { sleep: fakeSleep, now, deadline: 20_000 }));
    expect(res.end).toBe('deadline');
    expect(c.t).toBe(20_000);
    expect(c.sleeps).toEqual([5_000, 7_500, 7_500]);
  });

  it('ends as aborted when the signal aborts between calls or fails the call in flight', async () => {
    const ac = new AbortController();
    let calls = 0;
    const between = await poll(
      opts(
        async () => {
          if (++calls === 2) ac.abort();
          return { status: 'Creating' };
        },
        { signal: ac.signal },
      ),
    );
    expect(between).toEqual({ end: 'aborted', last: { status: 'Creating' }, calls: 2 });

    const ac2 = new AbortController();
    const inFlight = await poll(
      opts(
        async (signal) => {
          ac2.abort();
          throw Object.assign(new Error(`aborted: ${signal.aborted}`), { name: 'AbortError' });
        },
        { signal: ac2.signal },
      ),
    );
    expect(inFlight).toEqual({ end: 'aborted', last: undefined, calls: 1 });
  });

  it('rejects with the error of a failed call when not aborted', async () => {
    await expect(
      poll(
        opts(async () => {
          throw new Error('ValidationException');
        }),
      ),
    ).rejects.toThrow('ValidationException');
  });
});

describe('sleep', () => {
  it('ends early, without throwing, when the signal aborts', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 20);
    await sleep(10_000, ac.signal);
    expect(Date.now() - t0).toBeLessThan(5_000);
    await sleep(10_000, ac.signal);
  });
});
