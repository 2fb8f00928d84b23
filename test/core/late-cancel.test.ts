// A signal that comes while a step is finishing (from a deploy-canary trial, where a late SIGTERM
// still ended in success): executeStep fails the step as cancelled, whatever step it is.
import { describe, expect, it } from '@jest/globals';
import { defineStep, executeStep, MemoryLogger, MemoryState, type AnyStep } from '@modelship/core';
import { tempDir } from '../lib/step.js';

function finishingStep(controller: AbortController, ok: boolean): AnyStep {
  return defineStep({
    name: 'late-cancel',
    title: 'late cancel',
    description: 'A step that is signalled as it finishes.',
    inputs: {},
    outputs: {},
    load: async () => ({
      run: async () => {
        controller.abort(new Error('cancelled by SIGTERM'));
        return { ok, headline: ok ? 'done' : 'no', outputs: {}, summary: '' };
      },
    }),
  }) as unknown as AnyStep;
}

async function run(ok: boolean) {
  const controller = new AbortController();
  const step = finishingStep(controller, ok);
  return executeStep(
    step,
    {},
    {
      steps: [step],
      log: new MemoryLogger(),
      cwd: tempDir(),
      env: {},
      signal: controller.signal,
      debug: false,
      state: new MemoryState(),
    },
  );
}

describe('a signal while a step finishes', () => {
  it('fails a step that would have passed, as cancelled, keeping what it said', async () => {
    const r = await run(true);
    expect(r.ok).toBe(false);
    expect(r.headline).toBe('cancelled by SIGTERM as the step finished: done');
  });

  it('leaves a failed step as it said', async () => {
    expect((await run(false)).headline).toBe('no');
  });
});
