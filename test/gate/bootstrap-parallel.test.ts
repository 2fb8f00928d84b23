/**
 * The paired bootstrap on worker threads, with the committed bundle's worker (as the actions and
 * the CLI run it): the same interval as one thread, bit for bit, whatever the number of workers;
 * stopped by a signal; and the bundled action answering the runner's SIGTERM mid-bootstrap.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { pairedBootstrap, type MetricName } from '@modelship/stats';
import { parallelBootstrap } from '../../packages/gate/src/bootstrap-parallel.js';
import { predictionRows, toCsv } from '../lib/gate.js';
import { tempDir } from '../lib/step.js';
import { runActionBundle } from '../support/action-runner.js';

const WORKER = join(process.cwd(), 'dist/workers/bootstrap-worker.js');

function columns(n: number) {
  const rows = predictionRows({ n, candidate: 0.25, champion: 0.15, seed: 9 });
  const label = Float64Array.from(rows, (r) => r.label);
  const a = Float64Array.from(rows, (r) => r.score);
  const b = Float64Array.from(rows, (r) => r.champion_score);
  return { label, a, b };
}

describe('parallelBootstrap', () => {
  const { label, a, b } = columns(3000);
  const opts = { resamples: 300, seed: 17 };

  it.each(['brier', 'log_loss', 'mae', 'rmse', 'r2', 'roc_auc', 'pr_auc', 'f1'] as MetricName[])(
    '%s: 2 and 3 workers give the one-thread interval bit for bit',
    async (metric) => {
      const reg = ['mae', 'rmse', 'r2'].includes(metric);
      const cand = reg ? { label, prediction: a } : { label, score: a };
      const champ = reg ? { label, prediction: b } : { label, score: b };
      const one = pairedBootstrap(metric, cand, champ, opts);
      for (const threads of [2, 3]) {
        const par = await parallelBootstrap(metric, cand, champ, opts, {
          script: WORKER,
          threads,
          minWork: 0,
        });
        expect(par).toEqual(one);
      }
    },
  );

  it('records the seed it drew when none was given, and that seed reproduces the interval', async () => {
    const cand = { label, score: a };
    const champ = { label, score: b };
    const par = await parallelBootstrap(
      'brier',
      cand,
      champ,
      { resamples: 200 },
      { script: WORKER, minWork: 0 },
    );
    expect(pairedBootstrap('brier', cand, champ, { resamples: 200, seed: par.seed })).toEqual(par);
  });

  it('is stopped by its signal: the promise rejects with the reason', async () => {
    const big = columns(200_000);
    const stop = new AbortController();
    const run = parallelBootstrap(
      'mae',
      { label: big.label, prediction: big.a },
      { label: big.label, prediction: big.b },
      { resamples: 200_000, seed: 1 }, // about a minute of work on two cores
      { script: WORKER, threads: 2, signal: stop.signal },
    );
    setTimeout(() => stop.abort(new Error('cancelled by test')), 300);
    await expect(run).rejects.toThrow('cancelled by test');
  });

  it('bad columns are refused before any worker starts', async () => {
    await expect(
      parallelBootstrap(
        'mae',
        { label, prediction: a },
        { label: label.map((v) => v + 1), prediction: b },
        opts,
        { script: WORKER, minWork: 0 },
      ),
    ).rejects.toThrow(RangeError);
  });
});

describe('evaluate-gate bundle, cancelled during a long bootstrap', () => {
  it("the runner's SIGTERM ends the step with one ::error:: line and exit 1", async () => {
    const cwd = tempDir('modelship-gate-cancel-');
    // 200,000 rows × 200,000 resamples of mae: minutes of work, so the signal comes mid-bootstrap.
    writeFileSync(
      join(cwd, 'modelship.yml'),
      'model: churn\ngate:\n  resamples: 200000\n  checks:\n    - { metric: brier, max-regression: 0.01 }\n',
    );
    writeFileSync(
      join(cwd, 'preds.csv'),
      toCsv(predictionRows({ n: 200_000, candidate: 0.2, champion: 0.2 })),
    );
    const run = await runActionBundle('actions/evaluate-gate', {
      cwd,
      inputs: { predictions: 'preds.csv' },
      signal: 'SIGTERM',
      signalAfterMs: 4000,
    });
    expect(run.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual([
      'cancelled by SIGTERM',
    ]);
    expect(run.code).toBe(1);
    expect(run.outputs.passed).toBeUndefined();
  }, 60_000);
});
