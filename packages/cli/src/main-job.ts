import { STEPS } from '@modelship/catalog';
import type { AnyStep, LoadedConfig, StepResult } from '@modelship/core';

/** One step of the main job and the inputs its config gives it. */
export interface PlannedStep {
  step: AnyStep;
  inputs: Record<string, string>;
}

/**
 * What a step needs an earlier step of the same run for: deploy-canary deploys the package
 * register registered, promote-on-metrics judges the canary deploy-canary started.
 */
const NEEDS: Record<string, { step: string; why: string }> = {
  'deploy-canary': { step: 'register', why: 'it deploys the package register registers' },
  'promote-on-metrics': { step: 'deploy-canary', why: 'it judges the canary deploy-canary starts' },
};

/**
 * The main job (`modelship run`): the catalogue's steps, in order, that the config sets up, each
 * with the inputs its `fromConfig` builds (a step without `fromConfig`, or whose hook returns
 * undefined, is left out). A step whose prerequisite is left out is left out too, with a note.
 *
 * @returns the steps to run and one note per step left out for want of its prerequisite.
 */
export function mainJob(config: LoadedConfig, cwd: string): { jobs: PlannedStep[]; notes: string[] } {
  const jobs: PlannedStep[] = [];
  const notes: string[] = [];
  for (const step of STEPS) {
    const inputs = step.fromConfig?.(config, cwd);
    if (!inputs) continue;
    const need = NEEDS[step.name];
    if (need && !jobs.some((j) => j.step.name === need.step)) {
      notes.push(`${step.name} is left out: ${need.why}, which this config does not run`);
      continue;
    }
    jobs.push({ step, inputs });
  }
  return { jobs, notes };
}

/** How the main job goes on after a step that passed. */
export type NextMove = { go: 'on' } | { go: 'stop'; ok: boolean; message: string };

/** Quote a word for a POSIX shell when it needs it. */
export function shellWord(v: string): string {
  return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/**
 * After `step` passed with `result`: go on, or stop.
 * - register's package is Rejected: stop, failed (a rejected package is never deployed).
 * - register's package awaits approval: stop at the approval gate, passed, naming the commands
 *   that carry on (with the run's `--config` and `--manifest`).
 * - deploy-canary made a first deploy (no champion variant): stop, passed (nothing to judge).
 *
 * @param rest the steps planned after `step`.
 * @param flags the run's own `--config` / `--manifest`, repeated in the commands it names.
 */
export function nextMove(
  step: AnyStep,
  result: StepResult,
  rest: PlannedStep[],
  flags: { config?: string; manifest?: string },
): NextMove {
  if (rest.length === 0) return { go: 'on' };
  const later = rest.map((j) => j.step.name).join(', ');
  const carry = [
    ...(flags.config ? ['--config', shellWord(flags.config)] : []),
    ...(flags.manifest ? ['--manifest', shellWord(flags.manifest)] : []),
  ].join(' ');
  const command = (name: string, extra = ''): string =>
    ['modelship', name, extra, carry].filter(Boolean).join(' ');
  if (step.name === 'register') {
    const status = result.outputs['approval-status'];
    const arn = result.outputs['model-package-arn'] ?? '';
    if (status === 'Rejected')
      return {
        go: 'stop',
        ok: false,
        message: `${arn} is Rejected: ${later} will not run on it. Train a new candidate (a change of data, code or hyperparameters) and run again`,
      };
    if (status && status !== 'Approved')
      return {
        go: 'stop',
        ok: true,
        message: `stops at the approval gate: ${arn} is ${status}. Approve it (${command('register', '--operation approve')}), then run ${rest.map((j) => command(j.step.name)).join(', then ')}`,
      };
  }
  if (step.name === 'deploy-canary' && !result.outputs['champion-variant'])
    return {
      go: 'stop',
      ok: true,
      message: `a first deploy: ${result.outputs['challenger-variant'] ?? 'the package'} serves alone, there is no champion to judge it against; ${later} is left out`,
    };
  return { go: 'on' };
}
