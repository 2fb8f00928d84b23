/**
 * promote-on-metrics settings that are meaningless are refused with one line naming the field:
 * an error rate's allowed rise above 100 percentage points or its limit above 100%, a negative
 * limit, an empty CloudWatch dimension, a shadow label difference above 100%; fractional steps
 * are taken as they are (SageMaker's weights are floats).
 */
import { describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolvePlan } from '@modelship/promote';
import { findStep } from '@modelship/catalog';
import { configErrorLine, errorLine, makeContext, runStep, tempDir } from '../lib/step.js';

async function plan(promote: string, steps?: string) {
  const dir = tempDir('modelship-promote-settings-');
  writeFileSync(join(dir, 'modelship.yml'), `model: churn\nbackend: sagemaker\npromote:\n${promote}`);
  const { ctx } = await makeContext(dir, { backend: 'sagemaker' });
  return () => resolvePlan({ 'dry-run': false, ...(steps ? { steps } : {}) }, ctx);
}

describe('promote-on-metrics settings', () => {
  it('refuses an error rate allowed to rise more than 100 percentage points', async () => {
    expect(
      await errorLine(await plan('  metrics:\n    - { name: Invocation5XXErrors, max-increase: 150% }\n')),
    ).toBe(
      "modelship.yml: promote.metrics[0].max-increase: (150%) is more than 100 percentage points: an error-rate's max-increase is absolute (0.5% is half a percentage point), so no error rate could exceed it",
    );
    // A latency's is relative: 150% slower allowed is legal.
    const p = (await plan('  metrics:\n    - { name: ModelLatency, max-increase: 150% }\n'))();
    expect(p.settings.metrics[0]).toMatchObject({ kind: 'latency', maxIncrease: 1.5 });
  });

  it('refuses a negative max, an error-rate max above 100% and an empty dimension', async () => {
    expect(await errorLine(await plan('  metrics:\n    - { name: ModelLatency, max: -5 }\n'))).toBe(
      "modelship.yml: promote.metrics[0].max: (-5) is below 0: a limit on the challenger's value cannot be negative",
    );
    expect(await errorLine(await plan('  metrics:\n    - { name: Invocation4XXErrors, max: 2 }\n'))).toBe(
      'modelship.yml: promote.metrics[0].max: (2) is more than 100%: an error rate is at most 1',
    );
    expect(
      await errorLine(
        await plan('  metrics:\n    - { name: Conversions, namespace: Churn, dimensions: { Region: "" } }\n'),
      ),
    ).toBe(
      'modelship.yml: promote.metrics[0].dimensions: Region has an empty value: CloudWatch dimensions need both',
    );
  });

  it('refuses a shadow label difference above 100%', async () => {
    expect(await errorLine(await plan('  shadow: { max-label-difference: 120% }\n'))).toBe(
      'modelship.yml: promote.shadow.max-label-difference: (120%) is more than 100%: it is the share of answers that may differ',
    );
  });

  it('takes fractional steps as they are, and drops a final 100 (the promotion itself)', async () => {
    expect((await plan('  steps: [2.5, 25]\n', '10.5,50,100'))().steps).toEqual([10.5, 50]);
    expect((await plan('  steps: [2.5, 25]\n'))().steps).toEqual([2.5, 25]);
    expect((await plan('  steps: [2.5]\n', '100'))().steps).toEqual([]);
  });

  it('bounds the inputs as the config: bake-minutes above 0, at most 20 steps', async () => {
    const dir = tempDir('modelship-promote-inputs-');
    writeFileSync(join(dir, 'modelship.yml'), 'model: churn\n');
    for (const [inputs, line] of [
      [{ 'bake-minutes': '0' }, "input 'bake-minutes': must be a number above 0, got 0"],
      [{ 'bake-minutes': '-1' }, "input 'bake-minutes': must be a number above 0, got -1"],
      [
        { steps: Array.from({ length: 21 }, (_, i) => i + 1).join(',') },
        "input 'steps': has 21 steps; at most 20 (as promote.steps)",
      ],
    ] as const) {
      expect(await configErrorLine(runStep(findStep('promote-on-metrics')!, inputs, { cwd: dir }))).toBe(
        line,
      );
    }
    // The config refuses the same bake.
    writeFileSync(join(dir, 'modelship.yml'), 'model: churn\npromote:\n  bake-minutes: 0\n');
    expect(await configErrorLine(runStep(findStep('promote-on-metrics')!, {}, { cwd: dir }))).toMatch(
      /promote\.bake-minutes: must be > 0/,
    );
  });
});
