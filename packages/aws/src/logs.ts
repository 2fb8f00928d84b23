import {
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';

/** The CloudWatch Logs groups of SageMaker jobs; each job writes streams named `<job>/<host>-<id>`. */
export const TRAINING_JOB_LOG_GROUP = '/aws/sagemaker/TrainingJobs';
export const PROCESSING_JOB_LOG_GROUP = '/aws/sagemaker/ProcessingJobs';

/** Which logs to follow: every stream of `logGroup` whose name starts with `streamPrefix`. */
export interface LogSource {
  logGroup: string;
  /** e.g. `<job name>/`; what follows it in a stream name labels that stream's lines. */
  streamPrefix: string;
  /** Whose logs, in the warning when they cannot be read (default: group and prefix). */
  owner?: string;
}

/** The streams of a SageMaker training or processing job: `<job>/…` in the job type's group. */
export function jobLogs(logGroup: string, jobName: string): LogSource {
  return { logGroup, streamPrefix: `${jobName}/`, owner: "the job's" };
}

/** Keeps the last `size` lines seen (for the failure message). */
export class LineTail {
  private readonly lines: string[] = [];
  constructor(private readonly size = 30) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }
  get(): string[] {
    return [...this.lines];
  }
}

export interface LogFollowerOptions {
  /** Each new line, prefixed `[<host>] ` when the source has more than one stream. */
  onLine: (line: string) => void;
  /** Once, when the logs cannot be read (they are then no longer read). */
  onWarning: (message: string) => void;
  /** Aborts the calls in flight; an aborted read is not a warning. */
  signal?: AbortSignal;
  /** Pages read per stream per poll, so a chatty job cannot starve the status polls. */
  maxPages?: number;
}

function isNotFound(err: unknown): boolean {
  return (err as { name?: string } | undefined)?.name === 'ResourceNotFoundException';
}

/**
 * Follows CloudWatch Logs, e.g. a SageMaker job's: every stream of the source's group whose name
 * starts with its prefix (one per instance), each read forward with `nextForwardToken` from where
 * the last poll stopped. A stream is drained when a page is empty or the token comes back
 * unchanged. Call {@link LogFollower.poll} after each status poll, and once more at the end.
 */
export class LogFollower {
  private readonly tokens = new Map<string, string | undefined>();
  private disabled = false;

  constructor(
    private readonly client: CloudWatchLogsClient,
    private readonly source: LogSource,
    private readonly opts: LogFollowerOptions,
  ) {}

  /**
   * Read what is new; returns the number of log events read. Never rejects: a group or stream that
   * does not exist yet reads as nothing, any other error is reported once by `onWarning` and ends
   * the following.
   */
  async poll(): Promise<number> {
    if (this.disabled) return 0;
    try {
      const streams = await this.streams();
      let lines = 0;
      for (const stream of streams) lines += await this.drain(stream, streams.length > 1);
      return lines;
    } catch (err) {
      if (isNotFound(err) || this.opts.signal?.aborted) return 0;
      this.disabled = true;
      this.opts.onWarning(
        `cannot read ${this.owner()} CloudWatch logs, not streaming them: ${(err as Error).message}`,
      );
      return 0;
    }
  }

  private owner(): string {
    return this.source.owner ?? `the ${this.source.logGroup}/${this.source.streamPrefix}*`;
  }

  private async streams(): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new DescribeLogStreamsCommand({
          logGroupName: this.source.logGroup,
          logStreamNamePrefix: this.source.streamPrefix,
          nextToken,
        }),
        { abortSignal: this.opts.signal },
      );
      for (const s of page.logStreams ?? []) if (s.logStreamName) names.push(s.logStreamName);
      nextToken = page.nextToken;
    } while (nextToken);
    return names.sort();
  }

  private async drain(stream: string, showHost: boolean): Promise<number> {
    const host = showHost ? `[${stream.slice(this.source.streamPrefix.length)}] ` : '';
    let lines = 0;
    for (let page = 0; page < (this.opts.maxPages ?? 50); page++) {
      const token = this.tokens.get(stream);
      const out = await this.client.send(
        new GetLogEventsCommand({
          logGroupName: this.source.logGroup,
          logStreamName: stream,
          startFromHead: true,
          nextToken: token,
        }),
        { abortSignal: this.opts.signal },
      );
      for (const e of out.events ?? []) {
        for (const line of (e.message ?? '').replace(/\r?\n$/, '').split(/\r?\n/))
          this.opts.onLine(host + line);
        lines++;
      }
      if (out.nextForwardToken) this.tokens.set(stream, out.nextForwardToken);
      if (!out.events?.length || out.nextForwardToken === token) break;
    }
    return lines;
  }
}
