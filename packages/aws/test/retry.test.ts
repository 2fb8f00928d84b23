/**
 * The one retry policy (the SDK's, configured in `awsClientConfig`): a fake HTTP handler answers
 * every request, so the real retry middleware runs and each attempt is counted. Fake timers skip
 * the backoff delays.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { AWS_MAX_ATTEMPTS, awsClientConfig } from '../src/clients.js';

interface Answer {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** A request handler that answers from `answers` in turn (the last one repeats), counting requests. */
function fakeHandler(...answers: Answer[]) {
  const handler = {
    requests: 0,
    async handle() {
      const a = answers[Math.min(handler.requests++, answers.length - 1)]!;
      return {
        response: {
          statusCode: a.statusCode,
          headers: { 'content-type': 'application/x-amz-json-1.1', ...a.headers },
          body: Readable.from([Buffer.from(a.body)]),
        },
      };
    },
  };
  return handler;
}

const ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
const json = (statusCode: number, type: string, message: string): Answer => ({
  statusCode,
  body: JSON.stringify({ __type: type, message }),
});
const THROTTLED = json(400, 'ThrottlingException', 'Rate exceeded');
const JOB = {
  statusCode: 200,
  body: JSON.stringify({ TrainingJobName: 'j', TrainingJobStatus: 'Completed' }),
};

function sagemaker(handler: ReturnType<typeof fakeHandler>, env: Record<string, string> = ENV) {
  return new SageMakerClient({ ...awsClientConfig('us-east-1', env, 'SAGEMAKER'), requestHandler: handler });
}

/** Send, advancing the fake clock until the call settles. */
async function settle<T>(call: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let done = false;
  const out = call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  void out.finally(() => (done = true));
  while (!done) await jest.advanceTimersByTimeAsync(1_000);
  return out;
}

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('the shared retry policy', () => {
  it('is the SDK adaptive strategy with 8 attempts in all', () => {
    expect(AWS_MAX_ATTEMPTS).toBe(8);
    expect(awsClientConfig('us-east-1', {})).toMatchObject({ maxAttempts: 8, retryMode: 'adaptive' });
  });

  it('retries a throttled call 7 times (8 attempts) with jittered backoff, and no more', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const handler = fakeHandler(THROTTLED);
    const { error } = await settle(
      sagemaker(handler).send(new DescribeTrainingJobCommand({ TrainingJobName: 'j' })),
    );
    expect(error).toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: AWS_MAX_ATTEMPTS } });
    expect(handler.requests).toBe(AWS_MAX_ATTEMPTS);
    // random() = 0.5: half of 1, 2, 4, 8, 16 s, then of the 20 s ceiling twice
    expect((error as { $metadata: { totalRetryDelay: number } }).$metadata.totalRetryDelay).toBe(
      500 + 1_000 + 2_000 + 4_000 + 8_000 + 10_000 + 10_000,
    );
  });

  it('returns the answer once throttling stops, counting the attempts', async () => {
    const handler = fakeHandler(THROTTLED, THROTTLED, JOB);
    const { value } = await settle(
      sagemaker(handler).send(new DescribeTrainingJobCommand({ TrainingJobName: 'j' })),
    );
    expect(value).toMatchObject({ TrainingJobStatus: 'Completed', $metadata: { attempts: 3 } });
    expect(handler.requests).toBe(3);
  });

  it('does not retry an error that is not throttling or transient', async () => {
    const handler = fakeHandler(json(400, 'ValidationException', 'Requested resource not found.'), JOB);
    const { error } = await settle(
      sagemaker(handler).send(new DescribeTrainingJobCommand({ TrainingJobName: 'j' })),
    );
    expect(error).toMatchObject({ name: 'ValidationException' });
    expect(handler.requests).toBe(1);
  });

  it('retries a transient server error the same number of times (S3 503 SlowDown)', async () => {
    const handler = fakeHandler({
      statusCode: 503,
      headers: { 'content-type': 'application/xml' },
      body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
    });
    const s3 = new S3Client({ ...awsClientConfig('us-east-1', ENV, 's3'), requestHandler: handler });
    const { error } = await settle(s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })));
    expect(error).toMatchObject({ name: 'SlowDown' });
    expect(handler.requests).toBe(AWS_MAX_ATTEMPTS);
  });

  it('stops retrying when the call is aborted', async () => {
    const handler = fakeHandler(THROTTLED);
    const ac = new AbortController();
    const call = sagemaker(handler).send(new DescribeTrainingJobCommand({ TrainingJobName: 'j' }), {
      abortSignal: ac.signal,
    });
    const out = call.catch((err: unknown) => err);
    await jest.advanceTimersByTimeAsync(0);
    ac.abort();
    expect(await out).toMatchObject({ name: 'AbortError' });
    expect(handler.requests).toBe(1);
  });

  it('takes the number of attempts from MODELSHIP_AWS_MAX_ATTEMPTS in the step environment', async () => {
    const handler = fakeHandler(THROTTLED);
    const client = sagemaker(handler, { ...ENV, MODELSHIP_AWS_MAX_ATTEMPTS: '2' });
    await settle(client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'j' })));
    expect(handler.requests).toBe(2);
  });
});
