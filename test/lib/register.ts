// A candidate as train and evaluate-gate leave it: a model artefact, the gate's model-quality
// statistics and a manifest with the training and evaluation sections, for register's tests.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from './step.js';

export const STATISTICS = {
  version: 0,
  dataset: { item_count: 600 },
  binary_classification_metrics: {
    accuracy: { value: 0.81, standard_deviation: 0.016 },
    auc: { value: 0.86, standard_deviation: 0.015 },
  },
};

export interface CandidateOptions {
  /** The gate's verdict (undefined: the manifest has no evaluation section). */
  verdict?: 'pass' | 'fail';
  /** The model artefact's URI as train records it (default: a local file:// artefact written here). */
  modelArtifact?: string;
  modelSha256?: string;
  config?: string;
  /** Bytes of the local artefact (default a small archive-like payload). */
  model?: Buffer;
  jobName?: string;
  metrics?: Record<string, number>;
}

export function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

/** A manifest of a trained (and, unless `verdict` is undefined, gated) candidate in `dir`. */
export function writeCandidate(
  dir: string,
  o: CandidateOptions = {},
): { modelSha256: string; model: string } {
  mkdirSync(join(dir, '.modelship/evaluate-gate'), { recursive: true });
  const bytes = o.model ?? Buffer.from(`model of ${o.jobName ?? 'churn-dev-1'}\n`);
  const modelFile = join(dir, '.modelship/training', o.jobName ?? 'churn-dev-1', 'model.tar.gz');
  mkdirSync(join(modelFile, '..'), { recursive: true });
  writeFileSync(modelFile, bytes);
  const modelSha256 = o.modelSha256 ?? sha256(bytes);
  const model = o.modelArtifact ?? pathToFileURL(modelFile).href;
  writeFileSync(join(dir, '.modelship/evaluate-gate/model-quality.json'), JSON.stringify(STATISTICS));
  const at = '2026-11-22T09:15:03.000Z';
  const manifest: Record<string, unknown> = {
    schemaVersion: 1,
    kind: 'modelship.manifest',
    model: 'churn',
    createdAt: at,
    updatedAt: at,
    source: {
      system: 'github-actions',
      repository: 'acme/churn',
      commit: 'a'.repeat(40),
      runId: '77',
      runAttempt: '1',
    },
    data: {
      validatedAt: at,
      passed: true,
      format: 'csv',
      rows: 600,
      invalidRows: 0,
      fingerprint: 'f'.repeat(64),
      files: [],
    },
    training: {
      backend: 'local',
      jobName: o.jobName ?? 'churn-dev-1',
      status: 'Completed',
      modelArtifact: model,
      modelSha256,
      metrics: o.metrics ?? { auc: 0.85, accuracy: 0.8 },
    },
    history: [],
  };
  if (o.verdict)
    manifest.evaluation = {
      kind: 'modelship.evaluate-gate.verdict',
      schemaVersion: 1,
      passed: o.verdict === 'pass',
      verdict: o.verdict,
      mode: 'predictions',
      evaluatedAt: at,
      headline: o.verdict === 'pass' ? 'passed 2 conditions of 2 checks' : 'failed 2 of 3 conditions',
      candidate: { source: 'predictions preds.csv' },
      champion: { kind: 'none', note: 'there is no champion yet' },
      notes: [],
      checks: [
        {
          check: 'roc_auc',
          metric: 'roc_auc',
          condition: 'min',
          status: 'pass',
          reason: 'ok',
          critical: false,
        },
        {
          check: 'accuracy',
          metric: 'accuracy',
          condition: 'min',
          status: o.verdict === 'pass' ? 'pass' : 'fail',
          reason: 'r',
          critical: false,
        },
        {
          check: 'recall',
          metric: 'recall',
          condition: 'min',
          status: o.verdict === 'pass' ? 'pass' : 'insufficient',
          reason: 'r',
          critical: true,
        },
      ],
      predictions: [],
      statistics: '.modelship/evaluate-gate/model-quality.json',
      inputs: { gate: { metric: 'roc_auc', min: 0.7 } },
    };
  writeFileSync(join(dir, '.modelship/manifest.json'), JSON.stringify(manifest, null, 2));
  if (o.config !== undefined) writeFileSync(join(dir, 'modelship.yml'), o.config);
  return { modelSha256, model };
}

/** A fresh workspace holding a candidate. */
export function candidateWorkspace(o: CandidateOptions = {}): {
  dir: string;
  modelSha256: string;
  model: string;
} {
  const dir = tempDir('modelship-register-');
  return { dir, ...writeCandidate(dir, { config: 'model: churn\n', ...o }) };
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
