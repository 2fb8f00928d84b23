import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { composeConfigSchema } from './config-schema.js';
import { ConfigError, fileError } from './errors.js';
import { firstUsefulError, formatAjvError } from './schema-errors.js';
import { validatorFor, type Validator } from './validators.js';
import type { AnyStep } from './step.js';
import { commonJs } from './modules.js';

/**
 * `modelship.yml` as read: core's keys, and each step's block under its key (typed by the step's
 * package, e.g. `trainConfig(config)`; the composed schema has checked it).
 */
export interface ModelshipConfig {
  $schema?: string;
  model?: string;
  backend?: 'local' | 'sagemaker';
  region?: string;
  [block: string]: unknown;
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

/**
 * How messages name the config file the step read: the path given (`--config cfg-sm2.yml`), relative
 * to `cwd` when inside it; `modelship.yml` for the embedded defaults.
 */
export function configName(config: Pick<LoadedConfig, 'path'>, cwd: string): string {
  if (!config.path) return DEFAULT_CONFIG_FILE;
  const rel = relative(cwd, config.path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? config.path : rel;
}

const validators = new WeakMap<readonly AnyStep[], Promise<Validator>>();

function validatorOf(steps: readonly AnyStep[]): Promise<Validator> {
  let v = validators.get(steps);
  if (!v) {
    v = validatorFor(composeConfigSchema(steps), 'document', 'modelship.schema.json');
    validators.set(steps, v);
  }
  return v;
}

function resolveFrom(dir: string): (p: string) => string {
  return (p) => (p.startsWith('s3://') || isAbsolute(p) ? p : resolve(dir, p));
}

/**
 * Parse and check config text against the schema composed from `steps`. `file` names the source
 * in errors.
 *
 * @throws ConfigError naming the file (and line) for bad YAML, or the file and field path
 *   (`modelship.yml: train.tags.owner: ...`) for a value the schema refuses.
 */
export async function parseConfig(
  text: string,
  file: string,
  steps: readonly AnyStep[],
): Promise<ModelshipConfig> {
  // Loaded here, not at start: a run without a config file never parses YAML.
  const { LineCounter, parseDocument } = commonJs(await import('yaml'));
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
  const validate = await validatorOf(steps);
  if (!validate(values)) {
    throw new ConfigError(formatAjvError(firstUsefulError(validate.errors)!), file);
  }
  return values as ModelshipConfig;
}

/**
 * Load `modelship.yml`. With no explicit path, a missing default file means the embedded defaults
 * (local backend, nothing configured); an explicit path that does not exist is an error.
 */
export async function loadConfig(
  explicitPath: string | undefined,
  cwd: string,
  steps: readonly AnyStep[],
): Promise<LoadedConfig> {
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
  const values = await parseConfig(text, explicitPath || DEFAULT_CONFIG_FILE, steps);
  const dir = dirname(path);
  return { path, dir, values, resolvePath: resolveFrom(dir) };
}
