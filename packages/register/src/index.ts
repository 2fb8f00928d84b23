export * from './definition.js';
export { manifestDigest, failedChecks, approver, runUrl } from './lineage.js';
