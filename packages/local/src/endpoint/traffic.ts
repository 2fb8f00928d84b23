// Replaying requests through an endpoint at a fixed rate (open loop: request i is sent at
// start + i / rate whatever the answers do), counting per variant what came back. Used by
// `modelship traffic` and the router benchmark.
import { Agent, request, type ClientRequest } from 'node:http';

export interface TrafficOptions {
  port: number;
  /** Request bodies, sent in turn (cycled). */
  bodies: string[];
  contentType?: string;
  /** Requests per second. */
  rate: number;
  durationMs: number;
  /** Path (default /invocations). */
  path?: string;
  /** Called about every `tickMs` with the figures so far. */
  onTick?: (t: TrafficReport) => void;
  tickMs?: number;
  signal?: AbortSignal;
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
}

export interface VariantFigures {
  requests: number;
  ok: number;
  errors4xx: number;
  errors5xx: number;
  failed: number;
  /** Latencies (ms) of every answer, in arrival order. */
  latenciesMs: number[];
}

export interface TrafficReport {
  elapsedMs: number;
  sent: number;
  answered: number;
  /** Requests sent per second of elapsed time (below the rate asked when the machine cannot keep up). */
  achievedRate: number;
  /** The signal stopped it: what was still out was abandoned. */
  cancelled: boolean;
  byVariant: Record<string, VariantFigures>;
}

/** The q-quantile (nearest rank) of numbers; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** How late the sender may fall behind the end of the run before it stops sending. */
const LATE_MS = 1000;
/** Requests out at once at most: past it the sender waits (and falls behind the rate asked). */
const MAX_IN_FLIGHT = 4096;

/**
 * Send requests at `rate` for `durationMs`, then wait for the answers still out. A sender that
 * cannot keep up stops a second after the duration (the report's `achievedRate` says what it
 * reached); the signal stops it at once, abandoning what is out (`cancelled`).
 */
export async function runTraffic(opts: TrafficOptions): Promise<TrafficReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const report: TrafficReport = {
    elapsedMs: 0,
    sent: 0,
    answered: 0,
    achievedRate: 0,
    cancelled: false,
    byVariant: {},
  };
  const figures = (v: string): VariantFigures =>
    (report.byVariant[v] ??= { requests: 0, ok: 0, errors4xx: 0, errors5xx: 0, failed: 0, latenciesMs: [] });
  const start = performance.now();
  const total = Math.max(1, Math.round((opts.rate * opts.durationMs) / 1000));
  const pending = new Set<Promise<void>>();
  const inFlight = new Set<ClientRequest>();
  let lastTick = start;
  const one = (body: string) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port: opts.port,
          method: 'POST',
          path: opts.path ?? '/invocations',
          agent,
          headers: {
            'content-type': opts.contentType ?? 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            inFlight.delete(req);
            const variant = String(res.headers['x-amzn-invoked-production-variant'] ?? '(none)');
            const f = figures(variant);
            f.requests++;
            const s = res.statusCode ?? 0;
            if (s >= 200 && s < 300) f.ok++;
            else if (s >= 400 && s < 500) f.errors4xx++;
            else if (s >= 500) f.errors5xx++;
            f.latenciesMs.push(performance.now() - t0);
            report.answered++;
            resolve();
          });
        },
      );
      inFlight.add(req);
      req.setTimeout(opts.timeoutMs ?? 60_000, () => req.destroy(new Error('timed out')));
      req.on('error', () => {
        inFlight.delete(req);
        if (!opts.signal?.aborted) {
          const f = figures('(no answer)');
          f.requests++;
          f.failed++;
          report.answered++;
        }
        resolve();
      });
      req.end(body);
    });
  // Cancelled: nothing more is sent, and what is out is abandoned at once.
  let slotFreed: (() => void) | undefined;
  const abandon = () => {
    for (const req of inFlight) req.destroy(new Error('cancelled'));
    slotFreed?.();
  };
  opts.signal?.addEventListener('abort', abandon, { once: true });
  const stopAt = start + opts.durationMs + LATE_MS;
  try {
    for (let i = 0; i < total && !opts.signal?.aborted; i++) {
      const due = start + (i * 1000) / opts.rate;
      const wait = due - performance.now();
      // Behind schedule the loop still yields (answers, timers and signals are handled), and
      // stops once it is a second past the end.
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      else await new Promise((r) => setImmediate(r));
      while (pending.size >= MAX_IN_FLIGHT && !opts.signal?.aborted)
        await new Promise<void>((r) => (slotFreed = r));
      if (opts.signal?.aborted || performance.now() > stopAt) break;
      const p = one(opts.bodies[i % opts.bodies.length]!);
      pending.add(p);
      void p.then(() => {
        pending.delete(p);
        slotFreed?.();
        slotFreed = undefined;
      });
      report.sent++;
      const now = performance.now();
      if (opts.onTick && now - lastTick >= (opts.tickMs ?? 1000)) {
        lastTick = now;
        report.elapsedMs = now - start;
        report.achievedRate = report.sent / (report.elapsedMs / 1000);
        opts.onTick(report);
      }
    }
    // The rate reached: requests over the time spent sending them (the duration asked, or longer
    // when the sender fell behind; shorter when cancelled).
    const sendingMs = performance.now() - start;
    const windowMs = opts.signal?.aborted ? sendingMs : Math.max(sendingMs, opts.durationMs);
    report.achievedRate = windowMs > 0 ? report.sent / (windowMs / 1000) : 0;
    if (opts.signal?.aborted) abandon();
    await Promise.all(pending);
  } finally {
    opts.signal?.removeEventListener('abort', abandon);
    agent.destroy();
  }
  report.elapsedMs = performance.now() - start;
  report.cancelled = Boolean(opts.signal?.aborted);
  return report;
}
