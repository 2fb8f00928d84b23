import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inputEnvName, parseFileCommand, runActionBundle, runPostStep } from './action-runner.js';

// A throwaway action that uses nothing but node: it echoes what the runner gave it through the
// file commands, so the harness is proven independent of the real actions.
const MAIN = `import { appendFileSync } from 'node:fs';
const env = process.env;
const out = (name, value) => appendFileSync(env.GITHUB_OUTPUT, name + '<<EOF_4f2a\\n' + value + '\\nEOF_4f2a\\n');
out('greeting', 'hello ' + env['INPUT_WHO'] + '\\nsecond line');
out('max', env['INPUT_MAX-ANNOTATIONS'] ?? 'unset');
out('spaced', env['INPUT_FAIL_ON'] ?? 'unset');
out('level', env['INPUT_LEVEL'] ?? 'unset');
out('node', process.version);
out('leaked', Object.keys(env).filter((k) => k.startsWith('LEAK_') || k === 'INPUT_LEAKED' || k === 'AWS_LEAKED').join(','));
out('cwd', process.cwd());
appendFileSync(env.GITHUB_OUTPUT, 'plain=a=b\\n');
appendFileSync(env.GITHUB_STATE, 'token<<S\\nabc\\nS\\n');
appendFileSync(env.GITHUB_ENV, 'EXPORTED=yes\\n');
appendFileSync(env.GITHUB_PATH, '/opt/tool/bin\\n');
appendFileSync(env.GITHUB_STEP_SUMMARY, '## Summary\\n');
console.log('::warning file=data.csv,line=3::odd%0Avalue');
console.log(['ACTIONS', env.GITHUB_ACTIONS, env.GITHUB_REPOSITORY, env.GITHUB_SHA, env.GITHUB_RUN_ATTEMPT, env.GITHUB_WORKSPACE, env.RUNNER_TEMP, env.GITHUB_RUN_ID].join('|'));
process.exitCode = Number(env.INPUT_EXIT ?? 0);
`;

const POST = `import { appendFileSync } from 'node:fs';
appendFileSync(process.env.GITHUB_STEP_SUMMARY, 'post saw ' + process.env.STATE_token + '\\n');
`;

const SLOW = `import { appendFileSync } from 'node:fs';
process.on('SIGINT', () => { appendFileSync(process.env.GITHUB_OUTPUT, 'cancelled=true\\n'); process.exit(1); });
console.log('waiting');
setTimeout(() => {}, 60000);
`;

const ACTION_YML = `name: throwaway
inputs:
  who: {required: true}
  level: {default: info}
  exit: {default: '0'}
runs:
  using: node24
  main: dist/index.js
  post: dist/post.js
`;

describe('runActionBundle', () => {
  let dir: string;
  let entry: string;
  let post: string;
  let slow: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'throwaway-action-'));
    fs.mkdirSync(path.join(dir, 'dist'));
    entry = path.join(dir, 'dist', 'index.js');
    post = path.join(dir, 'dist', 'post.js');
    slow = path.join(dir, 'dist', 'slow.js');
    fs.writeFileSync(entry, MAIN);
    fs.writeFileSync(post, POST);
    fs.writeFileSync(slow, SLOW);
    fs.writeFileSync(path.join(dir, 'dist', 'package.json'), '{"type":"module"}');
    fs.writeFileSync(path.join(dir, 'action.yml'), ACTION_YML);
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names inputs like the runner', () => {
    expect(inputEnvName('max-annotations')).toBe('INPUT_MAX-ANNOTATIONS');
    expect(inputEnvName('fail on')).toBe('INPUT_FAIL_ON');
    expect(inputEnvName('data')).toBe('INPUT_DATA');
  });

  it('runs under Node 24 with inputs, runner variables and parsed file commands', async () => {
    process.env.INPUT_LEAKED = 'x';
    process.env.AWS_LEAKED = 'x';
    try {
      const run = await runActionBundle(entry, {
        inputs: { who: 'world', 'max-annotations': '5', 'fail on': 'error' },
        cwd: dir,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.outputs).toEqual({
        greeting: 'hello world\nsecond line',
        max: '5',
        spaced: 'error',
        level: 'info', // default from action.yml
        node: expect.stringMatching(/^v24\./),
        leaked: '',
        cwd: fs.realpathSync(dir),
        plain: 'a=b',
      });
      expect(run.state).toEqual({ token: 'abc' });
      expect(run.exportedEnv).toEqual({ EXPORTED: 'yes' });
      expect(run.addedPath).toEqual(['/opt/tool/bin']);
      expect(run.summary).toBe('## Summary\n');
      expect(run.commands).toEqual([
        { command: 'warning', properties: { file: 'data.csv', line: '3' }, message: 'odd\nvalue' },
      ]);
      const [tag, actions, repo, sha, attempt, workspace, runnerTemp, runId] = run.stdout
        .split('\n')
        .find((l) => l.startsWith('ACTIONS|'))!
        .split('|');
      expect(tag).toBe('ACTIONS');
      expect(actions).toBe('true');
      expect(repo).toBe('acme/churn');
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      expect(attempt).toBe('1');
      expect(workspace).toBe(dir);
      expect(runnerTemp).toBeTruthy();
      expect(runId).toMatch(/^\d+$/);
    } finally {
      delete process.env.INPUT_LEAKED;
      delete process.env.AWS_LEAKED;
    }
  });

  it('reports the exit code and can run under Node 22', async () => {
    const run = await runActionBundle(entry, { inputs: { who: 'x', exit: '1' }, node: 'node22', cwd: dir });
    expect(run.code).toBe(1);
    expect(run.outputs.node).toMatch(/^v22\./);
  });

  it('runs the post step with STATE_ variables from the main run', async () => {
    const main = await runActionBundle(entry, { inputs: { who: 'x' }, cwd: dir });
    const after = await runPostStep(post, main.state, { cwd: dir });
    expect(after.code).toBe(0);
    expect(after.summary).toBe('post saw abc\n');
  });

  it('delivers a signal after signalAfterMs', async () => {
    const run = await runActionBundle(slow, { signal: 'SIGINT', signalAfterMs: 500, cwd: dir });
    expect(run.code).toBe(1);
    expect(run.outputs).toEqual({ cancelled: 'true' });
  });

  it('kills a step that exceeds timeoutMs', async () => {
    await expect(runActionBundle(slow, { timeoutMs: 500, cwd: dir })).rejects.toThrow(
      /did not finish within 500 ms/,
    );
  });
});

