import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { CONFIG_SCHEMA, type DRIFT_METHODS } from './config-schema.js';
import { ConfigError, fileError } from './errors.js';
import { compileSchema, createAjv, firstUsefulError, formatAjvError } from './schema.js';

export type DriftMethod = (typeof DRIFT_METHODS)[number];

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

export interface DataConfig {
  path?: string;
  format?: 'auto' | 'csv' | 'jsonl' | 'parquet';
  schema?: string;
  baseline?: string;
  'write-profile'?: string;
  'fail-on'?: 'error' | 'drift' | 'never';
  'max-record-length'?: number;
  delimiter?: ',' | ';' | '|' | '\t' | 'tab' | '\\t' | 'auto';
  encoding?: 'utf-8' | 'utf8' | 'latin1' | 'iso-8859-1' | 'windows-1252' | 'cp1252';
  'null-values'?: string[] | string;
  drift?: DriftConfig;
}

export interface TrainConfig {
  entrypoint?: string[];
  image?: string;
  source?: string;
  program?: string;
  role?: string;
  'instance-type'?: string;
  'instance-count'?: number;
  'volume-gb'?: number;
  'max-runtime-minutes'?: number;
  spot?: boolean;
  'max-wait-minutes'?: number;
  checkpoint?: string;
  channels?: Record<string, string>;
  hyperparameters?: Record<string, string | number | boolean>;
  metrics?: { name: string; regex: string }[];
  output?: string;
  tags?: Record<string, string>;
  vpc?: { subnets: string[]; 'security-groups': string[] };
  'kms-key'?: string;
  environment?: Record<string, string>;
}

export interface ModelshipConfig {
  model?: string;
  backend?: 'local' | 'sagemaker';
  region?: string;
  data?: DataConfig;
  train?: TrainConfig;
  gate?: Record<string, unknown>[];
  registry?: Record<string, unknown>;
  deploy?: Record<string, unknown>;
  promote?: Record<string, unknown>;
}

export interface LoadedConfig {
  /** Absolute path of the file read, or undefined for the embedded defaults. */
  path: string | undefined;
  /** Directory that relative paths inside the config resolve against. */
  dir: string;
  values: ModelshipConfig;
  /** Resolve a path written in the config (s3:// URIs and absolute paths pass through). */
  resolvePath(p: string): string;
}

export const DEFAULT_CONFIG_FILE = 'modelship.yml';

let validateConfig: ReturnType<typeof compileSchema> | undefined;

function resolveFrom(dir: string): (p: string) => string {
  return (p) => (p.startsWith('s3://') || isAbsolute(p) ? p : resolve(dir, p));
}

/** Parse and check config text. `file` names the source in errors. */
export function parseConfig(text: string, file: string): ModelshipConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lineCounter.linePos(e.pos[0]).line;
    throw new ConfigError(`invalid YAML: ${e.message.split('\n')[0]}`, line ? `${file}:${line}` : file);
  }
  const values: unknown = doc.toJS() ?? {};
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ConfigError('must be a YAML mapping (key: value)', file);
  }
  validateConfig ??= compileSchema(createAjv(CONFIG_SCHEMA), CONFIG_SCHEMA, 'modelship.schema.json');
  if (!validateConfig(values)) {
    throw new ConfigError(formatAjvError(firstUsefulError(validateConfig.errors)!), file);
  }
  return values as ModelshipConfig;
}

/**
 * Load `modelship.yml`. With no explicit path, a missing default file means the embedded defaults
 * (local backend, nothing configured); an explicit path that does not exist is an error.
 */
export async function loadConfig(explicitPath: string | undefined, cwd: string): Promise<LoadedConfig> {
  const path = resolve(cwd, explicitPath || DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (!explicitPath && (err as { code?: string }).code === 'ENOENT') {
      return { path: undefined, dir: cwd, values: {}, resolvePath: resolveFrom(cwd) };
    }
    throw fileError(err, explicitPath || DEFAULT_CONFIG_FILE, 'config file');
  }
  const values = parseConfig(text, explicitPath || DEFAULT_CONFIG_FILE);
  const dir = dirname(path);
  return { path, dir, values, resolvePath: resolveFrom(dir) };
}
