// validate-data, declared: its interface, its modelship.yml block, its manifest section, how
// `modelship run` feeds it, its entry points. Light on purpose (no readers, no AWS): hosts and the
// catalogue load this at start; the implementation (./step.ts) loads only when the step runs.
import {
  defineStep,
  MANIFEST_FRAGMENTS,
  SCHEMA_FRAGMENTS,
  type JsonSchema,
  type LoadedConfig,
} from '@modelship/core';
import { DEFAULT_NULL_VALUES, MAX_ERRORS_PER_ROW, type DataFormat } from './readers/source.js';
import { relativeTo } from './paths.js';

export const DRIFT_METHODS = ['auto', 'psi', 'ks', 'wasserstein', 'js', 'chi-square', 'linf'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** Names of the text encodings CSV and JSON Lines can be read in (see `readers/meter.ts`). */
export const ENCODING_NAMES = ['utf-8', 'utf8', 'latin1', 'iso-8859-1', 'windows-1252', 'cp1252'] as const;
export type EncodingName = (typeof ENCODING_NAMES)[number];
/** CSV field delimiters as written in an input or the config. */
export const DELIMITERS = [',', ';', '|', 'tab', '\\t', 'auto'] as const;

export interface DriftFeatureConfig {
  method?: DriftMethod;
  threshold?: number;
  ignore?: boolean;
}

export interface DriftConfig {
  'default-threshold'?: number;
  alpha?: number;
  numeric?: DriftMethod;
  categorical?: DriftMethod;
  features?: Record<string, DriftFeatureConfig>;
}

/** The `data` block of modelship.yml (checked by {@link DATA_CONFIG_SCHEMA}). */
export interface DataConfig {
  path?: string;
  format?: 'auto' | 'csv' | 'jsonl' | 'parquet';
  schema?: string;
  baseline?: string;
  'write-profile'?: string;
  'fail-on'?: 'error' | 'drift' | 'never';
  'max-record-length'?: number;
  delimiter?: ',' | ';' | '|' | '\t' | 'tab' | '\\t' | 'auto';
  encoding?: EncodingName;
  'null-values'?: string[] | string;
  drift?: DriftConfig;
}

const { nonEmpty } = SCHEMA_FRAGMENTS;

const driftFeature = {
  type: 'object',
  additionalProperties: false,
  properties: {
    method: { enum: [...DRIFT_METHODS] },
    threshold: { type: 'number', exclusiveMinimum: 0 },
    ignore: { type: 'boolean', description: 'Profile the feature but never judge it for drift.' },
  },
};

export const DATA_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    path: {
      ...nonEmpty,
      description: 'Default data to validate: file, directory, glob or s3:// prefix.',
    },
    format: { enum: ['auto', 'csv', 'jsonl', 'parquet'] },
    schema: { ...nonEmpty, description: 'JSON Schema of one record.' },
    baseline: { ...nonEmpty, description: 'Baseline profile (path or s3:// URI) to compare against.' },
    'write-profile': nonEmpty,
    'fail-on': { enum: ['error', 'drift', 'never'] },
    'max-record-length': { type: 'integer', minimum: 1024 },
    delimiter: { enum: [...DELIMITERS, '\t'], description: 'CSV field delimiter.' },
    encoding: { enum: [...ENCODING_NAMES], description: 'Text encoding of CSV and JSON Lines files.' },
    'null-values': {
      type: ['array', 'string'],
      items: { type: 'string' },
      description: 'CSV cell values read as missing, besides the empty cell (a list, or comma-separated).',
    },
    drift: {
      type: 'object',
      additionalProperties: false,
      properties: {
        'default-threshold': { type: 'number', exclusiveMinimum: 0 },
        alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        numeric: { enum: [...DRIFT_METHODS] },
        categorical: { enum: [...DRIFT_METHODS] },
        features: { type: 'object', additionalProperties: driftFeature },
      },
    },
  },
};

/** The `data` section of the manifest (checked by {@link DATA_SECTION_SCHEMA}). */
export interface DataSection {
  validatedAt: string;
  passed: boolean;
  format: string;
  uri?: string;
  rows: number;
  invalidRows: number;
  fingerprint: string;
  files: { uri: string; sha256: string; bytes: number; rows: number }[];
  schema?: { path: string; sha256: string };
  baseline?: string;
  drift?: { checked: number; drifted: string[] };
  profile?: string;
  report?: string;
}

const { sha256, isoTime } = MANIFEST_FRAGMENTS;

export const DATA_SECTION_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['validatedAt', 'passed', 'format', 'rows', 'invalidRows', 'fingerprint', 'files'],
  properties: {
    validatedAt: isoTime,
    passed: { type: 'boolean' },
    format: { type: 'string' },
    uri: { type: 'string' },
    rows: { type: 'integer', minimum: 0 },
    invalidRows: { type: 'integer', minimum: 0 },
    fingerprint: { ...sha256, description: 'sha256 over the sorted per-file digests.' },
    files: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['uri', 'sha256', 'bytes', 'rows'],
        properties: {
          uri: { type: 'string' },
          sha256,
          bytes: { type: 'integer', minimum: 0 },
          rows: { type: 'integer', minimum: 0 },
        },
      },
    },
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['path', 'sha256'],
      properties: { path: { type: 'string' }, sha256 },
    },
    baseline: { type: 'string' },
    drift: {
      type: 'object',
      additionalProperties: false,
      required: ['checked', 'drifted'],
      properties: {
        checked: { type: 'integer', minimum: 0 },
        drifted: { type: 'array', items: { type: 'string' } },
      },
    },
    profile: { type: 'string' },
    report: { type: 'string' },
  },
};

