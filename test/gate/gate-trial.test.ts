// evaluate-gate, from a user trial: champion columns beside `baseline: none` are warned about, not
// dropped in silence.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { findStep } from '@modelship/catalog';
import type { AnyStep } from '@modelship/core';
import { predictionRows, toCsv } from '../lib/gate.js';
import { runStep, tempDir } from '../lib/step.js';

const step = findStep('evaluate-gate') as AnyStep;

function workspace(rows: readonly object[]): string {
  const dir = tempDir('modelship-gate-trial-');
  writeFileSync(
    join(dir, 'modelship.yml'),
    'model: churn\ngate:\n  resamples: 200\n  checks:\n    - { metric: roc_auc, min: 0.6 }\n',
  );
  writeFileSync(join(dir, 'preds.csv'), toCsv(rows));
  return dir;
}

describe('evaluate-gate: from a trial', () => {
  it('warns that the champion columns are ignored with baseline none, and why', async () => {
    const rows = predictionRows({ n: 300, candidate: 0.3, champion: 0.1 });
    const run = await runStep(step, { predictions: 'preds.csv', baseline: 'none' }, { cwd: workspace(rows) });
    expect(run.result.ok).toBe(true);
    expect(run.log.lines.filter((l) => l.includes('champion_score'))).toEqual([
      "warning: preds.csv has the champion's champion_score column, but baseline is none: it is ignored, and no check compares the candidate with the champion (baseline registry, the default, uses them)",
    ]);
    // Both champion columns: both named.
    const both = rows.map((r) => ({ ...r, champion_prediction: r.champion_score >= 0.5 ? 1 : 0 }));
    const two = await runStep(step, { predictions: 'preds.csv', baseline: 'none' }, { cwd: workspace(both) });
    expect(two.text).toContain(
      "preds.csv has the champion's champion_score and champion_prediction columns, but baseline is none: they are ignored",
    );
    // Without champion columns there is nothing to warn about.
    const plain = rows.map(({ champion_score: _c, ...r }) => r);
    const none = await runStep(
      step,
      { predictions: 'preds.csv', baseline: 'none' },
      { cwd: workspace(plain) },
    );
    expect(none.text).not.toContain('ignored');
  });
});
