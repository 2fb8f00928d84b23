import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { isS3Uri, openS3Object } from './s3.js';

export interface Digest {
  /** Lower-case hex. */
  sha256: string;
  bytes: number;
}

/** sha256 and size of a stream, read once without holding it in memory. Stream errors reject. */
export async function sha256OfStream(stream: Readable): Promise<Digest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    bytes += buf.length;
    hash.update(buf);
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * sha256 and size of a local file (a path) or an S3 object (an `s3://` URI), streamed. S3 errors
 * opening the object are ConfigErrors naming it (see `s3Error`); a missing local file rejects
 * with the file-system error.
 */
export async function sha256Of(
  pathOrUri: string,
  opts: { s3?: S3Client; signal?: AbortSignal } = {},
): Promise<Digest> {
  if (!isS3Uri(pathOrUri)) return sha256OfStream(createReadStream(pathOrUri, { signal: opts.signal }));
  if (!opts.s3) throw new Error(`no S3 client given to read ${pathOrUri}`);
  return sha256OfStream(await openS3Object(opts.s3, pathOrUri, { signal: opts.signal }));
}
