import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '@modelship/core';

export interface S3Location {
  bucket: string;
  key: string;
}

export function isS3Uri(s: string): boolean {
  return s.startsWith('s3://');
}

export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m || !m[1]) throw new ConfigError('not an S3 URI (expected s3://bucket/key)', uri);
  return { bucket: m[1], key: m[2] ?? '' };
}

/** Map an S3 error to a user-fixable ConfigError naming the object where that applies. */
export function s3Error(err: unknown, uri: string): Error {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode;
  const name = e?.name ?? '';
  if (name === 'NoSuchBucket') return new ConfigError('S3 bucket does not exist', uri, { cause: err });
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    return new ConfigError('S3 object not found', uri, { cause: err });
  }
  if (name === 'AccessDenied' || status === 403) {
    return new ConfigError(
      "access denied reading from S3 (check the role's s3:GetObject / s3:ListBucket)",
      uri,
      {
        cause: err,
      },
    );
  }
  if (name === 'CredentialsProviderError') {
    return new ConfigError(
      'no AWS credentials found (configure credentials, e.g. aws-actions/configure-aws-credentials)',
      uri,
      {
        cause: err,
      },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

export interface S3ObjectInfo {
  uri: string;
  key: string;
  size: number;
}

/** List the objects under `s3://bucket/prefix`, following continuation tokens. */
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
      throw s3Error(err, uri);
    }
    for (const o of page.Contents ?? []) {
      if (!o.Key || o.Key.endsWith('/')) continue;
      yield { uri: `s3://${bucket}/${o.Key}`, key: o.Key, size: o.Size ?? 0 };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

export async function headS3Object(client: S3Client, uri: string): Promise<{ size: number } | undefined> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { size: out.ContentLength ?? 0 };
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404)
      return undefined;
    throw s3Error(err, uri);
  }
}

/** Open an S3 object as a Node stream (optionally a byte range). */
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
    throw s3Error(err, uri);
  }
}
