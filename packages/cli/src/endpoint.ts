// `modelship endpoint status|stop <name>` and `modelship traffic`: the local endpoints that
// deploy-canary starts (they outlive the step), for a person in the terminal.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, numberProblem } from '@modelship/core';
import {
  DEFAULT_ENDPOINTS_DIR,
  endpointPaths,
  endpointStatus,
  quantile,
  readEndpointState,
  runTraffic,
  stopEndpoint,
  stopLeftoverServers,
  stopUnreadableEndpoint,
  type TrafficReport,
} from '@modelship/local';
import { parseCommandArgs } from './args.js';
import { formatColumns } from './terminal.js';

export const ENDPOINT_USAGE = `Usage:
  modelship endpoint status <name> [--dir .modelship/endpoints] [--json]
      The local endpoint: its router and each variant (package, weight, pid, port, running or not).
  modelship endpoint stop <name> [--dir .modelship/endpoints]
      Stop its router and every variant's process (its logs and metrics stay); stopping a stopped
      endpoint says so and exits 0, a name never deployed is an error.
  modelship traffic --endpoint <name> --requests FILE [--rate 50] [--duration 10] [--dir …]
      Replay the JSON Lines requests of FILE through the endpoint's router at --rate requests/s
      for --duration seconds, printing a per-variant summary every second.`;

function root(flags: Record<string, string>): string {
  return resolve(process.cwd(), flags.dir ?? DEFAULT_ENDPOINTS_DIR);
}

function noEndpoint(name: string, dir: string): ConfigError {
  return new ConfigError(`no local endpoint of this name in ${dir}`, `endpoint ${name}`, {
    hint: 'deploy one with modelship deploy-canary, or point --dir at the endpoints folder of the directory it was deployed from (<that directory>/.modelship/endpoints)',
  });
}

/** A stopped endpoint: its folder is there (logs, metrics) but no state records any process. */
function stoppedEndpoint(name: string, dir: string): ConfigError {
  return new ConfigError(
    `is stopped: nothing runs (its logs and metrics stay in ${endpointPaths(dir, name).dir})`,
    `endpoint ${name}`,
    { hint: 'deploy it again with modelship deploy-canary' },
  );
}

export async function endpointCommand(argv: readonly string[]): Promise<number> {
  const [sub = '', ...rest] = argv;
  const args = parseCommandArgs(rest, ['dir'], 'modelship endpoint');
  if (args.flags.help || sub === '' || sub === 'help' || sub === '--help' || sub === '-h') {
    process.stdout.write(ENDPOINT_USAGE + '\n');
    return 0;
  }
  const name = args.positional[0];
  if (!name) throw new ConfigError('needs the endpoint name', `modelship endpoint ${sub}`);
  const dir = root(args.flags);
  if (sub === 'status') {
    const s = await endpointStatus(dir, name);
    if (!s)
      throw existsSync(endpointPaths(dir, name).dir) ? stoppedEndpoint(name, dir) : noEndpoint(name, dir);
    if (args.flags.json) {
      process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      return 0;
    }
    process.stdout.write(
      `endpoint ${name}: ${s.state.router.url} (router pid ${s.state.router.pid}, ${s.router}); config ${s.state.endpointConfig}\n`,
    );
    process.stdout.write(
      formatColumns(
        ['variant', 'package', 'weight', 'pid', 'port', 'status'],
        s.variants.map(({ variant: v, status }) => [
          v.name,
          v.modelPackageArn,
          v.shadow ? 'shadow' : String(v.weight),
          String(v.pid),
          String(v.port),
          status,
        ]),
      ) + '\n',
    );
    const healthy = s.router === 'running' && s.variants.every((v) => v.status === 'running');
    return healthy ? 0 : 1;
  }
  if (sub === 'stop') {
    // A state that cannot be read: the processes are found without it.
    const unreadable = await readEndpointState(dir, name).then(
      () => undefined,
      (err: unknown) => {
        if (err instanceof ConfigError) return err;
        throw err;
      },
    );
    if (unreadable) {
      const stopped = await stopUnreadableEndpoint(dir, name);
      process.stderr.write(
        `stopped ${name} without its state (${unreadable.line}): ${stopped.length ? stopped.map((s) => `${s.what} (pid ${s.pid})`).join(', ') : 'nothing was running'}; state.json removed, its logs and metrics stay in ${endpointPaths(dir, name).dir}\n`,
      );
      return 0;
    }
    // What a deploy killed outright left running outside the state goes too, and is named.
    const left = await stopLeftoverServers(dir, name, await readEndpointState(dir, name));
    if (left.length > 0)
      process.stderr.write(
        `stopped what an interrupted deploy of ${name} left running outside its state: ${left.map((l) => `${l.what} (pid ${l.pid})`).join(', ')}\n`,
      );
    const stopped = await stopEndpoint(dir, name);
    if (!stopped && left.length > 0) return 0;
    if (!stopped) {
      // Stopping a stopped endpoint is done already; a name never deployed is an error.
      if (!existsSync(endpointPaths(dir, name).dir)) throw noEndpoint(name, dir);
      process.stderr.write(
        `${name} is already stopped: nothing runs (its logs and metrics stay in ${endpointPaths(dir, name).dir})\n`,
      );
      return 0;
    }
    process.stderr.write(
      `stopped ${name}: router (pid ${stopped.router.pid}) and ${stopped.variants.length} variant(s) (${stopped.variants.map((v) => `${v.name} pid ${v.pid}`).join(', ')}); its logs and metrics stay in ${endpointPaths(dir, name).dir}\n`,
    );
    return 0;
  }
  throw new ConfigError('unknown sub-command (status, stop)', `modelship endpoint ${sub}`);
}