// The layout of this project: the action folder's action.yml points into a shared build outside it.
const FOLDER_ACTION_YML = `name: throwaway in a folder
inputs:
  who: {required: true}
  level: {default: debug}
runs:
  using: node24
  main: ../../dist-x/index.js
  post: ../../dist-x/post.js
  post-if: always()
`;

const NO_POST_ACTION_YML = `name: throwaway without post
runs:
  using: node24
  main: ../../dist-x/index.js
`;

describe('runActionBundle with an action directory', () => {
  let root: string;
  let action: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'throwaway-action-dir-'));
    fs.mkdirSync(path.join(root, 'dist-x'));
    fs.writeFileSync(path.join(root, 'dist-x', 'index.js'), MAIN);
    fs.writeFileSync(path.join(root, 'dist-x', 'post.js'), POST);
    fs.writeFileSync(path.join(root, 'dist-x', 'package.json'), '{"type":"module"}');
    action = path.join(root, 'actions', 'x');
    fs.mkdirSync(action, { recursive: true });
    fs.writeFileSync(path.join(action, 'action.yml'), FOLDER_ACTION_YML);
    fs.mkdirSync(path.join(root, 'actions', 'no-post'));
    fs.writeFileSync(path.join(root, 'actions', 'no-post', 'action.yml'), NO_POST_ACTION_YML);
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("runs runs.main relative to the folder, with the folder's input defaults", async () => {
    const run = await runActionBundle(action, { inputs: { who: 'folder' }, cwd: root });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs.greeting).toBe('hello folder\nsecond line');
    expect(run.outputs.level).toBe('debug'); // default from actions/x/action.yml
    expect(run.outputs.node).toMatch(/^v24\./);
  });

  it('runs runs.post for the post step, under Node 22 too', async () => {
    const main = await runActionBundle(action, { inputs: { who: 'x' }, node: 'node22', cwd: root });
    expect(main.outputs.node).toMatch(/^v22\./);
    const after = await runPostStep(action, main.state, { node: 'node22', cwd: root });
    expect(after.code).toBe(0);
    expect(after.summary).toBe('post saw abc\n');
  });

  it('finds no defaults for the shared entry file, which no action.yml above it targets', async () => {
    const run = await runActionBundle(path.join(root, 'dist-x', 'index.js'), {
      inputs: { who: 'x' },
      cwd: root,
    });
    expect(run.outputs.level).toBe('unset');
  });

  it('fails clearly when the action has no post step or the folder has no action.yml', async () => {
    await expect(runPostStep(path.join(root, 'actions', 'no-post'), {})).rejects.toThrow(
      /no-post[/\\]action\.yml has no runs\.post/,
    );
    await expect(runActionBundle(path.join(root, 'dist-x'))).rejects.toThrow(/directory without action\.yml/);
  });
});

describe('parseFileCommand', () => {
  it('parses name=value and heredoc entries, CRLF included', () => {
    expect(parseFileCommand('a=1\r\nb<<X\r\nline1\r\nline2\r\nX\r\nc=\n')).toEqual({
      a: '1',
      b: 'line1\nline2',
      c: '',
    });
  });

  it('rejects an unterminated heredoc', () => {
    expect(() => parseFileCommand('a<<X\nvalue\n')).toThrow(/matching delimiter not found/);
  });
});
