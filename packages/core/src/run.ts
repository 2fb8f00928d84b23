import { loadConfig } from './config.js';
import { cancellationLine, ConfigError } from './errors.js';
import type { GitHubRun } from './github-event.js';
import type { Logger } from './logger.js';
import { ManifestStore } from './manifest.js';
import { provenanceFromEnv } from './provenance.js';
import { firstUsefulError, formatAjvError, jsonPointerToPath } from './schema-errors.js';
import { validatorFor } from './validators.js';
import { inStep } from './running-step.js';
import {
  allInputs,
  COMMON_INPUTS,
  inputSchema,
  numberProblem,
  type AnyStep,
  type CommonInputs,
  type StepContext,
  type StepDefinition,
  type StepResult,
  type StepState,
  loadStep,
} from './step.js';

/** What a host provides to run a step. */
export interface HostBindings {
  /** Every step modelship ships (the catalogue): config and manifest schemas are composed from them. */
  steps: readonly AnyStep[];
  log: Logger;
  cwd: string;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  debug: boolean;
  state: StepState;
  now?: () => Date;
  /** The GitHub run the host is part of (from the runner's environment), if any. */
  github?: GitHubRun;
  /** How an input is spelled to the user in errors: `input 'data'` or `--data`. */
  inputLabel?: (name: string) => string;
}

/**
 * Check raw string inputs against the step's schema and turn them into typed values.
 * Empty strings mean "not given" (GitHub passes '' for inputs without a value).
 *
 * @throws ConfigError naming the input (`input 'data'`, or `--data` on the CLI).
 */
export async function parseInputs<I>(
  step: Pick<StepDefinition, 'name' | 'title' | 'inputs' | 'required'>,
  raw: Record<string, string | undefined>,
  label: (name: string) => string = (n) => `input '${n}'`,
): Promise<I & CommonInputs> {
  const validate = await validatorFor(inputSchema(step), 'inputs', `${step.name} inputs`);
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined && v.trim() !== '') values[k] = v.trim();
  // Numbers are checked here, as written: the schema's coercion would take `0x10` for 16.
  for (const [k, spec] of Object.entries(allInputs(step))) {
    const v = values[k];
    if (typeof v !== 'string' || (spec.type !== 'number' && spec.type !== 'integer')) continue;
    const problem = numberProblem(spec, v);
    if (problem) throw new ConfigError(problem, label(k));
  }
  if (!validate(values)) {
    const e = firstUsefulError(validate.errors)!;
    const params = e.params as Record<string, unknown>;
    const name =
      typeof params.missingProperty === 'string'
        ? params.missingProperty
        : typeof params.additionalProperty === 'string'
          ? params.additionalProperty
          : jsonPointerToPath(e.instancePath);
    const msg = formatAjvError(e).replace(/^[^:]+: /, '');
    throw new ConfigError(msg === 'is not a known field' ? 'is not an input of this step' : msg, label(name));
  }
  return values as I & CommonInputs;
}

/** Check inputs, load config and manifest, and build the context a step runs in. */
export async function prepareStep(
  step: AnyStep,
  raw: Record<string, string | undefined>,
  hb: HostBindings,
): Promise<{ inputs: Record<string, unknown> & CommonInputs; ctx: StepContext }> {
  const now = hb.now ?? (() => new Date());
  const inputs = await parseInputs<Record<string, unknown>>(step, raw, hb.inputLabel);
  const config = await loadConfig(inputs.config, hb.cwd, hb.steps);
  const backend = inputs.backend ?? config.values.backend ?? 'local';
  const named = Boolean(raw.manifest?.trim()) && inputs.manifest !== COMMON_INPUTS.manifest.default;
  const manifest = await ManifestStore.open(inputs.manifest, hb.cwd, now(), hb.steps, named);
  const ctx: StepContext = {
    log: hb.log,
    cwd: hb.cwd,
    env: hb.env,
    signal: hb.signal,
    debug: hb.debug,
    now,
    config,
    backend,
    manifest,
    state: hb.state,
  };
  if (hb.github) ctx.github = hb.github;
  hb.log.debug(
    `config: ${config.path ?? '(embedded defaults)'}; backend: ${backend}; manifest: ${inputs.manifest}`,
  );
  return { inputs, ctx };
}

/**
 * Run one step: inputs → config → manifest → the step's implementation (loaded now) → manifest
 * written. The host renders the result.
 *
 * @throws ConfigError for anything the user can fix (a bad input, config, manifest); other errors
 *   are internal and keep their cause.
 */
export async function executeStep(
  step: AnyStep,
  raw: Record<string, string | undefined>,
  hb: HostBindings,
): Promise<StepResult> {
  const { inputs, ctx } = await prepareStep(step, raw, hb);
  hb.signal.throwIfAborted();
  const impl = await loadStep(step);
  const ran = await inStep({ step: step.name, config: { ...ctx.config.values }, inputs: raw }, () =>
    impl.run(inputs, ctx),
  );
  // A signal that came while the step was finishing: the step still fails, as cancelled (the
  // host reports the failed result as it reports any).
  const late = cancellationLine(hb.signal);
  const result =
    late && ran.ok ? { ...ran, ok: false, headline: `${late} as the step finished: ${ran.headline}` } : ran;
  await ctx.manifest.save(
    { step: step.name, at: ctx.now().toISOString(), ok: result.ok, headline: result.headline },
    provenanceFromEnv(hb.env),
    ctx.config.values.model,
  );
  return result;
}

/** Run a step's `post:` cleanup (nothing when it has none). */
export async function executePost(
  step: AnyStep,
  raw: Record<string, string | undefined>,
  hb: HostBindings,
): Promise<void> {
  if (!step.post) return;
  const { ctx } = await prepareStep(step, raw, hb);
  const impl = await loadStep(step);
  await inStep({ step: step.name, config: { ...ctx.config.values }, inputs: raw }, async () =>
    impl.post?.(ctx),
  );
}

/** A StepState kept in memory (CLI and tests). */
export class MemoryState implements StepState {
  private readonly values = new Map<string, string>();
  save(key: string, value: string): void {
    this.values.set(key, value);
  }
  get(key: string): string | undefined {
    return this.values.get(key);
  }
}
