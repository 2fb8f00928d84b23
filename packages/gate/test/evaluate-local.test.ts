/**
 * Evaluation runs on the local backend, end to end with real scripts: the Processing tree, the
 * environment, predictions collected, a failing script, a script that writes nothing, cancel.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readFile, readlink, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { alive, packDir } from '@modelship/local';
import { evaluateDefaults } from '../src/evaluate-config.js';
import { planEvaluation, runEvaluation, type EvaluationOptions } from '../src/evaluate.js';
import {
  configErrorLine,
  GITHUB_ENV,
  makeContext,
  modelArchive,
  SCORE_SCRIPT,
  TEST_CSV,
  workspace,
  type Workspace,
} from './helpers.js';

let ws: Workspace;
let model: string;
beforeEach(async () => {
  ws = await workspace({ 'score.mjs': SCORE_SCRIPT, 'data/test.csv': TEST_CSV });
  model = await modelArchive(ws.dir, 'train/model.tar.gz', {
    'model.json': JSON.stringify({ weight: 1 }),
    'extra/notes.txt': 'kept',
  });
});
afterEach(() => ws.cleanup());

async function options(
  overrides: Partial<EvaluationOptions> = {},
  env: Record<string, string> = {},
): Promise<EvaluationOptions> {
  const { ctx } = await makeContext(ws.dir, { env: { PATH: process.env.PATH, ...env }, backend: 'local' });
  return {
    ctx,
    role: 'candidate',
    model: pathToFileURL(model).href,
    evaluate: { entrypoint: ['node', 'score.mjs'], test: 'data/test.csv' },
    defaults: {},
    deps: { killGraceMs: 500 },
    ...overrides,
  };
}

describe('evaluation on the local backend', () => {
  it('runs the script under the Processing layout and collects its predictions', async () => {
    const opts = await options();
    const r = await runEvaluation(opts);
    const log = (opts.ctx.log as unknown as { lines: string[] }).lines.join('\n');
    expect(r).toMatchObject({
      role: 'candidate',
      backend: 'local',
      status: 'Completed',
      format: 'csv',
      reused: false,
    });
    expect(r.jobName).toMatch(/^model-eval-candidate-dev-\d{8}t\d{6}-[0-9a-f]{8}$/);
    expect(r.columns).toEqual(['id', 'label', 'score', 'prediction']);
    expect(r.predictions).toBe(join(r.jobDir!, 'processing', 'output', 'predictions.csv'));
    expect(await readFile(r.predictions, 'utf8')).toBe(
      'id,label,score,prediction\n1,0,0.100,0\n2,1,0.900,1\n3,0,0.400,0\n4,1,0.700,1\n5,0,0.200,0\n',
    );
    expect(r.predictionsUri).toBe(pathToFileURL(r.predictions).href);
    expect(r.predictionsSha256).toMatch(/^[0-9a-f]{64}$/);
    // the model extracted into model/, the test data linked into input/test/
    expect(log).toContain('model files: extra,model.json');
    expect(await readFile(join(r.jobDir!, 'processing', 'model', 'extra', 'notes.txt'), 'utf8')).toBe('kept');
    const linked = join(r.jobDir!, 'processing', 'input', 'test', 'test.csv');
    expect((await lstat(linked)).isSymbolicLink()).toBe(true);
    expect(await readlink(linked)).toBe(join(ws.dir, 'data', 'test.csv'));
    // stdout and stderr streamed to the log, and kept in the job's log file
    expect(log).toContain(`evaluating candidate as ${r.jobName}`);
    expect(log).toContain('scored 5 rows');
    expect(await readFile(join(r.jobDir!, 'evaluation.log'), 'utf8')).toContain('scored 5 rows');
    const record = JSON.parse(await readFile(join(r.jobDir!, 'job.json'), 'utf8'));
    expect(record).toMatchObject({ status: 'Completed', command: ['node', 'score.mjs'], cwd: ws.dir });
    expect(record.pid).toBeUndefined();
  });

  it('the candidate and the champion get their own jobs; a re-run of the same CI attempt reuses its result', async () => {
    const champion = await modelArchive(ws.dir, 'champion/model.tar.gz', { 'model.json': '{"weight": 0.5}' });
    const cand = await runEvaluation(await options({}, GITHUB_ENV));
    const champ = await runEvaluation(await options({ role: 'champion', model: champion }, GITHUB_ENV));
    expect(cand.jobName).toMatch(/^model-eval-candidate-1a2b3c4-9876543210-1-[0-9a-f]{8}$/);
    expect(champ.jobName).toMatch(/^model-eval-champion-1a2b3c4-9876543210-1-[0-9a-f]{8}$/);
    expect(await readFile(champ.predictions, 'utf8')).toContain('\n2,1,0.450,0\n');
    const again = await runEvaluation(await options({}, GITHUB_ENV));
    expect(again).toMatchObject({
      jobName: cand.jobName,
      reused: true,
      predictionsSha256: cand.predictionsSha256,
    });
  });

  it('a script that exits non-zero is a one-line error with the exit code and its last lines', async () => {
    await writeFile(
      join(ws.dir, 'bad.mjs'),
      "console.log('loading'); console.error('Traceback (most recent call last):'); console.error('ValueError: no label column'); process.exit(3);",
    );
    const opts = await options({ evaluate: { entrypoint: ['node', 'bad.mjs'], test: 'data/test.csv' } });
    const plan = await planEvaluation(opts);
    const line = await configErrorLine(runEvaluation(opts));
    expect(line).toBe(
      `evaluation of the candidate (local job ${join(plan.root, plan.jobName)}): node bad.mjs exited with code 3 ` +
        '(last lines: loading | Traceback (most recent call last): | ValueError: no label column)',
    );
    expect(line).not.toContain('\n');
    const record = JSON.parse(await readFile(join(plan.root, plan.jobName, 'job.json'), 'utf8'));
    expect(record.status).toBe('Failed');
  });

  it('a script that writes no predictions is an error naming the job and what to write', async () => {
    await writeFile(join(ws.dir, 'quiet.mjs'), "console.log('done, I think');");
    const opts = await options({ evaluate: { entrypoint: ['node', 'quiet.mjs'], test: 'data/test.csv' } });
    const plan = await planEvaluation(opts);
    const dir = join(plan.root, plan.jobName);
    expect(await configErrorLine(runEvaluation(opts))).toBe(
      `evaluation of the candidate (local job ${dir}): no predictions: the script must write predictions.csv or ` +
        `predictions.jsonl (columns label and score or prediction; optional id and slice columns) into ${join(dir, 'processing', 'output')}`,
    );
  });

  it('predictions without a label column, or without scores, are an error naming the columns', async () => {
    await writeFile(
      join(ws.dir, 'nolabel.mjs'),
      "import { writeFileSync } from 'node:fs'; writeFileSync(process.env.MODELSHIP_OUTPUT_DIR + '/predictions.jsonl', JSON.stringify({ id: 1, y: 0 }) + '\\n');",
    );
    const opts = await options({ evaluate: { entrypoint: ['node', 'nolabel.mjs'], test: 'data/test.csv' } });
    expect(await configErrorLine(runEvaluation(opts))).toMatch(
      /: predictions\.jsonl has no label and no score or prediction column \(it has id, y\)$/,
    );
  });

  it('a command that does not exist is a config error', async () => {
    const opts = await options({
      evaluate: { entrypoint: ['no-such-evaluator-cmd'], test: 'data/test.csv' },
    });
    expect(await configErrorLine(runEvaluation(opts))).toBe(
      'modelship.yml: evaluate.entrypoint: command not found: no-such-evaluator-cmd',
    );
  });

  it('cancel kills the whole process tree', async () => {
    await writeFile(
      join(ws.dir, 'hang.mjs'),
      `import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const child = spawn('sleep', ['60'], { stdio: 'ignore' });
writeFileSync('pids.txt', process.pid + ' ' + child.pid);
console.log('started');
setInterval(() => {}, 1000);`,
    );
    const controller = new AbortController();
    const opts = await options({ evaluate: { entrypoint: ['node', 'hang.mjs'], test: 'data/test.csv' } });
    opts.ctx = { ...opts.ctx, signal: controller.signal };
    const running = runEvaluation(opts);
    const pids = await waitFor(async () =>
      (await readFile(join(ws.dir, 'pids.txt'), 'utf8').catch(() => '')).trim(),
    );
    const [script, child] = pids.split(' ').map(Number);
    expect(alive(script) && alive(child)).toBe(true);
    controller.abort();
    expect(await configErrorLine(running)).toMatch(/: cancelled: the evaluation script was stopped$/);
    await waitFor(async () => !alive(script) && !alive(child));
  });

  it('planning: test data from the options, the block, or the validation channel train recorded', async () => {
    expect(
      evaluateDefaults(
        { output: 's3://b/p/', tags: { owner: 'x' } },
        { channels: { validation: '/d/v.csv' } },
      ),
    ).toEqual({
      test: '/d/v.csv',
      output: 's3://b/p/',
      tags: { owner: 'x' },
    });
    const base = await options({
      evaluate: { entrypoint: ['node', 'score.mjs'] },
      defaults: { test: '/data/validation' },
    });
    expect((await planEvaluation(base)).test).toBe('/data/validation');
    expect((await planEvaluation({ ...base, test: 'data/test.csv' })).test).toBe(
      join(ws.dir, 'data/test.csv'),
    );
    expect(await configErrorLine(planEvaluation({ ...base, defaults: {} }))).toBe(
      'modelship.yml: evaluate.test: no test data: set evaluate.test, or give train a validation channel (train.channels.validation)',
    );
    expect(await configErrorLine(planEvaluation({ ...base, model: 'missing/model.tar.gz' }))).toBe(
      `${resolve(ws.dir, 'missing/model.tar.gz')}: candidate model artefact not found`,
    );
    expect(await configErrorLine(planEvaluation({ ...base, evaluate: {}, defaults: { test: '/t' } }))).toBe(
      'modelship.yml: evaluate.entrypoint: is required for the local backend (e.g. ["node", "evaluate.mjs"])',
    );
  });
});

describe('examples/churn/evaluate.mjs', () => {
  it('scores the test data with the model train.mjs wrote', async () => {
    const root = process.cwd();
    const data = join(ws.dir, 'churn');
    execFileSync(process.execPath, [
      join(root, 'examples/churn/generate.mjs'),
      '--out',
      data,
      '--rows',
      '600',
    ]);
    await mkdir(join(data, 'train'));
    await rename(join(data, 'train.csv'), join(data, 'train', 'train.csv'));
    const modelDir = join(ws.dir, 'trained');
    execFileSync(process.execPath, [join(root, 'examples/churn/train.mjs'), '--max_iter', '50'], {
      env: { ...process.env, SM_MODEL_DIR: modelDir, SM_CHANNEL_TRAIN: join(data, 'train') },
      stdio: 'ignore',
    });
    const archive = join(ws.dir, 'model.tar.gz');
    await packDir(modelDir, archive);
    const opts = await options({
      model: archive,
      evaluate: {
        entrypoint: ['node', join(root, 'examples/churn/evaluate.mjs')],
        test: 'churn/validation.csv',
      },
    });
    const r = await runEvaluation(opts);
    expect(r.columns).toEqual(['id', 'label', 'score', 'prediction', 'contract']);
    const lines = (await readFile(r.predictions, 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThan(100);
    for (const l of lines.slice(1)) expect(l).toMatch(/^\w[^,]*,[01],(0\.\d{6}|1\.000000),[01],[a-z-]+$/);
    expect(lines.filter((l) => l.split(',')[1] === l.split(',')[3]).length / lines.length).toBeGreaterThan(
      0.6,
    );
  });
});

async function waitFor<T>(fn: () => Promise<T>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
