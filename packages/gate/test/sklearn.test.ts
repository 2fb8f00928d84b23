/**
 * The scikit-learn evaluation script: it always has to compile; end to end, train_sklearn.py
 * trains on the local backend (the train step), then evaluate_sklearn.py scores train's validation
 * channel (the default test data, read from the manifest) with the model.tar.gz train recorded,
 * in script mode as the processing container would run it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainStep } from '@modelship/train/definition';
import { runEvaluation } from '../src/evaluate.js';
import { runStep } from '../../../test/lib/step.js';
import { paths } from '../../../test/support/tools.js';
import { makeContext } from './helpers.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const EXAMPLE = join(REPO, 'examples', 'churn');
const SCRIPT = join(EXAMPLE, 'evaluate_sklearn.py');
// The test venv (test/requirements.txt) carries scikit-learn and pandas; its python3 comes first.
const PATH = `${dirname(paths.python)}:${process.env.PATH ?? ''}`;

describe('examples/churn/evaluate_sklearn.py', () => {
  it('is valid Python', () => {
    const res = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', SCRIPT], {
      encoding: 'utf8',
    });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  describe('with scikit-learn', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'modelship-sklearn-eval-'));
      execFileSync(process.execPath, [
        join(EXAMPLE, 'generate.mjs'),
        '--out',
        join(dir, 'data'),
        '--rows',
        '2000',
      ]);
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it("scores train's validation channel with the model train_sklearn.py made, unchanged", async () => {
      const probe = spawnSync('python3', ['-c', 'import sklearn, pandas, joblib'], {
        env: { PATH },
        encoding: 'utf8',
      });
      if (probe.status !== 0)
        throw new Error(
          `scikit-learn/pandas missing from the test venv (run npx tsx test/support/tools.ts): ${probe.stderr}`,
        );
      await writeFile(
        join(dir, 'modelship.yml'),
        `model: churn
backend: local
train:
  source: ${EXAMPLE}
  program: train_sklearn.py
  channels: { train: data/train.csv, validation: data/validation.csv }
  hyperparameters: { c: 0.5, max_iter: 200 }
`,
      );
      const trained = await runStep(trainStep, {}, { cwd: dir, env: { PATH } });
      expect(trained.result.ok).toBe(true);
      const artefact = trained.result.outputs['model-artifact']!;

      const { ctx, log } = await makeContext(dir, { env: { PATH, PYTHONDONTWRITEBYTECODE: '1' } });
      const r = await runEvaluation({
        ctx,
        role: 'candidate',
        model: artefact,
        evaluate: { source: EXAMPLE, program: 'evaluate_sklearn.py' },
      });
      expect(r.test).toBe(join(dir, 'data', 'validation.csv'));
      expect(r.columns).toEqual(['id', 'label', 'score', 'prediction', 'contract']);
      const rows = (await readFile(r.predictions, 'utf8')).trim().split('\n').slice(1);
      const validation = (await readFile(join(dir, 'data', 'validation.csv'), 'utf8')).trim().split('\n');
      expect(rows).toHaveLength(validation.length - 1);
      const correct = rows.filter((l) => {
        const [, label, , prediction] = l.split(',');
        return label === prediction;
      });
      expect(correct.length / rows.length).toBeGreaterThan(0.6);
      expect(log.lines.join('\n')).toContain(`scored ${rows.length} rows`);
      expect(JSON.parse(await readFile(join(r.jobDir!, 'job.json'), 'utf8')).command).toEqual([
        'python3',
        SCRIPT,
      ]);
    });
  });
});
