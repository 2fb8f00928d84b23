/**
 * Benchmark of the local endpoint's router: `npm run bench:router`.
 *
 * 1. Added latency at a steady rate (default 1,000 requests/s, open loop: request i leaves at
 *    i / rate whatever the answers do): the same trivial model called directly on its port and
 *    through the router, in alternating phases (direct, routed, routed, direct, direct, routed) of --seconds each, after a warm-up,
 *    so drift on a shared machine hits both sides alike. Prints p50 / p99 of each side and their
 *    difference, and the router's own OverheadLatency as its metrics store recorded it.
 * 2. The most requests/s: closed loop with --concurrency requests always in flight for --seconds,
 *    directly and through the router.
 *
 * The router is the built one (dist/workers/canary-router.js; run `npm run bundle` first), the
 * model a few lines of node:http answering a fixed JSON body. The load generator runs in this
 * process, on the same cores as the router and the model: the figures include that contention.
 *
 *   npm run bench:router [-- --rate 1000 --seconds 10 --concurrency 64]
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyRouterConfig,
  endpointMetrics,
  endpointPaths,
  httpCall,
  quantile,
  routerConfigOf,
  runTraffic,
  startRouterProcess,
  startServer,
  stopTree,
  variantMetricQuery,
  type EndpointState,
} from '@modelship/local';

const ROOT = join(import.meta.dirname, '..');
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RATE = arg('rate', 1000);
const SECONDS = arg('seconds', 10);
const CONCURRENCY = arg('concurrency', 64);
const ROUTER = join(ROOT, 'dist', 'workers', 'canary-router.js');
if (!existsSync(ROUTER)) throw new Error(`${ROUTER} is missing: run npm run bundle first`);

const TRIVIAL = `import { createServer } from 'node:http';
const body = JSON.stringify({ predictions: [{ score: 0.5 }] });
const s = createServer((req, res) => {
  if (req.url === '/ping') return res.end('ok');
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); });
});
s.keepAliveTimeout = 65000;
s.listen(Number(process.env.SAGEMAKER_BIND_TO_PORT), '127.0.0.1');
`;

const dir = mkdtempSync(join(tmpdir(), 'modelship-bench-router-'));
writeFileSync(join(dir, 'trivial.mjs'), TRIVIAL);
const root = join(dir, 'endpoints');
const paths = endpointPaths(root, 'bench');
const model = await startServer({
  command: [process.execPath, join(dir, 'trivial.mjs')],
  cwd: dir,
  modelDir: dir,
  logFile: join(paths.variantDir('trivial'), 'serve.log'),
  baseEnv: process.env,
  readyTimeoutMs: 10_000,
});
const state: EndpointState = {
  kind: 'modelship.local-endpoint',
  schemaVersion: 1,
  name: 'bench',
  endpointConfig: 'bench',
  router: { pid: 0, port: 0, url: '' },
  variants: [
    {
      name: 'trivial',
      modelPackageArn: 'bench',
      modelVersion: '1',
      weight: 100,
      shadow: false,
      pid: model.pid,
      port: model.port,
      modelDir: dir,
      command: [],
      startedAt: new Date().toISOString(),
    },
  ],
  generation: 1,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
};
await applyRouterConfig(paths, undefined, routerConfigOf(state, root));
const router = await startRouterProcess(paths, 0, process.env, 15_000, [process.execPath, ROUTER]);
const body = JSON.stringify({ tenure_months: 5, monthly_charges: 80 });

const fmt = (ms: number) => ms.toFixed(3);
const latencies = { direct: [] as number[], routed: [] as number[] };
// Warm-up at the full rate: JIT, connection pools (router → model) and the request log's first writes.
const warm = async (port: number) => runTraffic({ port, bodies: [body], rate: RATE, durationMs: 3000 });

async function phase(which: 'direct' | 'routed'): Promise<void> {
  const port = which === 'direct' ? model.port : router.port;
  const r = await runTraffic({ port, bodies: [body], rate: RATE, durationMs: SECONDS * 1000 });
  const all = Object.values(r.byVariant).flatMap((f) => f.latenciesMs);
  const failed = Object.values(r.byVariant).reduce((s, f) => s + f.requests - f.ok, 0);
  latencies[which].push(...all);
  const achieved = (r.answered / r.elapsedMs) * 1000;
  console.log(
    `  ${which.padEnd(6)} ${r.sent} requests in ${(r.elapsedMs / 1000).toFixed(1)} s (${achieved.toFixed(0)}/s), ${failed} not 2xx: p50 ${fmt(quantile(all, 0.5))} ms, p99 ${fmt(quantile(all, 0.99))} ms`,
  );
}

/** Closed loop: `concurrency` requests always in flight for `seconds`; answers per second. */
async function maxRate(port: number): Promise<{ rps: number; errors: number; p50: number; p99: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const until = performance.now() + SECONDS * 1000;
  const start = performance.now();
  let done = 0;
  let errors = 0;
  const lat: number[] = [];
  const worker = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/invocations',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': body.length },
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode !== 200) errors++;
              resolve();
            });
          },
        );
        req.on('error', () => {
          errors++;
          resolve();
        });
        req.end(body);
      });
      lat.push(performance.now() - t0);
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return {
    rps: (done / (performance.now() - start)) * 1000,
    errors,
    p50: quantile(lat, 0.5),
    p99: quantile(lat, 0.99),
  };
}

