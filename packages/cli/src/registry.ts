import type { AnyStep, LoadedConfig } from '@modelship/core';
import { validateDataStep } from '@modelship/data';

/** Every step modelship ships, in pipeline order. */
export const STEPS: readonly AnyStep[] = [validateDataStep as unknown as AnyStep];

export function findStep(name: string): AnyStep | undefined {
  return STEPS.find((s) => s.name === name);
}

/**
 * The main job (`modelship run`): which steps run, with which inputs, for a config. A step joins
 * the main job when the config has what it needs.
 */
export function mainJob(config: LoadedConfig): { step: AnyStep; inputs: Record<string, string> }[] {
  const jobs: { step: AnyStep; inputs: Record<string, string> }[] = [];
  const data = config.values.data;
  if (data?.path) {
    jobs.push({ step: findStep('validate-data')!, inputs: { data: config.resolvePath(data.path) } });
  }
  return jobs;
}
