// A local endpoint: serving processes (one per variant) behind a router process, all outliving
// the command that started them. Everything about it lives in one folder:
//
//   <root>/<endpoint>/state.json         the endpoint: router and variants (pids, ports, weights)
//   <root>/<endpoint>/router.json        the router's config (router.ts), re-read on SIGHUP
//   <root>/<endpoint>/requests.jsonl     one JSON line per request
//   <root>/<endpoint>/metrics.jsonl      the metrics store (metrics.ts)
//   <root>/<endpoint>/shadow.jsonl       shadow answers beside production answers
//   <root>/<endpoint>/router.log         the router's own output
//   <root>/<endpoint>/variants/<name>/   model/ (the extracted artefact: SM_MODEL_DIR) and serve.log
//
// state.json and router.json are written whole (atomicWrite), so a reader never sees half of one.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { atomicWrite, ConfigError } from '@modelship/core';
import { alive, stopTree, treeAlive } from '../process-tree.js';
import { LocalMetricsStore } from './metrics.js';
import type { RouterConfig } from './router.js';

/** Where local endpoints live when nothing says otherwise, relative to the working directory. */
export const DEFAULT_ENDPOINTS_DIR = '.modelship/endpoints';

/** The folder of the local endpoints of a run: `.modelship/endpoints` in the working directory. */
export function endpointsRoot(cwd: string): string {
  const root = resolve(cwd, DEFAULT_ENDPOINTS_DIR);
  // The router keeps the paths it was started with: the folder's real path, so a later command
  // reaching it through another path (a symlink from another working directory) changes the same files.
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

export interface VariantState {
  name: string;
  /** The model package it serves. */
  modelPackageArn: string;
  modelVersion: string;
  weight: number;
  shadow: boolean;
  pid: number;
  port: number;
  /** The extracted model (SM_MODEL_DIR). */
  modelDir: string;
  command: string[];
  /** The folder the command runs in (absent in states written before it was recorded). */
  cwd?: string;
  startedAt: string;
}

export interface EndpointState {
  kind: 'modelship.local-endpoint';
  schemaVersion: 1;
  name: string;
  /** The endpoint config in effect (a name derived from what it holds, as on SageMaker). */
  endpointConfig: string;
  router: { pid: number; port: number; url: string };
  variants: VariantState[];
  /**
   * The variant that is the endpoint's champion (the one a canary is judged against): set by
   * deploy-canary and by promote-on-metrics' decision; absent in states written before it was
   * recorded (then the heaviest production variant is taken for it).
   */
  champion?: string;
  generation: number;
  createdAt: string;
  updatedAt: string;
}

/** The names of an endpoint's files. */
export function endpointPaths(root: string, name: string) {
  const dir = join(root, name);
  return {
    dir,
    state: join(dir, 'state.json'),
    routerConfig: join(dir, 'router.json'),
    routerReady: join(dir, 'router.ready.json'),
    routerLog: join(dir, 'router.log'),
    requests: join(dir, 'requests.jsonl'),
    metrics: join(dir, 'metrics.jsonl'),
    shadow: join(dir, 'shadow.jsonl'),
    variantDir: (variant: string) => join(dir, 'variants', variant),
  };
}

const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** @throws ConfigError when `name` is not an endpoint name SageMaker accepts. */
export function checkEndpointName(name: string, where: string): string {
  if (!NAME.test(name) || name.length > 63)
    throw new ConfigError(
      `'${name}' is not a valid endpoint name (letters, digits and single hyphens, up to 63 characters)`,
      where,
    );
  return name;
}

/** The endpoint's state, or undefined when there is none (never started, or stopped). */
export async function readEndpointState(root: string, name: string): Promise<EndpointState | undefined> {
  const path = endpointPaths(root, name).state;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as EndpointState;
  } catch (err) {
    throw new ConfigError(`is not valid JSON (${(err as Error).message})`, path, {
      cause: err,
      hint: `stop the endpoint's processes with: modelship endpoint stop ${name} (it finds them without the state, and removes it)`,
    });
  }
}

