// Names of what deploy-canary creates: deterministic from the model, the package version and a
// digest of the request, so a re-run finds what it created and a different request never does.
import { fitName, requestDigest, REQUEST_DIGEST_CHARS } from '@modelship/aws';

export { fitName, endpointConfigName } from '@modelship/aws';

/** The variant serving package version `version` of `model`: `<model>-v<version>`. */
export function variantName(model: string, version: number): string {
  return fitName(model, `v${version}`);
}

/** A SageMaker Model for a package: `<model>-v<version>-<digest8>`. */
export function modelName(model: string, version: number, request: unknown): string {
  return fitName(model, `v${version}-${requestDigest(request).slice(0, REQUEST_DIGEST_CHARS)}`);
}
