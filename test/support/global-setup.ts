import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * jest globalSetup: makes sure the Python venv (moto, cfn-lint, zizmor), Node 22 and 24, act and
 * actionlint are installed under `.cache/` before any test file runs (see tools.ts). Installs are
 * skipped when already done; a missing prerequisite (python3, go, npm) fails the run with a clear
 * message instead of skipping tests.
 *
 * jest loads globalSetup as CommonJS (outside its ESM module registry), so tools.ts (ESM) runs in
 * a child process through tsx rather than being imported here.
 */
export default async function globalSetup(globalConfig: { rootDir: string }): Promise<void> {
  const root = globalConfig.rootDir;
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  if (!fs.existsSync(tsx)) throw new Error(`tsx is missing (${tsx}); run \`npm ci\` first.`);
  const res = spawnSync(process.execPath, [tsx, path.join('test', 'support', 'tools.ts'), '--quiet'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (res.stdout.trim()) process.stderr.write(`\n${res.stdout.trimEnd()}\n`);
  if (res.status !== 0) {
    throw new Error(
      `installing the test tools failed (exit ${res.status ?? res.signal}):\n${res.stderr.trim()}`,
    );
  }
  // The AWS call log of this run (packages/aws/src/call-log.ts): jest's workers and the bundles
  // they start inherit it; the summary reporter checks every call against its step's policy.
  // Given from outside, the directory is kept after the run (to read the calls); else a fresh one
  // is made and removed after the check.
  if (!process.env.MODELSHIP_AWS_CALL_LOG) {
    process.env.MODELSHIP_AWS_CALL_LOG = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-aws-calls-'));
    process.env.MODELSHIP_AWS_CALL_LOG_TEMPORARY = '1';
  }
}