export async function writeEndpointState(root: string, state: EndpointState): Promise<void> {
  await atomicWrite(endpointPaths(root, state.name).state, JSON.stringify(state, null, 2) + '\n');
}

/** The metrics an endpoint's router recorded, read as GetMetricData answers. */
export function endpointMetrics(root: string, name: string): LocalMetricsStore {
  return new LocalMetricsStore(name, endpointPaths(root, name).metrics);
}

/** A free TCP port on 127.0.0.1 (the OS picks; a race with another process is possible, so callers check). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

export interface HttpAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP request to 127.0.0.1:`port` (no keep-alive); rejects on a connection error or after `timeoutMs`. */
export function httpCall(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  opts: {
    body?: string | Buffer;
    contentType?: string;
    headers?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(opts.body));
    }
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        }),
      );
    });
    req.setTimeout(opts.timeoutMs ?? 10_000, () =>
      req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms`)),
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The last `n` lines of a log file (empty when it cannot be read). */
export async function tailOf(file: string, n = 20): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean).slice(-n);
  } catch {
    return [];
  }
}

export interface ServeSpec {
  /** Program and arguments (no shell). */
  command: string[];
  cwd: string;
  /** The model, extracted (SM_MODEL_DIR). */
  modelDir: string;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** Added to a minimal environment (PATH, HOME, LANG). */
  env?: Record<string, string>;
  /** The environment PATH and HOME are taken from. */
  baseEnv: Record<string, string | undefined>;
  /** How long it may take to answer /ping with 200 (ms). */
  readyTimeoutMs: number;
  signal?: AbortSignal;
  /**
   * Written right after the spawn (pid and command) and removed when the start fails: a deploy
   * killed before the endpoint's state records the process leaves it behind, and
   * {@link stopLeftoverServers} finds the process by it. The caller removes it once the state
   * records the pid.
   */
  pidFile?: string;
}

/**
 * Start a serving process under the SageMaker serving contract, detached (it outlives this
 * process, leading a process group of its own): `SAGEMAKER_BIND_TO_PORT` is a free loopback port,
 * `SM_MODEL_DIR` the extracted model. Resolves once `GET /ping` answers 200.
 *
 * @throws ConfigError (naming the command, with the last lines of its log) when it exits or does
 *   not become ready in time; the process tree is stopped first.
 */
export async function startServer(spec: ServeSpec): Promise<{ pid: number; port: number }> {
  await mkdir(dirname(spec.logFile), { recursive: true });
  const port = await freePort();
  const fd = openSync(spec.logFile, 'a');
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT']) {
    const v = spec.baseEnv[k];
    if (v !== undefined) env[k] = v;
  }
  Object.assign(env, spec.env ?? {}, {
    SAGEMAKER_BIND_TO_PORT: String(port),
    SM_MODEL_DIR: spec.modelDir,
  });
  const [cmd, ...args] = spec.command;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const child = spawn(cmd!, args, { cwd: spec.cwd, env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  if (spec.pidFile && child.pid) {
    // Written whole or not at all (a temporary file renamed over it): a reader never sees half of it.
    const tmp = `${spec.pidFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ pid: child.pid, command: spec.command }) + '\n');
    renameSync(tmp, spec.pidFile);
  }
  child.on('exit', (code, signal) => (exited = { code, signal }));
  child.on('error', (err) => (spawnError = err));
  child.unref();
  const what = spec.command.join(' ');
  const fail = async (why: string): Promise<never> => {
    if (child.pid) await stopTree(child.pid, 2_000);
    if (spec.pidFile) await rm(spec.pidFile, { force: true });
    const tail = await tailOf(spec.logFile, 8);
    throw new ConfigError(
      `${why}${tail.length ? `; its last lines: ${tail.join(' | ')}` : ''}`,
      `serve command '${what}'`,
      {
        hint: `it must listen on 127.0.0.1:$SAGEMAKER_BIND_TO_PORT and answer GET /ping with 200 once the model in $SM_MODEL_DIR is loaded (log: ${spec.logFile})`,
      },
    );
  };
  const until = Date.now() + spec.readyTimeoutMs;
  for (;;) {
    await sleep(spawnError || exited ? 0 : 100);
    if (spawnError) return fail(`could not start: ${spawnError.message}`);
    if (exited) return fail(`exited before it was ready (${exited.signal ?? `code ${exited.code}`})`);
    if (spec.signal?.aborted) return fail('cancelled before it was ready');
    try {
      const r = await httpCall(port, 'GET', '/ping', { timeoutMs: 2_000 });
      if (r.status === 200) return { pid: child.pid!, port };
    } catch {
      // not listening yet
    }
    if (Date.now() > until)
      return fail(`did not answer GET /ping with 200 within ${Math.round(spec.readyTimeoutMs / 1000)} s`);
  }
}

