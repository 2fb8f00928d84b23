/**
 * Runs a committed JavaScript action bundle the way the GitHub Actions runner does: a fresh
 * process of the action's Node version, `INPUT_*` variables (with the defaults declared in the
 * action's `action.yml`), and the file commands (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`,
 * `GITHUB_STATE`, `GITHUB_ENV`, `GITHUB_PATH`) created before the step and parsed after it.
 *
 *   const run = await runActionBundle('actions/validate-data', {
 *     inputs: { data: 'examples/churn/data/train.csv' },
 *     env: moto.env,
 *   });
 *   expect(run.code).toBe(0);
 *   expect(run.outputs.passed).toBe('true');
 *
 * The first argument is either an action directory (a folder with `action.yml`, e.g.
 * `actions/train`, or `.` for the root action), whose `runs.main` / `runs.post` is run, or an
 * entry file (e.g. `dist/train/index.js`), whose action.yml is looked up upwards for its input
 * defaults.
 *
 * The child does not inherit the parent's `INPUT_*`, `GITHUB_*`, `RUNNER_*`, `STATE_*`,
 * `ACTIONS_*` or `AWS_*` variables: pass AWS settings explicitly (e.g. `env: moto.env`).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { nodePath, REPO_ROOT } from './tools.js';

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  /** Variables the step exported through `GITHUB_ENV` (core.exportVariable). */
  exportedEnv: Record<string, string>;
  /** Directories the step added through `GITHUB_PATH` (core.addPath). */
  addedPath: string[];
  /** Workflow commands printed on stdout (`::error file=a.csv,line=3::message`, `::group::x`, ...). */
  commands: WorkflowCommand[];
  /** The signal that ended the process, if any (code is then 128 + its number). */
  signal: NodeJS.Signals | null;
  durationMs: number;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

/** Node runtimes an action can be run under (both supported by the product). */
export type NodeRuntime = 'node22' | 'node24';

export interface RunActionOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Working directory and GITHUB_WORKSPACE (default: the repository root). */
  cwd?: string;
  /** Node runtime (default node24): the binary installed by tools.ts, `nodePath(22)` or `nodePath(24)`. */
  node?: NodeRuntime;
  /** Kill the process (SIGKILL) and reject after this long (default 45 s). */
  timeoutMs?: number;
  /** Send this signal to the process `signalAfterMs` after it started (e.g. to test cancellation). */
  signal?: NodeJS.Signals;
  signalAfterMs?: number;
  /** Apply the input defaults declared in the action's action.yml, as the runner does (default true). */
  actionDefaults?: boolean;
}

const SCRUBBED_PREFIXES = ['INPUT_', 'GITHUB_', 'RUNNER_', 'STATE_', 'ACTIONS_', 'AWS_'];

/** `INPUT_<NAME>` exactly as the runner builds it: upper-cased, spaces to `_`, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * Parses a file-command file (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV) like the runner:
 * `name=value` lines and `name<<DELIMITER` ... `DELIMITER` blocks.
 */
export function parseFileCommand(content: string, file = 'file command'): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (!name) throw new Error(`${file}: invalid line ${i + 1} (empty name): ${JSON.stringify(line)}`);
      result[name] = line.slice(eq + 1);
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (!name || !delimiter)
        throw new Error(`${file}: invalid heredoc at line ${i + 1}: ${JSON.stringify(line)}`);
      const value: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        value.push(lines[i]!);
      }
      if (!closed) throw new Error(`${file}: matching delimiter not found for '${name}': '${delimiter}'`);
      result[name] = value.join('\n');
    } else {
      throw new Error(`${file}: invalid line ${i + 1}: ${JSON.stringify(line)}`);
    }
  }
  return result;
}