try {
  console.log(
    `router benchmark: ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, Node ${process.version}; trivial model on :${model.port}, router on :${router.port}`,
  );
  await warm(model.port);
  await warm(router.port);
  console.log(`\n1. added latency at ${RATE} requests/s (open loop, ${SECONDS} s a phase)`);
  const metricsFrom = new Date();
  for (const which of ['direct', 'routed', 'routed', 'direct', 'direct', 'routed'] as const)
    await phase(which);
  const p = (which: 'direct' | 'routed', q: number) => quantile(latencies[which], q);
  console.log(
    `  added by the router: p50 ${fmt(p('routed', 0.5) - p('direct', 0.5))} ms, p99 ${fmt(p('routed', 0.99) - p('direct', 0.99))} ms` +
      ` (direct p50 ${fmt(p('direct', 0.5))} / p99 ${fmt(p('direct', 0.99))}; routed p50 ${fmt(p('routed', 0.5))} / p99 ${fmt(p('routed', 0.99))})`,
  );
  await httpCall(router.port, 'POST', '/_modelship/flush');
  const stat = async (s: string) => {
    const out = await endpointMetrics(root, 'bench').getMetricData({
      MetricDataQueries: [
        variantMetricQuery({
          id: 'o',
          endpoint: 'bench',
          variant: 'trivial',
          metric: 'OverheadLatency',
          stat: s,
          period: 86_400,
        }),
      ],
      StartTime: metricsFrom,
      EndTime: new Date(Date.now() + 1000),
    });
    return out.MetricDataResults[0]!.Values[0] ?? NaN;
  };
  console.log(
    `  the router's own OverheadLatency (its metrics store): p50 ${(await stat('p50')).toFixed(0)} µs, p99 ${(await stat('p99')).toFixed(0)} µs`,
  );

  console.log(`\n2. most requests/s (closed loop, ${CONCURRENCY} in flight, ${SECONDS} s)`);
  const direct = await maxRate(model.port);
  const routed = await maxRate(router.port);
  for (const [name, r] of [
    ['direct', direct],
    ['routed', routed],
  ] as const)
    console.log(
      `  ${name.padEnd(6)} ${r.rps.toFixed(0)} requests/s, ${r.errors} errors, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms`,
    );
} finally {
  await stopTree(router.pid, 2_000);
  await stopTree(model.pid, 2_000);
}
