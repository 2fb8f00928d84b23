import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startMoto, type Moto } from './moto.js';

describe('startMoto', () => {
  let moto: Moto;
  let s3: S3Client;

  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client({
      endpoint: moto.endpoint,
      region: moto.env.AWS_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });

  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  it('listens on a loopback port and exposes SDK environment', () => {
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(moto.env).toMatchObject({
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
  });

  it('creates a bucket, puts and gets an object over HTTP', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-ml' }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'acme-ml',
        Key: 'churn/data.csv',
        Body: 'id,label\n1,0\n',
        ContentType: 'text/csv',
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'acme-ml', Key: 'churn/data.csv' }));
    expect(await got.Body?.transformToString()).toBe('id,label\n1,0\n');
    expect(got.ContentType).toBe('text/csv');
  });

  it('moto.env alone points an SDK client at moto (endpoint, credentials, region)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, moto.env);
    try {
      const fromEnv = new S3Client({ forcePathStyle: true });
      await fromEnv.send(new CreateBucketCommand({ Bucket: 'from-env' }));
      const names = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
      expect(names).toContain('from-env');
      fromEnv.destroy();
    } finally {
      for (const key of Object.keys(moto.env)) {
        if (key in saved) process.env[key] = saved[key];
        else delete process.env[key];
      }
    }
  });

  it('reset() wipes all state', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'to-be-reset' }));
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain('to-be-reset');
    await moto.reset();
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });

  it('stop() shuts the server down', async () => {
    const other = await startMoto();
    await other.stop();
    await expect(fetch(`${other.endpoint}/moto-api/data.json`)).rejects.toThrow();
    await other.stop(); // idempotent
  });
});
