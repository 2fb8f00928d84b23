/** The local backend with real processes: the SageMaker training contract, metrics, failure, cancellation. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryLogger, MemoryState } from '@modelship/core';
import { list } from 'tar';
import { trainStep } from '../src/definition.js';
import { createTrainImpl, createTrainStep, STATE } from '../src/step.js';
import { makeContext, runStep, workspace, type Workspace } from './helpers.js';
import { isAlive, until } from '../../../test/lib/process.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NODE = process.execPath;
const GH = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SHA: 'cafebabe00112233',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '1',
};

let data: string;
beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'modelship-churn-'));
  execFileSync(NODE, [join(REPO, 'examples', 'churn', 'generate.mjs'), '--out', data, '--rows', '3000']);
});
afterAll(() => rm(data, { recursive: true, force: true }));

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.cleanup());

function config(train: string): Promise<void> {
  return writeFile(join(ws.dir, 'modelship.yml'), `model: churn\nbackend: local\ntrain:\n${train}`);
}

function yamlList(items: string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
}

async function script(name: string, body: string): Promise<string> {
  const file = join(ws.dir, name);
  await writeFile(file, body);
  return file;
}

function run(
  inputs: Record<string, string> = {},
  opts: { env?: Record<string, string>; signal?: AbortSignal } = {},
) {
  return runStep(trainStep, inputs, {
    cwd: ws.dir,
    env: { ...GH, PATH: process.env.PATH, ...opts.env },
    signal: opts.signal,
  });
}

/** The job name in this run: model, commit, run id, attempt and the request digest. */
const JOB = /^churn-cafebab-42-1-[0-9a-f]{8}$/;

const CHURN = () => `  entrypoint: ${yamlList([NODE, join(REPO, 'examples', 'churn', 'train.mjs')])}
  channels: { train: ${join(data, 'train.csv')}, validation: ${join(data, 'validation.csv')} }
  hyperparameters: { c: 1.0, max_iter: 100 }
  metrics:
    - { name: auc, regex: "validation:auc=([0-9.]+)" }
    - { name: accuracy, regex: "validation:accuracy=([0-9.]+)" }
`;

describe('local backend: the churn example end to end', () => {
  it('trains, scrapes metrics, packs model.tar.gz with its sha256 and records the manifest', async () => {
    await config(CHURN());
    const { result, text } = await run();
    expect(result.ok).toBe(true);
    const o = result.outputs;
    const job = o['job-name']!;
    expect(job).toMatch(JOB);
    expect(o.status).toBe('Completed');
    expect(o['job-arn']).toBe('');
    expect(o['estimated-cost-usd']).toBe('0.00');
    const metrics = JSON.parse(o.metrics!) as Record<string, number>;
    expect(metrics.auc).toBeGreaterThan(0.7);
    expect(metrics.accuracy).toBeGreaterThan(0.6);
    expect(Number(o['billable-seconds'])).toBeGreaterThanOrEqual(1);

    const file = fileURLToPath(o['model-artifact']!);
    expect(file).toBe(join(ws.dir, '.modelship', 'training', job, 'model.tar.gz'));
    expect(o['model-sha256']).toBe(
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex'),
    );
    const entries: string[] = [];
    await list({ file, onReadEntry: (e) => void entries.push(e.path) });
    expect(entries).toEqual(['model.json']);

    expect(text).toContain(`>> local training job ${job}`);
    expect(text).toMatch(/validation:auc=0\.\d+/);
    const manifest = JSON.parse(await readFile(join(ws.dir, '.modelship', 'manifest.json'), 'utf8'));
    expect(manifest.training).toMatchObject({
      backend: 'local',
      jobName: job,
      status: 'Completed',
      modelArtifact: o['model-artifact'],
      modelSha256: o['model-sha256'],
      metrics,
      hyperparameters: { c: '1', max_iter: '100' },
      channels: { train: join(data, 'train.csv'), validation: join(data, 'validation.csv') },
      command: [NODE, join(REPO, 'examples', 'churn', 'train.mjs')],
    });
    expect(result.summary).toContain('#### Metrics');
    const transitions = result.summary.slice(result.summary.indexOf('#### Status transitions'));
    const statuses = [...transitions.matchAll(/^\| (\w+) \| \d{4}-/gm)].map((m) => m[1]);
    expect(statuses).toEqual(['Starting', 'Downloading', 'Training', 'Uploading', 'Completed']);
    expect(result.summary).toContain('Local backend: no cloud cost.');
  });

  it('is deterministic across runs, and a re-run of the same job reuses its result', async () => {
    await config(CHURN());
    const first = await run();
    const again = await run();
    expect(again.text).toContain('already ran (Completed): reusing its result');
    expect(again.result.outputs['model-sha256']).toBe(first.result.outputs['model-sha256']);
    const other = await run({}, { env: { GITHUB_RUN_ID: '43' } });
    expect(other.result.outputs['job-name']).toBe(
      first.result.outputs['job-name']!.replace('-42-1-', '-43-1-'),
    );
    expect(other.result.outputs['model-sha256']).toBe(first.result.outputs['model-sha256']);
  });
});

