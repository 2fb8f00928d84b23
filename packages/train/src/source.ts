import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uploadS3File, type S3Client } from '@modelship/aws';
import { ConfigError, type Logger } from '@modelship/core';
import { packDir, SOURCE_EXCLUDES, type PackResult } from '@modelship/local';

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
    await uploadS3File(s3, file, uri, { contentType: 'application/gzip', signal });
    log.info(
      `packed ${packed.files} source files (${packed.bytes} bytes, sha256 ${packed.sha256.slice(0, 12)}) → ${uri}`,
    );
    return packed;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
