import type { Logger } from './logger.js';
import type { LoadedConfig } from './config.js';
import type { ManifestStore } from './manifest.js';
import type { GitHubRun } from './github-event.js';
import type { JsonSchema } from './schema.js';

/** The JSON-Schema description of one input. Names are kebab-case; values arrive as strings. */
export interface InputSpec {
  type: 'string' | 'integer' | 'number' | 'boolean';
  description: string;
  default?: string | number | boolean;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  /** Numbers: the value must be above this (not equal to it). */
  exclusiveMinimum?: number;
  /** Numbers: the value must be below this (not equal to it). */
  exclusiveMaximum?: number;
  /** Extra CLI spellings, e.g. `infer` for `infer-schema`. */
  cliAliases?: readonly string[];
  /** CLI: the flag may be given more than once; the values are joined one a line (e.g. `--parameter A=1 --parameter B=2`). */
  cliRepeat?: boolean;
}

/** Inputs every step accepts. */
export interface CommonInputs {
  config?: string;
  manifest: string;
  backend?: 'local' | 'sagemaker';
}

export const COMMON_INPUTS: Record<keyof CommonInputs, InputSpec> = {
  config: {
    type: 'string',
    description: 'Path of the modelship config file. Defaults to `modelship.yml` when that file exists.',
  },
  manifest: {
    type: 'string',
    description: 'Path of the model manifest this step reads and extends.',
    default: '.modelship/manifest.json',
  },
  backend: {
    type: 'string',
    description:
      "Where the step runs: `local` or `sagemaker`. Defaults to the config's `backend`, else `local`.",
    enum: ['local', 'sagemaker'],
  },
};

export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** A message tied to a place in a file: a GitHub annotation, or a line on the CLI. */
export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  line?: number;
}

/** What a step hands back to its host. */
export interface StepResult<O extends string = string> {
  /** false when the step ran and the answer is "no": the host exits 1. */
  ok: boolean;
  /** One line: the verdict a person reads first. */
  headline: string;
  outputs: Record<O, string>;
  /** Markdown for the job summary (Mermaid allowed). */
  summary: string;
  annotations?: Annotation[];
}

/** Durable key/value state shared between a step and its cleanup (GitHub `post:` via saveState). */
export interface StepState {
  save(key: string, value: string): void;
  get(key: string): string | undefined;
}

/** Everything a step may use from its host. Steps touch the outside world only through this. */
export interface StepContext {
  log: Logger;
  /** Working directory that relative input paths resolve against. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** Aborted on SIGINT/SIGTERM: steps stop what they started and return. */
  signal: AbortSignal;
  debug: boolean;
  now(): Date;
  config: LoadedConfig;
  backend: 'local' | 'sagemaker';
  manifest: ManifestStore;
  state: StepState;
  /** The GitHub run (repository, event, pull request) when the host runs inside one. */
  github?: GitHubRun;
}

/** What a step does, kept apart from its declaration so hosts load it only when the step runs. */
export interface StepImpl<I = Record<string, unknown>, O extends string = string> {
  run(inputs: I & CommonInputs, ctx: StepContext): Promise<StepResult<O>>;
  /** The `post:` cleanup, run by the Actions host after the job (also on cancel). */
  post?: (ctx: StepContext) => Promise<void>;
}

/** A step's block of `modelship.yml`: its key and the JSON Schema of its value. */
export interface ConfigBlock {
  key: string;
  schema: JsonSchema;
}

/** A step's section of the manifest: its key and the JSON Schema of its value. */
export interface ManifestSection {
  key: string;
  schema: JsonSchema;
}

/** A worker-thread entry a step needs built beside it (`dist/workers/<name>.js`). */
export interface WorkerEntry {
  name: string;
  /** Source file, relative to the repository root. */
  source: string;
}