describe('local backend: one job per request', () => {
  it('a second train with other hyperparameters in the same run trains anew; its re-run reuses it', async () => {
    await config(CHURN());
    const first = await run();
    const second = await run({ hyperparameters: '{"c": 0.05}' });
    const name = second.result.outputs['job-name']!;
    expect(name).toMatch(JOB);
    expect(name).not.toBe(first.result.outputs['job-name']);
    expect(second.text).not.toContain('reusing its result');
    expect(second.result.outputs['model-sha256']).not.toBe(first.result.outputs['model-sha256']);
    expect(second.manifest().training?.hyperparameters).toEqual({ c: '0.05', max_iter: '100' });
    const again = await run({ hyperparameters: '{"c": 0.05}' });
    expect(again.text).toContain(`local training job ${name} already ran (Completed): reusing its result`);
    expect(again.result.outputs['model-sha256']).toBe(second.result.outputs['model-sha256']);
  });

  it('a job record of this name with another request is a one-line error naming what differs', async () => {
    await config(CHURN());
    const first = await run();
    const name = first.result.outputs['job-name']!;
    const file = join(ws.dir, '.modelship', 'training', name, 'job.json');
    const record = JSON.parse(await readFile(file, 'utf8'));
    record.request.hyperparameters.c = 2;
    record.request.train.metrics = [];
    record.requestSha256 = 'f'.repeat(64);
    await writeFile(file, JSON.stringify(record));
    const err = await run().catch((e: unknown) => e);
    expect(err).toMatchObject({
      line:
        `local training job ${name}: exists with a different request: hyperparameters.c (1 here, 2 there), ` +
        'train.metrics ([{"name":"auc","regex":"validation:auc=… here, [] there)',
      hint: expect.stringContaining(`remove ${join(ws.dir, '.modelship', 'training', name)} to train anew`),
    });
  });

  it('train v1 then v2 (another script) in the same run are two jobs', async () => {
    const v2 = join(ws.dir, 'train-v2.mjs');
    await writeFile(v2, await readFile(join(REPO, 'examples', 'churn', 'train.mjs')));
    await config(CHURN());
    const v1run = await run();
    await config(CHURN().replace(join(REPO, 'examples', 'churn', 'train.mjs'), v2));
    const v2run = await run();
    expect(v2run.result.outputs['job-name']).not.toBe(v1run.result.outputs['job-name']);
    expect(v2run.text).not.toContain('reusing its result');
    expect(v2run.manifest().training?.command).toEqual([NODE, v2]);
  });
});

