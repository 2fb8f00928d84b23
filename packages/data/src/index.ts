export {
  validateDataStep,
  dataConfig,
  DRIFT_METHODS,
  DATA_CONFIG_SCHEMA,
  DATA_SECTION_SCHEMA,
  type DataConfig,
  type DataSection,
  type DriftConfig,
  type ValidateDataInputs,
  type ValidateDataOutput,
} from './definition.js';
export { validateData, inferSchemaFromData, datasetFingerprint, type ValidateOutcome } from './validate.js';
export { resolveSources, formatFromName } from './readers/sources.js';
export { schemaColumns, coercerFor } from './columns.js';
export { RecordProcessor } from './processor.js';
export { readCsv } from './readers/csv.js';
export { checkProfile, PROFILE_SCHEMA } from './baseline.js';
export * from './drift.js';
