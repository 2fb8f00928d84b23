import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  describeDifferences,
  LineTail,
  ProgressPrinter,
  requestDifferences,
  type S3Client,
} from '@modelship/aws';
import { atomicWrite, ConfigError, type Logger } from '@modelship/core';
import {
  alive,
  listFiles,
  packDir,
  runProcessTree,
  stopTree,
  treeAlive,
  type Ended,
  type EndReason,
} from '@modelship/local';
import {
  TERMINAL,
  type JobRef,
  type Preview,
  type StatusTransition,
  type StopOutcome,
  type TrainingBackend,
  type TrainingOutcome,
  type WaitOptions,
} from './backend.js';
import { plainHyperparameters } from './hyperparameters.js';
import {
  contractEnv,
  localHyperparameters,
  mlLayout,
  scriptArguments,
  stageChannels,
  writeLayout,
  type MlLayout,
} from './local-contract.js';
import { MetricScraper } from './metrics.js';
import type { TrainingRequest, TrainPlan } from './plan.js';

export interface LocalDeps {
  /** Directory holding one folder per local job (`.modelship/training`). */
  root: string;
  log: Logger;
  env: Record<string, string | undefined>;
  now: () => number;
  s3: () => Promise<S3Client>;
  signal: AbortSignal;
  /** Called with the process id once training runs, so cleanup can find it. */
  onSpawn?: (jobName: string, pid: number) => void;
  /** Grace period between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

/** What `job.json` records: the outcome, the request it ran, and how to find the process while it runs. */
interface JobRecord extends TrainingOutcome {
  pid?: number;
  command: string[];
  cwd: string;
  /** What defined the job, and its sha256 (part of the job's name). */
  request?: TrainingRequest;
  requestSha256?: string;
}

interface Prepared {
  plan: TrainPlan;
  layout: MlLayout;
  record: JobRecord;
  timeline: Timeline;
}

/** Keeps the secondary-status timeline of a local job, in SageMaker's vocabulary. */
class Timeline {
  readonly transitions: StatusTransition[] = [];
  constructor(private readonly now: () => number) {}
  begin(status: string, message: string): void {
    const at = new Date(this.now()).toISOString();
    const open = this.transitions.at(-1);
    if (open && !open.endTime) open.endTime = at;
    this.transitions.push({ status, startTime: at, message });
  }
  close(): void {
    const open = this.transitions.at(-1);
    if (open && !open.endTime) open.endTime = new Date(this.now()).toISOString();
  }
}

/**
 * The local backend: runs the entrypoint as a child process under the SageMaker training contract
 * (an `/opt/ml`-like tree and the SM_* variables), in `<root>/<job>/`. Artefacts stay on disk:
 * `<root>/<job>/model.tar.gz`, reported as a `file://` URI.
 */
export class LocalBackend implements TrainingBackend {
  readonly kind = 'local' as const;
  private readonly prepared = new Map<string, Prepared>();
  private pidWrite: Promise<void> = Promise.resolve();

  constructor(private readonly deps: LocalDeps) {}

  private jobDir(name: string): string {
    return join(this.deps.root, name);
  }

  /**
   * The entrypoint runs from the config's directory; a script-mode default from the source dir, as
   * in the container. In script mode the hyperparameters follow as arguments, as the framework
   * containers pass them (see {@link scriptArguments}).
   */
  private command(plan: TrainPlan): { command: string[]; cwd: string } {
    const cwd = plan.script && !plan.train.entrypoint ? plan.script.dir : plan.dir;
    const args = plan.script ? scriptArguments(plan.hyperparameters) : [];
    return { command: [...plan.entrypoint!, ...args], cwd };
  }

