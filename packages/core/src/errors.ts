/**
 * The one error idiom of modelship.
 *
 * A {@link ConfigError} is something the user can fix: a bad input, a missing file, a field of
 * `modelship.yml` with the wrong value, an S3 object that cannot be read. It is printed as one
 * line that names the file, field or resource (`where`), with no stack trace unless debug is on.
 *
 * Every other error is internal: it keeps its cause and is printed with its stack under debug.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The file, field or resource at fault, e.g. `modelship.yml: gate[0].metric` or `s3://b/k`. */
  readonly where: string | undefined;
  /** What to do next, e.g. `run npm run gen` or `check the role's s3:PutObject`; hosts show it their own way. */
  readonly hint: string | undefined;

  constructor(message: string, where?: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.where = where;
    this.hint = options?.hint;
  }

  /** The single line shown to the user. */
  get line(): string {
    return this.where ? `${this.where}: ${this.message}` : this.message;
  }
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError;
}

/**
 * Render any error as the user sees it: a ConfigError as its one line plus its hint; anything else
 * as `internal error: <first line>` with the stack (and causes) only under debug.
 */
export function describeError(
  err: unknown,
  debug: boolean,
): { line: string; hint?: string; detail?: string } {
  if (err instanceof ConfigError) {
    return { line: err.line, hint: err.hint, detail: debug ? stackWithCauses(err) : undefined };
  }
  const system = systemError(err);
  if (system) return { ...system, detail: debug ? stackWithCauses(err) : undefined };
  const message = err instanceof Error ? err.message : String(err);
  const line = `internal error: ${message.split('\n')[0]}`;
  return {
    line: debug ? line : `${line} (re-run with debug on for the stack trace)`,
    detail: debug ? stackWithCauses(err) : undefined,
  };
}

/** What a Node.js system error means to a user, by its code; `{}` codes need a path. */
const SYSTEM_ERRORS: Record<string, { message: string; hint?: string }> = {
  ENOENT: { message: 'no such file or directory' },
  EISDIR: { message: 'is a directory, where a file was expected', hint: 'give the path of a file' },
  ENOTDIR: { message: 'a parent of this path is not a directory' },
  EEXIST: { message: 'already exists', hint: 'remove it, or choose another path' },
  EACCES: { message: 'permission denied', hint: 'check the permissions of the path and its folders' },
  EPERM: { message: 'operation not permitted', hint: 'check the permissions of the path and its folders' },
  EROFS: { message: 'is on a read-only file system' },
  ENOSPC: { message: 'no space left on the device' },
  ENAMETOOLONG: { message: 'the path is too long' },
  ECONNREFUSED: {
    message: 'connection refused',
    hint: 'is the service running and the endpoint (e.g. AWS_ENDPOINT_URL) right?',
  },
  ENOTFOUND: { message: 'host not found', hint: 'check the host name and the network (DNS)' },
  EAI_AGAIN: { message: 'host name lookup failed for now', hint: 'check the network (DNS), then retry' },
  ETIMEDOUT: { message: 'connection timed out', hint: 'check the endpoint and the network' },
  ECONNRESET: { message: 'the connection was reset by the other side', hint: 'retry; check the endpoint' },
  EHOSTUNREACH: { message: 'host unreachable', hint: 'check the endpoint and the network' },
};

/**
 * A Node.js system error (here or in the cause chain) that names what it failed on — a path, or an
 * address or host — as the one line a user can act on; undefined for anything else.
 */
export function systemError(err: unknown): { line: string; hint?: string } | undefined {
  let cur: unknown = err;
  for (let depth = 0; cur instanceof Error && depth < 8; depth++, cur = cur.cause) {
    const e = cur as Error & {
      code?: string;
      path?: string;
      dest?: string;
      address?: string;
      port?: number;
      hostname?: string;
    };
    const known = e.code ? SYSTEM_ERRORS[e.code] : undefined;
    const where =
      e.path ?? (e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : undefined) ?? e.hostname;
    if (known && where) return { line: `${where}: ${known.message} (${e.code})`, hint: known.hint };
  }
  return undefined;
}

function stackWithCauses(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && depth < 8; depth++) {
    parts.push(cur instanceof Error ? (cur.stack ?? cur.message) : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join('\nCaused by: ');
}

/** Wrap a Node.js file-system error as a ConfigError naming the path, keeping the cause. */
export function fileError(err: unknown, path: string, what = 'file'): Error {
  const code = (err as { code?: string } | undefined)?.code;
  if (code === 'ENOENT') return new ConfigError(`${what} not found`, path, { cause: err });
  if (code === 'EACCES' || code === 'EPERM')
    return new ConfigError(`${what} is not readable (permission denied)`, path, { cause: err });
  if (code === 'EISDIR')
    return new ConfigError(`expected a ${what}, found a directory`, path, { cause: err });
  if (code === 'ENOTDIR')
    return new ConfigError(`a parent of this path is not a directory`, path, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * When a step failed because the run was cancelled (its signal aborted), the one line to print
 * instead of the error the interruption caused; undefined otherwise.
 */
export function cancellationLine(signal: AbortSignal): string | undefined {
  if (!signal.aborted) return undefined;
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : 'cancelled';
}
