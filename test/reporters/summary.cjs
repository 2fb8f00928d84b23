// Prints one plain closing line after jest's own summary — "tests: N passed, N failed" (and
// skipped) — so the last line of `npm test` is a summary any CI log reader can parse. A suite that
// fails to load counts as a failure. Written at process exit, so it comes after jest's summary.
//
// Before it, the least-privilege check (test/support/iam-coverage.ts): every AWS call the steps
// made in this run must be allowed by the step's IAM policy. It counts as one test when any call
// was recorded; a call the policy lacks fails it, and with it the run.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, rmSync, writeSync } = require('node:fs');
const { join } = require('node:path');

function leastPrivilegeCheck(rootDir) {
  const dir = process.env.MODELSHIP_AWS_CALL_LOG;
  if (!dir || !existsSync(dir)) return undefined;
  const recorded = readdirSync(dir).some((f) => f.endsWith('.jsonl'));
  const tsx = join(rootDir, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const r = recorded
    ? spawnSync(process.execPath, [tsx, join(rootDir, 'test', 'support', 'iam-coverage.ts'), dir], {
        cwd: rootDir,
        encoding: 'utf8',
      })
    : undefined;
  // The run's own directory goes, whether or not a step called AWS; one given from outside stays.
  if (process.env.MODELSHIP_AWS_CALL_LOG_TEMPORARY) rmSync(dir, { recursive: true, force: true });
  if (!r) return undefined;
  if (r.status !== 0)
    return { ok: false, lines: [`the least-privilege check did not run: ${r.stderr.trim()}`] };
  const report = JSON.parse(r.stdout);
  const steps = Object.entries(report.perStep)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  const lines = [
    `least privilege: ${report.calls} distinct AWS calls checked against their step's policy (distinct operation and resource pairs per step: ${steps})`,
  ];
  for (const l of report.lines) lines.push(`  ✕ ${l}`);
  return { ok: report.findings.length === 0, lines };
}

class PlainSummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }
  onRunComplete(_contexts, r) {
    const check = leastPrivilegeCheck(this.rootDir);
    if (check) {
      writeSync(2, `\n${check.lines.join('\n')}\n`);
      if (!check.ok) r.success = false;
    }
    const failing = check && !check.ok;
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites + (failing ? 1 : 0);
    const passed = r.numPassedTests + (check && check.ok ? 1 : 0);
    const skipped = r.numPendingTests + r.numTodoTests;
    const line = `tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    process.once('exit', () => {
      writeSync(2, line);
      // jest has chosen its exit status from its own results by now: a failed check overrides it.
      if (failing) process.exitCode = 1;
    });
  }
}
module.exports = PlainSummaryReporter;
