// The inference image by digest: a package must always mean the same container, and a tag can be
// moved. An ECR image given by tag is resolved with ECR's DescribeImages; one given by digest is
// kept; anything else cannot be resolved and is refused on SageMaker.
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { awsClientConfig, awsError, logCalls, type AwsEnv } from '@modelship/aws';
import { ConfigError } from '@modelship/core';

export interface PinnedImage {
  /** `<registry>/<repository>@sha256:<hex>`. */
  image: string;
  digest: string;
  /** As configured (with its tag), when it was given by tag. */
  asConfigured?: string;
}

const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*?)(?::([\w][\w.-]{0,127}))?$/;
const BY_DIGEST = /^(.+)@(sha256:[0-9a-f]{64})$/;

/** An image's digest when the reference carries one (`…@sha256:<hex>`). */
export function digestOf(image: string): PinnedImage | undefined {
  const m = BY_DIGEST.exec(image);
  return m ? { image, digest: m[2]! } : undefined;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:<tag>]` → its parts, or undefined. */
export function parseEcrImage(
  image: string,
): { registryId: string; region: string; repository: string; tag: string; host: string } | undefined {
  const m = ECR_IMAGE.exec(image);
  if (!m) return undefined;
  return {
    registryId: m[1]!,
    region: m[2]!,
    repository: m[3]!,
    tag: m[4] ?? 'latest',
    host: image.slice(0, image.indexOf('/')),
  };
}

/**
 * The image pinned by digest. `where` names the config field in errors.
 *
 * @throws ConfigError when the image is not in ECR and carries no digest, or ECR has no such tag.
 */
export async function pinImage(
  image: string,
  where: string,
  opts: { env: AwsEnv; ecr?: ECRClient; signal?: AbortSignal },
): Promise<PinnedImage> {
  const pinned = digestOf(image);
  if (pinned) return pinned;
  const ref = parseEcrImage(image);
  if (!ref)
    throw new ConfigError(
      `'${image}' is not an ECR image and carries no digest, so what it means could change`,
      where,
      {
        hint: 'give the image by digest (<image>@sha256:<hex>) or an ECR image (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)',
      },
    );
  const ecr = opts.ecr ?? logCalls(new ECRClient(awsClientConfig(ref.region, opts.env, 'ECR')), 'ecr');
  let digest: string | undefined;
  try {
    const out = await ecr.send(
      new DescribeImagesCommand({
        registryId: ref.registryId,
        repositoryName: ref.repository,
        imageIds: [{ imageTag: ref.tag }],
      }),
      { abortSignal: opts.signal },
    );
    digest = out.imageDetails?.[0]?.imageDigest;
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    if (name === 'ImageNotFoundException' || name === 'RepositoryNotFoundException')
      throw new ConfigError(`ECR has no image ${ref.repository}:${ref.tag} (${name})`, where, {
        cause: err,
        hint: 'push the image first, or check the account, region, repository and tag',
      });
    throw awsError(err, image, { action: 'ecr:DescribeImages', service: 'ECR', kind: 'ECR image' });
  } finally {
    if (!opts.ecr) ecr.destroy();
  }
  if (!digest) throw new ConfigError(`ECR returned no digest for ${ref.repository}:${ref.tag}`, where);
  return { image: `${ref.host}/${ref.repository}@${digest}`, digest, asConfigured: image };
}
