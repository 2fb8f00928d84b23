export * from './definition.js';
export * from './pipeline.js';
export { createCodePipelineImpl, defaultSummary, type CodePipelineImplOptions } from './step.js';
