import * as core from '@actions/core';
import { ConfigError } from '@modelship/core';
import { runAction, runPost } from '@modelship/github';
import { findStep, STEPS } from './registry.js';

/** The root action (`uses: owner/modelship@v1` with `step: <name>`): dispatch to one step. */
export async function rootAction(phase: 'main' | 'post'): Promise<void> {
  const name = core.getInput('step');
  const step = findStep(name);
  if (!step) {
    if (phase === 'post') return;
    const e = new ConfigError(`must be one of ${STEPS.map((s) => s.name).join(', ')}`, `input 'step'`);
    core.setFailed(e.line);
    return;
  }
  await (phase === 'main' ? runAction(step) : runPost(step));
}