  preview(plan: TrainPlan): Preview {
    const layout = mlLayout(join(this.jobDir(plan.jobName), 'ml'));
    const { command, cwd } = this.command(plan);
    const env = {
      ...(plan.train.environment ?? {}),
      ...contractEnv(plan, layout, Object.keys(plan.channels)),
    };
    const rows: [string, string][] = [
      ['job name', plan.jobName],
      ['command', command.join(' ')],
      ['working directory', cwd],
      ['job directory', this.jobDir(plan.jobName)],
      ...Object.entries(plan.channels).map(([c, uri]): [string, string] => [`channel ${c}`, uri]),
      ...Object.entries(plainHyperparameters(plan.hyperparameters)).map(([k, v]): [string, string] => [
        `hp ${k}`,
        v,
      ]),
      ...plan.metrics.map((m): [string, string] => [`metric ${m.name}`, m.regex]),
    ];
    return { request: { command, cwd, env, hyperparameters: localHyperparameters(plan) }, rows };
  }

  private async read(name: string): Promise<JobRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.jobDir(name), 'job.json'), 'utf8')) as JobRecord;
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private async write(record: JobRecord): Promise<void> {
    await atomicWrite(join(this.jobDir(record.jobName), 'job.json'), JSON.stringify(record, null, 2) + '\n');
  }

  private stillRunning(record: JobRecord, where: string): void {
    if (record.status === 'InProgress' && alive(record.pid)) {
      throw new ConfigError(
        `local training job is still running in another process (pid ${record.pid})`,
        where,
      );
    }
  }

  /** A record left InProgress by a process that is gone: it was interrupted. */
  private settleInterrupted(record: JobRecord): JobRecord {
    if (TERMINAL.has(record.status)) return record;
    return {
      ...record,
      status: 'Failed',
      failureReason: 'interrupted: the process running this local job is gone',
    };
  }

  /** A job of this name must have run this very request; anything else is not ours to reuse. */
  private sameRequest(record: JobRecord, plan: TrainPlan): void {
    if (record.requestSha256 === plan.requestSha256) return;
    const diffs = requestDifferences(plan.request, record.request ?? {});
    const what = diffs.length
      ? describeDifferences(diffs)
      : `request sha256 ${record.requestSha256 ?? 'not recorded'}`;
    throw new ConfigError(`exists with a different request: ${what}`, `local training job ${plan.jobName}`, {
      hint: `a job name is reused only for the same request; remove ${this.jobDir(plan.jobName)} to train anew, or follow that job as it is with \`attach: ${plan.jobName}\``,
    });
  }

  async start(plan: TrainPlan): Promise<JobRef> {
    const existing = await this.read(plan.jobName);
    if (existing) this.sameRequest(existing, plan);
    if (existing) this.stillRunning(existing, this.jobDir(plan.jobName));
    if (existing && TERMINAL.has(existing.status)) {
      this.deps.log.info(
        `local training job ${plan.jobName} already ran (${existing.status}): reusing its result`,
      );
      return { name: plan.jobName, status: existing.status, created: false };
    }
    await rm(this.jobDir(plan.jobName), { recursive: true, force: true });
    const record = this.initialRecord(plan);
    const timeline = new Timeline(this.deps.now);
    const layout = mlLayout(join(this.jobDir(plan.jobName), 'ml'));
    timeline.begin('Starting', 'Preparing the local training directory');
    await writeLayout(plan, layout);
    timeline.begin('Downloading', 'Staging the input channels');
    await stageChannels(plan, layout, this.deps.s3, this.deps.signal);
    await this.write(record);
    this.prepared.set(plan.jobName, { plan, layout, record, timeline });
    this.deps.log.info(`prepared local training job ${plan.jobName} in ${this.jobDir(plan.jobName)}`);
    return { name: plan.jobName, status: 'InProgress', created: true };
  }

  private initialRecord(plan: TrainPlan): JobRecord {
    return {
      backend: 'local',
      jobName: plan.jobName,
      status: 'InProgress',
      metrics: {},
      createdAt: new Date(this.deps.now()).toISOString(),
      transitions: [],
      lastLines: [],
      stoppedByUs: false,
      timedOut: false,
      hyperparameters: plainHyperparameters(plan.hyperparameters),
      channels: { ...plan.channels },
      ...this.command(plan),
      request: plan.request,
      requestSha256: plan.requestSha256,
    };
  }

  async attach(name: string): Promise<JobRef> {
    const record = await this.read(name);
    if (!record) {
      throw new ConfigError(
        `no local training job with this name (looked for ${join(this.jobDir(name), 'job.json')})`,
        `attach: ${name}`,
      );
    }
    this.stillRunning(record, `attach: ${name}`);
    return { name, status: this.settleInterrupted(record).status, created: false };
  }

  async describe(ref: JobRef): Promise<TrainingOutcome> {
    const p = this.prepared.get(ref.name);
    if (p) return p.record;
    const record = await this.read(ref.name);
    if (!record) throw new ConfigError('no local training job with this name', ref.name);
    return this.settleInterrupted(record);
  }

  async wait(ref: JobRef, opts: WaitOptions): Promise<TrainingOutcome> {
    const p = this.prepared.get(ref.name);
    if (!p) return this.describe(ref);
    this.prepared.delete(ref.name);
    return this.deps.log.group(`local training job ${ref.name}`, () => this.run(p, opts));
  }

  private async run(p: Prepared, opts: WaitOptions): Promise<TrainingOutcome> {
    const { log, now } = this.deps;
    const { timeline } = p;
    const printer = new ProgressPrinter(log, now);
    const show = () =>
      printer.update({
        status: p.record.status,
        createdAt: p.record.createdAt,
        transitions: timeline.transitions,
      });
    const scraper = new MetricScraper(opts.metrics, (m) => log.warn(m));
    const tail = new LineTail();
    const logFile = createWriteStream(join(this.jobDir(p.plan.jobName), 'training.log'));
    timeline.begin('Training', `running ${p.record.command.join(' ')}`);
    show();
    const started = now();
    p.record.startedAt = new Date(started).toISOString();
    const ended = await this.supervise(p, opts, (line) => {
      log.info(line);
      scraper.push(line);
      tail.push(line);
      logFile.write(line + '\n');
    });
    await new Promise<void>((resolve) => logFile.end(resolve));
    Object.assign(p.record, {
      metrics: scraper.final(),
      lastLines: tail.get(),
      billableSeconds: Math.max(1, Math.ceil((now() - started) / 1000)),
      stoppedByUs: ended.reason === 'aborted',
      timedOut: ended.reason === 'deadline',
    });
    await this.finish(p, ended, timeline);
    p.record.endedAt = new Date(now()).toISOString();
    timeline.close();
    p.record.transitions = timeline.transitions;
    show();
    delete p.record.pid;
    await this.pidWrite;
    await this.write(p.record);
    return p.record;
  }

  /** Decide the outcome from how the process ended; on a clean exit pack the model. */
  private async finish(p: Prepared, ended: Ended, timeline: Timeline): Promise<void> {
    const r = p.record;
    if (ended.reason !== 'exit') {
      const messages: Record<Exclude<EndReason, 'exit'>, [string, string | undefined]> = {
        aborted: ['Stopped', undefined],
        deadline: [
          'Stopped',
          "the step's timeout-minutes ran out (the local backend cannot leave training running)",
        ],
        'max-runtime': [
          'MaxRuntimeExceeded',
          `Training job reached its maximum runtime of ${p.plan.maxRuntimeSeconds} s`,
        ],
      };
      const [secondary, reason] = messages[ended.reason];
      timeline.begin(secondary, reason ?? 'stopped on request');
      Object.assign(r, { status: 'Stopped', secondaryStatus: secondary, failureReason: reason });
      return;
    }
    if (ended.code !== 0) {
      const reason = (await this.failureFile(p.layout)) ?? this.exitReason(p, ended);
      timeline.begin('Failed', reason);
      Object.assign(r, { status: 'Failed', secondaryStatus: 'Failed', failureReason: reason });
      return;
    }
    await this.packModel(p, timeline);
  }

  private exitReason(p: Prepared, ended: Ended): string {
    const how = ended.signal ? `was killed by ${ended.signal}` : `exited with code ${ended.code}`;
    return `AlgorithmError: ${p.record.command.join(' ')} ${how}`;
  }

  /** A script may explain its failure in /opt/ml/output/failure, as on SageMaker. */
  private async failureFile(layout: MlLayout): Promise<string | undefined> {
    try {
      const text = (await readFile(join(layout.output, 'failure'), 'utf8')).trim();
      return text ? text.slice(0, 1024) : undefined;
    } catch {
      return undefined;
    }
  }

  private async packModel(p: Prepared, timeline: Timeline): Promise<void> {
    const r = p.record;
    if ((await listFiles(p.layout.model)).length === 0) {
      const reason = 'the training script wrote no files to SM_MODEL_DIR';
      timeline.begin('Failed', reason);
      Object.assign(r, { status: 'Failed', secondaryStatus: 'Failed', failureReason: reason });
      return;
    }
    timeline.begin('Uploading', 'packing SM_MODEL_DIR into model.tar.gz');
    const file = join(this.jobDir(r.jobName), 'model.tar.gz');
    const packed = await packDir(p.layout.model, file);
    timeline.begin(
      'Completed',
      `model.tar.gz: ${packed.files} file${packed.files === 1 ? '' : 's'}, ${packed.bytes} bytes`,
    );
    Object.assign(r, {
      status: 'Completed',
      secondaryStatus: 'Completed',
      modelArtifact: pathToFileURL(file).href,
      modelSha256: packed.sha256,
    });
  }

  /** Run the entrypoint under the contract; a command that does not exist is a config error. */
  private async supervise(p: Prepared, opts: WaitOptions, onLine: (line: string) => void): Promise<Ended> {
    const env = {
      ...this.deps.env,
      ...(p.plan.train.environment ?? {}),
      ...contractEnv(p.plan, p.layout, Object.keys(p.plan.channels)),
    };
    try {
      return await runProcessTree({
        command: p.record.command,
        cwd: p.record.cwd,
        env,
        onLine,
        onSpawn: (pid) => this.onSpawned(p, pid),
        signal: opts.signal,
        deadline: opts.deadline,
        maxRuntimeMs: p.plan.maxRuntimeSeconds && p.plan.maxRuntimeSeconds * 1000,
        now: this.deps.now,
        killGraceMs: this.deps.killGraceMs ?? 5_000,
      });
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      const where = `${p.plan.configName}: train.entrypoint`;
      throw new ConfigError(`command not found: ${p.record.command[0]}`, where, { cause: err });
    }
  }

  private onSpawned(p: Prepared, pid: number): void {
    p.record.pid = pid;
    this.pidWrite = this.write({ ...p.record }).catch(() => undefined);
    this.deps.onSpawn?.(p.plan.jobName, pid);
  }

  /**
   * Cleanup after the step was killed: end whatever still runs of the job's process tree (the
   * group `opts.pid` leads, else the one job.json recorded), whatever the job's last recorded
   * status, even when the script itself has exited and left processes behind. A job recorded
   * InProgress is then recorded Stopped.
   */
  async stop(name: string, opts: { pid?: number } = {}): Promise<StopOutcome> {
    const record = await this.read(name);
    const pid = opts.pid ?? record?.pid;
    const running = treeAlive(pid);
    if (running) await stopTree(pid!, this.deps.killGraceMs ?? 5_000);
    if (!record) return { status: running ? 'Stopped' : 'NotFound', stopped: running };
    if (record.status !== 'InProgress') return { status: record.status, stopped: running };
    if (!running) return { status: this.settleInterrupted(record).status, stopped: false };
    const { pid: _pid, ...rest } = record;
    await this.write({
      ...rest,
      status: 'Stopped',
      secondaryStatus: 'Stopped',
      failureReason: 'stopped by cleanup: the run ended first',
    });
    return { status: 'Stopped', stopped: true };
  }
}
