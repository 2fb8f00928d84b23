import { STEPS } from '@modelship/catalog';
import type { AnyStep, LoadedConfig } from '@modelship/core';

/**
 * The main job (`modelship run`): the catalogue's steps, in order, that the config sets up, each
 * with the inputs its `fromConfig` builds (a step without `fromConfig`, or whose hook returns
 * undefined, is left out).
 */
export function mainJob(
  config: LoadedConfig,
  cwd: string,
): { step: AnyStep; inputs: Record<string, string> }[] {
  const jobs: { step: AnyStep; inputs: Record<string, string> }[] = [];
  for (const step of STEPS) {
    const inputs = step.fromConfig?.(config, cwd);
    if (inputs) jobs.push({ step, inputs });
  }
  return jobs;
}
