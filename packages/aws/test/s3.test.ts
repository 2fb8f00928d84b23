/** S3 helpers against moto over HTTP; aws-sdk-client-mock only for faults moto cannot produce. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '@modelship/core';
import { denyS3 } from '../../../test/lib/aws.js';
import { configErrorLine } from '../../../test/lib/step.js';
import { startMoto, type Moto } from '../../../test/support/moto.js';
import { createS3Client } from '../src/clients.js';
import { readJsonDocument, readJsonText, writeJsonDocument } from '../src/documents.js';
import { sha256Of } from '../src/hash.js';
import {
  headS3Object,
  isS3Uri,
  listS3Objects,
  openS3Object,
  parseS3Uri,
  putS3Object,
  uploadS3File,
} from '../src/s3.js';

let moto: Moto;
let s3: S3Client;
let dir: string;

beforeAll(async () => {
  moto = await startMoto();
  s3 = createS3Client('us-east-1', moto.env);
});
afterAll(() => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-ml' }));
  dir = await mkdtemp(join(tmpdir(), 'modelship-aws-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const put = (key: string, body: string | Buffer) =>
  s3.send(new PutObjectCommand({ Bucket: 'acme-ml', Key: key, Body: body }));
const get = async (key: string) =>
  (await s3.send(new GetObjectCommand({ Bucket: 'acme-ml', Key: key }))).Body!.transformToString();

describe('S3 URIs', () => {
  it('parse into bucket and key, and name a bad one', async () => {
    expect(parseS3Uri('s3://b/some/key.csv')).toEqual({ bucket: 'b', key: 'some/key.csv' });
    expect(parseS3Uri('s3://b')).toEqual({ bucket: 'b', key: '' });
    expect(isS3Uri('data/x.csv')).toBe(false);
    expect(() => parseS3Uri('s3:///k')).toThrow(ConfigError);
  });
});

describe('list, head, open', () => {
  it('lists every object under a prefix across pages, skipping folder markers', async () => {
    const keys0 = Array.from({ length: 1_005 }, (_, i) => `many/part-${String(i).padStart(4, '0')}.csv`);
    for (let i = 0; i < keys0.length; i += 50)
      await Promise.all(keys0.slice(i, i + 50).map((k) => put(k, 'x')));
    await put('many/folder/', Buffer.alloc(0));
    const keys: string[] = [];
    for await (const o of listS3Objects(s3, 's3://acme-ml/many/')) keys.push(o.key);
    expect(keys).toHaveLength(1_005);
    expect(keys[1_004]).toBe('many/part-1004.csv');
  }, 120_000);

  it('heads an object (size), and answers undefined for a missing one', async () => {
    await put('a.csv', 'hello');
    expect(await headS3Object(s3, 's3://acme-ml/a.csv')).toEqual({ size: 5 });
    expect(await headS3Object(s3, 's3://acme-ml/missing.csv')).toBeUndefined();
  });

  it('opens an object or a byte range of it', async () => {
    await put('a.csv', 'hello world');
    const text = async (p: Promise<NodeJS.ReadableStream>) => {
      let s = '';
      for await (const c of await p) s += String(c);
      return s;
    };
    expect(await text(openS3Object(s3, 's3://acme-ml/a.csv'))).toBe('hello world');
    expect(await text(openS3Object(s3, 's3://acme-ml/a.csv', { range: [6, 11] }))).toBe('world');
  });

  it('names what cannot be read', async () => {
    expect(await configErrorLine(openS3Object(s3, 's3://acme-ml/missing.csv'))).toBe(
      's3://acme-ml/missing.csv: S3 object not found',
    );
    expect(await configErrorLine(openS3Object(s3, 's3://no-such-bucket/k'))).toBe(
      's3://no-such-bucket/k: S3 bucket does not exist',
    );
  });
});

describe('put and upload', () => {
  it('put writes a small body; upload streams a file (multipart when large)', async () => {
    await putS3Object(s3, 's3://acme-ml/small.txt', 'small', { contentType: 'text/plain' });
    expect(await get('small.txt')).toBe('small');
    const big = Buffer.alloc(6 * 1024 * 1024, 'x');
    await writeFile(join(dir, 'big.bin'), big);
    await uploadS3File(s3, join(dir, 'big.bin'), 's3://acme-ml/big.bin');
    expect(await headS3Object(s3, 's3://acme-ml/big.bin')).toEqual({ size: big.length });
  });

  it('a failed write hints at s3:PutObject, not s3:GetObject (access denied, injected)', async () => {
    const mock = denyS3();
    try {
      await writeFile(join(dir, 'f.txt'), 'x');
      const client = new S3Client({ region: 'us-east-1' });
      const expected = 's3://acme-ml/out.json: access denied writing to S3';
      expect(await configErrorLine(putS3Object(client, 's3://acme-ml/out.json', '{}'))).toBe(expected);
      const hint = await putS3Object(client, 's3://acme-ml/out.json', '{}').catch((e: ConfigError) => e.hint);
      expect(hint).toBe('check that the role allows s3:PutObject');
      expect(await configErrorLine(uploadS3File(client, join(dir, 'f.txt'), 's3://acme-ml/out.json'))).toBe(
        expected,
      );
      expect(
        await configErrorLine(writeJsonDocument('s3://acme-ml/out.json', {}, { s3: () => client })),
      ).toBe(expected);
      expect(await configErrorLine(openS3Object(client, 's3://acme-ml/out.json'))).toBe(
        's3://acme-ml/out.json: access denied reading from S3',
      );
    } finally {
      mock.restore();
    }
  });
});

describe('JSON documents', () => {
  const opts = () => ({ cwd: dir, s3: () => s3 });

  it('round-trip through S3 and a local path', async () => {
    const doc = { kind: 'modelship.profile', rows: 3, columns: { a: [1, 2] } };
    await writeJsonDocument('s3://acme-ml/docs/p.json', doc, opts());
    expect(await get('docs/p.json')).toBe(JSON.stringify(doc, null, 2) + '\n');
    expect(await readJsonDocument('s3://acme-ml/docs/p.json', opts())).toEqual(doc);
    await writeJsonDocument('out/p.json', doc, opts());
    expect(await readFile(join(dir, 'out', 'p.json'), 'utf8')).toBe(JSON.stringify(doc, null, 2) + '\n');
    expect(await readJsonText('out/p.json', opts())).toEqual({
      doc,
      text: JSON.stringify(doc, null, 2) + '\n',
    });
  });

  it('write a local file atomically: a temporary sibling renamed over the old file', async () => {
    await writeJsonDocument('p.json', { v: 1 }, opts());
    await writeJsonDocument('p.json', { v: 2 }, opts());
    expect(await readJsonDocument('p.json', opts())).toEqual({ v: 2 });
    expect(await readdir(dir)).toEqual(['p.json']);
  });

  it('name a missing or invalid document', async () => {
    await put('bad.json', '{nope');
    expect(await configErrorLine(readJsonDocument('s3://acme-ml/nope.json', opts()))).toBe(
      's3://acme-ml/nope.json: S3 object not found',
    );
    expect(
      await configErrorLine(
        readJsonDocument('s3://acme-ml/bad.json', { ...opts(), what: 'baseline profile' }),
      ),
    ).toMatch(/^s3:\/\/acme-ml\/bad\.json: baseline profile is not valid JSON/);
    expect(await configErrorLine(readJsonDocument('nope.json', { ...opts(), what: 'schema' }))).toBe(
      'nope.json: schema not found',
    );
  });
});

describe('sha256Of', () => {
  it('hashes a local file and an S3 object by streaming them', async () => {
    const body = Buffer.from('pretend this is model.tar.gz');
    const sha256 = createHash('sha256').update(body).digest('hex');
    await put('model.tar.gz', body);
    await writeFile(join(dir, 'model.tar.gz'), body);
    expect(await sha256Of('s3://acme-ml/model.tar.gz', { s3 })).toEqual({ sha256, bytes: body.length });
    expect(await sha256Of(join(dir, 'model.tar.gz'))).toEqual({ sha256, bytes: body.length });
  });
});
