import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { startMoto, type Moto } from '../support/moto.js';

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

/** A `train` block SageMaker accepts (every guardrail met); `channels` is a YAML line, or none. */
export function sageMakerTrainBlock(channels?: string): string {
  return `train:
  image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3
  role: arn:aws:iam::123456789012:role/ModelshipTraining
  instance-type: ml.m5.large
  max-runtime-minutes: 30
${channels ? `  channels: ${channels}\n` : ''}  output: s3://acme-ml/churn/models/
  tags: { project: churn, owner: ml-platform, environment: ci }
`;
}

/** moto in server mode with an S3 and a SageMaker client on it, and the environment a step runs in. */
export interface MotoClients {
  moto: Moto;
  s3: S3Client;
  sm: SageMakerClient;
  /** `base` with moto's endpoint and credentials over it. */
  env: Record<string, string>;
  /** Destroy the clients and stop moto. */
  stop(): Promise<void>;
}

/** Start moto (us-east-1) with path-style S3 and SageMaker clients on it. */
export async function startMotoClients(base: Record<string, string> = {}): Promise<MotoClients> {
  const moto = await startMoto();
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const s3 = new S3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
  });
  const sm = new SageMakerClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
  return {
    moto,
    s3,
    sm,
    env: { ...base, ...moto.env },
    async stop() {
      s3.destroy();
      sm.destroy();
      await moto.stop();
    },
  };
}

/** An image manifest for ECR's PutImage on moto (the digest ECR reports is that of these bytes). */
export const ECR_IMAGE_MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: {
    mediaType: 'application/vnd.docker.container.image.v1+json',
    size: 7023,
    digest: `sha256:${'c'.repeat(64)}`,
  },
  layers: [],
});
