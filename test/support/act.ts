/**
 * Runs GitHub workflows locally with act (https://github.com/nektos/act), offline and without
 * Docker: `-P <label>=-self-hosted` runs every step on this host, Node 24 first on PATH (what
 * `runs.using: node24` actions get on GitHub's runners).
 *
 * Remote `uses:` references cannot be downloaded here, so they are mapped to local folders with
 * act's `--local-repository owner/repo@ref=DIR`:
 *   - `modelship-dev/modelship@<any ref>` (this project's placeholder name: reusable workflows and
 *     actions) → the repository copy under test;
 *   - `actions/checkout`, `actions/upload-artifact`, `actions/download-artifact`,
 *     `actions/setup-node`, `aws-actions/configure-aws-credentials` → the stand-ins in
 *     test/workflows/stubs/ (upload-artifact copies files to `artifactsDir`, laid out as the real
 *     artifact; download-artifact copies them back).
 * Any other remote reference fails the run before act starts, with the list of what is missing.
 *
 *   const repo = makeRepoCopy();                 // temp copy of this repo, git-initialised
 *   fs.writeFileSync(path.join(repo, '.github/workflows/caller.yml'), CALLER);
 *   commitAll(repo);
 *   const run = await runAct({ repoDir: repo, workflow: '.github/workflows/caller.yml' });
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scrubbedEnv } from './action-runner.js';
import { node24Path, paths, REPO_ROOT } from './tools.js';

/** The owner/name this project publishes under in workflows and docs (a placeholder). */
export const PROJECT_REPOSITORY = 'modelship-dev/modelship';

export const STUBS_DIR = path.join(REPO_ROOT, 'test', 'workflows', 'stubs');

/** Remote actions with a local stand-in in test/workflows/stubs/<name>. */
export const STUBBED_ACTIONS: Record<string, string> = {
  'actions/checkout': path.join(STUBS_DIR, 'checkout'),
  'actions/upload-artifact': path.join(STUBS_DIR, 'upload-artifact'),
  'actions/download-artifact': path.join(STUBS_DIR, 'download-artifact'),
  'aws-actions/configure-aws-credentials': path.join(STUBS_DIR, 'configure-aws-credentials'),
  'actions/setup-node': path.join(STUBS_DIR, 'setup-node'),
};

export interface ActOptions {
  /** The git repository act runs in (see makeRepoCopy). */
  repoDir: string;
  /** Workflow file, relative to repoDir. */
  workflow: string;
  /** Event name (default workflow_dispatch). */
  event?: string;
  /** Event payload (written to a file and passed with --eventpath). */
  eventPayload?: Record<string, unknown>;
  /** Run only this job id. */
  job?: string;
  /** Extra environment for act and the steps (they inherit it on the host). */
  env?: Record<string, string>;
  /** Extra `--local-repository` mappings: `owner/repo@ref` → directory. */
  localRepositories?: Record<string, string>;
  /** Runner labels mapped to the host (default ubuntu-latest, ubuntu-24.04, ubuntu-22.04). */
  platforms?: string[];
  /** Kill act and reject after this long (default 180 s). */
  timeoutMs?: number;
}

export interface ActRun {
  /** act's exit code: 0 when every job succeeded. */
  code: number;
  /** act's combined stdout and stderr. */
  output: string;
  /** Where the upload-artifact stand-in put artifacts: `<artifactsDir>/<name>/<path below the paths' common folder>`. */
  artifactsDir: string;
  /** An empty directory exported to the steps as MODELSHIP_TEST_OUT, for the workflow to write into. */
  outDir: string;
  /** Every `::set-output::` act reported, as `[job, name, value]` in order. */
  setOutputs: Array<[job: string, name: string, value: string]>;
  durationMs: number;
  /** Temporary directory holding artifactsDir, outDir and act's caches (see cleanupAct). */
  workDir: string;
}

const SCRUBBED_PREFIXES = ['INPUT_', 'GITHUB_', 'RUNNER_', 'STATE_', 'ACTIONS_', 'AWS_', 'ACT_'];

