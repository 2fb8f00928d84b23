// The host runtime: what every host (GitHub Actions, the CLI, CodeBuild, tests) does around a step
// the same way — cancellation on SIGINT/SIGTERM, and turning an error into what a person reads
// (one line, its hint, the stack only under debug). Hosts are adapters that say where text goes.
import { existsSync } from 'node:fs';
import { cancellationLine, ConfigError, describeError } from './errors.js';

/** The runner's command files a GitHub Actions host writes to (outputs, state, summary, …). */
export const RUNNER_FILES = [
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_STEP_SUMMARY',
] as const;

/**
 * Check, before a step runs, that the runner's command files named in `env` exist: the runner
 * creates them, and writing an output to a missing one fails only after the step did its work.
 *
 * @throws ConfigError naming the variable and the file.
 */
export function checkRunnerFiles(env: Record<string, string | undefined>): void {
  for (const name of RUNNER_FILES) {
    const file = env[name];
    if (file && !existsSync(file))
      throw new ConfigError(`the file it names does not exist (${file})`, name, {
        hint: `the runner creates it; when running an action by hand, create the file (e.g. touch it) or unset ${name}`,
      });
  }
}

/** Where a host prints what the runtime tells the user. */
export interface HostOutput {
  /** The run failed: `line` is the one line to show, `hint` what to do next, `detail` the stack (debug). */
  fail(line: string, hint: string | undefined, detail: string | undefined): void;
  /** A signal arrived and the run is being cancelled. */
  cancelling(message: string): void;
}

export interface HostRunOptions {
  debug: boolean;
  /** Exit at once (code 130) on a second signal, as a terminal user expects (CLI). */
  forceOnSecondSignal?: boolean;
  /** The process to listen on (tests pass a stand-in). */
  process?: Pick<NodeJS.Process, 'on' | 'off' | 'exit'>;
}

/**
 * Run `body` with cancellation wired: the first SIGINT/SIGTERM aborts the signal handed to `body`
 * (steps stop what they started), and any error `body` throws is reported through `out` — a
 * cancellation as `cancelled by SIGTERM`, a ConfigError as its one line and hint, anything else as
 * `internal error: …` with the stack under debug. Resolves to `body`'s value, or undefined when it
 * failed (the host then exits 1).
 */
export async function runHosted<T>(
  out: HostOutput,
  opts: HostRunOptions,
  body: (signal: AbortSignal) => Promise<T>,
): Promise<T | undefined> {
  const proc = opts.process ?? process;
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1 && opts.forceOnSecondSignal) proc.exit(130);
    if (controller.signal.aborted) return;
    out.cancelling(`received ${sig}: cancelling${opts.forceOnSecondSignal ? ' (again to force)' : ''}`);
    controller.abort(new Error(`cancelled by ${sig}`));
  };
  proc.on('SIGINT', onSignal);
  proc.on('SIGTERM', onSignal);
  try {
    return await body(controller.signal);
  } catch (err) {
    const cancelled = cancellationLine(controller.signal);
    if (cancelled) {
      out.fail(cancelled, undefined, undefined);
    } else {
      const { line, hint, detail } = describeError(err, opts.debug);
      out.fail(line, hint, detail);
    }
    return undefined;
  } finally {
    proc.off('SIGINT', onSignal);
    proc.off('SIGTERM', onSignal);
  }
}
