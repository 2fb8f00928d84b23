// The local endpoint's router: what SageMaker's front end is to an endpoint. It listens on a
// loopback port, answers `POST /invocations` by sending each request to one production variant
// chosen by weight (or to the variant named in `X-Amzn-SageMaker-Target-Variant`), mirrors it to
// every shadow variant (whose answers are recorded, never returned), and records per variant the
// CloudWatch figures (metrics.ts) and one JSON line per request.
//
// It runs as a process of its own (router-main.ts), so the endpoint outlives the step that
// started it; SIGHUP re-reads its config (new weights, a variant added or removed), SIGTERM
// flushes and exits. A variant that does not answer (refused, reset, timed out) is a 5XX for that
// request, never a hang.
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import {
  Agent,
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { MetricsAggregator } from './metrics.js';

export interface RouterVariant {
  name: string;
  /** The variant's serving process listens on 127.0.0.1:port. */
  port: number;
  /** Relative weight among production variants (shadows ignore it). */
  weight: number;
  /** What the request log says the variant serves (the package version). */
  modelVersion: string;
  shadow?: boolean;
}

export interface RouterFiles {
  /** One JSON line per request. */
  requests: string;
  /** The metrics store (metrics.ts). */
  metrics: string;
  /** One JSON line per mirrored request: the shadow's answer beside the production answer. */
  shadow: string;
}

export interface RouterConfig {
  endpoint: string;
  /** Bumped at every change; the router reports the generation it runs (GET /_modelship/state). */
  generation: number;
  variants: RouterVariant[];
  files: RouterFiles;
  /** How long a variant may take to answer before the request is a 504 (default 60 s, as SageMaker's). */
  timeoutMs?: number;
}

/** The admin paths (never forwarded): state, and flush of the metrics so far. */
export const ADMIN_PREFIX = '/_modelship/';

/** How much of an answer the shadow log keeps. */
const SHADOW_BODY_MAX = 64 * 1024;

export interface RouterHandle {
  server: Server;
  port: number;
  /** Re-read the config file. */
  reload(): void;
  /** Write the metrics recorded so far (all seconds, the current one too). */
  flush(): void;
  close(): Promise<void>;
}

function readConfig(path: string): RouterConfig {
  return JSON.parse(readFileSync(path, 'utf8')) as RouterConfig;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Microseconds from sending the request to the end of the answer (absent when none came). */
  modelUs?: number;
  error?: string;
}

/**
 * Start the router on 127.0.0.1:`port` (0: any free port) with the config in `configPath`.
 * Resolves once it listens.
 */
export async function startRouter(configPath: string, port: number): Promise<RouterHandle> {
  let config = readConfig(configPath);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const metrics = new MetricsAggregator();
  let pendingLog: string[] = [];
  let pendingShadow: string[] = [];

  const flushLogs = () => {
    if (pendingLog.length) appendFileSync(config.files.requests, pendingLog.join(''));
    if (pendingShadow.length) appendFileSync(config.files.shadow, pendingShadow.join(''));
    pendingLog = [];
    pendingShadow = [];
  };
  const writeMetrics = (beforeSec?: number) => {
    const lines = metrics.take(beforeSec);
    if (lines.length)
      appendFileSync(config.files.metrics, lines.map((l) => JSON.stringify(l) + '\n').join(''));
  };
  const flush = () => {
    flushLogs();
    writeMetrics();
  };
  // Whole seconds go to the store once they are over; logs are written in batches.
  const timer = setInterval(() => {
    flushLogs();
    writeMetrics(Math.floor(Date.now() / 1000));
  }, 250);
  timer.unref();

  const pick = (target: string | undefined): RouterVariant | undefined => {
    const production = config.variants.filter((v) => !v.shadow);
    if (target) return production.find((v) => v.name === target);
    const total = production.reduce((s, v) => s + Math.max(0, v.weight), 0);
    if (total <= 0) return undefined;
    let r = Math.random() * total;
    for (const v of production) {
      r -= Math.max(0, v.weight);
      if (r < 0) return v;
    }
    return production.at(-1);
  };

  const forward = (
    v: RouterVariant,
    req: IncomingMessage,
    body: Buffer,
    requestId: string,
  ): Promise<Answer> =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const headers: Record<string, string> = {
        'content-length': String(body.length),
        'x-amzn-requestid': requestId,
      };
      for (const h of ['content-type', 'accept', 'x-amzn-sagemaker-custom-attributes']) {
        const value = req.headers[h];
        if (typeof value === 'string') headers[h] = value;
      }
      let settled = false;
      const done = (a: Answer) => {
        if (settled) return;
        settled = true;
        resolve(a);
      };
      const fail = (status: number, error: string) =>
        done({
          status,
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(JSON.stringify({ error, variant: v.name }) + '\n'),
          error,
        });
      const up = request(
        { host: '127.0.0.1', port: v.port, method: 'POST', path: '/invocations', headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => fail(502, `variant ${v.name} failed mid-answer: ${err.message}`));
          res.on('end', () => {
            const out: Record<string, string> = {};
            const type = res.headers['content-type'];
            if (type) out['content-type'] = type;
            done({
              status: res.statusCode ?? 502,
              headers: out,
              body: Buffer.concat(chunks),
              modelUs: Number(process.hrtime.bigint() - started) / 1000,
            });
          });
        },
      );
      up.setTimeout(config.timeoutMs ?? 60_000, () => {
        up.destroy();
        fail(504, `variant ${v.name} did not answer within ${config.timeoutMs ?? 60_000} ms`);
      });
      up.on('error', (err: NodeJS.ErrnoException) =>
        fail(502, `variant ${v.name} is not answering (${err.code ?? err.message})`),
      );
      up.end(body);
    });

  const admin = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').slice(ADMIN_PREFIX.length);
    if (path === 'state') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ pid: process.pid, generation: config.generation, variants: config.variants }));
      return;
    }
    if (path === 'flush' && req.method === 'POST') {
      flush();
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404).end();
  };

  const ping = async (res: ServerResponse): Promise<void> => {
    // Healthy when some production variant answers its /ping.
    const production = config.variants.filter((v) => !v.shadow && v.weight > 0);
    const answers = await Promise.all(
      production.map(
        (v) =>
          new Promise<boolean>((resolve) => {
            const r = request(
              { host: '127.0.0.1', port: v.port, path: '/ping', agent, timeout: 2000 },
              (up) => {
                up.resume();
                resolve(up.statusCode === 200);
              },
            );
            r.on('timeout', () => r.destroy());
            r.on('error', () => resolve(false));
            r.end();
          }),
      ),
    );
    res.writeHead(answers.some(Boolean) ? 200 : 503).end();
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const arrived = Date.now();
    const t0 = process.hrtime.bigint();
    const requestId = randomUUID();
    const targetHeader = req.headers['x-amzn-sagemaker-target-variant'];
    const target = typeof targetHeader === 'string' ? targetHeader : undefined;
    const v = pick(target);
    if (!v) {
      const status = target ? 400 : 503;
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
      res.end(
        JSON.stringify({
          error: target ? `no production variant named ${target}` : 'no production variant has weight',
        }) + '\n',
      );
      return;
    }
    const shadows = config.variants.filter((s) => s.shadow);
    const main = forward(v, req, body, requestId);
    void main.then((a) => {
      const totalUs = Number(process.hrtime.bigint() - t0) / 1000;
      res.writeHead(a.status, {
        ...a.headers,
        'x-amzn-requestid': requestId,
        'x-amzn-invoked-production-variant': v.name,
      });
      res.end(a.body);
      const overheadUs = a.modelUs === undefined ? undefined : Math.max(0, totalUs - a.modelUs);
      metrics.record({
        variant: v.name,
        at: arrived,
        status: a.status,
        modelLatencyUs: a.modelUs,
        overheadLatencyUs: overheadUs,
      });
      pendingLog.push(
        JSON.stringify({
          time: new Date(arrived).toISOString(),
          endpoint: config.endpoint,
          requestId,
          variant: v.name,
          modelVersion: v.modelVersion,
          status: a.status,
          latencyUs: Math.round(totalUs),
          ...(a.modelUs === undefined ? {} : { modelLatencyUs: Math.round(a.modelUs) }),
          ...(overheadUs === undefined ? {} : { overheadLatencyUs: Math.round(overheadUs) }),
          ...(a.error ? { error: a.error } : {}),
        }) + '\n',
      );
    });
    for (const s of shadows) {
      const t1 = process.hrtime.bigint();
      void Promise.all([forward(s, req, body, requestId), main]).then(([a, prod]) => {
        const totalUs = Number(process.hrtime.bigint() - t1) / 1000;
        metrics.record({
          variant: s.name,
          at: arrived,
          status: a.status,
          modelLatencyUs: a.modelUs,
          overheadLatencyUs: a.modelUs === undefined ? undefined : Math.max(0, totalUs - a.modelUs),
        });
        pendingShadow.push(
          JSON.stringify({
            time: new Date(arrived).toISOString(),
            endpoint: config.endpoint,
            requestId,
            variant: s.name,
            modelVersion: s.modelVersion,
            status: a.status,
            ...(a.modelUs === undefined ? {} : { modelLatencyUs: Math.round(a.modelUs) }),
            body: a.body.subarray(0, SHADOW_BODY_MAX).toString('utf8'),
            production: {
              variant: v.name,
              modelVersion: v.modelVersion,
              status: prod.status,
              body: prod.body.subarray(0, SHADOW_BODY_MAX).toString('utf8'),
            },
          }) + '\n',
        );
      });
    }
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url.startsWith(ADMIN_PREFIX)) return admin(req, res);
    if (url === '/ping' && req.method === 'GET') return void ping(res);
    if (url !== '/invocations' || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'POST /invocations or GET /ping' }) + '\n');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  return {
    server,
    port: bound,
    reload: () => {
      flush();
      config = readConfig(configPath);
    },
    flush,
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      flush();
    },
  };
}
