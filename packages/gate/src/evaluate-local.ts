import { createWriteStream } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import {
  createS3Client,
  downloadS3Prefix,
  isS3Uri,
  LineTail,
  openS3Object,
  type S3Client,
} from '@modelship/aws';
import { atomicWrite, ConfigError, fileError, type StepContext } from '@modelship/core';
import {
  alive,
  extractArchive,
  fileSha256,
  interpreterOf,
  runProcessTree,
  type Ended,
} from '@modelship/local';
import {
  checkArtefactSha256,
  evaluationEnv,
  findPredictions,
  type EvaluationDeps,
  type EvaluationPaths,
  type EvaluationPlan,
  type EvaluationRequest,
  type EvaluationResult,
} from './evaluate.js';

export type LocalEvaluationDeps = Pick<StepContext, 'log' | 'env' | 'signal' | 'now'> &
  EvaluationDeps & { s3?: S3Client };

/** The `/opt/ml/processing` tree of one local job, under `<job dir>/processing`. */
export function processingLayout(jobDir: string): EvaluationPaths {
  const root = join(jobDir, 'processing');
  return {
    model: join(root, 'model'),
    test: join(root, 'input', 'test'),
    output: join(root, 'output'),
  };
}

/** What `job.json` of a local evaluation records. */
interface LocalRecord {
  jobName: string;
  status: 'InProgress' | 'Completed' | 'Failed' | 'Stopped';
  role: string;
  command: string[];
  cwd: string;
  pid?: number;
  createdAt: string;
  endedAt?: string;
  failureReason?: string;
  request: EvaluationRequest;
  requestSha256: string;
}

/** How many of the log's last lines go into the one-line error of a failed script. */
const ERROR_LINES = 3;

function lastLinesText(lines: string[]): string {
  const shown = lines
    .filter((l) => l.trim() !== '')
    .slice(-ERROR_LINES)
    .map((l) => (l.length > 160 ? `${l.slice(0, 159)}…` : l.trim()));
  return shown.length ? ` (last lines: ${shown.join(' | ')})` : ' (it printed nothing)';
}

/** The command: the entrypoint from the config's directory, a script-mode default from the source dir. */
function command(plan: EvaluationPlan): { command: string[]; cwd: string } {
  const cwd = plan.script && !plan.evaluate.entrypoint ? plan.script.dir : plan.dir;
  return { command: plan.entrypoint!, cwd };
}

/** Link `src` at `dest`; copy when links are not allowed (e.g. Windows without the privilege). */
async function linkOrCopy(src: string, dest: string): Promise<void> {
  try {
    await symlink(src, dest);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'EPERM' && code !== 'EACCES' && code !== 'ENOTSUP') throw err;
    await cp(src, dest, { recursive: true });
  }
}

export class LocalEvaluation {
  private s3?: S3Client;

  constructor(
    private readonly plan: EvaluationPlan,
    private readonly deps: LocalEvaluationDeps,
  ) {}

  get jobDir(): string {
    return join(this.plan.root, this.plan.jobName);
  }

  private get where(): string {
    return `evaluation of the ${this.plan.role} (local job ${this.jobDir})`;
  }

  private client(): S3Client {
    return (this.s3 ??= this.deps.s3 ?? createS3Client(this.plan.region, this.deps.env));
  }

