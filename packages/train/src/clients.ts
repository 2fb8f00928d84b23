import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { awsClientConfig, createS3Client } from '@modelship/core';

export interface AwsClients {
  sagemaker: SageMakerClient;
  logs: CloudWatchLogsClient;
  s3: S3Client;
}

type Env = Record<string, string | undefined>;

export function createClients(region: string, env: Env): AwsClients {
  return {
    sagemaker: new SageMakerClient(awsClientConfig(region, env, 'SAGEMAKER')),
    logs: new CloudWatchLogsClient(awsClientConfig(region, env, 'CLOUDWATCH_LOGS')),
    s3: createS3Client(region, env),
  };
}
