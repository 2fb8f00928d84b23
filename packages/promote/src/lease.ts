// One promote-on-metrics at a time per SageMaker endpoint: a lease kept as a tag on the endpoint
// (the local backend takes a lock file instead). SageMaker has no conditional write of a tag, so
// the lease is taken by writing it and reading it back after a pause: of two runs that write in
// the same moment, the later write is the one both read back, and the other run stops.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  AddTagsCommand,
  DeleteTagsCommand,
  DescribeEndpointCommand,
  ListTagsCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { setTimeout as sleep } from 'node:timers/promises';
import { awsError, createSageMakerClient, isSageMakerNotFound } from '@modelship/aws';
import { ConfigError, type StepContext } from '@modelship/core';

/** The endpoint tag that holds the lease: `<holder>/<nonce>/<expiry, ISO 8601>`. */
export const LEASE_TAG = 'modelship:promote-lease';

export interface Lease {
  holder: string;
  nonce: string;
  /** Epoch ms. */
  expires: number;
}

/** The lease a tag value records, or undefined when it is not one (pure). */
export function parseLease(value: string | undefined): Lease | undefined {
  const parts = (value ?? '').split('/');
  if (parts.length !== 3) return undefined;
  const expires = Date.parse(parts[2]!);
  if (!parts[0] || !parts[1] || !Number.isFinite(expires)) return undefined;
  return { holder: parts[0], nonce: parts[1], expires };
}

/**
 * Who this run is, for a lease: `run <GITHUB_RUN_ID>[.<attempt>]` in GitHub Actions, else
 * `<host> pid <pid>`, in the characters a SageMaker tag value allows.
 */
export function leaseHolder(env: Record<string, string | undefined>): string {
  const who = env.GITHUB_RUN_ID
    ? `run ${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `.${env.GITHUB_RUN_ATTEMPT}` : ''}`
    : `${hostname()} pid ${process.pid}`;
  return who.replace(/[^\p{L}\p{N} _.:=+\-@]/gu, '-').slice(0, 150);
}

export interface LeaseDeps {
  sagemaker: SageMakerClient;
  env: Record<string, string | undefined>;
  now: () => number;
  /** The pause between writing the lease and reading it back (default 3 s). */
  settleMs?: number;
  sleep: (ms: number) => Promise<void>;
  log: { info(m: string): void; warn(m: string): void };
  signal?: AbortSignal;
}

/**
 * Run `fn` holding the promote lease on `endpoint`, released after it (whether it returns or
 * throws; a cancel ends `fn` normally, so it is released then too). The lease expires
 * `durationMs` after it is taken: a lease past its expiry (a run killed before it released it) is
 * taken over with a warning. An endpoint that does not exist takes no lease (`fn` says so).
 *
 * @throws ConfigError naming the endpoint and the holder when another run holds the lease, or
 *   took it in the same moment; AWS errors mapped by awsError (sagemaker:ListTags / AddTags).
 */
export async function withEndpointLease<T>(
  endpoint: string,
  durationMs: number,
  deps: LeaseDeps,
  fn: () => Promise<T>,
): Promise<T> {
  const sm = deps.sagemaker;
  const where = `endpoint ${endpoint}`;
  let arn: string | undefined;
  try {
    arn = (
      await sm.send(new DescribeEndpointCommand({ EndpointName: endpoint }), { abortSignal: deps.signal })
    ).EndpointArn;
  } catch (err) {
    if (!isSageMakerNotFound(err)) throw awsError(err, where, { action: 'sagemaker:DescribeEndpoint' });
  }
  if (!arn) return fn();
  const read = async (signal = deps.signal): Promise<string | undefined> => {
    try {
      const out = await sm.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 100 }), {
        abortSignal: signal,
      });
      // Keys are unique on SageMaker; of repeated ones (an emulator that appends) the last written.
      return out.Tags?.filter((t) => t.Key === LEASE_TAG).at(-1)?.Value;
    } catch (err) {
      throw awsError(err, where, { action: 'sagemaker:ListTags' });
    }
  };
  const busy = (l: Lease) =>
    new ConfigError(
      `another promote-on-metrics is judging it (${l.holder}, its lease until ${new Date(l.expires).toISOString()})`,
      where,
      { hint: 'wait for it to end (or cancel it); two judges would act on one canary' },
    );
  const before = await read();
  const held = parseLease(before);
  if (held && held.expires > deps.now()) throw busy(held);
  if (held)
    deps.log.warn(
      `${where}: the promote lease of ${held.holder} expired at ${new Date(held.expires).toISOString()} without being released (a run stopped before it ended?): taking it over`,
    );
  else if (before !== undefined)
    deps.log.warn(`${where}: its ${LEASE_TAG} tag (${before}) is not a lease: replacing it`);
  const mine: Lease = {
    holder: leaseHolder(deps.env),
    nonce: randomBytes(6).toString('hex'),
    expires: deps.now() + durationMs,
  };
  const value = `${mine.holder}/${mine.nonce}/${new Date(mine.expires).toISOString()}`;
  try {
    if (before !== undefined)
      await sm.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: [LEASE_TAG] }));
    await sm.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: LEASE_TAG, Value: value }] }));
  } catch (err) {
    throw awsError(err, where, { action: 'sagemaker:AddTags / DeleteTags' });
  }
  await deps.sleep(deps.settleMs ?? 3_000);
  const now = parseLease(await read());
  if (!now || now.nonce !== mine.nonce) {
    if (now) throw busy(now);
    throw new ConfigError('its promote lease was removed while it was being taken', where, {
      hint: 'another run released or replaced it: re-run when no other promote-on-metrics judges it',
    });
  }
  deps.log.info(
    `${where}: promote lease taken (${mine.holder}, until ${new Date(mine.expires).toISOString()})`,
  );
  try {
    return await fn();
  } finally {
    // Released only while it is still this run's (an UpdateEndpoint keeps the endpoint's tags).
    try {
      // Not on the run's signal: a cancelled run releases its lease too.
      const last = parseLease(await read(undefined));
      if (last?.nonce === mine.nonce)
        await sm.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: [LEASE_TAG] }));
    } catch (err) {
      deps.log.warn(
        `${where}: could not release the promote lease (${(err as Error).message}); it expires at ${new Date(mine.expires).toISOString()}`,
      );
    }
  }
}

/**
 * {@link withEndpointLease} for a step run: its own SageMaker client (in `region`, from the run's
 * environment), the run's clock, log and signal, and a 3-second pause before the lease is read back.
 */
export async function withSageMakerLease<T>(
  region: string,
  ctx: Pick<StepContext, 'env' | 'now' | 'log' | 'signal'>,
  endpoint: string,
  durationMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const sagemaker = createSageMakerClient(region, ctx.env);
  try {
    return await withEndpointLease(
      endpoint,
      durationMs,
      {
        sagemaker,
        env: ctx.env,
        now: () => ctx.now().getTime(),
        sleep: (ms) => sleep(ms, undefined, { signal: ctx.signal }).catch(() => undefined),
        log: ctx.log,
        signal: ctx.signal,
      },
      fn,
    );
  } finally {
    sagemaker.destroy();
  }
}