  private async read(): Promise<LocalRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.jobDir, 'job.json'), 'utf8')) as LocalRecord;
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private write(record: LocalRecord): Promise<void> {
    return atomicWrite(join(this.jobDir, 'job.json'), JSON.stringify(record, null, 2) + '\n');
  }

  /** A finished run of this very request (a re-run of the same CI attempt): its result, reused. */
  private async reusable(): Promise<EvaluationResult | undefined> {
    const record = await this.read();
    if (!record) return undefined;
    if (record.status === 'InProgress' && alive(record.pid))
      throw new ConfigError(`still running in another process (pid ${record.pid})`, this.where);
    if (record.status !== 'Completed' || record.requestSha256 !== this.plan.requestSha256) return undefined;
    try {
      const result = await this.result(record, true);
      this.deps.log.info(
        `evaluation job ${this.plan.jobName} already ran (Completed): reusing its predictions`,
      );
      return result;
    } catch {
      return undefined;
    }
  }

  /** Put the model (extracted) and the test data into the job's processing tree. */
  private async stage(paths: EvaluationPaths): Promise<void> {
    const { plan, deps } = this;
    for (const d of Object.values(paths)) await mkdir(d, { recursive: true });
    let archive = plan.artefact;
    if (isS3Uri(archive)) {
      archive = join(this.jobDir, 'model.tar.gz');
      deps.log.info(`downloading ${plan.artefact}`);
      await pipeline(
        await openS3Object(this.client(), plan.artefact, { signal: deps.signal }),
        createWriteStream(archive),
      );
      checkArtefactSha256((await fileSha256(archive)).sha256, plan.artefactSha256, {
        artefact: plan.artefact,
        role: plan.role,
        origin: plan.artefactOrigin,
      });
    }
    try {
      const n = await extractArchive(archive, paths.model);
      deps.log.info(`extracted ${n} file${n === 1 ? '' : 's'} of ${plan.artefact} into ${paths.model}`);
    } catch (err) {
      throw new ConfigError(
        `cannot extract the ${plan.role} model (${(err as Error).message}): a model.tar.gz is expected`,
        plan.artefact,
        { cause: err },
      );
    }
    if (isS3Uri(plan.test)) {
      await downloadS3Prefix(this.client(), plan.test, paths.test, deps.signal);
      return;
    }
    let info;
    try {
      info = await stat(plan.test);
    } catch (err) {
      throw fileError(err, `${plan.configName}: evaluate.test (${plan.test})`, 'test data');
    }
    if (!info.isDirectory()) return linkOrCopy(plan.test, join(paths.test, basename(plan.test)));
    for (const entry of await readdir(plan.test))
      await linkOrCopy(join(plan.test, entry), join(paths.test, entry));
  }

  async run(): Promise<EvaluationResult> {
    const reused = await this.reusable();
    if (reused) return reused;
    const { plan, deps } = this;
    await rm(this.jobDir, { recursive: true, force: true });
    await mkdir(this.jobDir, { recursive: true });
    const { command: cmd, cwd } = command(plan);
    const record: LocalRecord = {
      jobName: plan.jobName,
      status: 'InProgress',
      role: plan.role,
      command: cmd,
      cwd,
      createdAt: deps.now().toISOString(),
      request: plan.request,
      requestSha256: plan.requestSha256,
    };
    await this.write(record);
    const paths = processingLayout(this.jobDir);
    await this.stage(paths);
    const ended = await deps.log.group(`local evaluation job ${plan.jobName} (${plan.role})`, () =>
      this.supervise(record, paths),
    );
    record.endedAt = deps.now().toISOString();
    delete record.pid;
    if (ended.reason !== 'exit' || ended.code !== 0) {
      const { status, message } = this.failure(ended, record);
      Object.assign(record, { status, failureReason: message });
      await this.write(record);
      throw new ConfigError(message, this.where, {
        hint:
          ended.reason === 'exit' ? `the whole log is in ${join(this.jobDir, 'evaluation.log')}` : undefined,
      });
    }
    let result: EvaluationResult;
    try {
      result = await this.result(record, false);
    } catch (err) {
      Object.assign(record, { status: 'Failed', failureReason: (err as Error).message });
      await this.write(record);
      throw err;
    }
    record.status = 'Completed';
    await this.write(record);
    return result;
  }

  private failure(ended: Ended, record: LocalRecord): { status: LocalRecord['status']; message: string } {
    const cmd = record.command.join(' ');
    if (ended.reason === 'aborted')
      return { status: 'Stopped', message: 'cancelled: the evaluation script was stopped' };
    if (ended.reason === 'max-runtime')
      return {
        status: 'Stopped',
        message: `${cmd} ran longer than max-runtime-minutes (${this.plan.evaluate['max-runtime-minutes']}) and was stopped`,
      };
    if (ended.reason === 'deadline')
      return { status: 'Stopped', message: `${cmd} was stopped at the deadline` };
    const how = ended.signal ? `was killed by ${ended.signal}` : `exited with code ${ended.code}`;
    return { status: 'Failed', message: `${cmd} ${how}${lastLinesText(this.tail)}` };
  }

  private tail: string[] = [];

  private async supervise(record: LocalRecord, paths: EvaluationPaths): Promise<Ended> {
    const { plan, deps } = this;
    const tail = new LineTail(50);
    const logFile = createWriteStream(join(this.jobDir, 'evaluation.log'));
    const env = {
      ...deps.env,
      ...(plan.evaluate.environment ?? {}),
      ...evaluationEnv(paths, plan.role, plan.jobName),
    };
    deps.log.info(`running ${record.command.join(' ')} (in ${record.cwd})`);
    try {
      return await runProcessTree({
        command: record.command,
        cwd: record.cwd,
        env,
        onLine: (line) => {
          deps.log.info(line);
          tail.push(line);
          logFile.write(line + '\n');
        },
        onSpawn: (pid) => {
          record.pid = pid;
          void this.write({ ...record }).catch(() => undefined);
          deps.onSpawn?.(plan.jobName, pid);
        },
        signal: deps.signal,
        maxRuntimeMs: plan.maxRuntimeSeconds && plan.maxRuntimeSeconds * 1000,
        now: () => deps.now().getTime(),
        killGraceMs: deps.killGraceMs ?? 5_000,
      });
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      const hint = plan.script && interpreterOf(plan.script.program) ? undefined : 'set evaluate.entrypoint';
      throw new ConfigError(
        `command not found: ${record.command[0]}`,
        `${plan.configName}: evaluate.entrypoint`,
        {
          cause: err,
          hint,
        },
      );
    } finally {
      this.tail = tail.get();
      await new Promise<void>((done) => logFile.end(done));
    }
  }

  private async result(record: LocalRecord, reused: boolean): Promise<EvaluationResult> {
    const { plan } = this;
    const found = await findPredictions(processingLayout(this.jobDir).output, this.where);
    return {
      role: plan.role,
      backend: 'local',
      jobName: plan.jobName,
      status: 'Completed',
      predictions: found.file,
      format: found.format,
      columns: found.columns,
      predictionsSha256: (await fileSha256(found.file)).sha256,
      predictionsUri: pathToFileURL(found.file).href,
      model: plan.artefact,
      test: plan.test,
      reused,
      jobDir: this.jobDir,
      createdAt: record.createdAt,
      endedAt: record.endedAt,
    };
  }
}

/** The local backend of {@link runEvaluation}. */
export function runLocalEvaluation(
  plan: EvaluationPlan,
  deps: LocalEvaluationDeps,
): Promise<EvaluationResult> {
  return new LocalEvaluation(plan, deps).run();
}
