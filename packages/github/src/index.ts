// The GitHub Actions host: an adapter over core's host runtime. INPUT_* in; GITHUB_OUTPUT, the job
// summary, annotations and the failure line out.
import * as core from '@actions/core';
import {
  allInputs,
  checkRunnerFiles,
  ConfigError,
  executePost,
  executeStep,
  githubRunFromEnv,
  runHosted,
  type AnyStep,
  type Annotation,
  type HostBindings,
  type HostOutput,
  type Logger,
  type StepResult,
  type StepState,
} from '@modelship/core';
import { findStep, STEPS } from '@modelship/catalog';
import { fitSummary } from './summary.js';

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
    await core.summary.addRaw(fitSummary(result.summary), true).write();
  if (result.ok) core.info(result.headline);
  else core.setFailed(result.headline);
}

/** The main step fails with one `::error::` line; the hint (what to do next) follows as a notice. */
const mainOutput = (stepName: string): HostOutput => ({
  fail(line, hint, detail) {
    if (detail) core.debug(detail);
    core.setFailed(line);
    if (hint) core.notice(hint, { title: 'how to fix' });
    // The job summary says it too, so a failed step is never a blank page.
    if (process.env.GITHUB_STEP_SUMMARY) {
      const md = `### ❌ ${stepName} failed\n\n${line}\n${hint ? `\n**How to fix:** ${hint}\n` : ''}`;
      void core.summary
        .addRaw(md, true)
        .write()
        .catch(() => undefined);
    }
  },
  cancelling: (m) => core.warning(m),
});

/** A failing cleanup must be visible but must not hide the main step's outcome: a warning. */
const postOutput: HostOutput = {
  fail(line, hint, detail) {
    if (detail) core.debug(detail);
    core.warning(`cleanup: ${line}${hint ? ` (${hint})` : ''}`);
  },
  cancelling: (m) => core.warning(m),
};

function bindings(signal: AbortSignal): HostBindings {
  return {
    steps: STEPS,
    log: actionsLogger,
    cwd: process.cwd(),
    env: process.env,
    signal,
    debug: isDebug(),
    state: actionsState,
    github: githubRunFromEnv(process.env),
  };
}

/** Run a step as its action's main entry: INPUT_* in, GITHUB_OUTPUT / job summary / annotations out. */
export async function runAction(step: AnyStep): Promise<void> {
  await runHosted(mainOutput(step.name), { debug: isDebug() }, async (signal) => {
    checkRunnerFiles(process.env);
    await report(await executeStep(step, readInputs(step), bindings(signal)));
  });
}

/** The `post:` entry: runs the step's cleanup (e.g. stop a training job the main step started). */
export async function runPost(step: AnyStep): Promise<void> {
  if (!step.post) return;
  await runHosted(postOutput, { debug: isDebug() }, (signal) => {
    checkRunnerFiles(process.env);
    return executePost(step, readInputs(step), bindings(signal));
  });
}

/** The root action (`uses: owner/modelship@v1` with `step: <name>`): dispatch to one step. */
export async function runRootAction(phase: 'main' | 'post'): Promise<void> {
  const name = core.getInput('step');
  const step = findStep(name);
  if (!step) {
    if (phase === 'post') return;
    const names = STEPS.map((s) => s.name).join(', ');
    const e = new ConfigError(
      name ? `must be one of ${names}` : `is required (one of ${names})`,
      `input 'step'`,
    );
    mainOutput('modelship').fail(e.line, undefined, undefined);
    return;
  }
  await (phase === 'main' ? runAction(step) : runPost(step));
}

/** Run the catalogue's step of that name (a generated entry calls this). */
export async function runNamedAction(name: string, phase: 'main' | 'post'): Promise<void> {
  const step = findStep(name);
  if (!step) throw new Error(`no step named ${name} in the catalogue`);
  await (phase === 'main' ? runAction(step) : runPost(step));
}
