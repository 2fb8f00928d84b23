import { LOCAL_TRAINING_DIR } from '@modelship/local';
import { resolve } from 'node:path';
import { sleep as realSleep, type Sleep } from '@modelship/aws';
import type { StepContext, StepDefinition, StepImpl, StepResult } from '@modelship/core';
import { trainStep, type TrainInputs, type TrainOutput } from './definition.js';
import type { JobRef, TrainingBackend, TrainingOutcome } from './backend.js';
import { LocalBackend } from './local.js';
import { resolvePlan, type BackendKind, type TrainPlan } from './plan.js';
import { recordTraining } from './record.js';
import type { AwsClients } from './sagemaker.js';
import { costView, outputs, verdict } from './report.js';
import { renderSummary } from './summary.js';

/** Seams for tests: time and the kill grace period. */
export interface TrainDeps {
  sleep?: Sleep;
  killGraceMs?: number;
}

/** Keys of the state shared with the `post` cleanup. */
export const STATE = {
  job: 'job-name',
  backend: 'job-backend',
  region: 'job-region',
  root: 'job-root',
  /** Local backend: the process group of the training process, saved the moment it starts. */
  pid: 'job-pid',
  settled: 'job-settled',
} as const;

/** Where local jobs live: `.modelship/training/<job>/` under the working directory. */
export function localRoot(cwd: string): string {
  return resolve(cwd, LOCAL_TRAINING_DIR);
}

async function makeBackend(
  kind: BackendKind,
  ctx: StepContext,
  region: string,
  root: string,
  deps: TrainDeps,
): Promise<TrainingBackend> {
  // The SageMaker backend and the AWS SDK clients load only when used: a local run that reads
  // no s3:// channel never loads them.
  let clients: Promise<AwsClients> | undefined;
  const aws = () =>
    (clients ??= import('./sagemaker.js').then(({ createClients }) => createClients(region, ctx.env)));
  const claim = (jobName: string, pid?: number) => {
    ctx.state.save(STATE.job, jobName);
    ctx.state.save(STATE.backend, kind);
    ctx.state.save(STATE.region, region);
    ctx.state.save(STATE.root, root);
    if (pid) ctx.state.save(STATE.pid, String(pid));
  };
  const now = () => ctx.now().getTime();
  if (kind === 'local') {
    return new LocalBackend({
      root,
      log: ctx.log,
      env: ctx.env,
      now,
      s3: async () => (await aws()).s3,
      signal: ctx.signal,
      onSpawn: claim,
      killGraceMs: deps.killGraceMs,
    });
  }
  const { SageMakerBackend } = await import('./sagemaker.js');
  return new SageMakerBackend({
    clients: await aws(),
    log: ctx.log,
    sleep: deps.sleep ?? realSleep,
    now,
    signal: ctx.signal,
    beforeCreate: claim,
  });
}

async function dryRun(
  plan: TrainPlan,
  backend: TrainingBackend,
  ctx: StepContext,
): Promise<StepResult<TrainOutput>> {
  const preview = backend.preview(plan);
  ctx.log.info(`dry run: the ${plan.backend} backend would run this request (nothing was created):`);
  ctx.log.info(JSON.stringify(preview.request, null, 2));
  const cost = costView(plan, undefined);
  const headline = `dry run: would start training job ${plan.jobName} on ${plan.backend}`;
  return {
    ok: true,
    headline,
    outputs: outputs(plan.jobName, undefined, 'DryRun', cost),
    summary: renderSummary({
      headline,
      backend: plan.backend,
      jobName: plan.jobName,
      cost,
      request: preview.rows,
      dryRun: preview.request,
    }),
  };
}

