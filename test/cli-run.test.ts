/**
 * `modelship run` (the main job, committed CLI bundle) where a run ends early: the approval gate,
 * a Rejected candidate, a first deploy, a step left out for want of the one before it, a step that
 * throws; and options given an empty value.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { churnWorkspace } from './lib/churn.js';

const CLI = join(process.cwd(), 'dist/cli/index.js');
const EXAMPLE = join(process.cwd(), 'examples/churn');
let ws: string;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ws,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The example's config with `edit` applied, written to `name`. */
function config(name: string, edit: (yml: string) => string): void {
  writeFileSync(join(ws, name), edit(readFileSync(join(EXAMPLE, 'modelship.yml'), 'utf8')));
}

beforeAll(() => {
  ws = churnWorkspace(2000);
  copyFileSync(join(ws, 'baseline.json'), join(ws, 'baseline-profile.json'));
  for (const f of ['train.mjs', 'evaluate.mjs', 'serve.mjs']) copyFileSync(join(EXAMPLE, f), join(ws, f));
  cpSync(join(EXAMPLE, 'contract'), join(ws, 'contract'), { recursive: true });
});

afterAll(() => {
  cli(['endpoint', 'stop', 'churn']);
});

describe('modelship run ends early and says so', () => {
  it('stops at the approval gate naming the commands that carry on, with --config and --manifest quoted', () => {
    config('my config.yml', (y) => y);
    const r = cli(['run', '--config', 'my config.yml', '--manifest', '.modelship/gate.json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "Approve it (modelship register --operation approve --config 'my config.yml' --manifest .modelship/gate.json), then run modelship deploy-canary --config 'my config.yml' --manifest .modelship/gate.json, then modelship promote-on-metrics --config 'my config.yml' --manifest .modelship/gate.json",
    );
    expect(r.stderr).toMatch(/main job: passed \(validate-data, train, evaluate-gate, register\)\n$/);
  });

  it('fails on a candidate already Rejected instead of asking to approve it', () => {
    const rej = cli([
      'register',
      '--operation',
      'reject',
      '--manifest',
      '.modelship/gate.json',
      '--config',
      'my config.yml',
    ]);
    expect(rej.code).toBe(0);
    const r = cli(['run', '--config', 'my config.yml', '--manifest', '.modelship/gate.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'main job: model-package/churn/1 is Rejected: deploy-canary, promote-on-metrics will not run on it. Train a new candidate',
    );
    expect(r.stderr).not.toContain('Approve it');
    expect(r.stderr).toMatch(/main job: failed \(validate-data, train, evaluate-gate, register\)\n$/);
    expect(JSON.parse(r.stdout).register['approval-status']).toBe('Rejected');
  });

  it('a first deploy serves alone and the run passes without promote-on-metrics', () => {
    config('approved.yml', (y) => `${y}\nregistry: { approval-status: Approved }\n`);
    // Other hyperparameters: a new candidate, not the Rejected one.
    const yml = readFileSync(join(ws, 'approved.yml'), 'utf8').replace(/max_iter: \d+/, 'max_iter: 250');
    writeFileSync(join(ws, 'approved.yml'), yml);
    const r = cli(['run', '--config', 'approved.yml', '--manifest', '.modelship/first.json']);
    expect(r.stderr).toContain(
      'a first deploy: churn-v2 serves alone, there is no champion to judge it against; promote-on-metrics is left out',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out['deploy-canary']).toMatchObject({ 'champion-variant': '', 'challenger-variant': 'churn-v2' });
    expect(out['promote-on-metrics']).toBeUndefined();
    expect(r.stderr).toMatch(
      /main job: passed \(validate-data, train, evaluate-gate, register, deploy-canary\)\n$/,
    );
  });

  it('leaves out deploy-canary when nothing registers a package for it', () => {
    config('nogate.yml', (y) => y.replace(/\ngate:\n( {2}.*\n)+/, '\n'));
    expect(readFileSync(join(ws, 'nogate.yml'), 'utf8')).not.toMatch(/^gate:/m);
    const r = cli(['run', '--config', 'nogate.yml', '--manifest', '.modelship/nogate.json']);
    expect(r.stderr).toContain(
      'main job: deploy-canary is left out: it deploys the package register registers, which this config does not run',
    );
    expect(r.stderr).toContain(
      'main job: promote-on-metrics is left out: it judges the canary deploy-canary starts, which this config does not run',
    );
    expect(r.code).toBe(0);
    const ran = Object.keys(JSON.parse(r.stdout));
    expect(ran).toContain('train');
    expect(ran).not.toContain('register');
    expect(ran).not.toContain('deploy-canary');
  });

  it('a step that throws still leaves the outputs of the steps before it, and a last line', () => {
    config('missing.yml', (y) => y.replace('data/train.csv', 'data/no-such.csv'));
    const r = cli([
      'run',
      '--config',
      'missing.yml',
      '--manifest',
      '.modelship/missing.json',
      '--outputs-env',
      'run.env',
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)['validate-data']).toMatchObject({ passed: 'true' });
    expect(readFileSync(join(ws, 'run.env'), 'utf8')).toContain(
      "export MODELSHIP_VALIDATE_DATA_PASSED='true'",
    );
    expect(r.stderr).toContain('main job: failed (validate-data)');
    expect(r.stderr).toMatch(/error: .*no-such\.csv/);
  });
});

describe('an option given an empty value', () => {
  it.each([
    [['promote-on-metrics', '--replay', ''], '--replay'],
    [['deploy-canary', '--canary-percent='], '--canary-percent'],
    [['run', '--manifest', ' '], '--manifest'],
    [['validate-data', '--data', 'x.csv', '--outputs-file', ''], '--outputs-file'],
    [['registry', 'list', '--group', ''], '--group'],
  ])('%j is refused, naming the option', (args, flag) => {
    const r = cli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${flag}: is empty`);
    expect(r.stderr).toContain('hint: give it a value, or leave the option out to use its default');
    expect(existsSync(join(ws, '.modelship/promote-on-metrics'))).toBe(false);
  });
});

describe('sub-command help', () => {
  it.each([[['registry']], [['registry', '--help']], [['registry', '-h']], [['registry', 'help']]])(
    '%j prints the usage and exits 0',
    (args) => {
      const r = cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('modelship registry list [--group <name>]');
    },
  );
});

describe('a config whose every step is left out', () => {
  it('says which and why before saying there is nothing to run', () => {
    writeFileSync(
      join(ws, 'deploy-only.yml'),
      'model: churn\ndeploy:\n  serve: [node, serve.mjs]\npromote:\n  steps: [50]\n',
    );
    const r = cli(['run', '--config', 'deploy-only.yml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'main job: deploy-canary is left out: it deploys the package register registers',
    );
    expect(r.stderr).toContain('error: deploy-only.yml: nothing to run: the config sets up no step');
  });
});
