/**
 * End to end: the real reusable workflow .github/workflows/validate-data.yml, called the way a
 * user's repository calls it (`uses: modelship-dev/modelship/.github/workflows/validate-data.yml@v1`),
 * runs under act on the churn example data, with the committed action bundle under Node 24.
 * Also runs the starter workflows/pr-data-check.yml on a pull_request event.
 *
 * Needs: dist/validate-data/index.js (npm run bundle) and examples/churn/generate.mjs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runActionBundle } from '../support/action-runner.js';
import {
  cleanupAct,
  commitAll,
  explainRun,
  makeRepoCopy,
  readOutFile,
  runAct,
  writeFiles,
  type ActRun,
} from '../support/act.js';
import { REPO_ROOT } from '../support/tools.js';

const BUNDLE = 'dist/validate-data/index.js';
const GENERATOR = 'examples/churn/generate.mjs';
const SCHEMA = 'examples/churn/churn.schema.json';
const ACT_TIMEOUT_MS = 150_000;

const REUSABLE = 'modelship-dev/modelship/.github/workflows/validate-data.yml@v1';

/** A caller that runs the reusable workflow, then records its outputs for the test to read. */
const CALLER_PASS = `name: e2e pass
on: workflow_dispatch
permissions: {}
jobs:
  data:
    permissions:
      contents: read
    uses: ${REUSABLE}
    with:
      data: data/churn/current.csv
      schema: ${SCHEMA}
      baseline: data/churn/baseline-profile.json
      artifact-name: churn-data-report
  record:
    needs: data
    runs-on: ubuntu-latest
    steps:
      - run: |
          {
            echo "result=$RESULT"
            echo "passed=$PASSED"
            echo "rows=$ROWS"
            echo "invalid-rows=$INVALID_ROWS"
            echo "drifted=$DRIFTED"
            echo "drifted-features=$DRIFTED_FEATURES"
            echo "report=$REPORT"
            echo "profile=$PROFILE"
          } >> "$MODELSHIP_TEST_OUT/outputs.txt"
        env:
          RESULT: \${{ needs.data.result }}
          PASSED: \${{ needs.data.outputs.passed }}
          ROWS: \${{ needs.data.outputs.rows }}
          INVALID_ROWS: \${{ needs.data.outputs.invalid-rows }}
          DRIFTED: \${{ needs.data.outputs.drifted }}
          DRIFTED_FEATURES: \${{ needs.data.outputs.drifted-features }}
          REPORT: \${{ needs.data.outputs.report }}
          PROFILE: \${{ needs.data.outputs.profile }}
`;

// act ends the whole run when a called workflow fails (later jobs do not run, even with
// `if: always()`), so the failing case is a caller of its own, read from act's output.
const CALLER_FAIL = `name: e2e fail
on: workflow_dispatch
permissions: {}
jobs:
  data:
    permissions:
      contents: read
    uses: ${REUSABLE}
    with:
      data: data/churn/broken.csv
      schema: ${SCHEMA}
      max-annotations: '2'
`;

/** current.csv with three rows broken in three ways: enum, minimum, pattern. */
function breakRows(csv: string): { text: string; badLines: number[] } {
  const lines = csv.split('\n');
  const header = lines[0]!.split(',');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`column ${name} not in ${GENERATOR}'s output`);
    return i;
  };
  const edits: Array<[line: number, column: string, value: string]> = [
    [3, 'contract', 'lifetime'],
    [10, 'tenure_months', '-4'],
    [20, 'customer_id', 'X1'],
  ];
  for (const [line, column, value] of edits) {
    const cells = lines[line - 1]!.split(',');
    cells[col(column)] = value;
    lines[line - 1] = cells.join(',');
  }
  return { text: lines.join('\n'), badLines: edits.map(([line]) => line) };
}

function lineCount(file: string): number {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').length;
}

/** Outputs act reported for the reusable workflow's job (named `Validate data`). */
function validateOutputs(run: ActRun): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [job, name, value] of run.setOutputs) if (job.endsWith('/Validate data')) result[name] = value;
  if (!('passed' in result))
    throw new Error(`no outputs of the validate-data step in act's output.\n${explain(run)}`);
  return result;
}

