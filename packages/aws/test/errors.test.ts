import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@modelship/core';
import { awsError } from '../src/errors.js';
import { s3Error } from '../src/s3.js';
import { sdkError } from '../../../test/lib/aws.js';

function line(err: Error): string {
  if (!(err instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${err.name}`);
  return err.hint ? `${err.line} [hint: ${err.hint}]` : err.line;
}

describe('awsError', () => {
  const put = { action: 's3:PutObject', access: 'write' as const };
  const get = { action: 's3:GetObject' };

  it('names the resource and the action to check, for a read and for a write', () => {
    expect(line(awsError(sdkError('AccessDenied', 403), 's3://b/k', put))).toBe(
      's3://b/k: access denied writing to S3 [hint: check that the role allows s3:PutObject]',
    );
    expect(line(awsError(sdkError('AccessDenied', 403), 's3://b/k', get))).toBe(
      's3://b/k: access denied reading from S3 [hint: check that the role allows s3:GetObject]',
    );
    expect(
      line(
        awsError(sdkError('AccessDeniedException', 400), 'training job j', {
          action: 'sagemaker:StopTrainingJob',
          access: 'write',
        }),
      ),
    ).toBe(
      'training job j: access denied writing to SageMaker [hint: check that the role allows sagemaker:StopTrainingJob]',
    );
  });

  it('maps not found by name or status, with the kind of resource', () => {
    expect(line(awsError(sdkError('NoSuchKey', 404), 's3://b/k', { ...get, kind: 'S3 object' }))).toBe(
      's3://b/k: S3 object not found',
    );
    expect(
      line(
        awsError(sdkError('ResourceNotFound', 400), 'endpoint e', {
          action: 'sagemaker:DescribeEndpoint',
          kind: 'endpoint',
        }),
      ),
    ).toBe('endpoint e: endpoint not found');
    expect(line(awsError(sdkError('Whatever', 404), 'x', { action: 'logs:GetLogEvents' }))).toBe(
      'x: CloudWatch Logs resource not found',
    );
    expect(line(awsError(sdkError('NoSuchBucket', 404), 's3://nope/k', get))).toBe(
      's3://nope/k: S3 bucket does not exist [hint: check the bucket name and the region]',
    );
  });

  it('maps throttling the client gave up on, and missing or rejected credentials', () => {
    expect(
      line(
        awsError(sdkError('ThrottlingException', 400, 8), 'r', { action: 'sagemaker:DescribeTrainingJob' }),
      ),
    ).toBe(
      'r: SageMaker throttled the requests (still after 8 attempts) [hint: retry later, or ask AWS for a higher request quota]',
    );
    expect(line(awsError(sdkError('CredentialsProviderError'), 'r', get))).toMatch(
      /^r: no AWS credentials found/,
    );
    expect(line(awsError(sdkError('ExpiredToken', 400), 'r', get))).toBe(
      'r: AWS rejected the credentials (ExpiredToken) [hint: check that they are valid and not expired]',
    );
  });

  it('names the resource and the endpoint when the endpoint cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 9,
    });
    expect(line(awsError(refused, 's3://b/k', get))).toBe(
      's3://b/k: cannot reach S3: 127.0.0.1:9: connection refused (ECONNREFUSED) [hint: is the service running and the endpoint (e.g. AWS_ENDPOINT_URL) right?]',
    );
  });

  it('keeps the cause, and leaves other errors (and ConfigErrors) as they are', () => {
    const cause = sdkError('AccessDenied', 403);
    expect(awsError(cause, 'r', get).cause).toBe(cause);
    const other = sdkError('ValidationException', 400);
    expect(awsError(other, 'r', get)).toBe(other);
    const mapped = awsError(cause, 'r', get);
    expect(awsError(mapped, 'elsewhere', put)).toBe(mapped);
    expect(awsError('boom', 'r', get)).toEqual(new Error('boom'));
  });
});

describe('s3Error', () => {
  it('hints at the action of each S3 call', () => {
    const denied = sdkError('AccessDenied', 403);
    expect(line(s3Error(denied, 's3://b/', 'list'))).toMatch(
      /reading from S3 \[hint: check that the role allows s3:ListBucket\]$/,
    );
    expect(line(s3Error(denied, 's3://b/k', 'head'))).toMatch(/s3:GetObject \/ s3:ListBucket\]$/);
    expect(line(s3Error(denied, 's3://b/k', 'put'))).toBe(
      's3://b/k: access denied writing to S3 [hint: check that the role allows s3:PutObject]',
    );
  });
});
