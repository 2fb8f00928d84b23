// The step catalogue: every step modelship ships, in pipeline order. The CLI, the GitHub host, the
// generator (action.yml, schemas, README tables) and the bundler read this list; adding a step is
// one line here. It imports only the steps' declarations, so loading it loads no step's code.
import type { AnyStep } from '@modelship/core';
import { validateDataStep } from '@modelship/data/definition';
import { trainStep } from '@modelship/train/definition';
import { gateStep } from '@modelship/gate/definition';
import { registerStep } from '@modelship/register/definition';
import { deployStep } from '@modelship/deploy/definition';
import { promoteStep } from '@modelship/promote/definition';

/** Every step, in pipeline order (the order `modelship run` runs them). */
export const STEPS: readonly AnyStep[] = [
  validateDataStep,
  trainStep,
  gateStep,
  registerStep,
  deployStep,
  promoteStep,
].map((s) => s as unknown as AnyStep);

/** The step of that name, or undefined. */
export function findStep(name: string): AnyStep | undefined {
  return STEPS.find((s) => s.name === name);
}