/**
 * Everything about a step, in one place: its interface (inputs, outputs), its `modelship.yml`
 * block, its manifest section, how `modelship run` builds its inputs from the config, its entry
 * points, and — loaded lazily — what it does. Hosts, the generator (`action.yml`, schemas, README
 * tables) and the bundler read the declaration; only a step that runs loads its implementation.
 */
export interface StepDefinition<I = Record<string, unknown>, O extends string = string> {
  /** kebab-case name: the action folder, the CLI sub-command. */
  name: string;
  title: string;
  description: string;
  /** Step-specific inputs (the common inputs are added by {@link inputSchema}). */
  inputs: Record<string, InputSpec>;
  required?: readonly string[];
  outputs: Record<O, string>;
  /**
   * The step's block of `modelship.yml`, composed into the published config schema; a list when
   * the step reads more than one block (evaluate-gate: `gate` and `evaluate`). Each key is claimed
   * once across all steps.
   */
  config?: ConfigBlock | readonly ConfigBlock[];
  /** The step's section of the manifest, composed into the published manifest schema. */
  manifest?: ManifestSection;
  /**
   * The inputs `modelship run` gives this step for a config, or undefined when the config does not
   * set it up (the step is then left out of the main job). Paths are relative to `cwd`.
   */
  fromConfig?: (config: LoadedConfig, cwd: string) => Record<string, string> | undefined;
  /** Whether the step has a `post:` cleanup (its implementation's `post`). */
  post?: boolean;
  /** Worker-thread entries the implementation starts. */
  workers?: readonly WorkerEntry[];
  /** Load the implementation (a dynamic import, so a bundle loads it only when the step runs). */
  load(): Promise<StepImpl<I, O>>;
}

/** Type-erased step, as hosts and the catalogue hold it. */
export type AnyStep = StepDefinition<never, string>;

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function defineStep<I, O extends string>(step: StepDefinition<I, O>): StepDefinition<I, O> {
  for (const name of [...Object.keys(step.inputs), ...Object.keys(step.outputs)]) {
    if (!KEBAB.test(name)) throw new Error(`step ${step.name}: '${name}' is not kebab-case`);
  }
  return step;
}

/**
 * The schemas the steps declare for one part of a shared document (their `config` blocks or
 * `manifest` sections), by key.
 *
 * @throws Error when two steps claim one key, or a key is one of `reserved` (the document's own).
 */
export function declaredParts(
  steps: readonly (Pick<AnyStep, 'name'> & Partial<Pick<AnyStep, 'config' | 'manifest'>>)[],
  part: 'config' | 'manifest',
  reserved: readonly string[],
): Record<string, JsonSchema> {
  const noun = part === 'config' ? 'config block' : 'manifest section';
  const out: Record<string, JsonSchema> = {};
  const owner = new Map<string, string>();
  for (const step of steps) {
    const declared: ConfigBlock | readonly ConfigBlock[] | undefined = step[part];
    for (const { key, schema } of blocksOf(declared)) {
      if (reserved.includes(key)) throw new Error(`step ${step.name}: ${noun} '${key}' is a core key`);
      const other = owner.get(key);
      if (other)
        throw new Error(
          other === step.name
            ? `step ${step.name} declares the ${noun} '${key}' twice`
            : `steps ${other} and ${step.name} both declare the ${noun} '${key}'`,
        );
      owner.set(key, step.name);
      out[key] = schema;
    }
  }
  return out;
}

/** A step's config blocks as a list (none, one, or several). */
export function blocksOf(declared: ConfigBlock | readonly ConfigBlock[] | undefined): readonly ConfigBlock[] {
  if (!declared) return [];
  return isBlockList(declared) ? declared : [declared];
}

function isBlockList(d: ConfigBlock | readonly ConfigBlock[]): d is readonly ConfigBlock[] {
  return Array.isArray(d);
}

