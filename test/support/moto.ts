/**
 * moto (https://github.com/getmoto/moto) in server mode on a free loopback port, for tests that
 * talk to AWS over real HTTP. Point an SDK client at it with `moto.env` (AWS_ENDPOINT_URL and
 * dummy credentials), or pass `endpoint` explicitly (S3 also needs `forcePathStyle: true`).
 *
 *   const moto = await startMoto();
 *   afterAll(() => moto.stop());
 *   beforeEach(() => moto.reset());
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { paths } from './tools.js';

export interface Moto {
  endpoint: string;
  env: Record<string, string>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** How long to wait for the server to answer (default 30 s). */
  startTimeoutMs?: number;
}

const HOST = '127.0.0.1';

/**
 * Runs moto's server in the venv's Python. The parent (this jest worker) keeps a pipe to its
 * stdin; when the parent dies for any reason the pipe closes and the server exits, so no moto
 * outlives the test run.
 */
const LAUNCHER = `
import os, sys, threading
def _watch_parent():
    try:
        while sys.stdin.buffer.read(65536):
            pass
    finally:
        os._exit(0)
threading.Thread(target=_watch_parent, daemon=True).start()
from moto.server import main
main(sys.argv[1:])
`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not determine a free port'))));
    });
  });
}

function motoEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    // never reach for instance metadata or real profiles
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  stderr: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `moto_server exited (${child.exitCode ?? child.signalCode}) before answering on ${endpoint}.\n` +
          `stderr:\n${stderr()}`,
      );
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError =
        err instanceof Error ? `${err.message}${err.cause ? ` (${String(err.cause)})` : ''}` : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `moto_server did not answer on ${endpoint} within ${timeoutMs} ms (last error: ${lastError}).\n` +
      `stderr:\n${stderr()}`,
  );
}

async function killAndWait(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

async function startOnce(port: number, timeoutMs: number): Promise<Moto> {
  const endpoint = `http://${HOST}:${port}`;
  const child = spawn(paths.python, ['-c', LAUNCHER, '-H', HOST, '-p', String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, MOTO_PORT: String(port), PYTHONUNBUFFERED: '1' },
  });
  let err = '';
  const keep = (d: Buffer): void => {
    err += d.toString();
    if (err.length > 64_000) err = err.slice(-32_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (e) => keep(Buffer.from(`\nspawn error: ${String(e)}\n`)));
  // Do not keep jest's event loop alive because of moto; the exit hook below still kills it.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
  const onExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', onExit);

  try {
    await waitUntilReady(endpoint, child, () => err.trim() || '(empty)', timeoutMs);
  } catch (e) {
    process.removeListener('exit', onExit);
    await killAndWait(child);
    throw e;
  }

  let stopped = false;
  return {
    endpoint,
    env: motoEnv(endpoint),
    async reset(): Promise<void> {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      child.stdin?.end();
      await killAndWait(child);
    },
  };
}

/** Starts a fresh moto server on a free port of 127.0.0.1 and waits until it answers. */
export async function startMoto(opts: StartMotoOptions = {}): Promise<Moto> {
  if (!fs.existsSync(paths.python) || !fs.existsSync(paths.motoServer)) {
    throw new Error(
      `moto is not installed (${paths.motoServer} is missing): run \`npx tsx test/support/tools.ts python\` ` +
        `(jest's globalSetup does this automatically).`,
    );
  }
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  let lastError: unknown;
  // The free port can be taken between probing and binding: retry on a new port.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freePort(), timeoutMs);
    } catch (e) {
      lastError = e;
      const msg = e instanceof Error ? e.message : String(e);
      if (!/Address already in use|EADDRINUSE|exited/i.test(msg)) break;
    }
  }
  throw lastError;
}
