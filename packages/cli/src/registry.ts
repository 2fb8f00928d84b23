import { relative } from 'node:path';
import type { AnyStep, LoadedConfig } from '@modelship/core';
import { validateDataStep } from '@modelship/data';
import { trainStep } from '@modelship/train';

/** Every step modelship ships, in pipeline order. */
export const STEPS: readonly AnyStep[] = [
  validateDataStep as unknown as AnyStep,
  trainStep as unknown as AnyStep,
];

export function findStep(name: string): AnyStep | undefined {
  return STEPS.find((s) => s.name === name);
}

/**
 * The main job (`modelship run`): which steps run, with which inputs, for a config. A step joins
 * the main job when the config has what it needs.
 */
export function mainJob(
  config: LoadedConfig,
  cwd: string,
): { step: AnyStep; inputs: Record<string, string> }[] {
  const jobs: { step: AnyStep; inputs: Record<string, string> }[] = [];
  const data = config.values.data;
  if (data?.path) {
    jobs.push({
      step: findStep('validate-data')!,
      inputs: { data: workspacePath(config.resolvePath(data.path), cwd) },
    });
  }
  if (config.values.train) jobs.push({ step: findStep('train')!, inputs: {} });
  return jobs;
}

function workspacePath(p: string, cwd: string): string {
  if (p.startsWith('s3://')) return p;
  const rel = relative(cwd, p);
  return rel.startsWith('..') ? p : rel;
}