function git(cwd: string, args: string[]): string {
  const res = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'modelship-test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'modelship-test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  });
  if (res.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}:\n${res.stderr}`);
  return res.stdout;
}

/**
 * Copies the repository's files (tracked plus untracked-but-not-ignored, as in a checkout of the
 * working tree) into a new temporary directory and makes it a git repository with an `origin` of
 * https://github.com/acme/churn.git and one commit. No node_modules: actions must run from their
 * committed bundles.
 */
export function makeRepoCopy(opts: { include?: (file: string) => boolean } = {}): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-act-repo-'));
  const files = git(REPO_ROOT, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    .split('\0')
    .filter((f) => f !== '' && (opts.include?.(f) ?? true));
  for (const file of files) {
    const src = path.join(REPO_ROOT, file);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(src);
    } catch {
      continue; // deleted in the working tree
    }
    if (!stat.isFile() && !stat.isSymbolicLink()) continue;
    const target = path.join(dest, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.cpSync(src, target, { verbatimSymlinks: true });
  }
  git(dest, ['init', '-q', '-b', 'main']);
  git(dest, ['remote', 'add', 'origin', 'https://github.com/acme/churn.git']);
  commitAll(dest, 'copy of the repository under test');
  return dest;
}

/** Creates a temporary git repository holding `files` (path → content), committed. */
export function makeRepo(files: Record<string, string>): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-act-repo-'));
  writeFiles(dest, files);
  git(dest, ['init', '-q', '-b', 'main']);
  git(dest, ['remote', 'add', 'origin', 'https://github.com/acme/churn.git']);
  commitAll(dest, 'test repository');
  return dest;
}

/** Writes `files` (path relative to dir → content) under dir. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}

/** Stages everything (ignored files too) and commits it, so act sees a clean HEAD. */
export function commitAll(repoDir: string, message = 'test changes'): void {
  git(repoDir, ['add', '-A', '-f', '.']);
  git(repoDir, ['commit', '-q', '--allow-empty', '--no-verify', '-m', message]);
}

/** `uses:` values of a workflow file (top-level job `uses:` and step `uses:`). */
export function usesOf(workflowFile: string): string[] {
  const text = fs.readFileSync(workflowFile, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:-\s+)?uses:\s*['"]?([^\s'"#]+)/gm)) out.push(m[1]!);
  return out;
}

/**
 * The `--local-repository` mappings a workflow needs, following reusable workflows of this
 * project into the repository copy. Throws when a remote reference has no local stand-in.
 */
export function localRepositoriesFor(repoDir: string, workflow: string): Record<string, string> {
  const mappings: Record<string, string> = {};
  const missing: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const uses of usesOf(file)) {
      if (uses.startsWith('./') || uses.startsWith('docker://')) {
        if (/\.ya?ml$/.test(uses)) visit(path.join(repoDir, uses));
        continue;
      }
      const m = /^([^/@]+)\/([^/@]+)(\/[^@]*)?@(.+)$/.exec(uses);
      if (!m) {
        missing.push(`${uses} (not owner/repo[/path]@ref)`);
        continue;
      }
      const repo = `${m[1]}/${m[2]}`;
      const sub = m[3] ?? '';
      const key = `${repo}@${m[4]}`;
      if (repo === PROJECT_REPOSITORY) {
        mappings[key] = repoDir;
        if (sub.startsWith('/.github/workflows/')) visit(path.join(repoDir, sub.slice(1)));
      } else if (STUBBED_ACTIONS[repo]) {
        mappings[key] = STUBBED_ACTIONS[repo];
      } else {
        missing.push(uses);
      }
    }
  };
  visit(path.join(repoDir, workflow));
  if (missing.length > 0) {
    throw new Error(
      `${workflow} uses remote actions or workflows that cannot be fetched offline and have no stand-in ` +
        `in test/workflows/stubs/: ${[...new Set(missing)].join(', ')}`,
    );
  }
  return mappings;
}

function actEnv(extra: Record<string, string>): Record<string, string> {
  const env = scrubbedEnv(SCRUBBED_PREFIXES);
  const node24Dir = path.dirname(node24Path());
  env.PATH = [node24Dir, ...(env.PATH ?? '').split(path.delimiter).filter((p) => p && p !== node24Dir)].join(
    path.delimiter,
  );
  return { ...env, ...extra };
}

/** Runs one workflow of `repoDir` with act and collects what it did. */
export async function runAct(opts: ActOptions): Promise<ActRun> {
  if (!fs.existsSync(paths.act)) {
    throw new Error(`act is not installed (${paths.act}): run \`npx tsx test/support/tools.ts go\``);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-act-'));
  const artifactsDir = path.join(work, 'artifacts');
  const outDir = path.join(work, 'out');
  const cacheDir = path.join(work, 'action-cache');
  const configHome = path.join(work, 'config');
  for (const d of [artifactsDir, outDir, cacheDir, configHome]) fs.mkdirSync(d, { recursive: true });

  const event = opts.event ?? 'workflow_dispatch';
  const eventFile = path.join(work, 'event.json');
  fs.writeFileSync(eventFile, JSON.stringify(opts.eventPayload ?? {}));

  const mappings = {
    ...localRepositoriesFor(opts.repoDir, opts.workflow),
    ...(opts.localRepositories ?? {}),
  };
  const args = [
    event,
    '--directory',
    opts.repoDir,
    '--workflows',
    opts.workflow,
    '--eventpath',
    eventFile,
    '--action-cache-path',
    cacheDir,
    '--no-cache-server',
    // actions/checkout gives the committed files, ignored or not: copy the whole working tree
    '--use-gitignore=false',
    '--container-daemon-socket',
    '-',
    '--env-file',
    path.join(work, 'none.env'),
    '--secret-file',
    path.join(work, 'none.secrets'),
    '--var-file',
    path.join(work, 'none.vars'),
    '--input-file',
    path.join(work, 'none.input'),
  ];
  for (const label of opts.platforms ?? ['ubuntu-latest', 'ubuntu-24.04', 'ubuntu-22.04']) {
    args.push('--platform', `${label}=-self-hosted`);
  }
  for (const [key, dir] of Object.entries(mappings)) args.push('--local-repository', `${key}=${dir}`);
  if (opts.job) args.push('--job', opts.job);

  const env = actEnv({
    // act reads its own defaults from $XDG_CONFIG_HOME/act/actrc: keep developers' settings out
    XDG_CONFIG_HOME: configHome,
    MODELSHIP_TEST_ARTIFACTS: artifactsDir,
    MODELSHIP_TEST_OUT: outDir,
    ...(opts.env ?? {}),
  });

  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const { code, output, timedOut } = await new Promise<{ code: number; output: string; timedOut: boolean }>(
    (resolve, reject) => {
      const child = spawn(paths.act, args, { cwd: opts.repoDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let timedOut = false;
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`could not start act: ${e.message}`));
      });
      child.on('close', (c, s) => {
        clearTimeout(timer);
        resolve({ code: c ?? 128 + (s ? (os.constants.signals[s] ?? 0) : 0), output: out, timedOut });
      });
    },
  );
  if (timedOut) {
    throw new Error(`act did not finish ${opts.workflow} within ${timeoutMs} ms.\n${output.slice(-8000)}`);
  }
  const setOutputs: ActRun['setOutputs'] = [];
  for (const m of output.matchAll(/^\[([^\]]+)\]\s+⚙\s+::set-output::\s+([^=\s]+)=(.*)$/gm)) {
    setOutputs.push([m[1]!, m[2]!, m[3]!]);
  }
  return { code, output, artifactsDir, outDir, setOutputs, durationMs: Date.now() - started, workDir: work };
}

/** A failed run, told: act's exit code, how long it took and the end of its output. */
export function explainRun(run: ActRun, chars = 10_000): string {
  return `act exited ${run.code} after ${run.durationMs} ms. Output:\n${run.output.slice(-chars)}`;
}

/** Reads `name=value` lines a workflow wrote to `$MODELSHIP_TEST_OUT/<file>`. */
export function readOutFile(run: ActRun, file: string): Record<string, string> {
  const full = path.join(run.outDir, file);
  if (!fs.existsSync(full)) {
    throw new Error(
      `the workflow did not write ${file} (exit ${run.code}). act output:\n${run.output.slice(-8000)}`,
    );
  }
  const result: Record<string, string> = {};
  for (const line of fs.readFileSync(full, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) result[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return result;
}

/** Removes a run's temporary directory and/or a repository copy. */
export function cleanupAct(...items: Array<ActRun | string | undefined>): void {
  for (const item of items) {
    const dir = typeof item === 'string' ? item : item?.workDir;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
