import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

/** An error as an AWS SDK client raises it: its name, HTTP status and the attempts made. */
export function sdkError(name: string, status?: number, attempts?: number): Error {
  return Object.assign(new Error(`${name} (injected)`), {
    name,
    $metadata: { httpStatusCode: status, attempts },
  });
}

/** Make every S3 call of every S3Client fail with AccessDenied (HTTP 403) until `restore()`. */
export function denyS3(): { restore(): void } {
  const mock = mockClient(S3Client);
  mock.onAnyCommand().rejects(sdkError('AccessDenied', 403));
  return mock;
}
