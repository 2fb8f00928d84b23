import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';

/** The environment a step hands over (`ctx.env`): AWS settings are read from it, never from `process.env` directly. */
export type AwsEnv = Record<string, string | undefined>;

export interface AwsClientSettings {
  region: string;
  maxAttempts: number;
  retryMode: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Settings shared by every AWS client modelship creates: region from config or environment,
 * adaptive retries (jittered backoff on throttling), and — taken from the step's environment,
 * which a host passes explicitly — the endpoint (`AWS_ENDPOINT_URL_<SERVICE>` or
 * `AWS_ENDPOINT_URL`, e.g. an emulator) and static credentials. Without static credentials in
 * that environment the SDK's default chain applies (OIDC web identity, SSO, instance roles).
 *
 * `region`: the config's region, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`.
 * `service`: the suffix of the service's endpoint variable (`S3`, `SAGEMAKER`, `CLOUDWATCH_LOGS`).
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
    maxAttempts: Number(env.MODELSHIP_AWS_MAX_ATTEMPTS ?? 8),
    retryMode: 'adaptive',
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
  return new S3Client(cfg);
}

/** A SageMaker client with the shared settings (endpoint variable `AWS_ENDPOINT_URL_SAGEMAKER`). */
export function createSageMakerClient(
  region: string | undefined,
  env: AwsEnv = process.env,
): SageMakerClient {
  return new SageMakerClient(awsClientConfig(region, env, 'SAGEMAKER'));
}

/** A CloudWatch Logs client with the shared settings (`AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`). */
export function createCloudWatchLogsClient(
  region: string | undefined,
  env: AwsEnv = process.env,
): CloudWatchLogsClient {
  return new CloudWatchLogsClient(awsClientConfig(region, env, 'CLOUDWATCH_LOGS'));
}