async function follow(
  backend: TrainingBackend,
  ref: JobRef,
  plan: TrainPlan,
  inputs: TrainInputs,
  ctx: StepContext,
): Promise<{ outcome: TrainingOutcome; waited: boolean }> {
  let wait = inputs.wait;
  if (!wait && backend.kind === 'local') {
    ctx.log.warn('the local backend trains inside this step, so wait: false has no effect');
    wait = true;
  }
  if (!wait) {
    if (ref.created) ctx.state.save(STATE.settled, 'detached');
    return { outcome: await backend.describe(ref), waited: false };
  }
  const minutes = inputs['timeout-minutes'];
  const deadline = minutes ? ctx.now().getTime() + minutes * 60_000 : undefined;
  try {
    const outcome = await backend.wait(ref, { deadline, signal: ctx.signal, metrics: plan.metrics });
    if (ref.created && (outcome.status !== 'InProgress' || outcome.stoppedByUs || outcome.timedOut)) {
      ctx.state.save(
        STATE.settled,
        outcome.stoppedByUs ? 'stopped' : outcome.timedOut ? 'left-running' : 'finished',
      );
    }
    return { outcome, waited: true };
  } catch (err) {
    // A failure while following is not a cancellation: leave the job to the user (it can be attached to).
    if (ref.created && !ctx.signal.aborted) ctx.state.save(STATE.settled, 'abandoned');
    throw err;
  }
}

function reportFailure(o: TrainingOutcome, ok: boolean, ctx: StepContext): void {
  if (ok || o.stoppedByUs || o.lastLines.length === 0) return;
  ctx.log.info(
    `last lines of the training log of ${o.jobName}:\n${o.lastLines.map((l) => `  ${l}`).join('\n')}`,
  );
}

async function runTrain(
  inputs: TrainInputs,
  ctx: StepContext,
  deps: TrainDeps,
): Promise<StepResult<TrainOutput>> {
  const plan = await resolvePlan(inputs, ctx, ctx.backend, !inputs.attach);
  const backend = await makeBackend(plan.backend, ctx, plan.region, localRoot(ctx.cwd), deps);
  if (inputs['dry-run']) return dryRun(plan, backend, ctx);
  const ref = inputs.attach ? await backend.attach(inputs.attach) : await backend.start(plan);
  const { outcome, waited } = await follow(backend, ref, plan, inputs, ctx);
  const cost = costView(plan, outcome);
  const { ok, headline } = verdict(outcome, waited, inputs['timeout-minutes']);
  reportFailure(outcome, ok, ctx);
  recordTraining(ctx, plan, outcome, cost);
  const request = inputs.attach ? [] : backend.preview(plan).rows;
  return {
    ok,
    headline,
    outputs: outputs(outcome.jobName, outcome, outcome.status, cost),
    summary: renderSummary({
      headline,
      backend: plan.backend,
      jobName: outcome.jobName,
      outcome,
      cost,
      request,
    }),
    annotations: ok ? [] : [{ level: 'error', title: 'train', message: headline }],
  };
}

/**
 * `post:` cleanup: stop a job this step started when the run ended before the step could settle
 * it (the step was killed). On the local backend that ends whatever still runs of the training
 * process tree, whatever status the job last recorded.
 */
async function cleanup(ctx: StepContext, deps: TrainDeps): Promise<void> {
  const name = ctx.state.get(STATE.job);
  if (!name) return ctx.log.info('train cleanup: this step started no training job');
  const settled = ctx.state.get(STATE.settled);
  if (settled) return ctx.log.info(`train cleanup: job ${name} was ${settled} by the step; nothing to stop`);
  const kind = (ctx.state.get(STATE.backend) ?? 'sagemaker') as BackendKind;
  const region = ctx.state.get(STATE.region) ?? ctx.env.AWS_REGION ?? 'us-east-1';
  const root = ctx.state.get(STATE.root) ?? localRoot(ctx.cwd);
  const pid = Number(ctx.state.get(STATE.pid)) || undefined;
  const backend = await makeBackend(kind, ctx, region, root, deps);
  const { status, stopped } = await backend.stop(name, { pid });
  if (stopped) {
    ctx.log.warn(
      `train cleanup: the run ended while training job ${name} was running; stopped it (${status})`,
    );
  } else {
    ctx.log.info(`train cleanup: training job ${name} is ${status}; nothing to stop`);
  }
}

/** What train does (declared in ./definition.ts), with seams for tests. */
export function createTrainImpl(deps: TrainDeps = {}): StepImpl<TrainInputs, TrainOutput> {
  return {
    run: (inputs, ctx) => runTrain(inputs, ctx, deps),
    post: (ctx) => cleanup(ctx, deps),
  };
}

/** The train step with test seams (sleep, randomness, kill grace) in its implementation. */
export function createTrainStep(deps: TrainDeps = {}): StepDefinition<TrainInputs, TrainOutput> {
  return { ...trainStep, load: async () => createTrainImpl(deps) };
}
