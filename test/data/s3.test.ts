import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AnyStep } from '@modelship/core';
import { validateDataStep } from '@modelship/data';
import { startMoto, type Moto } from '../support/moto.js';
import { denyS3 } from '../lib/aws.js';
import { breakContracts, churnWorkspace } from '../lib/churn.js';
import { configErrorLine, runStep } from '../lib/step.js';

const step = validateDataStep as unknown as AnyStep;
let moto: Moto;
let s3: S3Client;
let ws: string;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  // The SDK's credential chain reads the process environment.
  Object.assign(process.env, moto.env);
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true });
  ws = churnWorkspace(2000);
  breakContracts(ws, 'data/current.csv', 'data/broken.csv', 3, 5);
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-ml' }));
  const put = (key: string, file: string) =>
    s3.send(new PutObjectCommand({ Bucket: 'acme-ml', Key: key, Body: readFileSync(join(ws, file)) }));
  await put('churn/batch/part-0001.csv', 'data/current.csv');
  await put('churn/batch/part-0002.csv', 'data/broken.csv');
  await put('churn/batch/_SUCCESS', 'churn.schema.json');
  await put('churn/baseline.json', 'baseline.json');
  await put('churn/train.csv', 'data/train.csv');
}, 120_000);

afterAll(async () => {
  process.env = saved;
  await moto?.stop();
});

describe('validate-data on S3 (moto server over HTTP)', () => {
  it('reads every data object under a prefix, streams it, and writes the profile back to S3', async () => {
    const run = await runStep(
      step,
      {
        data: 's3://acme-ml/churn/batch/',
        schema: 'churn.schema.json',
        baseline: 's3://acme-ml/churn/baseline.json',
        'write-profile': 's3://acme-ml/churn/profiles/batch.json',
      },
      { cwd: ws, env: moto.env },
    );
    expect(run.result.outputs.rows).toBe('1000');
    expect(run.result.outputs['invalid-rows']).toBe('2');
    expect(run.result.outputs.drifted).toContain('monthly_charges');
    const files = run.manifest().data!.files;
    expect(files.map((f) => f.uri)).toEqual([
      's3://acme-ml/churn/batch/part-0001.csv',
      's3://acme-ml/churn/batch/part-0002.csv',
    ]);
    const bad = run.result.annotations!.find((a) => a.title === 'invalid row')!;
    expect(bad.file).toBeUndefined();
    expect(bad.message).toMatch(/^s3:\/\/acme-ml\/churn\/batch\/part-0002\.csv:4: contract: must be one of/);
    const written = await s3.send(
      new GetObjectCommand({ Bucket: 'acme-ml', Key: 'churn/profiles/batch.json' }),
    );
    const profile = JSON.parse(await written.Body!.transformToString());
    expect(profile).toMatchObject({ kind: 'modelship.profile', rows: 1000 });
  });

  it('reads a single object by its URI', async () => {
    const run = await runStep(
      step,
      { data: 's3://acme-ml/churn/train.csv', schema: 'churn.schema.json' },
      { cwd: ws, env: moto.env },
    );
    expect(run.result.outputs).toMatchObject({ passed: 'true', rows: '2000' });
  });

  it.each([
    [
      's3://acme-ml/churn/nothing-here/',
      's3://acme-ml/churn/nothing-here/: no .csv, .jsonl, .ndjson or .parquet files found (.gz too)',
    ],
    ['s3://no-such-bucket/data.csv', 's3://no-such-bucket/data.csv: S3 bucket does not exist'],
  ])('names the S3 location that cannot be read: %s', async (data, expected) => {
    expect(
      await configErrorLine(runStep(step, { data, schema: 'churn.schema.json' }, { cwd: ws, env: moto.env })),
    ).toBe(expected);
  });

  it('names a baseline object that does not exist', async () => {
    const line = await configErrorLine(
      runStep(
        step,
        { data: 'data/current.csv', schema: 'churn.schema.json', baseline: 's3://acme-ml/churn/nope.json' },
        { cwd: ws, env: moto.env },
      ),
    );
    expect(line).toBe('s3://acme-ml/churn/nope.json: S3 object not found');
  });

  it('reports an object it may not read as one line (access denied, injected)', async () => {
    const mock = denyS3();
    try {
      const line = await configErrorLine(
        runStep(
          step,
          { data: 's3://acme-ml/churn/train.csv', schema: 'churn.schema.json' },
          { cwd: ws, env: moto.env },
        ),
      );
      expect(line).toMatch(/^s3:\/\/acme-ml\/churn\/train\.csv: access denied reading from S3/);
    } finally {
      mock.restore();
    }
  });
});
