/**
 * The act harness itself (test/support/act.ts), proven on a throwaway repository so that it does
 * not depend on the real actions: a reusable workflow referenced by its full remote name, an
 * action of the same "remote" repository, the upload-artifact and checkout stand-ins, Node 24 on
 * PATH, job outputs, and a failing job.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  cleanupAct,
  localRepositoriesFor,
  makeRepo,
  readOutFile,
  runAct,
  type ActRun,
} from '../support/act.js';

const CHECKOUT = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8';
const UPLOAD = 'actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4';

const FILES: Record<string, string> = {
  'actions/count/action.yml': `name: count
inputs:
  file: {required: true}
  fail-above: {default: '1000'}
outputs:
  lines: {description: line count}
runs:
  using: node24
  main: dist/index.js
`,
  'actions/count/dist/package.json': '{"type":"module"}\n',
  'actions/count/dist/index.js': `import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const lines = readFileSync(process.env.INPUT_FILE, 'utf8').trim().split('\\n').length;
mkdirSync('.out', { recursive: true });
writeFileSync('.out/report.json', JSON.stringify({ lines, node: process.version }));
appendFileSync(process.env.GITHUB_OUTPUT, 'lines<<EOF_1\\n' + lines + '\\nEOF_1\\nnode=' + process.version + '\\n');
if (lines > Number(process.env['INPUT_FAIL-ABOVE'])) {
  console.log('::error file=' + process.env.INPUT_FILE + '::too many lines: ' + lines);
  process.exit(1);
}
`,
  '.github/workflows/count.yml': `name: count
on:
  workflow_call:
    inputs:
      file: {type: string, required: true}
      fail-above: {type: string, default: '1000'}
    outputs:
      lines: {value: '\${{ jobs.count.outputs.lines }}'}
      node: {value: '\${{ jobs.count.outputs.node }}'}
jobs:
  count:
    runs-on: ubuntu-latest
    outputs:
      lines: \${{ steps.count.outputs.lines }}
      node: \${{ steps.count.outputs.node }}
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - id: count
        uses: modelship-dev/modelship/actions/count@v1
        with:
          file: \${{ inputs.file }}
          fail-above: \${{ inputs.fail-above }}
      - if: \${{ !cancelled() }}
        uses: ${UPLOAD}
        with:
          name: count-report
          path: .out/report.json
`,
  '.github/workflows/caller.yml': `name: caller
on: workflow_dispatch
jobs:
  small:
    uses: modelship-dev/modelship/.github/workflows/count.yml@v1
    with:
      file: data/small.txt
  report:
    needs: small
    runs-on: ubuntu-latest
    steps:
      - run: |
          {
            echo "small-result=$SMALL_RESULT"
            echo "small-lines=$SMALL_LINES"
            echo "small-node=$SMALL_NODE"
          } >> "$MODELSHIP_TEST_OUT/outputs.txt"
        env:
          SMALL_RESULT: \${{ needs.small.result }}
          SMALL_LINES: \${{ needs.small.outputs.lines }}
          SMALL_NODE: \${{ needs.small.outputs.node }}
`,
  // act stops the whole run when a called workflow fails (later jobs, even `if: always()`, do
  // not run), so the failure case has a caller of its own and is read from act's output.
  '.github/workflows/failing.yml': `name: failing
on: workflow_dispatch
jobs:
  large:
    uses: modelship-dev/modelship/.github/workflows/count.yml@v1
    with:
      file: data/large.txt
      fail-above: '3'
`,
  '.github/workflows/remote.yml': `name: remote
on: workflow_dispatch
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/else@v3
`,
  'data/small.txt': 'a\nb\n',
  'data/large.txt': 'a\nb\nc\nd\ne\n',
};

describe('runAct (act, offline, steps on the host)', () => {
  let repo: string;
  let ok: ActRun;
  let failing: ActRun;

  beforeAll(async () => {
    repo = makeRepo(FILES);
    ok = await runAct({ repoDir: repo, workflow: '.github/workflows/caller.yml', timeoutMs: 120_000 });
    failing = await runAct({ repoDir: repo, workflow: '.github/workflows/failing.yml', timeoutMs: 120_000 });
  }, 250_000);

  afterAll(() => cleanupAct(ok, failing, repo));

  it('maps the project repository and the stubbed actions to local folders', () => {
    const mappings = localRepositoriesFor(repo, '.github/workflows/caller.yml');
    expect(mappings['modelship-dev/modelship@v1']).toBe(repo);
    expect(mappings[CHECKOUT]).toMatch(/test\/workflows\/stubs\/checkout$/);
    expect(mappings[UPLOAD]).toMatch(/test\/workflows\/stubs\/upload-artifact$/);
  });

  it('runs the called workflow under Node 24 and passes job outputs back to the caller', () => {
    expect(ok.code).toBe(0);
    expect(readOutFile(ok, 'outputs.txt')).toEqual({
      'small-result': 'success',
      'small-lines': '2',
      'small-node': expect.stringMatching(/^v24\./),
    });
  });

  it('uploads artifacts through the stand-in (a single file at the root, as the real action does)', () => {
    const report = JSON.parse(
      fs.readFileSync(path.join(ok.artifactsDir, 'count-report', 'report.json'), 'utf8'),
    );
    expect(report).toEqual({ lines: 2, node: expect.stringMatching(/^v24\./) });
  });

  it('fails the run when the called job fails, still uploading and reporting outputs', () => {
    expect(failing.code).not.toBe(0);
    expect(failing.output).toContain('too many lines: 5');
    expect(failing.setOutputs).toEqual(
      expect.arrayContaining([[expect.stringContaining('large'), 'lines', '5']]),
    );
    const report = JSON.parse(
      fs.readFileSync(path.join(failing.artifactsDir, 'count-report', 'report.json'), 'utf8'),
    );
    expect(report.lines).toBe(5);
  });

  it('refuses a workflow that needs a remote action without a stand-in', () => {
    expect(() => localRepositoriesFor(repo, '.github/workflows/remote.yml')).toThrow(/someone\/else@v3/);
  });
});