describe('local backend: the training contract', () => {
  it('lays out /opt/ml and sets every SM_* variable', async () => {
    const probe = await script(
      'probe.mjs',
      `import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
const e = process.env;
const keys = Object.keys(e).filter((k) => k.startsWith('SM_') || k === 'TRAINING_JOB_NAME').sort();
console.log('ENV ' + JSON.stringify(Object.fromEntries(keys.map((k) => [k, e[k]]))));
console.log('HPJSON ' + readFileSync(e.SM_INPUT_CONFIG_DIR + '/hyperparameters.json', 'utf8').replace(/\\s+/g, ''));
console.log('TRAIN ' + readdirSync(e.SM_CHANNEL_TRAIN).join(','));
console.log('FIRST ' + readFileSync(e.SM_CHANNEL_TRAIN + '/train.csv', 'utf8').split('\\n')[0]);
console.log('CWD ' + process.cwd());
writeFileSync(e.SM_MODEL_DIR + '/weights.bin', 'w');
console.log('score=0.5');
console.log('score=0.75');
`,
    );
    await config(`  entrypoint: ${yamlList([NODE, probe])}
  channels: { train: ${join(data, 'train.csv')} }
  hyperparameters: { c: 0.5, solver: lbfgs }
  environment: { EXTRA: yes }
  metrics: [{ name: score, regex: "score=([0-9.]+)" }]
`);
    const { result, text } = await run();
    expect(result.ok).toBe(true);
    const env = JSON.parse(/ENV (.*)/.exec(text)![1]!) as Record<string, string>;
    const job = result.outputs['job-name']!;
    expect(job).toMatch(JOB);
    const ml = join(ws.dir, '.modelship', 'training', job, 'ml');
    expect(env).toMatchObject({
      TRAINING_JOB_NAME: job,
      SM_MODEL_DIR: join(ml, 'model'),
      SM_CHANNEL_TRAIN: join(ml, 'input', 'data', 'train'),
      SM_CHANNELS: '["train"]',
      SM_HPS: '{"c":0.5,"solver":"lbfgs"}',
      SM_HP_C: '0.5',
      SM_HP_SOLVER: 'lbfgs',
      SM_OUTPUT_DATA_DIR: join(ml, 'output', 'data'),
      SM_INPUT_CONFIG_DIR: join(ml, 'input', 'config'),
      SM_CURRENT_HOST: 'algo-1',
      SM_HOSTS: '["algo-1"]',
    });
    expect(Number(env.SM_NUM_CPUS)).toBeGreaterThan(0);
    expect(text).toContain('HPJSON {"c":"0.5","solver":"lbfgs"}');
    expect(text).toContain('TRAIN train.csv');
    expect(text).toContain('FIRST customer_id,');
    expect(text).toContain(`CWD ${ws.dir}`);
    expect(JSON.parse(result.outputs.metrics!)).toEqual({ score: 0.75 });
  });

  it('warns when a metric regex captures something that is not a number, and leaves it out', async () => {
    const probe = await script(
      'probe.mjs',
      `import { writeFileSync } from 'node:fs';
console.log('validation:auc=n/a');
console.log('validation:accuracy=0.75');
console.log('validation:accuracy=0.8.');
writeFileSync(process.env.SM_MODEL_DIR + '/m', 'm');
`,
    );
    await config(`  entrypoint: ${yamlList([NODE, probe])}
  metrics:
    - { name: auc, regex: 'validation:auc=(\\S+)' }
    - { name: accuracy, regex: "validation:accuracy=([0-9.]+)" }
`);
    const { result, text } = await run();
    expect(result.ok).toBe(true);
    expect(JSON.parse(result.outputs.metrics!)).toEqual({ accuracy: 0.75 });
    expect(text).toContain(
      'warning: metric auc: its regex "validation:auc=(\\\\S+)" captured "n/a", which is not a number (line: "validation:auc=n/a")',
    );
    expect(text).toContain(
      'warning: metric accuracy: its regex "validation:accuracy=([0-9.]+)" captured "0.8."',
    );
  });

  it('defaults the train channel to the data validated earlier (manifest data section)', async () => {
    const probe = await script(
      'probe.mjs',
      `import { readdirSync, writeFileSync } from 'node:fs';
console.log('TRAIN ' + readdirSync(process.env.SM_CHANNEL_TRAIN).join(','));
writeFileSync(process.env.SM_MODEL_DIR + '/m', 'm');\n`,
    );
    await config(`  entrypoint: ${yamlList([NODE, probe])}\n`);
    await mkdir(join(ws.dir, '.modelship'));
    const at = '2026-11-22T09:00:00.000Z';
    await writeFile(
      join(ws.dir, '.modelship', 'manifest.json'),
      JSON.stringify({
        schemaVersion: 1,
        kind: 'modelship.manifest',
        createdAt: at,
        updatedAt: at,
        history: [],
        data: {
          validatedAt: at,
          passed: true,
          format: 'csv',
          uri: data,
          rows: 1,
          invalidRows: 0,
          fingerprint: 'a'.repeat(64),
          files: [{ uri: join(data, 'train.csv'), sha256: 'b'.repeat(64), bytes: 1, rows: 1 }],
        },
      }),
    );
    const { result, text } = await run();
    expect(result.ok).toBe(true);
    expect(text).toMatch(/TRAIN .*train\.csv/);
  });
});