/**
 * The router's program: the built `workers/canary-router.js` beside the bundle this code runs
 * from, else (from sources) router-main.ts under tsx.
 */
export function routerCommand(): string[] {
  const url = import.meta.url;
  const here = dirname(fileURLToPath(url));
  if (url.endsWith('.js')) {
    let dir = here;
    for (let up = 0; up < 3; up++, dir = dirname(dir)) {
      const script = join(dir, 'workers', 'canary-router.js');
      if (existsSync(script)) return [process.execPath, script];
    }
  }
  const source = join(here, 'router-main.ts');
  const tsx = join(dirname(createRequire(url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
  return [process.execPath, '--import', `file://${tsx}`, source];
}

/**
 * Start the router for the endpoint whose config is written at `paths.routerConfig`, detached, on
 * `port` (0: any free port). Resolves with its pid and port once it listens.
 */
export async function startRouterProcess(
  paths: ReturnType<typeof endpointPaths>,
  port: number,
  env: Record<string, string | undefined>,
  timeoutMs = 15_000,
  command: string[] = routerCommand(),
): Promise<{ pid: number; port: number }> {
  await rm(paths.routerReady, { force: true });
  const fd = openSync(paths.routerLog, 'a');
  const [cmd, ...args] = command;
  const child = spawn(cmd!, [...args, paths.routerConfig, String(port), paths.routerReady], {
    cwd: paths.dir,
    env: { PATH: env.PATH, HOME: env.HOME },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  let exited = false;
  child.on('exit', () => (exited = true));
  child.unref();
  const until = Date.now() + timeoutMs;
  for (;;) {
    await sleep(50);
    try {
      const ready = JSON.parse(await readFile(paths.routerReady, 'utf8')) as { pid: number; port: number };
      return ready;
    } catch {
      // not yet
    }
    if (exited || Date.now() > until) {
      if (child.pid) await stopTree(child.pid, 1_000);
      const tail = await tailOf(paths.routerLog, 8);
      throw new Error(`the endpoint's router did not start${tail.length ? `: ${tail.join(' | ')}` : ''}`);
    }
  }
}

/** Write the router's config and make the running router take it (SIGHUP), waiting until it runs it. */
export async function applyRouterConfig(
  paths: ReturnType<typeof endpointPaths>,
  router: { pid: number; port: number } | undefined,
  config: RouterConfig,
): Promise<void> {
  await atomicWrite(paths.routerConfig, JSON.stringify(config, null, 2) + '\n');
  if (!router) return;
  process.kill(router.pid, 'SIGHUP');
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      const r = await httpCall(router.port, 'GET', '/_modelship/state', { timeoutMs: 2_000 });
      if ((JSON.parse(r.body) as { generation: number }).generation === config.generation) return;
    } catch {
      // retry below
    }
    if (Date.now() > until)
      throw new Error(`the endpoint's router (pid ${router.pid}) did not take the new config`);
    await sleep(50);
  }
}

/** The router config of an endpoint state. */
export function routerConfigOf(
  state: Pick<EndpointState, 'name' | 'generation' | 'variants'>,
  root: string,
): RouterConfig {
  const paths = endpointPaths(root, state.name);
  return {
    endpoint: state.name,
    generation: state.generation,
    variants: state.variants.map((v) => ({
      name: v.name,
      port: v.port,
      weight: v.weight,
      modelVersion: v.modelVersion,
      ...(v.shadow ? { shadow: true } : {}),
    })),
    files: { requests: paths.requests, metrics: paths.metrics, shadow: paths.shadow },
  };
}

export type ProcessStatus = 'running' | 'not answering' | 'stopped';

export interface EndpointStatus {
  state: EndpointState;
  router: ProcessStatus;
  variants: { variant: VariantState; status: ProcessStatus }[];
}

async function pingStatus(pid: number, port: number): Promise<ProcessStatus> {
  if (!treeAlive(pid)) return 'stopped';
  try {
    const r = await httpCall(port, 'GET', '/ping', { timeoutMs: 2_000 });
    return r.status === 200 ? 'running' : 'not answering';
  } catch {
    return 'not answering';
  }
}

/** Whether the router and each variant run and answer /ping. Undefined when there is no such endpoint. */
export async function endpointStatus(root: string, name: string): Promise<EndpointStatus | undefined> {
  const state = await readEndpointState(root, name);
  if (!state) return undefined;
  const variants = await Promise.all(
    state.variants.map(async (v) => ({ variant: v, status: await pingStatus(v.pid, v.port) })),
  );
  const router = treeAlive(state.router.pid)
    ? await httpCall(state.router.port, 'GET', '/_modelship/state', { timeoutMs: 2_000 }).then(
        () => 'running' as const,
        () => 'not answering' as const,
      )
    : 'stopped';
  return { state, router, variants };
}

/**
 * Stop an endpoint: every variant's process tree and the router (SIGTERM, then SIGKILL after
 * `graceMs`), then remove its state and the variants' extracted models (copies of registry
 * artefacts). Its logs (requests.jsonl, shadow.jsonl, router.log, each variant's serve.log) and
 * metrics stay. Returns what was stopped; undefined when there is no state (never started, or
 * stopped already).
 */
export async function stopEndpoint(
  root: string,
  name: string,
  graceMs = 5_000,
): Promise<EndpointState | undefined> {
  const state = await readEndpointState(root, name);
  await stopLeftoverServers(root, name, state, graceMs);
  if (!state) return undefined;
  await Promise.all([
    ...state.variants.map((v) => stopTree(v.pid, graceMs)),
    stopTree(state.router.pid, graceMs),
  ]);
  await rm(endpointPaths(root, name).state, { force: true });
  for (const v of state.variants) await rm(v.modelDir, { recursive: true, force: true });
  return state;
}

/**
 * The serving processes of an endpoint found by what they are, for when its state cannot be read:
 * process-group leaders whose `SM_MODEL_DIR` is under the endpoint's `variants/` folder (from
 * /proc; where there is none, or a process is another user's, nothing is found).
 */
function servingProcessesOf(dir: string): number[] {
  const prefix = `SM_MODEL_DIR=${join(dir, 'variants')}/`;
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (group !== Number(e)) continue;
      if (
        readFileSync(`/proc/${e}/environ`, 'utf8')
          .split('\0')
          .some((v) => v.startsWith(prefix))
      )
        found.push(Number(e));
    } catch {
      // gone meanwhile, or not readable
    }
  }
  return found;
}

/**
 * Stop an endpoint whose state.json cannot be read (not valid JSON): its router (by
 * `router.ready.json`), every serving process of its variants (found by their `SM_MODEL_DIR`, on
 * Linux) and what pid files name, then remove the unreadable state. Logs and metrics stay.
 * Returns what was stopped.
 */
export async function stopUnreadableEndpoint(
  root: string,
  name: string,
  graceMs = 5_000,
): Promise<{ what: string; pid: number }[]> {
  const paths = endpointPaths(root, name);
  const found = await stopLeftoverServers(root, name, undefined, graceMs);
  const serving = servingProcessesOf(paths.dir).filter((pid) => !found.some((f) => f.pid === pid));
  await Promise.all(serving.map((pid) => stopTree(pid, graceMs)));
  await rm(paths.state, { force: true });
  return [...found, ...serving.map((pid) => ({ what: 'serving process', pid }))];
}

/** The lock promote-on-metrics holds for its whole bake (see {@link withEndpointLock}). */
export const PROMOTE_LOCK = 'promote.lock';

/**
 * Run `fn` holding the endpoint's lock (a `deploy.lock` folder in its directory with the holder's
 * pid), so two commands never change one endpoint at once. A lock whose holder no longer runs
 * (killed outright) is taken over; one held by a running process is waited for up to `waitMs`.
 * `about` (one line: what holds it) is written beside the pid for {@link lockHolder}.
 *
 * @throws ConfigError naming the endpoint and the holder's pid when the wait runs out.
 */
export async function withEndpointLock<T>(
  root: string,
  name: string,
  fn: () => Promise<T>,
  waitMs = 60_000,
  /** The lock's folder: `deploy.lock` for changes; promote-on-metrics holds `promote.lock` for its whole bake. */
  lockName = 'deploy.lock',
  about?: string,
): Promise<T> {
  const dir = endpointPaths(root, name).dir;
  const lock = join(dir, lockName);
  await mkdir(dir, { recursive: true });
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      await mkdir(lock);
      if (about) await writeFile(join(lock, 'about'), about);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
      const holder = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'));
      if (holder && !alive(holder) && holder !== process.pid) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > until)
        throw new ConfigError(
          `another command is changing this endpoint (pid ${holder || 'unknown'})`,
          `endpoint ${name}`,
          {
            hint: `wait for it to finish; if none runs, delete ${lock}`,
          },
        );
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Who holds an endpoint's lock now, without waiting: its pid (0 when the holder has not written it
 * yet) and what it said it is; undefined when the lock is free or its holder no longer runs (a
 * stale lock, which the next {@link withEndpointLock} takes over).
 */
