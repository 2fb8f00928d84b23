// The core barrel loads no AWS SDK and no step: hosts, the catalogue and every step import it.
export * from './errors.js';
// ajv is loaded by the step that needs it (`@modelship/core/schema`), not by the barrel.
export { firstUsefulError, formatAjvError, jsonPointerToPath, type JsonSchema } from './schema-errors.js';
export type { ErrorObject, ValidateFunction } from './schema.js';
export * from './validators.js';
export * from './logger.js';
export * from './step.js';
export * from './config.js';
export { composeConfigSchema, CORE_CONFIG_PROPERTIES, SCHEMA_FRAGMENTS } from './config-schema.js';
export * from './manifest.js';
export * from './provenance.js';
export * from './github-event.js';
export * from './run.js';
export * from './running-step.js';
export * from './host.js';
export * from './markdown.js';
export * from './workers.js';
