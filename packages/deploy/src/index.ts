// What other packages and tests may use of deploy-canary besides its definition.
export * from './definition.js';
export { runDeploy, createDeployImpl } from './step.js';
export { loadContract, readSmokeRequests, smokeTest, type Contract } from './contract.js';
export {
  parsePackageArn,
  localPackage,
  localRegistryRoot,
  challengerArn,
  type PackageInfo,
} from './package.js';
export { resolvePlan, type DeployPlan } from './plan.js';
export { variantName, modelName, endpointConfigName } from './names.js';
