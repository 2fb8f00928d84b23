// The model registry (both backends), shared by the register step and evaluate-gate's champion
// lookup. Loads the AWS SDK: import it from a step's implementation, never from a definition.
export * from './types.js';
export * from './metadata.js';
export * from './local.js';
export * from './sagemaker.js';
export * from './ecr.js';
export * from './open.js';
