// The AWS call log: when `MODELSHIP_AWS_CALL_LOG` names a directory, every AWS call a step makes
// through a client of this package is appended to `<dir>/<pid>.jsonl` as one JSON line — the step
// running (with its config and inputs), the service's IAM prefix, the operation and the input's
// names. The test suite sets it and checks each call against the step's least-privilege policy
// (docs/iam.md). Off (nothing recorded, no file touched) when the variable is unset.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { runningStep, type RunningStep } from '@modelship/core';

/** The variable naming the directory of the call log. Read from the process's environment: it
 * instruments the process (the tests set it for every step they run), it is no step setting. */
export const CALL_LOG_ENV = 'MODELSHIP_AWS_CALL_LOG';

/** One line of the call log. */
export interface RecordedCall extends RunningStep {
  /** The IAM prefix of the client's service (`sagemaker`, `s3`, `logs`, `application-autoscaling`). */
  service: string;
  /** The API operation (`CreateTrainingJob`). */
  operation: string;
  /** The client's region. */
  region: string;
  /** The call's input: strings (cut to 512 characters), numbers, booleans, lists and plain objects; bodies and streams left out. */
  input: Record<string, unknown>;
}

function plain(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > 512 ? value.slice(0, 512) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (depth > 6 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k]) => k !== 'Body')
      .map(([k, v]) => [k, plain(v, depth + 1)]),
  );
}

/** The part of an SDK client the call log hooks into. */
export interface LoggableClient {
  config: { region: unknown };
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

const written = new Set<string>();
const hooked = new WeakSet<object>();

async function regionOf(client: LoggableClient): Promise<string> {
  const r = client.config.region;
  const v: unknown = typeof r === 'function' ? await (r as () => Promise<unknown>)() : r;
  return typeof v === 'string' ? v : '';
}

/**
 * Hook the call log into `client` (every client of this package is hooked when it is created):
 * `service` is the IAM prefix of its actions. Returns the client. A call made outside every step
 * (a test preparing its fixtures) is not recorded. Repeated identical calls (polling) are written
 * once per process. Hooking a client twice hooks it once.
 */
export function logCalls<C extends object>(client: C, service: string): C {
  if (hooked.has(client)) return client;
  hooked.add(client);
  (client as unknown as LoggableClient).middlewareStack.add(
    (next, context) => async (args) => {
      const dir = process.env[CALL_LOG_ENV];
      const running = runningStep();
      if (dir && running) {
        const call: RecordedCall = {
          ...running,
          service,
          operation: (context.commandName ?? '').replace(/Command$/, ''),
          region: await regionOf(client as unknown as LoggableClient),
          input: (plain(args.input) ?? {}) as Record<string, unknown>,
        };
        const line = JSON.stringify(call);
        if (!written.has(line)) {
          written.add(line);
          appendFileSync(join(dir, `${process.pid}.jsonl`), `${line}\n`);
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'modelshipCallLog' },
  );
  return client;
}
