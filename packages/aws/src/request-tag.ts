// The request tag of a SageMaker job: how a re-run tells a job made from this very request from
// another of the same name (train's training jobs, evaluate-gate's processing jobs).
import { ListTagsCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';

/** Tag holding the sha256 of the request a job was created from. */
export const REQUEST_TAG = 'modelship:request-sha256';

/**
 * The job's {@link REQUEST_TAG} (undefined when it has none, every page of ListTags read), or null
 * when the tags cannot be read (AccessDeniedException: the role lacks sagemaker:ListTags); `warn`
 * is then told, naming `what` (e.g. "training job churn-…") and the Describe call that remains.
 * @throws whatever else ListTags throws.
 */
export async function readRequestTag(
  client: SageMakerClient,
  arn: string | undefined,
  opts: { signal: AbortSignal; what: string; describe: string; warn: (message: string) => void },
): Promise<string | undefined | null> {
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new ListTagsCommand({ ResourceArn: arn, NextToken: token }), {
        abortSignal: opts.signal,
      });
      const tag = page.Tags?.find((t) => t.Key === REQUEST_TAG);
      if (tag) return tag.Value ?? '';
      token = page.NextToken;
    } while (token);
    return undefined;
  } catch (err) {
    if ((err as { name?: string } | undefined)?.name !== 'AccessDeniedException') throw err;
    opts.warn(
      `cannot read the tags of ${opts.what} (the role needs sagemaker:ListTags): compared the fields ${opts.describe} shows only`,
    );
    return null;
  }
}
