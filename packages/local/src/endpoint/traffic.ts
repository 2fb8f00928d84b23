// Replaying requests through an endpoint at a fixed rate (open loop: request i is sent at
// start + i / rate whatever the answers do), counting per variant what came back. Used by
// `modelship traffic` and the router benchmark.
import { Agent, request } from 'node:http';

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
  byVariant: Record<string, VariantFigures>;
}

/** The q-quantile (nearest rank) of numbers; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Send requests at `rate` for `durationMs`, then wait for the answers still out. */
export async function runTraffic(opts: TrafficOptions): Promise<TrafficReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const report: TrafficReport = { elapsedMs: 0, sent: 0, answered: 0, byVariant: {} };
  const figures = (v: string): VariantFigures =>
    (report.byVariant[v] ??= { requests: 0, ok: 0, errors4xx: 0, errors5xx: 0, failed: 0, latenciesMs: [] });
  const start = performance.now();
  const total = Math.max(1, Math.round((opts.rate * opts.durationMs) / 1000));
  const pending = new Set<Promise<void>>();
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
      req.setTimeout(opts.timeoutMs ?? 60_000, () => req.destroy(new Error('timed out')));
      req.on('error', () => {
        const f = figures('(no answer)');
        f.requests++;
        f.failed++;
        report.answered++;
        resolve();
      });
      req.end(body);
    });
  for (let i = 0; i < total && !opts.signal?.aborted; i++) {
    const due = start + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const p = one(opts.bodies[i % opts.bodies.length]!);
    pending.add(p);
    void p.then(() => pending.delete(p));
    report.sent++;
    const now = performance.now();
    if (opts.onTick && now - lastTick >= (opts.tickMs ?? 1000)) {
      lastTick = now;
      report.elapsedMs = now - start;
      opts.onTick(report);
    }
  }
  await Promise.all(pending);
  report.elapsedMs = performance.now() - start;
  agent.destroy();
  return report;
}
