import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The step whose code is running, as every host starts it through `executeStep` / `executePost`:
 * its name, the config values it runs with and its raw inputs. Read by what needs to know which
 * step made a call without threading it through every function (the AWS call log of
 * `@modelship/aws`, which records each call under its step for the least-privilege check).
 */
export interface RunningStep {
  /** The step's name (`train`, `deploy-canary`, …). */
  step: string;
  /** `modelship.yml` as loaded (the values the step's resources are named from). */
  config: Record<string, unknown>;
  /** The inputs as given (strings; '' or absent when not given). */
  inputs: Record<string, string | undefined>;
}

const current = new AsyncLocalStorage<RunningStep>();

/** The step running in this asynchronous context, or undefined outside every step. */
export function runningStep(): RunningStep | undefined {
  return current.getStore();
}

/**
 * Run `fn` as `running`: everything `fn` starts, awaited or not, sees it through
 * {@link runningStep}. Returns what `fn` returns; its errors pass through unchanged.
 */
export function inStep<T>(running: RunningStep, fn: () => Promise<T>): Promise<T> {
  return current.run(running, fn);
}

/**
 * Run `fn` outside every step: {@link runningStep} is undefined in it. For work done on a step's
 * behalf that is not the step's own (a test's stand-in for a call its emulator lacks).
 */
export function outsideSteps<T>(fn: () => T): T {
  return current.exit(fn);
}
