import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ConfigError } from '@modelship/core';
import { awsError, type AwsAccess } from './errors.js';

export interface S3Location {
  bucket: string;
  /** The key or key prefix; empty for the whole bucket. */
  key: string;
}

/** Whether `s` is an `s3://` URI (anything else is a local path). */
export function isS3Uri(s: string): boolean {
  return s.startsWith('s3://');
}

/** `s3://bucket/some/key` → `{ bucket, key }`. Throws a ConfigError naming `uri` when it is not one. */
export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m || !m[1]) throw new ConfigError('not an S3 URI (expected s3://bucket/key)', uri);
  return { bucket: m[1], key: m[2] ?? '' };
}

/** The S3 calls modelship makes, with the IAM action each needs and whether it reads or writes. */
const S3_OPERATIONS = {
  list: { action: 's3:ListBucket', access: 'read' },
  // Without s3:ListBucket, S3 answers 403 rather than 404 for a key that does not exist.
  head: { action: 's3:GetObject / s3:ListBucket', access: 'read' },
  get: { action: 's3:GetObject', access: 'read' },
  put: { action: 's3:PutObject', access: 'write' },
} as const satisfies Record<string, { action: string; access: AwsAccess }>;

export type S3Operation = keyof typeof S3_OPERATIONS;

/**
 * Map an error of an S3 call (`op`) on `uri` to a ConfigError naming the object (not found, no
 * such bucket, access denied with the action to check, throttled, no credentials); see
 * {@link awsError}. Other errors are returned unchanged.
 */
export function s3Error(err: unknown, uri: string, op: S3Operation): Error {
  return awsError(err, uri, { ...S3_OPERATIONS[op], service: 'S3', kind: 'S3 object' });
}

export interface S3ObjectInfo {
  uri: string;
  key: string;
  /** Bytes. */
  size: number;
}

/**
 * List the objects under `s3://bucket/prefix`, following continuation tokens (1,000 keys a page),
 * in S3's key order. "Folder" markers (keys ending in `/`) are skipped. Errors are mapped by
 * {@link s3Error}.
 */
export async function* listS3Objects(
  client: S3Client,
  uri: string,
  signal?: AbortSignal,
): AsyncGenerator<S3ObjectInfo> {
  const { bucket, key: prefix } = parseS3Uri(uri);
  let token: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        { abortSignal: signal },
      );
    } catch (err) {
      throw s3Error(err, uri, 'list');
    }
    for (const o of page.Contents ?? []) {
      if (!o.Key || o.Key.endsWith('/')) continue;
      yield { uri: `s3://${bucket}/${o.Key}`, key: o.Key, size: o.Size ?? 0 };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Size in bytes of the object at `uri`, or undefined when there is none. Other errors: {@link s3Error}. */
export async function headS3Object(client: S3Client, uri: string): Promise<{ size: number } | undefined> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { size: out.ContentLength ?? 0 };
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404)
      return undefined;
    throw s3Error(err, uri, 'head');
  }
}

/**
 * Open an S3 object as a Node stream, optionally the byte range `[start, end)`. Errors opening it
 * are mapped by {@link s3Error}; errors while reading come from the stream.
 */
export async function openS3Object(
  client: S3Client,
  uri: string,
  opts: { range?: [number, number]; signal?: AbortSignal } = {},
): Promise<Readable> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    const out = await client.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        Range: opts.range ? `bytes=${opts.range[0]}-${opts.range[1] - 1}` : undefined,
      }),
      { abortSignal: opts.signal },
    );
    if (!(out.Body instanceof Readable)) throw new Error(`unexpected S3 body type for ${uri}`);
    return out.Body;
  } catch (err) {
    throw s3Error(err, uri, 'get');
  }
}

/**
 * Download every object under an s3:// prefix (or the one object a full key names) into `dest`,
 * keeping the key paths below the prefix's folder.
 *
 * @returns the number of files written.
 * @throws ConfigError at `uri` when nothing is under it; S3 errors mapped by {@link s3Error}.
 */
export async function downloadS3Prefix(
  client: S3Client,
  uri: string,
  dest: string,
  signal?: AbortSignal,
): Promise<number> {
  const { key: prefix } = parseS3Uri(uri);
  const base = prefix.endsWith('/') || prefix === '' ? prefix : prefix.slice(0, prefix.lastIndexOf('/') + 1);
  let n = 0;
  for await (const o of listS3Objects(client, uri, signal)) {
    const file = join(dest, o.key.slice(base.length));
    await mkdir(dirname(file), { recursive: true });
    await pipeline(await openS3Object(client, o.uri, { signal }), createWriteStream(file));
    n++;
  }
  if (n === 0) throw new ConfigError('no objects under this S3 prefix', uri);
  return n;
}

export interface PutOptions {
  contentType?: string;
  signal?: AbortSignal;
}

/** Write `body` (held in memory: documents, not data sets) to `uri`. Errors: {@link s3Error} (write). */
export async function putS3Object(
  client: S3Client,
  uri: string,
  body: string | Uint8Array,
  opts: PutOptions = {},
): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: opts.contentType }),
      {
        abortSignal: opts.signal,
      },
    );
  } catch (err) {
    throw s3Error(err, uri, 'put');
  }
}

/**
 * Upload the local file `file` to `uri`, streamed: one PutObject, or a multipart upload (5 MiB
 * parts, each retried by the client) for a large file. Aborting `signal` aborts the upload.
 * Errors: {@link s3Error} (write).
 */
export async function uploadS3File(
  client: S3Client,
  file: string,
  uri: string,
  opts: PutOptions = {},
): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: createReadStream(file), ContentType: opts.contentType },
  });
  const abort = () => void upload.abort();
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    await upload.done();
  } catch (err) {
    throw s3Error(err, uri, 'put');
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }
}
