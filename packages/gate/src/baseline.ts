// Where the champion comes from (the `baseline` input) and the metrics files the gate reads.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, fileError } from '@modelship/core';
import { isPredictionsPath } from './predictions.js';

export type Baseline =
  | { kind: 'registry' }
  | { kind: 'none' }
  | { kind: 'metrics'; path: string; values: Record<string, number>; sha256: string }
  | { kind: 'predictions'; path: string }
  | { kind: 'model'; uri: string };

/** What the user said in `baseline` (`registry` when empty). */
export async function resolveBaseline(input: string | undefined, cwd: string): Promise<Baseline> {
  const v = input?.trim() ?? '';
  if (v === '' || v === 'registry') return { kind: 'registry' };
  if (v === 'none') return { kind: 'none' };
  // A model artefact: the champion is scored by the evaluation run (the `evaluate` block).
  if (/\.(tar\.gz|tgz)$/i.test(v)) return { kind: 'model', uri: v };
  if (v.startsWith('s3://'))
    throw new ConfigError(
      'a champion metrics or predictions file on S3 is not read by this release',
      `input 'baseline'`,
      {
        hint: "copy it into the workspace first and give its path, or give the champion's model.tar.gz (s3:// or a path) with an evaluate block",
      },
    );
  if (isPredictionsPath(v)) return { kind: 'predictions', path: v };
  const { values, sha256 } = await readMetricsFile(v, cwd, 'champion metrics file');
  return { kind: 'metrics', path: v, values, sha256 };
}

/**
 * Metric values from a parsed JSON document: a flat `{name: number}` object, or SageMaker's
 * model-quality statistics (`binary_classification_metrics` / `regression_metrics` /
 * `multiclass_classification_metrics`, each metric `{value, standard_deviation}`).
 */
export function metricValues(doc: unknown, where: string): Record<string, number> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new ConfigError('must be a JSON object of metric names and numbers', where, {
      hint: 'e.g. {"roc_auc": 0.91, "log_loss": 0.38}',
    });
  const out: Record<string, number> = {};
  const groups = ['binary_classification_metrics', 'regression_metrics', 'multiclass_classification_metrics'];
  const o = doc as Record<string, unknown>;
  const sagemaker = groups.some((g) => g in o);
  const entries = sagemaker
    ? groups.flatMap((g) => Object.entries((o[g] as Record<string, unknown> | undefined) ?? {}))
    : Object.entries(o);
  for (const [k, raw] of entries) {
    const v = sagemaker && typeof raw === 'object' && raw !== null ? (raw as { value?: unknown }).value : raw;
    if (sagemaker && typeof v !== 'number') continue; // confusion matrices, curves
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ConfigError(`metric '${k}' is not a number (${JSON.stringify(v)})`, where);
    out[k] = v;
  }
  return out;
}

export async function readMetricsFile(
  path: string,
  cwd: string,
  what: string,
): Promise<{ values: Record<string, number>; sha256: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(cwd, path));
  } catch (err) {
    throw fileError(err, path, what);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ConfigError(`${what} is not valid JSON (${(err as Error).message.replace(/\s+/g, ' ')})`, path);
  }
  return { values: metricValues(doc, path), sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The `metrics` input: inline JSON (`{…}`) or a file. */
export async function readMetricsInput(
  input: string,
  cwd: string,
): Promise<{ values: Record<string, number>; path?: string; sha256?: string }> {
  const t = input.trim();
  if (t.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch (err) {
      throw new ConfigError(
        `is not valid JSON (${(err as Error).message.replace(/\s+/g, ' ')})`,
        `input 'metrics'`,
      );
    }
    return { values: metricValues(doc, `input 'metrics'`) };
  }
  const { values, sha256 } = await readMetricsFile(t, cwd, 'metrics file');
  return { values, path: t, sha256 };
}