export async function lockHolder(
  root: string,
  name: string,
  lockName: string,
): Promise<{ pid: number; about?: string } | undefined> {
  const lock = join(endpointPaths(root, name).dir, lockName);
  if (!existsSync(lock)) return undefined;
  const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'));
  if (pid && !alive(pid)) return undefined;
  // Gone meanwhile: released.
  if (!pid && !existsSync(lock)) return undefined;
  const about = (await readFile(join(lock, 'about'), 'utf8').catch(() => '')).trim();
  return { pid, ...(about ? { about } : {}) };
}

/**
 * The variants a running router serves now, as it reports them (GET /_modelship/state): what the
 * endpoint really does, which a change made outside deploy-canary (promote-on-metrics' weights, a
 * router config edited by hand) may have moved away from what a deploy recorded. Undefined when the
 * router does not answer.
 */
export async function routerVariants(router: {
  port: number;
}): Promise<{ name: string; port: number; weight: number; shadow: boolean }[] | undefined> {
  try {
    const r = await httpCall(router.port, 'GET', `/_modelship/state`, { timeoutMs: 2_000 });
    if (r.status !== 200) return undefined;
    const body = JSON.parse(r.body) as {
      variants?: { name: string; port: number; weight: number; shadow?: boolean }[];
    };
    return (body.variants ?? []).map((v) => ({
      name: v.name,
      port: v.port,
      weight: v.weight,
      shadow: v.shadow === true,
    }));
  } catch {
    return undefined;
  }
}

