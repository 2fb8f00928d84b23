import type { StatusTransition } from '@modelship/aws';
import type { MetricDefinition } from './metrics.js';
import type { BackendKind, TrainPlan } from './plan.js';

export type { BackendKind } from './plan.js';
/** One SecondaryStatusTransition (Starting, Downloading, Training, Uploading, …). */
export type { StatusTransition } from '@modelship/aws';

/** SageMaker's TrainingJobStatus values; the local backend reports the same ones. */
export type JobStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

export const TERMINAL: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Stopped']);

/** A job this step started, found, or was told to attach to. */
export interface JobRef {
  name: string;
  arn?: string;
  status: string;
  /** true when this step created the job (only then may cleanup stop it). */
  created: boolean;
}

/** What both backends report about a job: the same shape goes to outputs, summary and manifest. */
export interface TrainingOutcome {
  backend: BackendKind;
  jobName: string;
  jobArn?: string;
  status: string;
  secondaryStatus?: string;
  failureReason?: string;
  modelArtifact?: string;
  modelSha256?: string;
  metrics: Record<string, number>;
  billableSeconds?: number;
  createdAt?: string;
  startedAt?: string;
  endedAt?: string;
  transitions: StatusTransition[];
  /** The last lines of the job's log (shown when it fails). */
  lastLines: string[];
  /** This step stopped the job on purpose (cancellation): a Stopped status is then expected. */
  stoppedByUs: boolean;
  /** The step stopped waiting at `timeout-minutes`; the job goes on. */
  timedOut: boolean;
  /** Lineage as the job actually ran. */
  image?: string;
  instanceType?: string;
  instanceCount?: number;
  spot?: boolean;
  hyperparameters: Record<string, string>;
  channels: Record<string, string>;
  /** Script mode: where the packed source went. */
  sourceUri?: string;
  /** Local backend: the command that ran. */
  command?: string[];
}

/** The exact request a backend would send or run, for `dry-run` and the summary's request table. */
export interface Preview {
  request: unknown;
  rows: [string, string][];
}

export interface WaitOptions {
  /** Epoch ms after which the step stops waiting (the job is left running). */
  deadline?: number;
  /** Aborted on cancellation: the backend stops the job and returns. */
  signal: AbortSignal;
  /**
   * The metric definitions the job was given: the local backend scrapes its metrics with them;
   * both warn when one captures something that is not a number in the log.
   */
  metrics: readonly MetricDefinition[];
}

/** The contract both backends implement. */
export interface TrainingBackend {
  readonly kind: BackendKind;
  preview(plan: TrainPlan): Preview;
  /** Create the job, or attach to it when a job of the same name exists (a re-run). */
  start(plan: TrainPlan): Promise<JobRef>;
  /** Find an existing job by name (`attach` input). */
  attach(name: string): Promise<JobRef>;
  /** Report the job as it is now, without waiting. */
  describe(ref: JobRef): Promise<TrainingOutcome>;
  /** Follow the job to its end, streaming its log; on abort stop it; at the deadline let it run. */
  wait(ref: JobRef, opts: WaitOptions): Promise<TrainingOutcome>;
  /**
   * Stop a job this step started and never settled (cleanup after the step was killed), whatever
   * status it last recorded. `pid`: the local backend's process group, as saved when it started
   * (its job.json may not have it yet).
   */
  stop(name: string, opts?: { pid?: number }): Promise<StopOutcome>;
}

/** What cleanup's stop found: the job's status afterwards, and whether anything was stopped. */
export interface StopOutcome {
  status: string;
  stopped: boolean;
}
