import { ConfigError, systemError } from '@modelship/core';

/** Whether a call reads or writes the resource: the wording of an access-denied message. */
export type AwsAccess = 'read' | 'write';

export interface AwsErrorContext {
  /** The IAM action(s) the call needs, named in the access-denied hint, e.g. `s3:PutObject`. */
  action: string;
  /** Whether the call reads (default) or writes the resource. */
  access?: AwsAccess;
  /** The service as users name it, e.g. `S3`, `SageMaker`; default: from the action's prefix. */
  service?: string;
  /** What the resource is, for "not found", e.g. `S3 object`, `training job`; default `<service> resource`. */
  kind?: string;
}

/** Service names for IAM action prefixes. */
const SERVICES: Record<string, string> = {
  s3: 'S3',
  sagemaker: 'SageMaker',
  logs: 'CloudWatch Logs',
  cloudwatch: 'CloudWatch',
  codepipeline: 'CodePipeline',
};

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

const NOT_FOUND = new Set([
  'NoSuchKey',
  'NotFound',
  'ResourceNotFound',
  'ResourceNotFoundException',
  'NoSuchEntity',
  'NoSuchEntityException',
]);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const BAD_CREDENTIALS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

/**
 * Map an error from an AWS call to what the user can fix: a {@link ConfigError} whose `where` is
 * `resource` (an `s3://` URI, `training job <name>`, …) for
 *
 * - no credentials (`CredentialsProviderError`) or rejected ones (bad key, bad signature, expired
 *   token): how to configure them;
 * - not found (`NoSuchKey`, `ResourceNotFound`, HTTP 404, …; `NoSuchBucket` names the bucket);
 * - access denied (`AccessDenied`, HTTP 403, …): "access denied reading from / writing to
 *   <service>", with the IAM action to check for that read or write;
 * - throttled even after the client's retries (`ThrottlingException`, `SlowDown`, HTTP 429, …).
 *
 * Any other error is returned as it is (an internal error, with its cause); a ConfigError passes
 * through unchanged, so mapping twice is harmless. Returns the error to throw; never throws.
 */
export function awsError(err: unknown, resource: string, ctx: AwsErrorContext): Error {
  if (err instanceof ConfigError) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const prefix = ctx.action.split(':')[0] ?? '';
  const service = ctx.service ?? SERVICES[prefix] ?? (prefix || 'AWS');
  const fail = (message: string, hint?: string) => new ConfigError(message, resource, { cause: err, hint });
  if (name === 'CredentialsProviderError') {
    return fail(
      'no AWS credentials found',
      'configure credentials: in GitHub Actions aws-actions/configure-aws-credentials (OIDC), in CodeBuild the project role, locally AWS_PROFILE or the AWS_* variables',
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return fail(`AWS rejected the credentials (${name})`, 'check that they are valid and not expired');
  }
  if (name === 'NoSuchBucket')
    return fail('S3 bucket does not exist', 'check the bucket name and the region');
  if (NOT_FOUND.has(name) || status === 404) return fail(`${ctx.kind ?? `${service} resource`} not found`);
  if (ACCESS_DENIED.has(name) || status === 403) {
    const doing = ctx.access === 'write' ? 'writing to' : 'reading from';
    return fail(`access denied ${doing} ${service}`, `check that the role allows ${ctx.action}`);
  }
  if (THROTTLED.has(name) || status === 429) {
    const attempts = e.$metadata?.attempts;
    return fail(
      `${service} throttled the requests${attempts ? ` (still after ${attempts} attempts)` : ''}`,
      'retry later, or ask AWS for a higher request quota',
    );
  }
  // The endpoint could not be reached at all: name the resource asked for and the endpoint tried.
  const network = systemError(err);
  if (network) return fail(`cannot reach ${service}: ${network.line}`, network.hint);
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Whether a SageMaker Describe call failed because the resource does not exist: SageMaker says so
 * with `ResourceNotFound`, or with a `ValidationException` ("Could not find model …"); emulators
 * name the latter `ValidationError`.
 */
export function isSageMakerNotFound(err: unknown): boolean {
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? '';
  return (
    name === 'ResourceNotFound' ||
    ((name === 'ValidationException' || name === 'ValidationError') &&
      /not found|could not find|does not exist/i.test(e.message ?? ''))
  );
}

/**
 * Send a call that changes something on SageMaker (or Application Auto Scaling): a validation
 * error becomes the one-line ConfigError `SageMaker rejected <call>: <its message>` at
 * `resource`; any other error goes through {@link awsError} as a write needing `action`.
 */
export async function sendChange<T>(
  call: string,
  resource: string,
  action: string,
  send: () => Promise<T>,
): Promise<T> {
  try {
    return await send();
  } catch (err) {
    const name = (err as SdkError | undefined)?.name ?? '';
    if (name === 'ValidationException' || name === 'ValidationError')
      throw new ConfigError(`SageMaker rejected ${call}: ${(err as Error).message}`, resource, {
        cause: err,
      });
    throw awsError(err, resource, { action, access: 'write' });
  }
}
