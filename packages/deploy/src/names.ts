// Names of what deploy-canary creates: deterministic from the model, the package version and a
// digest of the request, so a re-run finds what it created and a different request never does.
import { requestDigest, REQUEST_DIGEST_CHARS, SAGEMAKER_NAME_MAX } from '@modelship/aws';

function clean(part: string): string {
  return part
    .replace(/[^a-zA-Z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/** `<base>-<suffix>`, the base shortened so the whole fits SageMaker's 63 characters. */
export function fitName(base: string, suffix: string): string {
  const s = clean(suffix);
  const room = SAGEMAKER_NAME_MAX - s.length - 1;
  const head = clean(clean(base).slice(0, room)) || 'model';
  return `${head}-${s}`;
}

/** The variant serving package version `version` of `model`: `<model>-v<version>`. */
export function variantName(model: string, version: number): string {
  return fitName(model, `v${version}`);
}

/** A SageMaker Model for a package: `<model>-v<version>-<digest8>`. */
export function modelName(model: string, version: number, request: unknown): string {
  return fitName(model, `v${version}-${requestDigest(request).slice(0, REQUEST_DIGEST_CHARS)}`);
}

/** An endpoint config: `<endpoint>-<digest8>` of what it holds. */
export function endpointConfigName(endpoint: string, request: unknown): string {
  return fitName(endpoint, requestDigest(request).slice(0, REQUEST_DIGEST_CHARS));
}