/** The step's `data` block, as the composed schema checked it. */
export function dataConfig(config: LoadedConfig): DataConfig {
  return (config.values.data ?? {}) as DataConfig;
}

export interface ValidateDataInputs {
  data: string;
  format: 'auto' | DataFormat;
  schema?: string;
  baseline?: string;
  'write-profile'?: string;
  'fail-on'?: 'error' | 'drift' | 'never';
  'max-annotations': number;
  'infer-schema'?: string;
  force: boolean;
  delimiter?: (typeof DELIMITERS)[number];
  encoding?: EncodingName;
  'null-values'?: string;
}

export type ValidateDataOutput =
  'passed' | 'rows' | 'invalid-rows' | 'drifted-features' | 'drifted' | 'report' | 'profile';

export const validateDataStep = defineStep<ValidateDataInputs, ValidateDataOutput>({
  name: 'validate-data',
  title: 'modelship validate-data',
  description:
    'Validate a dataset against a JSON Schema contract, profile every column, and detect drift against a baseline profile. Streams CSV, JSON Lines and Parquet from disk or S3 in one pass.',
  inputs: {
    data: {
      type: 'string',
      description:
        'The data: a file, a directory, a glob, or an `s3://bucket/prefix` URI. Every matching file is read.',
    },
    format: {
      type: 'string',
      description: '`auto` (by file extension), `csv`, `jsonl` or `parquet`.',
      enum: ['auto', 'csv', 'jsonl', 'parquet'],
      default: 'auto',
    },
    schema: {
      type: 'string',
      description:
        "Path or `s3://` URI of the JSON Schema one record must satisfy. Defaults to the config's `data.schema`.",
    },
    baseline: {
      type: 'string',
      description:
        "Path or `s3://` URI of a profile written by an earlier run (`write-profile`), to check drift against. Defaults to the config's `data.baseline`.",
    },
    'write-profile': {
      type: 'string',
      description:
        "Path or `s3://` URI to write this data's profile to (usable as a later `baseline`). Defaults to `validate-data/profile.json` beside the manifest.",
    },
    'fail-on': {
      type: 'string',
      description:
        "`error` (default): fail on invalid rows; `drift`: also fail when any feature drifted; `never`: report only. Defaults to the config's `data.fail-on`, else `error`.",
      enum: ['error', 'drift', 'never'],
    },
    'max-annotations': {
      type: 'integer',
      description: `How many invalid rows become GitHub annotations (all of them go to the report; each row with up to ${MAX_ERRORS_PER_ROW} of its errors).`,
      default: 10,
      minimum: 0,
      maximum: 50,
    },
    'infer-schema': {
      type: 'string',
      description:
        'Instead of validating, infer a JSON Schema from the data and write it to this path, with a baseline profile (to `write-profile`, default beside the schema).',
      cliAliases: ['infer'],
    },
    force: {
      type: 'boolean',
      default: false,
      description:
        'With `infer-schema`: overwrite an existing schema or baseline profile (without it, inference refuses to replace them).',
    },
    delimiter: {
      type: 'string',
      description:
        "CSV field delimiter: `,`, `;`, `|`, `tab` (or `\\t`), or `auto` to take the one that splits the header line into the most columns. Defaults to the config's `data.delimiter`, else `,`.",
      enum: DELIMITERS,
    },
    encoding: {
      type: 'string',
      description:
        "Text encoding of CSV and JSON Lines files: `utf-8` (bytes that are not UTF-8 stop the run, naming the file and line) or `latin1` (ISO-8859-1, read as its superset `windows-1252`). Defaults to the config's `data.encoding`, else `utf-8`.",
      enum: ENCODING_NAMES,
    },
    'null-values': {
      type: 'string',
      description: `Comma-separated CSV cell values read as a missing value, besides the empty cell; \`none\` for only the empty cell. A value a column's schema lists in \`enum\` or \`const\` stays a value in that column. Defaults to the config's \`data.null-values\`, else \`${DEFAULT_NULL_VALUES.join(',')}\`.`,
    },
  },
  required: ['data'],
  outputs: {
    passed: '`true` when the data passed under the `fail-on` policy, else `false`.',
    rows: 'Number of records read (valid and invalid).',
    'invalid-rows': 'Number of records that failed to parse or did not match the schema.',
    'drifted-features': 'Number of features judged drifted against the baseline (0 without a baseline).',
    drifted: 'Comma-separated names of the drifted features.',
    report: 'Path of the JSON report (verdict, counts, drift evidence, every invalid row).',
    profile: 'Path of the profile written for this data.',
  },
  config: { key: 'data', schema: DATA_CONFIG_SCHEMA },
  manifest: { key: 'data', schema: DATA_SECTION_SCHEMA },
  fromConfig(config, cwd) {
    const path = dataConfig(config).path;
    return path ? { data: relativeTo(cwd, config.resolvePath(path)) } : undefined;
  },
  workers: [{ name: 'csv-worker', source: 'packages/data/src/readers/csv-worker.ts' }],
  load: async () => (await import('./step.js')).validateDataImpl,
});
