/**
 * @modelship/promote: promote-on-metrics. For now its judge: the decision, per metric and look, on
 * live per-variant metrics of a canary (see judge.ts and docs/promote.md).
 */
export * from './judge.js';
