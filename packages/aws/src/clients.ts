import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { logCalls } from './call-log.js';

export type {
  ApplicationAutoScalingClient,
  CloudFormationClient,
  CloudWatchClient,
  CodePipelineClient,
  CloudWatchLogsClient,
  S3Client,
  SageMakerClient,
  SageMakerRuntimeClient,
};

/** The environment a step hands over (`ctx.env`): AWS settings are read from it, never from `process.env` directly. */
export type AwsEnv = Record<string, string | undefined>;

/**
 * The one retry policy of every AWS call modelship makes: the SDK's own, configured here once.
 *
 * Up to {@link AWS_MAX_ATTEMPTS} attempts in all (the first and 7 retries) for throttling
 * (`ThrottlingException`, `SlowDown`, HTTP 429, …), transient errors (HTTP 500/502/503/504,
 * timeouts, connection resets) and clock skew; other errors (validation, not found, access
 * denied) are not retried. Before retry n the SDK waits a full-jitter exponential backoff: a
 * random delay up to 1 s × 2^(n−1) after throttling, 50 ms × 2^(n−1) otherwise, never over 20 s
 * (a `Retry-After` hint can lengthen it); in `adaptive` mode it also slows the client's own
 * sending rate after throttling. Retries stop early when the call's `abortSignal` aborts.
 *
 * Why the SDK's retries and no wrapper of our own: they sit under every command of every client
 * built from these settings — paging calls, each part of a multipart upload, calls a future step
 * adds — so no call site can forget them, and they know each service's error codes. A second,
 * hand-written retry loop around calls would multiply the attempts (8 × 8 = 64 tries under two
 * policies), which is what this replaces.
 *
 * `MODELSHIP_AWS_MAX_ATTEMPTS` in the step's environment overrides the number of attempts.
 */
export const AWS_MAX_ATTEMPTS = 8;
export const AWS_RETRY_MODE = 'adaptive';

export interface AwsClientSettings {
  region: string;
  /** Attempts per call, the first included (see {@link AWS_MAX_ATTEMPTS}). */
  maxAttempts: number;
  retryMode: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Settings shared by every AWS client modelship creates: region, the one retry policy
 * ({@link AWS_MAX_ATTEMPTS}), and — taken from the step's environment, which a host passes
 * explicitly — the endpoint (`AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`, e.g. an
 * emulator) and static credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`). Without static credentials in that environment the SDK's default chain
 * applies (OIDC web identity, SSO, instance roles).
 *
 * `region`: the config's region, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`.
 * `service`: the suffix of the service's endpoint variable (`S3`, `SAGEMAKER`, `CLOUDWATCH_LOGS`).
 * Pass the result to an SDK client's constructor; it never throws.
 */
export function awsClientConfig(
  region: string | undefined,
  env: AwsEnv = process.env,
  service?: string,
): AwsClientSettings {
  const endpoint =
    (service && env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`]) || env.AWS_ENDPOINT_URL || undefined;
  const out: AwsClientSettings = {
    region: region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: Number(env.MODELSHIP_AWS_MAX_ATTEMPTS ?? AWS_MAX_ATTEMPTS),
    retryMode: AWS_RETRY_MODE,
  };
  if (endpoint) out.endpoint = endpoint;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    out.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return out;
}

/** An S3 client with the shared settings; path-style addressing when an endpoint is set (emulators). */
export function createS3Client(region: string | undefined, env: AwsEnv = process.env): S3Client {
  const cfg: S3ClientConfig = { ...awsClientConfig(region, env, 's3') };
  if (cfg.endpoint) cfg.forcePathStyle = true;
  return logCalls(new S3Client(cfg), 's3');
}

/** A SageMaker client with the shared settings (endpoint variable `AWS_ENDPOINT_URL_SAGEMAKER`). */
export function createSageMakerClient(
  region: string | undefined,
  env: AwsEnv = process.env,
): SageMakerClient {
  return logCalls(new SageMakerClient(awsClientConfig(region, env, 'SAGEMAKER')), 'sagemaker');
}

/** A CloudWatch Logs client with the shared settings (`AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`). */
export function createCloudWatchLogsClient(
  region: string | undefined,
  env: AwsEnv = process.env,
): CloudWatchLogsClient {
  return logCalls(new CloudWatchLogsClient(awsClientConfig(region, env, 'CLOUDWATCH_LOGS')), 'logs');
}

/** A CloudWatch (metrics, alarms, dashboards) client with the shared settings (`AWS_ENDPOINT_URL_CLOUDWATCH`). */
export function createCloudWatchClient(
  region: string | undefined,
  env: AwsEnv = process.env,
): CloudWatchClient {
  return logCalls(new CloudWatchClient(awsClientConfig(region, env, 'CLOUDWATCH')), 'cloudwatch');
}

/** An Application Auto Scaling client with the shared settings (`AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING`). */
export function createAutoScalingClient(
  region: string | undefined,
  env: AwsEnv = process.env,
): ApplicationAutoScalingClient {
  return logCalls(
    new ApplicationAutoScalingClient(awsClientConfig(region, env, 'APPLICATION_AUTO_SCALING')),
    'application-autoscaling',
  );
}

/** A SageMaker Runtime (InvokeEndpoint) client with the shared settings (`AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME`). */
export function createSageMakerRuntimeClient(
  region: string | undefined,
  env: AwsEnv = process.env,
): SageMakerRuntimeClient {
  return logCalls(new SageMakerRuntimeClient(awsClientConfig(region, env, 'SAGEMAKER_RUNTIME')), 'sagemaker');
}

/** A CodePipeline client with the shared settings (`AWS_ENDPOINT_URL_CODEPIPELINE`). */
export function createCodePipelineClient(
  region: string | undefined,
  env: AwsEnv = process.env,
): CodePipelineClient {
  return logCalls(new CodePipelineClient(awsClientConfig(region, env, 'CODEPIPELINE')), 'codepipeline');
}

/** A CloudFormation client with the shared settings (`AWS_ENDPOINT_URL_CLOUDFORMATION`). */
export function createCloudFormationClient(
  region: string | undefined,
  env: AwsEnv = process.env,
): CloudFormationClient {
  return logCalls(new CloudFormationClient(awsClientConfig(region, env, 'CLOUDFORMATION')), 'cloudformation');
}