/** An argparse script as SageMaker examples write them: hyperparameters only from the command line. */
const ARGPARSE = `import argparse, json, os
p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, required=True)
p.add_argument("--learning-rate", type=float, required=True)
p.add_argument("-c", type=float, required=True)
p.add_argument("--warm-start", type=lambda s: s == "True", required=True)
p.add_argument("--solver", required=True)
p.add_argument("--tol", type=float, required=True)
args = p.parse_args()
print("ARGS " + json.dumps(vars(args), sort_keys=True))
print("USER_ARGS " + os.environ["SM_USER_ARGS"])
with open(os.path.join(os.environ["SM_MODEL_DIR"], "model.txt"), "w") as f:
    f.write(str(args.epochs))
print("validation:auc=%.2f" % (0.5 + args.learning_rate))
`;

describe('local backend: script mode passes hyperparameters as arguments', () => {
  const HPS = `{ epochs: 3, learning-rate: 0.05, c: 0.5, warm-start: true, solver: lbfgs, tol: 0.00001 }`;
  const ARGS = ['-c', '0.5', '--epochs', '3', '--learning-rate', '0.05', '--solver', 'lbfgs'];
  const ALL_ARGS = [...ARGS, '--tol', '1e-05', '--warm-start', 'True'];

  async function source(): Promise<string> {
    await mkdir(join(ws.dir, 'src'));
    await writeFile(join(ws.dir, 'src', 'train.py'), ARGPARSE);
    return join(ws.dir, 'src', 'train.py');
  }

  it('an argparse script trains with them, as the training toolkit passes them', async () => {
    const program = await source();
    await config(
      `  source: src\n  program: train.py\n  hyperparameters: ${HPS}\n  metrics: [{ name: auc, regex: "auc=([0-9.]+)" }]\n`,
    );
    const { result, text, manifest } = await run();
    expect(result.ok).toBe(true);
    expect(JSON.parse(/ARGS (.*)/.exec(text)![1]!)).toEqual({
      c: 0.5,
      epochs: 3,
      learning_rate: 0.05,
      solver: 'lbfgs',
      tol: 1e-5,
      warm_start: true,
    });
    expect(JSON.parse(/USER_ARGS (.*)/.exec(text)![1]!)).toEqual(ALL_ARGS);
    expect(JSON.parse(result.outputs.metrics!)).toEqual({ auc: 0.55 });
    expect(manifest().training?.command).toEqual(['python3', program, ...ALL_ARGS]);
  });

  it('the hyperparameters input reaches the arguments, and so does an explicit entrypoint', async () => {
    await source();
    await config(
      `  source: src\n  program: train.py\n  entrypoint: [python3, src/train.py]\n  hyperparameters: ${HPS}\n`,
    );
    const { result, text, manifest } = await run({ hyperparameters: '{"epochs": 7, "warm-start": false}' });
    expect(result.ok).toBe(true);
    expect(JSON.parse(/ARGS (.*)/.exec(text)![1]!)).toMatchObject({ epochs: 7, warm_start: false });
    expect(manifest().training?.command).toEqual([
      'python3',
      'src/train.py',
      ...ARGS.map((a) => (a === '3' ? '7' : a)),
      '--tol',
      '1e-05',
      '--warm-start',
      'False',
    ]);
  });

  it('the Node example reads them from its arguments too', async () => {
    await mkdir(join(ws.dir, 'src'));
    await writeFile(
      join(ws.dir, 'src', 'train.mjs'),
      await readFile(join(REPO, 'examples', 'churn', 'train.mjs')),
    );
    await config(`  source: src
  program: train.mjs
  channels: { train: ${join(data, 'train.csv')}, validation: ${join(data, 'validation.csv')} }
  hyperparameters: { c: 0.5, max_iter: 40 }
  metrics: [{ name: auc, regex: "validation:auc=([0-9.]+)" }]
`);
    const { result, text, manifest } = await run();
    expect(result.ok).toBe(true);
    expect(text).toContain('hyperparameters {"c":0.5,"maxIter":40,"learningRate":0.5}');
    expect(manifest().training?.command).toEqual([
      'node',
      join(ws.dir, 'src', 'train.mjs'),
      '-c',
      '0.5',
      '--max_iter',
      '40',
    ]);
  });

  it('the Node example takes its arguments over SM_HPS', () => {
    const out = execFileSync(
      NODE,
      [join(REPO, 'examples', 'churn', 'train.mjs'), '-c', '2', '--max_iter', '7'],
      {
        env: {
          SM_HPS: '{"c": 1, "max_iter": 300}',
          SM_CHANNEL_TRAIN: data,
          SM_MODEL_DIR: join(ws.dir, 'model'),
          SM_OUTPUT_DATA_DIR: join(ws.dir, 'out'),
        },
        encoding: 'utf8',
      },
    );
    expect(out).toContain('hyperparameters {"c":2,"maxIter":7,"learningRate":0.5}');
  });
});