function unescapeData(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

function unescapeProperty(s: string): string {
  return unescapeData(s).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

/** Parses `::command k=v,k2=v2::message` lines from a step's stdout. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ command: m[1]!, properties, message: unescapeData(m[3] ?? '') });
  }
  return commands;
}

interface ActionManifest {
  inputs?: Record<string, { default?: unknown } | null>;
  runs?: Record<string, unknown>;
}

const MANIFEST_NAMES = ['action.yml', 'action.yaml'];

function readManifest(file: string): ActionManifest {
  const doc = parseYaml(fs.readFileSync(file, 'utf8')) as ActionManifest | null;
  return doc ?? {};
}

function manifestIn(dir: string): string | undefined {
  return MANIFEST_NAMES.map((name) => path.join(dir, name)).find((file) => fs.existsSync(file));
}

/** Finds the action.yml whose runs.main / runs.pre / runs.post is `entry` (searching upwards). */
function findActionManifest(entry: string): ActionManifest | undefined {
  let dir = path.dirname(entry);
  for (let depth = 0; depth < 3; depth++) {
    for (const name of MANIFEST_NAMES) {
      const file = path.join(dir, name);
      if (!fs.existsSync(file)) continue;
      const doc = readManifest(file);
      const runs = doc.runs ?? {};
      const targets = ['main', 'pre', 'post']
        .map((k) => runs[k])
        .filter((v): v is string => typeof v === 'string')
        .map((v) => path.resolve(dir, v));
      if (targets.includes(entry)) return doc;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/**
 * Resolves what to run: for an action directory, its action.yml's `runs.<stage>` (relative to the
 * directory, as the runner resolves it) and that action.yml; for an entry file, the file and the
 * action.yml that targets it, if any.
 */
function resolveTarget(
  target: string,
  stage: 'main' | 'post',
): { entryPath: string; manifest: ActionManifest | undefined } {
  const resolved = path.resolve(REPO_ROOT, target);
  if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) {
    const file = manifestIn(resolved);
    if (!file) throw new Error(`${target} is a directory without action.yml or action.yaml`);
    const shown = path.join(target, path.basename(file));
    const manifest = readManifest(file);
    const ref = manifest.runs?.[stage];
    if (typeof ref !== 'string' || ref === '') {
      throw new Error(`${shown} has no runs.${stage}, so there is no ${stage} step to run`);
    }
    const entryPath = path.resolve(resolved, ref);
    if (!fs.existsSync(entryPath)) {
      throw new Error(`runs.${stage} of ${shown} (${ref}) not found: ${entryPath}`);
    }
    return { entryPath, manifest };
  }
  if (!fs.existsSync(resolved)) throw new Error(`action entry not found: ${resolved}`);
  return { entryPath: resolved, manifest: findActionManifest(resolved) };
}

function nodeBinary(node: NodeRuntime): string {
  switch (node) {
    case 'node22':
      return nodePath(22);
    case 'node24':
      return nodePath(24);
    default:
      throw new Error(`unsupported node runtime ${JSON.stringify(node)} (expected node22 or node24)`);
  }
}

function baseEnv(): Record<string, string> {
  return scrubbedEnv(SCRUBBED_PREFIXES);
}

/** This process's environment without variables that would leak into a child run (by prefix), nor npm's. */
export function scrubbedEnv(prefixes: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (prefixes.some((p) => k.toUpperCase().startsWith(p))) continue;
    if (k.startsWith('npm_') || k === 'NODE_OPTIONS' || k === 'JEST_WORKER_ID') continue;
    env[k] = v;
  }
  return env;
}

function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function runEntry(
  entry: string,
  opts: RunActionOptions,
  extraEnv: Record<string, string>,
  stage: 'main' | 'post',
): Promise<ActionRun> {
  const { entryPath, manifest } = resolveTarget(entry, stage);
  const cwd = path.resolve(opts.cwd ?? REPO_ROOT);
  const node = nodeBinary(opts.node ?? 'node24');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-action-'));
  try {
    const files = {
      GITHUB_OUTPUT: path.join(tmp, 'file_commands', 'output'),
      GITHUB_STEP_SUMMARY: path.join(tmp, 'file_commands', 'step_summary'),
      GITHUB_STATE: path.join(tmp, 'file_commands', 'state'),
      GITHUB_ENV: path.join(tmp, 'file_commands', 'env'),
      GITHUB_PATH: path.join(tmp, 'file_commands', 'path'),
      GITHUB_EVENT_PATH: path.join(tmp, 'event.json'),
    };
    fs.mkdirSync(path.join(tmp, 'file_commands'));
    for (const f of Object.values(files)) fs.writeFileSync(f, '');
    fs.writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify({ repository: { full_name: 'acme/churn' } }));
    const runnerTemp = path.join(tmp, 'runner_temp');
    const toolCache = path.join(tmp, 'tool_cache');
    fs.mkdirSync(runnerTemp);
    fs.mkdirSync(toolCache);

    const inputs: Record<string, string> = {};
    if (opts.actionDefaults ?? true) {
      for (const [name, spec] of Object.entries(manifest?.inputs ?? {})) {
        const def = spec?.default;
        if (def !== undefined && def !== null) inputs[name] = String(def);
      }
    }
    Object.assign(inputs, opts.inputs ?? {});

    const env: Record<string, string> = {
      ...baseEnv(),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: cwd,
      GITHUB_REPOSITORY: 'acme/churn',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_SHA: 'a3f1c2d4e5b6a7980f1e2d3c4b5a69788f9e0d1c',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_REF_TYPE: 'branch',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_RUN_ID: '4242424242',
      GITHUB_RUN_NUMBER: '7',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'test',
      GITHUB_WORKFLOW: 'test',
      GITHUB_ACTION: '__run',
      GITHUB_ACTOR: 'octocat',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'modelship-test-runner',
      RUNNER_ENVIRONMENT: 'github-hosted',
      RUNNER_TEMP: runnerTemp,
      RUNNER_TOOL_CACHE: toolCache,
      ...files,
      ...extraEnv,
    };
    for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;
    Object.assign(env, opts.env ?? {});

    const started = Date.now();
    const timeoutMs = opts.timeoutMs ?? 45_000;
    const { code, signal, stdout, stderr, timedOut } = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      stdout: string;
      stderr: string;
      timedOut: boolean;
    }>((resolve, reject) => {
      const child = spawn(node, [entryPath], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let timedOut = false;
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const timers: NodeJS.Timeout[] = [];
      timers.push(
        setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs),
      );
      if (opts.signal) {
        const sig = opts.signal;
        timers.push(setTimeout(() => child.kill(sig), opts.signalAfterMs ?? 0));
      }
      child.on('error', (e) => {
        timers.forEach(clearTimeout);
        reject(new Error(`could not start ${node} ${entryPath}: ${e.message}`));
      });
      child.on('close', (c, s) => {
        timers.forEach(clearTimeout);
        resolve({ code: c, signal: s, stdout: out, stderr: err, timedOut });
      });
    });
    if (timedOut) {
      throw new Error(
        `${stage} step ${entry} did not finish within ${timeoutMs} ms and was killed.\n` +
          `--- stdout ---\n${stdout.slice(-4000)}\n--- stderr ---\n${stderr.slice(-4000)}`,
      );
    }

    const exitCode = code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
    return {
      code: exitCode,
      stdout,
      stderr,
      outputs: parseFileCommand(readIfExists(files.GITHUB_OUTPUT), 'GITHUB_OUTPUT'),
      summary: readIfExists(files.GITHUB_STEP_SUMMARY),
      state: parseFileCommand(readIfExists(files.GITHUB_STATE), 'GITHUB_STATE'),
      exportedEnv: parseFileCommand(readIfExists(files.GITHUB_ENV), 'GITHUB_ENV'),
      addedPath: readIfExists(files.GITHUB_PATH)
        .split(/\r?\n/)
        .filter((l) => l !== ''),
      commands: parseWorkflowCommands(stdout),
      signal,
      durationMs: Date.now() - started,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Runs an action's `main` entry. `entry` (relative to the repository root, or absolute) is an
 * action directory containing action.yml (its `runs.main` is run) or the entry file itself.
 */
export async function runActionBundle(entry: string, opts: RunActionOptions = {}): Promise<ActionRun> {
  return runEntry(entry, opts, {}, 'main');
}

/**
 * Runs an action's `post` entry with `STATE_<name>` set from `state` (normally the `state` of
 * the main run), as the runner does after the job's steps. `entry` is an action directory (its
 * `runs.post` is run; an error if it has none) or the post entry file itself.
 */
export async function runPostStep(
  entry: string,
  state: Record<string, string>,
  opts: RunActionOptions = {},
): Promise<ActionRun> {
  const stateEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(state)) stateEnv[`STATE_${name}`] = value;
  return runEntry(entry, opts, stateEnv, 'post');
}