/**
 * Shift traffic between the production variants of a running endpoint without restarting any,
 * as SageMaker's UpdateEndpointWeightsAndCapacities does: the router takes the new weights before
 * this resolves. Variants not named keep their weight.
 *
 * @throws ConfigError naming the endpoint or variant when there is no such endpoint, no such
 *   variant, a shadow variant is named, or no production variant would keep any weight.
 */
export async function updateEndpointWeights(
  root: string,
  name: string,
  desired: readonly { VariantName: string; DesiredWeight: number }[],
  now: () => Date = () => new Date(),
): Promise<EndpointState> {
  return withEndpointLock(root, name, async () => {
    const state = await readEndpointState(root, name);
    if (!state) throw new ConfigError('no local endpoint of this name', `endpoint ${name}`);
    const variants = state.variants.map((v) => ({ ...v }));
    for (const d of desired) {
      const v = variants.find((x) => x.name === d.VariantName);
      if (!v) throw new ConfigError(`has no variant ${d.VariantName}`, `endpoint ${name}`);
      if (v.shadow)
        throw new ConfigError('is a shadow variant: it has no weight to shift', `variant ${d.VariantName}`);
      if (!(d.DesiredWeight >= 0))
        throw new ConfigError(`weight must be 0 or more, got ${d.DesiredWeight}`, `variant ${d.VariantName}`);
      v.weight = d.DesiredWeight;
    }
    if (!variants.some((v) => !v.shadow && v.weight > 0))
      throw new ConfigError('no production variant would keep any weight', `endpoint ${name}`);
    const next: EndpointState = {
      ...state,
      variants,
      generation: state.generation + 1,
      updatedAt: now().toISOString(),
    };
    await applyRouterConfig(
      endpointPaths(root, name),
      treeAlive(state.router.pid) ? state.router : undefined,
      routerConfigOf(next, root),
    );
    await writeEndpointState(root, next);
    return next;
  });
}