function table(r: TrafficReport): string {
  const rows = Object.entries(r.byVariant)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([v, f]) => [
      v,
      String(f.requests),
      `${r.answered ? ((100 * f.requests) / r.answered).toFixed(1) : '0'}%`,
      String(f.ok),
      String(f.errors4xx),
      String(f.errors5xx + f.failed),
      quantile(f.latenciesMs, 0.5).toFixed(1),
      quantile(f.latenciesMs, 0.99).toFixed(1),
    ]);
  return formatColumns(['variant', 'requests', 'share', '2xx', '4xx', '5xx', 'p50 ms', 'p99 ms'], rows);
}

export async function trafficCommand(argv: readonly string[], signal: AbortSignal): Promise<number> {
  const args = parseCommandArgs(
    argv,
    ['endpoint', 'requests', 'rate', 'duration', 'dir', 'content-type'],
    'modelship traffic',
  );
  if (args.flags.help) {
    process.stdout.write(ENDPOINT_USAGE + '\n');
    return 0;
  }
  const name = args.flags.endpoint;
  if (!name) throw new ConfigError('is required', '--endpoint');
  const file = args.flags.requests;
  if (!file) throw new ConfigError('is required (a JSON Lines file of request bodies)', '--requests');
  const positive = { type: 'number', exclusiveMinimum: 0 } as const;
  for (const flag of ['rate', 'duration'] as const) {
    const problem = args.flags[flag] === undefined ? undefined : numberProblem(positive, args.flags[flag]);
    if (problem) throw new ConfigError(problem, `--${flag}`);
  }
  const rate = Number(args.flags.rate ?? 50);
  const duration = Number(args.flags.duration ?? 10);
  const dir = root(args.flags);
  const state = await readEndpointState(dir, name);
  if (!state)
    throw existsSync(endpointPaths(dir, name).dir) ? stoppedEndpoint(name, dir) : noEndpoint(name, dir);
  let text: string;
  try {
    text = await readFile(resolve(process.cwd(), file), 'utf8');
  } catch (err) {
    throw new ConfigError('cannot be read', file, { cause: err });
  }
  const bodies = text.split(/\r?\n/).filter((l) => l.trim());
  if (bodies.length === 0) throw new ConfigError('holds no requests (one body a line)', file);
  process.stderr.write(`${rate} requests/s for ${duration} s through ${state.router.url} (${name})\n`);
  const report = await runTraffic({
    port: state.router.port,
    bodies,
    contentType: args.flags['content-type'] ?? 'application/json',
    rate,
    durationMs: duration * 1000,
    signal,
    onTick: (r) =>
      process.stderr.write(`\n[${(r.elapsedMs / 1000).toFixed(0)} s] ${r.sent} sent\n${table(r)}\n`),
  });
  const achieved = `${report.achievedRate.toFixed(1)} requests/s achieved of ${rate} asked`;
  process.stderr.write(
    `\n${report.cancelled ? 'cancelled' : 'done'}: ${report.sent} sent in ${(report.elapsedMs / 1000).toFixed(1)} s (${achieved})\n${table(report)}\n`,
  );
  if (!report.cancelled && report.achievedRate < 0.9 * rate)
    process.stderr.write(
      `warning: the rate asked was not reached: ${achieved} (the machine, or the endpoint, could not keep up)\n`,
    );
  const summary = Object.fromEntries(
    Object.entries(report.byVariant).map(([v, f]) => [
      v,
      {
        requests: f.requests,
        ok: f.ok,
        errors4xx: f.errors4xx,
        errors5xx: f.errors5xx + f.failed,
        p50Ms: Number(quantile(f.latenciesMs, 0.5).toFixed(2)),
        p99Ms: Number(quantile(f.latenciesMs, 0.99).toFixed(2)),
      },
    ]),
  );
  process.stdout.write(
    JSON.stringify(
      {
        endpoint: name,
        sent: report.sent,
        answered: report.answered,
        rate: { asked: rate, achieved: Number(report.achievedRate.toFixed(2)) },
        ...(report.cancelled ? { cancelled: true } : {}),
        variants: summary,
      },
      null,
      2,
    ) + '\n',
  );
  // Cancelled: the host says so (`cancelled by SIGINT`) and exits 1.
  signal.throwIfAborted();
  const ok = Object.values(report.byVariant).reduce((n, f) => n + f.ok, 0);
  if (ok === 0) {
    const sum = (k: 'failed' | 'errors4xx' | 'errors5xx') =>
      Object.values(report.byVariant).reduce((n, f) => n + f[k], 0);
    throw new ConfigError(
      `no request was answered with a 2xx (${report.sent} sent: ${sum('failed')} no answer, ${sum('errors4xx')} 4xx, ${sum('errors5xx')} 5xx)`,
      `endpoint ${name}`,
      { hint: `see modelship endpoint status ${name}, and the variants' serve.log` },
    );
  }
  return 0;
}
