/**
 * The scikit-learn example script. It always has to compile; it is trained end to end on the
 * local backend when Python has scikit-learn and pandas (the test says so when they are missing).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainStep } from '../src/definition.js';
import { runStep } from './helpers.js';
import { paths } from '../../../test/support/tools.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SCRIPT = join(REPO, 'examples', 'churn', 'train_sklearn.py');
// The test venv (test/requirements.txt) carries scikit-learn and pandas; its python3 comes first.
const PATH = `${dirname(paths.python)}:${process.env.PATH ?? ''}`;

describe('examples/churn/train_sklearn.py', () => {
  it('is valid Python', () => {
    const res = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', SCRIPT], {
      encoding: 'utf8',
    });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  it('takes the arguments script mode passes (one dash for one letter) over SM_HPS', () => {
    const res = spawnSync(
      'python3',
      [
        '-c',
        'import sys, train_sklearn as t; a = t.parse_args(sys.argv[1:]); print(a.c, a.max_iter)',
        '-c',
        '0.25',
        '--max_iter',
        '7',
      ],
      {
        cwd: dirname(SCRIPT),
        env: {
          PATH,
          SM_HPS: '{"c": 2, "max_iter": 300}',
          SM_CHANNEL_TRAIN: '/data',
          PYTHONDONTWRITEBYTECODE: '1',
        },
        encoding: 'utf8',
      },
    );
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe('0.25 7');
  });

  describe('with scikit-learn', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'modelship-sklearn-'));
      execFileSync(process.execPath, [
        join(REPO, 'examples', 'churn', 'generate.mjs'),
        '--out',
        join(dir, 'data'),
        '--rows',
        '2000',
      ]);
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('trains on the local backend in script mode, unchanged', async () => {
      const probe = spawnSync('python3', ['-c', 'import sklearn, pandas, joblib'], {
        env: { PATH },
        encoding: 'utf8',
      });
      if (probe.status !== 0) {
        throw new Error(
          `scikit-learn/pandas missing from the test venv (run npx tsx test/support/tools.ts): ${probe.stderr}`,
        );
      }
      await writeFile(
        join(dir, 'modelship.yml'),
        `model: churn
backend: local
train:
  source: ${join(REPO, 'examples', 'churn')}
  program: train_sklearn.py
  channels: { train: data/train.csv, validation: data/validation.csv }
  hyperparameters: { c: 0.5, max_iter: 200 }
  metrics: [{ name: auc, regex: "validation:auc=([0-9.]+)" }]
`,
      );
      const { result, text, manifest } = await runStep(trainStep, {}, { cwd: dir, env: { PATH } });
      expect(text).toContain('c=0.5 max_iter=200');
      expect(manifest().training?.command).toEqual(['python3', SCRIPT, '-c', '0.5', '--max_iter', '200']);
      expect(result.ok).toBe(true);
      expect(JSON.parse(result.outputs.metrics!).auc).toBeGreaterThan(0.7);
      expect(result.outputs['model-sha256']).toMatch(/^[a-f0-9]{64}$/);
    });
  });
});