/** The pid file a serving process is started with, in its variant's folder. */
export const SERVE_PID_FILE = 'serve.pid';

/** Whether `pid` still runs `command` (from /proc; where there is none, whether it runs at all). */
function runsCommand(pid: number, command: readonly string[]): boolean {
  if (!treeAlive(pid)) return false;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return argv.join('\0') === command.join('\0');
  } catch {
    return alive(pid);
  }
}

/**
 * Stop what a deploy killed outright (kill -9) left running outside the endpoint's state: serving
 * processes whose pid file (`variants/<name>/serve.pid`) names a pid the state does not record,
 * and a router that wrote `router.ready.json` but is not the state's router. Pid files of
 * processes the state records are removed. Run under the endpoint's lock (a deploy) or when
 * stopping it. Returns what was stopped.
 */
export async function stopLeftoverServers(
  root: string,
  name: string,
  state: EndpointState | undefined,
  graceMs = 5_000,
): Promise<{ what: string; pid: number }[]> {
  const paths = endpointPaths(root, name);
  const recorded = new Set([state?.router.pid, ...(state?.variants ?? []).map((v) => v.pid)]);
  const found: { what: string; pid: number }[] = [];
  let variants: string[] = [];
  try {
    variants = readdirSync(join(paths.dir, 'variants'));
  } catch {
    // no variant was ever started
  }
  for (const variant of variants) {
    const file = join(paths.dir, 'variants', variant, SERVE_PID_FILE);
    let left: { pid?: number; command?: string[] };
    try {
      left = JSON.parse(readFileSync(file, 'utf8')) as typeof left;
    } catch {
      continue;
    }
    if (left.pid && !recorded.has(left.pid) && runsCommand(left.pid, left.command ?? []))
      found.push({ what: `variant ${variant}`, pid: left.pid });
    if (!left.pid || recorded.has(left.pid) || !treeAlive(left.pid)) await rm(file, { force: true });
  }
  try {
    const ready = JSON.parse(readFileSync(paths.routerReady, 'utf8')) as { pid?: number };
    if (ready.pid && !recorded.has(ready.pid) && treeAlive(ready.pid)) {
      const argv = existsSync(`/proc/${ready.pid}/cmdline`)
        ? readFileSync(`/proc/${ready.pid}/cmdline`, 'utf8')
        : paths.routerConfig;
      if (argv.includes(paths.routerConfig)) found.push({ what: 'router', pid: ready.pid });
    }
  } catch {
    // no router was ever started
  }
  await Promise.all(found.map((f) => stopTree(f.pid, graceMs)));
  for (const f of found)
    if (f.what.startsWith('variant '))
      await rm(join(paths.dir, 'variants', f.what.slice('variant '.length), SERVE_PID_FILE), { force: true });
  return found;
}
