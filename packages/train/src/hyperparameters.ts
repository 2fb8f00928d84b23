import { ConfigError } from '@modelship/core';

export type HyperValue = string | number | boolean;
export type HyperParameters = Record<string, HyperValue>;

/** Parse the `hyperparameters` input: a JSON object of scalars, merged over the config's map. */
export function parseHyperparameterInput(text: string | undefined): HyperParameters {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`is not valid JSON (${(err as Error).message})`, "input 'hyperparameters'", {
      cause: err,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('must be a JSON object, e.g. {"c": 0.5}', "input 'hyperparameters'");
  }
  for (const [k, v] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) {
      throw new ConfigError(`'${k}' must be a string, number or boolean`, "input 'hyperparameters'");
    }
  }
  return value as HyperParameters;
}

/** The values as people read them (and as the manifest records them). */
export function plainHyperparameters(hps: HyperParameters): Record<string, string> {
  return Object.fromEntries(Object.entries(hps).map(([k, v]) => [k, String(v)]));
}

/**
 * The values as sent in `HyperParameters`. SageMaker takes strings only. Script mode (framework
 * containers) JSON-decodes each value, so there every value is JSON-encoded to keep its type
 * (`"0.5"`, `"\"lbfgs\""`); a plain image receives the values as written.
 */
export function encodeHyperparameters(hps: HyperParameters, scriptMode: boolean): Record<string, string> {
  if (!scriptMode) return plainHyperparameters(hps);
  return Object.fromEntries(Object.entries(hps).map(([k, v]) => [k, JSON.stringify(v)]));
}

/** What a training script sees in `SM_HPS`: each string JSON-decoded where it can be. */
export function decodeHyperparameters(encoded: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(encoded)) {
    if (k.startsWith('sagemaker_')) continue;
    try {
      out[k] = JSON.parse(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}
