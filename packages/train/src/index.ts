export {
  trainStep,
  trainConfig,
  TRAIN_CONFIG_SCHEMA,
  TRAINING_SECTION_SCHEMA,
  type TrainConfig,
  type TrainingSection,
  type TrainInputs,
  type TrainOutput,
} from './definition.js';
export { createTrainStep, createTrainImpl, localRoot, STATE, type TrainDeps } from './step.js';
export type {
  TrainingBackend,
  TrainingOutcome,
  JobRef,
  Preview,
  StatusTransition,
  WaitOptions,
} from './backend.js';
export { LocalBackend } from './local.js';
export { SageMakerBackend, outcomeFromDescription } from './sagemaker.js';
export { resolvePlan, checkPlan, trainingJobName, type TrainPlan, type TrainingRequest } from './plan.js';
export { buildTrainingRequest, requestHyperparameters, sourceUri } from './request.js';
export { estimateCost, ON_DEMAND_USD_PER_HOUR, PRICE_TABLE_DATE, SPOT_SAVING } from './pricing.js';
