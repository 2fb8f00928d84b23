import * as core from '@actions/core';
import {
  allInputs,
  cancellationLine,
  describeError,
  executeStep,
  prepareStep,
  type AnyStep,
  type Annotation,
  type HostBindings,
  type Logger,
  type StepResult,
  type StepState,
} from '@modelship/core';

/** Logger over @actions/core: groups fold in the log, warnings become annotations. */
const actionsLogger: Logger = {
  info: (m) => core.info(m),
  warn: (m) => core.warning(m),
  error: (m) => core.error(m),
  debug: (m) => core.debug(m),
  group: (title, fn) => core.group(title, fn),
};

const actionsState: StepState = {
  save: (k, v) => core.saveState(k, v),
  get: (k) => core.getState(k) || undefined,
};

function isDebug(): boolean {
  return core.isDebug() || process.env.RUNNER_DEBUG === '1';
}

function readInputs(step: AnyStep): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(allInputs(step))) raw[name] = core.getInput(name);
  return raw;
}

/** Abort on the runner's cancel signals (SIGINT, then SIGTERM) so steps can clean up. */
function cancellation(): AbortController {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) return;
    core.warning(`received ${sig}: cancelling`);
    controller.abort(new Error(`cancelled by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller;
}

function annotate(a: Annotation): void {
  const props: core.AnnotationProperties = { title: a.title, file: a.file, startLine: a.line };
  if (a.level === 'error') core.error(a.message, props);
  else if (a.level === 'warning') core.warning(a.message, props);
  else core.notice(a.message, props);
}

async function report(result: StepResult): Promise<void> {
  for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value);
  for (const a of result.annotations ?? []) annotate(a);
  if (result.summary && process.env.GITHUB_STEP_SUMMARY)
    await core.summary.addRaw(result.summary, true).write();
  if (result.ok) core.info(result.headline);
  else core.setFailed(result.headline);
}

function fail(err: unknown, signal: AbortSignal): void {
  const cancelled = cancellationLine(signal);
  if (cancelled) {
    core.setFailed(cancelled);
    return;
  }
  const debug = isDebug();
  const { line, detail } = describeError(err, debug);
  if (detail) core.debug(detail);
  core.setFailed(line);
}

function bindings(controller: AbortController): HostBindings {
  return {
    host: 'github',
    log: actionsLogger,
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
    debug: isDebug(),
    state: actionsState,
  };
}

/** The GitHub Actions host: INPUT_* in, GITHUB_OUTPUT / job summary / annotations out. */
export async function runAction(step: AnyStep): Promise<void> {
  const controller = cancellation();
  try {
    await report(await executeStep(step, readInputs(step), bindings(controller)));
  } catch (err) {
    fail(err, controller.signal);
  }
}

/** The `post:` entry: runs the step's cleanup (e.g. stop a training job the main step started). */
export async function runPost(step: AnyStep): Promise<void> {
  if (!step.post) return;
  const controller = cancellation();
  try {
    const { ctx } = await prepareStep(step, readInputs(step), bindings(controller));
    await step.post(ctx);
  } catch (err) {
    // A failing cleanup must be visible but must not hide the main step's outcome.
    core.warning(`cleanup: ${describeError(err, isDebug()).line}`);
  }
}
