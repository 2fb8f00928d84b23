/** Where a step writes its progress. Hosts decide how each level is shown. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** Run `fn` inside a folded group (GitHub Actions) or an indented section (CLI). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** A logger that keeps lines in memory: for tests and for collecting output. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(m: string): void {
    this.lines.push(m);
  }
  warn(m: string): void {
    this.lines.push(`warning: ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error: ${m}`);
  }
  debug(m: string): void {
    this.lines.push(`debug: ${m}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`>> ${title}`);
    try {
      return await fn();
    } finally {
      this.lines.push(`<< ${title}`);
    }
  }
}

/** A logger writing to a stream (stderr by default), used by the CLI host. */
export class StreamLogger implements Logger {
  private depth = 0;
  constructor(
    private readonly out: NodeJS.WritableStream = process.stderr,
    private readonly debugOn = false,
  ) {}
  private write(prefix: string, m: string): void {
    const pad = '  '.repeat(this.depth);
    for (const line of m.split('\n')) this.out.write(`${pad}${prefix}${line}\n`);
  }
  info(m: string): void {
    this.write('', m);
  }
  warn(m: string): void {
    this.write('warning: ', m);
  }
  error(m: string): void {
    this.write('error: ', m);
  }
  debug(m: string): void {
    if (this.debugOn) this.write('debug: ', m);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.write('', `▸ ${title}`);
    this.depth++;
    try {
      return await fn();
    } finally {
      this.depth--;
    }
  }
}
