/**
 * The committed evaluate-gate bundle, run the way the runner runs it (INPUT_*, GITHUB_OUTPUT, the
 * job summary, a pull_request event payload; Node 24 and 22), and the CLI's replay of a verdict.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runActionBundle } from '../support/action-runner.js';
import { runCli } from '../lib/process.js';
import { predictionRows, startGitHubStandIn, toCsv, type GitHubStandIn } from '../lib/gate.js';
import { tempDir } from '../lib/step.js';

const BUNDLE = 'actions/evaluate-gate';
const CONFIG = `model: churn
gate:
  resamples: 400
  checks:
    - { metric: roc_auc, min: 0.7, max-regression: 0.01, test: delong }
    - { metric: accuracy, max-regression: 0.02, test: mcnemar }
`;

function workspace(candidate = 0.3, champion = 0.1): string {
  const dir = tempDir('modelship-gate-action-');
  writeFileSync(join(dir, 'modelship.yml'), CONFIG);
  writeFileSync(join(dir, 'preds.csv'), toCsv(predictionRows({ n: 500, candidate, champion })));
  return dir;
}

let api: GitHubStandIn;
beforeAll(async () => {
  api = await startGitHubStandIn();
});
afterAll(() => api.close());

describe('evaluate-gate bundle, run as the runner runs it', () => {
  it.each(['node24', 'node22'] as const)('passes, sets outputs and the summary under %s', async (node) => {
    const cwd = workspace();
    const run = await runActionBundle(BUNDLE, { cwd, node, inputs: { predictions: 'preds.csv' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({
      passed: 'true',
      verdict: 'pass',
      'failed-checks': '',
      report: '.modelship/evaluate-gate/verdict.json',
      champion: 'preds.csv (champion columns)',
    });
    expect(run.summary).toContain('## ✅ evaluate-gate: passed 3 conditions of 2 checks');
    const manifest = JSON.parse(readFileSync(join(cwd, '.modelship/manifest.json'), 'utf8'));
    expect(manifest.evaluation.verdict).toBe('pass');
    expect(manifest.history.at(-1)).toMatchObject({ step: 'evaluate-gate', ok: true });
  });

  it('fails with exit 1 and one ::error:: per failed condition', async () => {
    const run = await runActionBundle(BUNDLE, {
      cwd: workspace(0.1, 0.3),
      inputs: { predictions: 'preds.csv' },
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({
      passed: 'false',
      verdict: 'fail',
      'failed-checks': 'roc_auc,accuracy',
    });
    const errors = run.commands.filter((c) => c.command === 'error').map((c) => c.message);
    expect(errors.slice(0, 2)).toEqual([
      expect.stringMatching(/^roc_auc \(max-regression\): lower 95% bound of Δ roc_auc/),
      expect.stringMatching(/^accuracy \(max-regression\): lower 95% bound of Δ accuracy/),
    ]);
    expect(errors.at(-1)).toMatch(/^failed 2 of 3 conditions/);
  });

  it('reports bad predictions as one ::error:: line without a stack trace', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'bad.csv'), 'label,score\n1,0.9\n0,abc\n');
    const run = await runActionBundle(BUNDLE, { cwd, inputs: { predictions: 'bad.csv' } });
    expect(run.code).toBe(1);
    expect(run.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual([
      `bad.csv:3: column 'score' is not a number ("abc")`,
    ]);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  });

  it('on a pull_request event, creates then updates one comment through the host; a 403 is a warning', async () => {
    const cwd = workspace();
    const event = join(cwd, 'event.json');
    writeFileSync(
      event,
      JSON.stringify({ number: 12, pull_request: { number: 12 }, repository: { full_name: 'acme/churn' } }),
    );
    const env = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event, GITHUB_API_URL: api.url };
    const inputs = { predictions: 'preds.csv', comment: 'true', 'github-token': 'ghs_test' };
    const first = await runActionBundle(BUNDLE, { cwd, env, inputs });
    expect(first.code).toBe(0);
    expect(api.comments.filter((c) => c.issue === 12)).toHaveLength(1);
    const second = await runActionBundle(BUNDLE, { cwd, env, inputs });
    expect(second.code).toBe(0);
    expect(api.comments.filter((c) => c.issue === 12)).toHaveLength(1);
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    api.failWith = 403;
    try {
      const third = await runActionBundle(BUNDLE, { cwd, env, inputs });
      expect(third.code).toBe(0);
      expect(
        third.commands.some((c) => c.command === 'warning' && /pull-requests: write/.test(c.message)),
      ).toBe(true);
    } finally {
      api.failWith = undefined;
    }
  });
});

describe('modelship evaluate-gate on the command line', () => {
  const cli = runCli;

  it('judges, then --replay recomputes the same answer and says when a file changed', () => {
    const cwd = workspace(0.1, 0.3);
    const run = cli(cwd, ['evaluate-gate', '--predictions', 'preds.csv', '--quiet']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).verdict).toBe('fail');
    const replay = cli(cwd, ['evaluate-gate', '--replay', '.modelship/evaluate-gate/verdict.json']);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain(
      'replayed .modelship/evaluate-gate/verdict.json: fail, as recorded; inputs unchanged (sha256)',
    );
    expect(replay.stderr).toContain('Every condition judged as recorded.');
    writeFileSync(join(cwd, 'preds.csv'), toCsv(predictionRows({ n: 500, candidate: 0.3, champion: 0.1 })));
    const changed = cli(cwd, ['evaluate-gate', '--replay', '.modelship/evaluate-gate/verdict.json']);
    expect(changed.code).toBe(0);
    expect(changed.stderr).toMatch(
      /warning: preds\.csv changed since the verdict \(sha256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\)/,
    );
    expect(changed.stderr).toContain('pass, but the verdict recorded fail; 1 file changed');
  });

  it('a bad input is one error line and exit 1', () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'short.csv'), 'label,score\n1,0.5\n');
    writeFileSync(
      join(cwd, 'cand.csv'),
      toCsv(predictionRows({ n: 500, candidate: 0.3, champion: 0.1 }), ['label', 'score']),
    );
    const r = cli(cwd, ['evaluate-gate', '--predictions', 'cand.csv', '--baseline', 'short.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: short.csv: has 1 row and cand.csv has 500 rows: predictions paired by row order need the same rows',
      "hint: add an 'id' column to both files to pair them by id",
    ]);
  });
});
