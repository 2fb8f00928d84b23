// promote-on-metrics on SageMaker (to be written).
import { ConfigError, type StepContext } from '@modelship/core';
import type { CanaryEndpoint } from './canary.js';
import type { DeployedCanary } from './local.js';
import type { PromotePlan } from './plan.js';

export async function sagemakerCanary(
  _plan: PromotePlan,
  _ctx: StepContext,
  _deployed: DeployedCanary | undefined,
  endpoint: string,
): Promise<CanaryEndpoint> {
  await Promise.resolve();
  throw new ConfigError('is not supported yet on SageMaker', `endpoint ${endpoint}`);
}