describe('local backend: failures', () => {
  it('a non-zero exit fails with the reason and the last lines of output', async () => {
    const bad = await script(
      'bad.mjs',
      `for (let i = 1; i <= 40; i++) console.log('line ' + i);\nconsole.error('boom: bad column');\nprocess.exit(3);\n`,
    );
    await config(`  entrypoint: ${yamlList([NODE, bad])}\n`);
    const { result, text } = await run();
    expect(result.ok).toBe(false);
    expect(result.outputs.status).toBe('Failed');
    expect(result.headline).toBe(
      `training job ${result.outputs['job-name']} failed: AlgorithmError: ${NODE} ${bad} exited with code 3`,
    );
    expect(result.summary).toContain('boom: bad column');
    expect(result.summary).not.toContain('line 5\n');
    expect(text).toContain('last lines of the training log');
  });

  it('takes the reason from /opt/ml/output/failure when the script writes one', async () => {
    const bad = await script(
      'bad.mjs',
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(process.env.SM_OUTPUT_DIR + '/failure', 'ValueError: no rows');\nprocess.exit(1);\n`,
    );
    await config(`  entrypoint: ${yamlList([NODE, bad])}\n`);
    const { result } = await run();
    expect(result.headline).toBe(`training job ${result.outputs['job-name']} failed: ValueError: no rows`);
  });

  it('an empty model directory fails the job', async () => {
    const none = await script('none.mjs', `console.log('done');\n`);
    await config(`  entrypoint: ${yamlList([NODE, none])}\n`);
    const { result } = await run();
    expect(result.ok).toBe(false);
    expect(result.headline).toContain('the training script wrote no files to SM_MODEL_DIR');
  });

  it('a missing command is a one-line config error', async () => {
    await config(`  entrypoint: [no-such-trainer-binary, x]\n`);
    await expect(run()).rejects.toMatchObject({
      line: 'modelship.yml: train.entrypoint: command not found: no-such-trainer-binary',
    });
  });

  it('a missing channel path is a one-line error naming the channel', async () => {
    await config(`  entrypoint: [node, x.mjs]\n  channels: { train: nowhere/train.csv }\n`);
    await expect(run()).rejects.toMatchObject({
      line: expect.stringMatching(/^modelship\.yml: train\.channels\.train .*: channel data not found$/),
    });
  });
});

/** A training script that starts a grandchild and never ends by itself. */
const HANGS = `import { spawn } from 'node:child_process';
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log('grandchild ' + child.pid);
setInterval(() => {}, 1000);
`;

describe('local backend: cancellation', () => {
  it('kills the whole process tree on abort and reports a cancellation', async () => {
    const hang = await script('hang.mjs', HANGS);
    await config(`  entrypoint: ${yamlList([NODE, hang])}\n`);
    const ac = new AbortController();
    const state = new MemoryState();
    const log = new MemoryLogger();
    const pending = runStep(
      createTrainStep({ killGraceMs: 2_000 }),
      {},
      { cwd: ws.dir, env: GH, signal: ac.signal, state, log },
    );
    let grandchild = 0;
    await until(() => (grandchild = Number(/grandchild (\d+)/.exec(log.lines.join('\n'))?.[1] ?? 0)) > 0);
    expect(isAlive(grandchild)).toBe(true);
    expect(state.get(STATE.job)).toMatch(JOB);
    ac.abort();
    const { result } = await pending;
    expect(result.ok).toBe(false);
    expect(result.outputs.status).toBe('Stopped');
    expect(result.headline).toBe(`cancelled: stopped training job ${state.get(STATE.job)} (Stopped)`);
    await until(() => !isAlive(grandchild), 5_000);
    expect(state.get(STATE.settled)).toBe('stopped');
  });

  it('timeout-minutes ends a local job (it cannot run on without the step)', async () => {
    const hang = await script('hang.mjs', HANGS);
    await config(`  entrypoint: ${yamlList([NODE, hang])}\n`);
    const { result } = await runStep(
      createTrainStep({ killGraceMs: 1_000 }),
      { 'timeout-minutes': '0.02' },
      { cwd: ws.dir, env: GH },
    );
    expect(result.ok).toBe(false);
    expect(result.outputs.status).toBe('Stopped');
    expect(result.headline).toContain("the step's timeout-minutes ran out");
  });

  it('post stops a local job whose step was killed before it could', async () => {
    const proc = spawn(NODE, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
    proc.unref();
    const root = join(ws.dir, '.modelship', 'training');
    await mkdir(join(root, 'churn-x-1-1'), { recursive: true });
    await writeFile(
      join(root, 'churn-x-1-1', 'job.json'),
      JSON.stringify({
        backend: 'local',
        jobName: 'churn-x-1-1',
        status: 'InProgress',
        pid: proc.pid,
        metrics: {},
        transitions: [],
        lastLines: [],
        hyperparameters: {},
        channels: {},
        command: [],
        cwd: ws.dir,
      }),
    );
    const state = new MemoryState();
    state.save(STATE.job, 'churn-x-1-1');
    state.save(STATE.backend, 'local');
    state.save(STATE.root, root);
    const { ctx, log } = await makeContext(ws.dir, { state });
    await createTrainImpl({ killGraceMs: 1_000 }).post!(ctx);
    await until(() => !isAlive(proc.pid!), 5_000);
    expect(log.lines.join('\n')).toContain('stopped it');
    const record = JSON.parse(await readFile(join(root, 'churn-x-1-1', 'job.json'), 'utf8'));
    expect(record.status).toBe('Stopped');
  });
});

describe('local backend: cleanup after the step was killed', () => {
  /** A detached tree as a killed step leaves it: a leader that started a grandchild, then exited. */
  async function orphanedTree(): Promise<{ leader: number; grandchild: number }> {
    const proc = spawn(
      NODE,
      [
        '-e',
        `const { spawn } = require('node:child_process');
const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log(c.pid);
c.unref();`,
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let grandchild = 0;
    proc.stdout.on('data', (b: Buffer) => (grandchild = Number(String(b).trim())));
    await until(() => grandchild > 0 && !isAlive(proc.pid!));
    return { leader: proc.pid!, grandchild };
  }

  it.each(['InProgress', 'Completed', 'Failed'])(
    'post ends what still runs of the tree, the job last recorded %s',
    async (status) => {
      const { leader, grandchild } = await orphanedTree();
      const root = join(ws.dir, '.modelship', 'training');
      const job = 'churn-x-1-1-0123abcd';
      await mkdir(join(root, job), { recursive: true });
      // as written before the process started: no pid in it
      const record = { backend: 'local', jobName: job, status, metrics: {}, transitions: [], lastLines: [] };
      await writeFile(
        join(root, job, 'job.json'),
        JSON.stringify({ ...record, hyperparameters: {}, channels: {} }),
      );
      const state = new MemoryState();
      state.save(STATE.job, job);
      state.save(STATE.backend, 'local');
      state.save(STATE.root, root);
      state.save(STATE.pid, String(leader));
      try {
        const { ctx, log } = await makeContext(ws.dir, { state });
        await createTrainImpl({ killGraceMs: 1_000 }).post!(ctx);
        expect(isAlive(grandchild)).toBe(false);
        expect(log.lines.join('\n')).toContain(`training job ${job} was running; stopped it`);
        const after = JSON.parse(await readFile(join(root, job, 'job.json'), 'utf8'));
        expect(after.status).toBe(status === 'InProgress' ? 'Stopped' : status);
      } finally {
        if (isAlive(grandchild)) process.kill(grandchild, 'SIGKILL');
      }
    },
  );

  it('post says there is nothing to stop when the tree is gone', async () => {
    const state = new MemoryState();
    state.save(STATE.job, 'churn-x-1-1-0123abcd');
    state.save(STATE.backend, 'local');
    state.save(STATE.root, join(ws.dir, '.modelship', 'training'));
    state.save(STATE.pid, '999999999');
    const { ctx, log } = await makeContext(ws.dir, { state });
    await createTrainImpl().post!(ctx);
    expect(log.lines.join('\n')).toContain('training job churn-x-1-1-0123abcd is NotFound; nothing to stop');
  });
});

describe('local backend: dry run', () => {
  it('prints the command and contract environment and runs nothing', async () => {
    await config(CHURN());
    const { result, text } = await run({ 'dry-run': 'true' });
    expect(result.ok).toBe(true);
    expect(result.outputs.status).toBe('DryRun');
    expect(text).toContain('"SM_MODEL_DIR"');
    expect(existsSync(join(ws.dir, '.modelship', 'training'))).toBe(false);
  });
});
