/**
 * @modelship/promote: promote-on-metrics. The judge (judge.ts), the bake loop and its policy
 * (canary.ts), the metrics reader (series.ts), the shadow judge (shadow.ts), the decision audit and
 * replay (audit.ts), and the step (step.ts). See docs/promote.md.
 */
export * from './judge.js';
export * from './definition.js';
export * from './plan.js';
export * from './series.js';
export * from './canary.js';
export * from './shadow.js';
export * from './audit.js';
export { localCanary, canaryVariants } from './local.js';
export { createPromoteImpl, PROMOTE_METADATA } from './step.js';
