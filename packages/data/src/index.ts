export { validateDataStep, type ValidateDataInputs } from './step.js';
export { validateData, inferSchemaFromData, datasetFingerprint, type ValidateOutcome } from './validate.js';
export { resolveSources, formatFromName } from './readers/sources.js';
export { schemaColumns, coercerFor } from './columns.js';
export { RecordProcessor } from './processor.js';
export { readCsv } from './readers/csv.js';
export { checkProfile, PROFILE_SCHEMA } from './baseline.js';
export * from './drift.js';