const explain = (run: ActRun): string => explainRun(run);

describe('reusable workflow validate-data.yml under act', () => {
  let repo: string;
  let currentRows: number;
  let badLines: number[];
  const runs: ActRun[] = [];

  beforeAll(async () => {
    const missing = [BUNDLE, GENERATOR].filter((f) => !fs.existsSync(path.join(REPO_ROOT, f)));
    if (missing.length > 0) {
      throw new Error(
        `e2e prerequisites missing: ${missing.join(', ')} (build the bundle with \`npm run bundle\`)`,
      );
    }
    repo = makeRepoCopy();
    // The user's data, committed in their repository: the churn example, generated.
    const gen = spawnSync(process.execPath, [GENERATOR, '--out', 'data/churn'], {
      cwd: repo,
      encoding: 'utf8',
    });
    if (gen.status !== 0) throw new Error(`${GENERATOR} failed:\n${gen.stderr}`);
    currentRows = lineCount(path.join(repo, 'data/churn/current.csv')) - 1;
    // The baseline profile of the training data, written by the action itself.
    const baseline = await runActionBundle('actions/validate-data', {
      cwd: repo,
      inputs: {
        data: 'data/churn/train.csv',
        schema: SCHEMA,
        'write-profile': 'data/churn/baseline-profile.json',
        'fail-on': 'never',
      },
    });
    if (baseline.code !== 0 || !fs.existsSync(path.join(repo, 'data/churn/baseline-profile.json'))) {
      throw new Error(
        `writing the baseline profile failed (exit ${baseline.code}):\n${baseline.stdout}\n${baseline.stderr}`,
      );
    }
    fs.rmSync(path.join(repo, '.modelship'), { recursive: true, force: true });
    const broken = breakRows(fs.readFileSync(path.join(repo, 'data/churn/current.csv'), 'utf8'));
    badLines = broken.badLines;
    // The starter, as a user would copy it, with its data at the paths it names.
    const starter = fs.readFileSync(path.join(REPO_ROOT, 'workflows/pr-data-check.yml'), 'utf8');
    const starterWith = /with:\n([\s\S]*)$/.exec(starter)?.[1] ?? '';
    const starterPath = (key: string): string => {
      const m = new RegExp(`^\\s+${key}:\\s*(\\S+)`, 'm').exec(starterWith);
      if (!m) throw new Error(`workflows/pr-data-check.yml has no \`${key}:\` input`);
      return m[1]!;
    };
    writeFiles(repo, {
      'data/churn/broken.csv': broken.text,
      '.github/workflows/e2e-pass.yml': CALLER_PASS,
      '.github/workflows/e2e-fail.yml': CALLER_FAIL,
      '.github/workflows/pr-data-check.yml': starter,
      [starterPath('data')]: fs.readFileSync(path.join(repo, 'data/churn/current.csv'), 'utf8'),
      [starterPath('schema')]: fs.readFileSync(path.join(repo, SCHEMA), 'utf8'),
      [starterPath('baseline')]: fs.readFileSync(path.join(repo, 'data/churn/baseline-profile.json'), 'utf8'),
    });
    commitAll(repo, 'data and callers');
  }, 120_000);

  afterAll(() => cleanupAct(...runs, repo));

  describe('on valid data with drift', () => {
    let run: ActRun;
    beforeAll(async () => {
      run = await runAct({
        repoDir: repo,
        workflow: '.github/workflows/e2e-pass.yml',
        timeoutMs: ACT_TIMEOUT_MS,
      });
      runs.push(run);
    }, ACT_TIMEOUT_MS + 10_000);

    it('succeeds', () => {
      if (run.code !== 0) throw new Error(explain(run));
    });

    it("passes the action's outputs to the caller", () => {
      const out = readOutFile(run, 'outputs.txt');
      expect(out).toMatchObject({
        result: 'success',
        passed: 'true',
        rows: String(currentRows),
        'invalid-rows': '0',
      });
      // the churn example's current batch follows a price rise: monthly charges drift
      expect(out.drifted!.split(',')).toContain('monthly_charges');
      expect(Number(out['drifted-features'])).toBeGreaterThanOrEqual(1);
      expect(out.report).toMatch(/\.json$/);
      expect(out.profile).toMatch(/\.json$/);
    });

    it('uploads the report, the profile and the manifest', () => {
      const out = readOutFile(run, 'outputs.txt');
      const artifact = path.join(run.artifactsDir, 'churn-data-report');
      // the artifact's root is the paths' common folder, .modelship/
      const inArtifact = (p: string): string => path.join(artifact, path.relative('.modelship', p));
      const report = JSON.parse(fs.readFileSync(inArtifact(out.report!), 'utf8'));
      expect(JSON.stringify(report)).toContain('monthly_charges');
      expect(fs.existsSync(inArtifact(out.profile!))).toBe(true);
      expect(fs.existsSync(path.join(artifact, 'manifest.json'))).toBe(true);
    });

    it('resolved the remote workflow and actions locally, downloading nothing', () => {
      expect(run.output).toContain(
        'LocalRepositoryCache matched https://github.com/modelship-dev/modelship with ref v1',
      );
      expect(run.output).toMatch(
        /LocalRepositoryCache matched https:\/\/github.com\/actions\/upload-artifact/,
      );
      expect(run.output).not.toMatch(/LocalRepositoryCache not matched|git clone|failed to fetch/i);
    });
  });

  describe('on data with invalid rows', () => {
    let run: ActRun;
    beforeAll(async () => {
      run = await runAct({
        repoDir: repo,
        workflow: '.github/workflows/e2e-fail.yml',
        timeoutMs: ACT_TIMEOUT_MS,
      });
      runs.push(run);
    }, ACT_TIMEOUT_MS + 10_000);

    it('fails the job', () => {
      expect(run.code).not.toBe(0);
      expect(run.output).toMatch(/Job failed/);
    });

    it('sets passed=false and counts the invalid rows', () => {
      const outputs = validateOutputs(run);
      expect(outputs).toMatchObject({
        passed: 'false',
        rows: String(currentRows),
        'invalid-rows': String(badLines.length),
      });
    });

    it('annotates the first invalid rows, up to max-annotations', () => {
      const annotated = [
        ...run.output.matchAll(/::error [^:]*file=data\/churn\/broken\.csv,[^:]*line=(\d+)/g),
      ].map((m) => Number(m[1]));
      expect(annotated).toEqual(badLines.slice(0, 2));
    });

    it('still uploads the report, which lists every invalid row', () => {
      const outputs = validateOutputs(run);
      const report = fs.readFileSync(
        path.join(run.artifactsDir, 'modelship-data-report', path.relative('.modelship', outputs.report!)),
        'utf8',
      );
      for (const value of ['lifetime', 'X1']) expect(report).toContain(value);
    });
  });

  describe('the starter workflows/pr-data-check.yml', () => {
    let run: ActRun;
    beforeAll(async () => {
      run = await runAct({
        repoDir: repo,
        workflow: '.github/workflows/pr-data-check.yml',
        event: 'pull_request',
        eventPayload: {
          number: 7,
          pull_request: {
            number: 7,
            head: { ref: 'data-update', sha: '0'.repeat(40) },
            base: { ref: 'main' },
          },
          repository: { full_name: 'acme/churn', name: 'churn', owner: { login: 'acme' } },
        },
        timeoutMs: ACT_TIMEOUT_MS,
      });
      runs.push(run);
    }, ACT_TIMEOUT_MS + 10_000);

    it('runs the reusable workflow on a pull request and passes', () => {
      if (run.code !== 0) throw new Error(explain(run));
      expect(validateOutputs(run)).toMatchObject({ passed: 'true', rows: String(currentRows) });
      expect(fs.readdirSync(path.join(run.artifactsDir, 'modelship-data-report'))).toContain('manifest.json');
    });
  });
});
