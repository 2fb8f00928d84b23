import {
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';

export const LOG_GROUP = '/aws/sagemaker/TrainingJobs';

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
  onLine: (line: string) => void;
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
 * Streams a training job's CloudWatch Logs: every stream of `/aws/sagemaker/TrainingJobs` named
 * `<job>/…` (one per instance), each read forward with `nextForwardToken` from where the last poll
 * stopped. A stream is drained when a page is empty or the token comes back unchanged.
 */
export class LogFollower {
  private readonly tokens = new Map<string, string | undefined>();
  private disabled = false;

  constructor(
    private readonly client: CloudWatchLogsClient,
    private readonly jobName: string,
    private readonly opts: LogFollowerOptions,
  ) {}

  /** Read what is new; returns the number of lines emitted. Log errors never fail the step. */
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
        `cannot read the job's CloudWatch logs, not streaming them: ${(err as Error).message}`,
      );
      return 0;
    }
  }

  private async streams(): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new DescribeLogStreamsCommand({
          logGroupName: LOG_GROUP,
          logStreamNamePrefix: `${this.jobName}/`,
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
    const host = showHost ? `[${stream.slice(this.jobName.length + 1)}] ` : '';
    let lines = 0;
    for (let page = 0; page < (this.opts.maxPages ?? 50); page++) {
      const token = this.tokens.get(stream);
      const out = await this.client.send(
        new GetLogEventsCommand({
          logGroupName: LOG_GROUP,
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