/** Load a step's implementation, checking that it matches its declaration. */
export async function loadStep(step: AnyStep): Promise<StepImpl<Record<string, unknown>, string>> {
  const impl = (await step.load()) as unknown as StepImpl<Record<string, unknown>, string>;
  if (Boolean(impl.post) !== Boolean(step.post))
    throw new Error(
      `step ${step.name}: declares post: ${Boolean(step.post)} but its implementation disagrees`,
    );
  return impl;
}

/** A number input written as text: plain decimal only (no `0x10`, `1e3`, `Infinity`, `1_000`). */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const WHOLE = /^[+-]?\d+$/;

/** What a number input allows, in words: `a number above 0 and at most 100`. */
export function numberRule(
  spec: Pick<InputSpec, 'type' | 'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum'>,
): string {
  const bound = (exclusive: number | undefined, inclusive: number | undefined, words: [string, string]) =>
    exclusive !== undefined
      ? `${words[0]} ${exclusive}`
      : inclusive !== undefined
        ? `${words[1]} ${inclusive}`
        : undefined;
  const lower = bound(spec.exclusiveMinimum, spec.minimum, ['above', 'at least']);
  const upper = bound(spec.exclusiveMaximum, spec.maximum, ['below', 'at most']);
  const noun = spec.type === 'integer' ? 'a whole number' : 'a number';
  return [noun, [lower, upper].filter(Boolean).join(' and ')].filter(Boolean).join(' ');
}

/**
 * Check a number input as written (`value` is its text, or a number already parsed): the one
 * message for every way it can be wrong, `must be a number above 0 and at most 100, got -5`.
 * Undefined when it is fine.
 */
export function numberProblem(
  spec: Pick<InputSpec, 'type' | 'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum'>,
  value: string | number,
): string | undefined {
  const text = String(value).trim();
  const n = Number(text);
  const written = typeof value === 'number' || (spec.type === 'integer' ? WHOLE : DECIMAL).test(text);
  const inRange =
    Number.isFinite(n) &&
    (spec.type !== 'integer' || Number.isInteger(n)) &&
    (spec.minimum === undefined || n >= spec.minimum) &&
    (spec.maximum === undefined || n <= spec.maximum) &&
    (spec.exclusiveMinimum === undefined || n > spec.exclusiveMinimum) &&
    (spec.exclusiveMaximum === undefined || n < spec.exclusiveMaximum);
  if (written && inRange) return undefined;
  const notDecimal = typeof value === 'string' && !DECIMAL.test(text) && Number.isFinite(n);
  return `must be ${numberRule(spec)}, got ${text}${notDecimal ? ' (write it in decimal)' : ''}`;
}

/** All inputs of a step, step-specific first, then the common ones. */
export function allInputs(step: { inputs: Record<string, InputSpec> }): Record<string, InputSpec> {
  return { ...step.inputs, ...COMMON_INPUTS };
}

/** The JSON Schema of a step's inputs: the single source of truth for action.yml, CLI flags and docs. */
export function inputSchema(
  step: Pick<StepDefinition, 'name' | 'title' | 'inputs' | 'required'>,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, spec] of Object.entries(allInputs(step))) {
    const prop: JsonSchema = { type: spec.type, description: spec.description };
    if (spec.default !== undefined) prop.default = spec.default;
    if (spec.enum) prop.enum = [...spec.enum];
    if (spec.minimum !== undefined) prop.minimum = spec.minimum;
    if (spec.maximum !== undefined) prop.maximum = spec.maximum;
    if (spec.exclusiveMinimum !== undefined) prop.exclusiveMinimum = spec.exclusiveMinimum;
    if (spec.exclusiveMaximum !== undefined) prop.exclusiveMaximum = spec.exclusiveMaximum;
    properties[name] = prop;
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://modelship.dev/schemas/steps/${step.name}.inputs.schema.json`,
    title: `${step.title} inputs`,
    type: 'object',
    properties,
    required: [...(step.required ?? [])],
    additionalProperties: false,
  };
}
