import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { parseS3Uri, s3Error } from '@modelship/aws';
import { ConfigError, type Logger } from '@modelship/core';
import { packDir, SOURCE_EXCLUDES, type PackResult } from './archive.js';

/**
 * Script mode: pack the source directory into `sourcedir.tar.gz` and upload it to `uri`, where the
 * framework container downloads it from (`sagemaker_submit_directory`).
 */
export async function uploadSource(
  s3: S3Client,
  dir: string,
  uri: string,
  log: Logger,
  signal?: AbortSignal,
): Promise<PackResult> {
  const tmp = await mkdtemp(join(tmpdir(), 'modelship-source-'));
  try {
    const file = join(tmp, 'sourcedir.tar.gz');
    let packed: PackResult;
    try {
      packed = await packDir(dir, file, SOURCE_EXCLUDES);
    } catch (err) {
      throw new ConfigError(`cannot pack the source directory (${(err as Error).message})`, dir, {
        cause: err,
      });
    }
    if (packed.files === 0) throw new ConfigError('the source directory has no files to pack', dir);
    const { bucket, key } = parseS3Uri(uri);
    const upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: createReadStream(file), ContentType: 'application/gzip' },
    });
    signal?.addEventListener('abort', () => void upload.abort(), { once: true });
    try {
      await upload.done();
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'AccessDenied' || e.$metadata?.httpStatusCode === 403) {
        throw new ConfigError("access denied writing to S3 (check the role's s3:PutObject)", uri, {
          cause: err,
        });
      }
      throw s3Error(err, uri);
    }
    log.info(
      `packed ${packed.files} source files (${packed.bytes} bytes, sha256 ${packed.sha256.slice(0, 12)}) → ${uri}`,
    );
    return packed;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
