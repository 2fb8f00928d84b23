// evaluate-gate run in-process the way every host runs it (config, manifest, verdict files), and
// its sticky pull-request comment against a stand-in of GitHub's REST API over real HTTP.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { findStep } from '@modelship/catalog';
import type { AnyStep, GitHubRun } from '@modelship/core';
import type { EvaluationSection } from '@modelship/gate';
import { predictionRows, startGitHubStandIn, toCsv, type GitHubStandIn } from '../lib/gate.js';
import { configErrorLine, runStep, tempDir } from '../lib/step.js';
import { modelArchive } from '../../packages/gate/test/helpers.js';
import { LocalRegistry } from '@modelship/registry';

const step = findStep('evaluate-gate') as AnyStep;

const CONFIG = `model: churn
gate:
  resamples: 500
  checks:
    - { metric: roc_auc, min: 0.7, max-regression: 0.01, critical: true }
    - { metric: log_loss, max-regression: "5%" }
`;

function workspace(
  config = CONFIG,
  rows: readonly object[] = predictionRows({ n: 600, candidate: 0.3, champion: 0.1 }),
): string {
  const dir = tempDir('modelship-gate-step-');
  writeFileSync(join(dir, 'modelship.yml'), config);
  writeFileSync(join(dir, 'preds.csv'), toCsv(rows));
  return dir;
}

/** `manifest.json` in `cwd`: what train recorded (the job, and `training` fields). */
function trainedManifest(cwd: string, training: Record<string, unknown>): void {
  const at = '2026-11-22T09:00:00.000Z';
  writeFileSync(
    join(cwd, 'manifest.json'),
    JSON.stringify({
      schemaVersion: 1,
      kind: 'modelship.manifest',
      createdAt: at,
      updatedAt: at,
      history: [],
      training: { backend: 'local', jobName: 'churn-job', status: 'Completed', ...training },
    }),
  );
}

/** A workspace for evaluation runs: score.mjs, test.csv, a candidate and a noisier champion archive, a manifest. */
async function evaluationWorkspace(): Promise<string> {
  const cwd = workspace(`model: churn
evaluate:
  entrypoint: [node, score.mjs]
  test: test.csv
gate:
  resamples: 300
  checks:
  - { metric: accuracy, min: 0.6, max-regression: 0.02 }
  - { metric: roc_auc, min-improvement: 0.05, test: delong }
`);
  // 400 rows: x in [0, 1), label 1 when x >= 0.5 except every 5th row; the candidate scores x,
  // the champion a noisier 0.5 + (x - 0.5) * 0.3 + jitter.
  const rows = Array.from({ length: 400 }, (_, i) => {
    const x = ((i * 37) % 400) / 400;
    const label = (x >= 0.5 ? 1 : 0) ^ (i % 5 === 0 ? 1 : 0);
    return `${i},${x},${label}`;
  });
  writeFileSync(join(cwd, 'test.csv'), ['id,x,label', ...rows].join('\n') + '\n');
  writeFileSync(
    join(cwd, 'score.mjs'),
    `import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const { MODELSHIP_MODEL_DIR: model, MODELSHIP_TEST_DIR: test, MODELSHIP_OUTPUT_DIR: out } = process.env;
const { noise } = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
const rows = readFileSync(join(test, readdirSync(test).find((f) => f.endsWith('.csv'))), 'utf8').trim().split('\\n').slice(1);
const lines = rows.map((r) => { const [id, x, label] = r.split(',');
  const s = noise ? Math.min(1, Math.max(0, 0.5 + (Number(x) - 0.5) * 0.3 + noise * Math.sin(Number(id) * 12.9898))) : Number(x);
  return [id, label, s.toFixed(4), s >= 0.5 ? 1 : 0].join(','); });
writeFileSync(join(out, 'predictions.csv'), ['id,label,score,prediction', ...lines].join('\\n') + '\\n');
`,
  );
  const candidate = await modelArchive(cwd, 'cand/model.tar.gz', { 'model.json': '{"noise": 0}' });
  await modelArchive(cwd, 'champ/model.tar.gz', { 'model.json': '{"noise": 0.2}' });
  trainedManifest(cwd, { modelArtifact: candidate });
  return cwd;
}

describe('evaluate-gate step', () => {
  it('judges predictions, writes the verdict, the model-quality statistics and the manifest section', async () => {
    const run = await runStep(step, { predictions: 'preds.csv' }, { cwd: workspace() });
    expect(run.result.ok).toBe(true);
    expect(run.result.outputs).toEqual({
      passed: 'true',
      verdict: 'pass',
      'failed-checks': '',
      report: '.modelship/evaluate-gate/verdict.json',
      champion: 'preds.csv (champion columns)',
    });
    const verdict = JSON.parse(
      readFileSync(join(run.cwd, '.modelship/evaluate-gate/verdict.json'), 'utf8'),
    ) as EvaluationSection;
    expect(run.manifest().evaluation).toEqual(verdict);
    expect(verdict.checks.map((c) => [c.check, c.condition, c.status])).toEqual([
      ['roc_auc', 'min', 'pass'],
      ['roc_auc', 'max-regression', 'pass'],
      ['log_loss', 'max-regression', 'pass'],
    ]);
    expect(verdict.predictions[0]).toMatchObject({
      role: 'candidate+champion',
      path: 'preds.csv',
      rows: 600,
    });
    expect(verdict.champion).toEqual({ kind: 'columns', identity: 'preds.csv (champion columns)' });
    const quality = JSON.parse(
      readFileSync(join(run.cwd, '.modelship/evaluate-gate/model-quality.json'), 'utf8'),
    );
    expect(Object.keys(quality.binary_classification_metrics)).toEqual([
      'accuracy',
      'precision',
      'recall',
      'f1',
      'auc',
    ]);
    expect(quality.binary_classification_metrics.auc.value).toBeCloseTo(verdict.checks[0]!.candidate!, 12);
    expect(quality.binary_classification_metrics.auc.standard_deviation).toBeGreaterThan(0);
    expect(run.result.summary).toContain(
      '| check | threshold | candidate | champion | delta [interval] | n | verdict |',
    );
    expect(run.result.summary).toContain('xychart-beta');
  });

  it('fails with exit 1 on a failed check, failing rows first in the summary', async () => {
    const rows = predictionRows({ n: 600, candidate: 0.1, champion: 0.3 });
    const run = await runStep(step, { predictions: 'preds.csv' }, { cwd: workspace(CONFIG, rows) });
    expect(run.result.ok).toBe(false);
    expect(run.result.outputs).toMatchObject({
      passed: 'false',
      verdict: 'fail',
      'failed-checks': 'roc_auc,log_loss',
    });
    const table = run.result.summary
      .split('\n')
      .filter((l) => l.startsWith('| roc_auc') || l.startsWith('| log_loss'));
    expect(table.map((l) => l.endsWith('✅ pass |'))).toEqual([false, false, true]);
    expect(run.result.annotations!.filter((a) => a.level === 'error')).toHaveLength(2);
  });

  it('baseline registry (the default) with an empty registry: no champion yet, value checks only, said plainly', async () => {
    const rows = predictionRows({ n: 100, candidate: 0.3, champion: 0.1 }).map(({ id, label, score }) => ({
      id,
      label,
      score,
    }));
    const run = await runStep(step, { predictions: 'preds.csv' }, { cwd: workspace(CONFIG, rows) });
    expect(run.result.ok).toBe(true);
    expect(run.log.lines.join('\n')).toContain(
      "baseline 'registry': there is no champion yet: the model package group churn (.modelship/registry) has no Approved package",
    );
    expect(run.result.headline).toMatch(
      /^passed 1 condition of 2 checks \(no champion\); change checks not applied$/,
    );
    expect(run.result.summary).toContain(
      'Change checks (max-regression, min-improvement) were not applied: there is no champion yet',
    );
    expect(run.result.outputs.champion).toBe('');
  });

  it('baseline registry with predictions lacking champion columns: the champion is named, but not paired', async () => {
    const rows = predictionRows({ n: 100, candidate: 0.3, champion: 0.1 }).map(({ id, label, score }) => ({
      id,
      label,
      score,
    }));
    const cwd = workspace(CONFIG, rows);
    const registry = new LocalRegistry(join(cwd, '.modelship/registry'));
    await registry.ensureGroup('churn', {});
    await registry.create({
      group: 'churn',
      status: 'Approved',
      inference: { Containers: [{ ModelDataUrl: 's3://acme-ml/churn/model.tar.gz' }] },
      metadata: { 'modelship:manifest-sha256': '1'.repeat(64) },
      tags: {},
      digest: '1'.repeat(64),
    });
    const run = await runStep(step, { predictions: 'preds.csv' }, { cwd });
    expect(run.result.outputs.champion).toBe('');
    expect(run.log.lines.join('\n')).toContain(
      "warning: baseline 'registry': the champion model-package/churn/1 cannot be paired with the predictions: they carry no champion columns",
    );
    expect(run.result.headline).toMatch(/\(no champion\); change checks not applied$/);
  });

  it('evaluation runs: the candidate (from the manifest) and a champion model.tar.gz scored by one script, paired', async () => {
    const cwd = await evaluationWorkspace();
    const run = await runStep(step, { baseline: 'champ/model.tar.gz', manifest: 'manifest.json' }, { cwd });
    const v = run.manifest().evaluation as EvaluationSection;
    expect(v.mode).toBe('predictions');
    expect(run.result.ok).toBe(true);
    const byCondition = Object.fromEntries(v.checks.map((c) => [`${c.metric}/${c.condition}`, c]));
    expect(byCondition['accuracy/min']).toMatchObject({ status: 'pass', n: 400 });
    // Both models were scored on the same 400 rows: the change checks have intervals.
    expect(byCondition['accuracy/max-regression']).toMatchObject({ status: 'pass', n: 400 });
    expect(byCondition['roc_auc/min-improvement']).toMatchObject({ status: 'pass', test: 'delong' });
    expect(byCondition['roc_auc/min-improvement']!.interval!.low).toBeGreaterThan(0.05);
    expect(run.log.lines.join('\n')).toMatch(/local evaluation job churn-eval-candidate-/);
    expect(run.log.lines.join('\n')).toMatch(/local evaluation job churn-eval-champion-/);
  });

  it("baseline registry: the local registry's latest Approved package is the champion, scored by the evaluation run", async () => {
    const cwd = await evaluationWorkspace();
    const registry = new LocalRegistry(join(cwd, '.modelship/registry'));
    await registry.ensureGroup('churn', {});
    const champ = (digest: string, status: 'Approved' | 'Rejected') =>
      registry.create({
        group: 'churn',
        status,
        inference: { Containers: [{ ModelDataUrl: join(cwd, 'champ/model.tar.gz') }] },
        metadata: { 'modelship:manifest-sha256': digest },
        tags: {},
        digest,
      });
    await champ('1'.repeat(64), 'Approved');
    await champ('2'.repeat(64), 'Rejected'); // newer, but not the champion
    const run = await runStep(step, { manifest: 'manifest.json' }, { cwd });
    const v = run.manifest().evaluation as EvaluationSection;
    expect(run.result.ok).toBe(true);
    expect(run.result.outputs.champion).toBe('model-package/churn/1');
    expect(v.champion).toEqual({ kind: 'predictions', identity: 'model-package/churn/1' });
    expect(v.predictions.map((p) => p.role)).toEqual(['candidate', 'champion']);
    const byCondition = Object.fromEntries(v.checks.map((c) => [`${c.metric}/${c.condition}`, c]));
    expect(byCondition['roc_auc/min-improvement']!.interval!.low).toBeGreaterThan(0.05);
    expect(run.log.lines.join('\n')).toContain(
      'champion: churn version 1 (model-package/churn/1), the latest Approved package',
    );
    // The registry's copy of the artefact is what the champion's run extracted.
    expect(run.log.lines.join('\n')).toMatch(/registry\/churn\/artifacts\/[a-f0-9]{64}\.tar\.gz/);
  });

  it('baseline registry: a champion whose stored artefact changed since it was registered is not scored (one line naming the package and file)', async () => {
    const cwd = await evaluationWorkspace();
    const registry = new LocalRegistry(join(cwd, '.modelship/registry'));
    await registry.ensureGroup('churn', {});
    const original = readFileSync(join(cwd, 'champ/model.tar.gz'));
    const { pkg } = await registry.create({
      group: 'churn',
      status: 'Approved',
      inference: { Containers: [{ ModelDataUrl: join(cwd, 'champ/model.tar.gz') }] },
      metadata: {
        'modelship:manifest-sha256': '1'.repeat(64),
        'modelship:model-sha256': createHash('sha256').update(original).digest('hex'),
      },
      tags: {},
      digest: '1'.repeat(64),
    });
    // Another model put in place of the stored copy (here: the candidate's archive).
    const stored = registry.modelUri(pkg)!;
    writeFileSync(stored, readFileSync(join(cwd, 'cand/model.tar.gz')));
    const line = await configErrorLine(runStep(step, { manifest: 'manifest.json' }, { cwd }));
    expect(line).toMatch(
      new RegExp(
        `^${stored.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the champion model artefact of model-package/churn/1 changed since it was recorded: sha256 [a-f0-9]{12}… now, [a-f0-9]{12}… recorded$`,
      ),
    );
  });

  it('from a trial: a gate that judged nothing (every condition insufficient) fails, and says so', async () => {
    const cwd = workspace(
      'gate: { metric: roc_auc, min: 0.5, min-samples: 1000 }\n',
      predictionRows({ n: 40, candidate: 0.3, champion: 0.1 }),
    );
    const run = await runStep(step, { predictions: 'preds.csv', baseline: 'none' }, { cwd });
    expect(run.result.ok).toBe(false);
    expect(run.result.headline).toMatch(
      /^failed: no condition could be judged \(1 insufficient; no champion\)/,
    );
  });

  it('from a trial: a champion model.tar.gz beside candidate predictions, and a reversed direction, are refused', async () => {
    const cwd = workspace();
    expect(
      await configErrorLine(runStep(step, { predictions: 'preds.csv', baseline: 'x.tar.gz' }, { cwd })),
    ).toMatch(/^input 'baseline': is a model artefact, but the candidate comes as predictions/);
    writeFileSync(
      join(cwd, 'modelship.yml'),
      'gate: { metric: roc_auc, max-regression: 0.01, direction: lower }\n',
    );
    expect(
      await configErrorLine(runStep(step, { predictions: 'preds.csv', baseline: 'none' }, { cwd })),
    ).toBe('modelship.yml: gate.direction: roc_auc is better higher, not lower');
  });

  it('from a trial: an unknown metric names the config file given, not modelship.yml', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'bad.yml'), 'gate: { metric: roc_acu, min: 0.5 }\n');
    expect(
      await configErrorLine(
        runStep(step, { predictions: 'preds.csv', baseline: 'none', config: 'bad.yml' }, { cwd }),
      ),
    ).toMatch(/^bad\.yml: gate\.metric: 'roc_acu' is not a metric computed from predictions/);
    writeFileSync(
      join(cwd, 'bad.yml'),
      'gate: { metric: roc_auc, min: 0.5, slices: [{ column: nosuch }] }\n',
    );
    expect(
      await configErrorLine(
        runStep(step, { predictions: 'preds.csv', baseline: 'none', config: 'bad.yml' }, { cwd }),
      ),
    ).toMatch(/^bad\.yml: gate\.slices\[0\]\.column: 'nosuch' is not a column of preds\.csv/);
  });

  it('model-quality statistics: closed-form standard errors (binomial for accuracy, DeLong for AUC)', async () => {
    const cwd = workspace();
    const run = await runStep(step, { predictions: 'preds.csv' }, { cwd });
    const q = JSON.parse(readFileSync(join(cwd, '.modelship/evaluate-gate/model-quality.json'), 'utf8')) as {
      dataset: { item_count: number };
      binary_classification_metrics: Record<string, { value: number; standard_deviation: number }>;
    };
    expect(run.result.ok).toBe(true);
    const n = q.dataset.item_count;
    const acc = q.binary_classification_metrics.accuracy!;
    expect(acc.standard_deviation).toBeCloseTo(Math.sqrt((acc.value * (1 - acc.value)) / n), 12);
    for (const m of ['precision', 'recall', 'f1', 'auc']) {
      const sd = q.binary_classification_metrics[m]!.standard_deviation;
      expect(sd).toBeGreaterThan(0);
      expect(sd).toBeLessThan(0.1);
    }
  });

  it('a champion model.tar.gz without an evaluate block is one line with a hint', async () => {
    const cwd = workspace('gate: { metric: roc_auc, min: 0.8 }\n');
    expect(await configErrorLine(runStep(step, { baseline: 'champ/model.tar.gz' }, { cwd }))).toBe(
      "input 'baseline': is a model artefact: scoring it needs an evaluation run, and modelship.yml has no evaluate block",
    );
  });

  it("metrics only: the manifest's training metrics against a champion metrics file, point values", async () => {
    const cwd = workspace('gate: { metric: roc_auc, min: 0.8, max-regression: 0.01 }\n');
    writeFileSync(join(cwd, 'champion.json'), '{"auc": 0.80}');
    trainedManifest(cwd, { metrics: { auc: 0.83 } });
    const run = await runStep(step, { baseline: 'champion.json', manifest: 'manifest.json' }, { cwd });
    expect(run.result.ok).toBe(true);
    const v = run.manifest().evaluation as EvaluationSection;
    expect(v.mode).toBe('metrics');
    expect(v.candidate).toMatchObject({ source: 'training metrics of churn-job', jobName: 'churn-job' });
    expect(v.checks[1]).toMatchObject({ test: 'point', candidate: 0.83, champion: 0.8, status: 'pass' });
    expect(v.notes.join(' ')).toContain('no interval was possible');
    expect(run.result.summary).toContain('no interval was possible');
  });

  it('from a trial: run with only --config, the step takes gate.baseline (relative to the config); the input wins', async () => {
    const cwd = workspace();
    mkdirSync(join(cwd, 'conf'));
    writeFileSync(
      join(cwd, 'conf', 'modelship.yml'),
      CONFIG.replace('gate:\n', 'gate:\n  baseline: champion.json\n'),
    );
    writeFileSync(join(cwd, 'conf', 'champion.json'), '{"roc_auc": 0.5, "log_loss": 0.9}');
    const writeRows = predictionRows({ n: 600, candidate: 0.3, champion: 0.1 }).map(
      ({ id, label, score }) => ({
        id,
        label,
        score,
      }),
    );
    writeFileSync(join(cwd, 'cand.csv'), toCsv(writeRows));
    const fromConfig = await runStep(
      step,
      { predictions: 'cand.csv', config: 'conf/modelship.yml' },
      { cwd },
    );
    const v = fromConfig.manifest().evaluation as EvaluationSection;
    expect(v.champion).toMatchObject({ kind: 'metrics', source: join('conf', 'champion.json') });
    const overridden = await runStep(
      step,
      { predictions: 'cand.csv', config: 'conf/modelship.yml', baseline: 'none' },
      { cwd },
    );
    expect((overridden.manifest().evaluation as EvaluationSection).champion.kind).toBe('none');
  });

  it('the metrics input overrides the manifest, inline or a file', async () => {
    const cwd = workspace('gate: { metric: accuracy, min: 0.9 }\n');
    const run = await runStep(step, { metrics: '{"accuracy": 0.8}', baseline: 'none' }, { cwd });
    expect(run.result.ok).toBe(false);
    expect(run.result.headline).toMatch(/^failed 1 of 1 conditions \(no champion\): accuracy min$/);
  });

  it.each([
    [
      { baseline: 'none' },
      "input 'predictions': nothing to judge: no predictions, no metrics input, and no training metrics in the manifest",
    ],
    [
      { baseline: 'champ.csv' },
      "input 'baseline': is a predictions file, but the candidate has none: pairing needs both models' predictions",
    ],
    [{ metrics: '{"auc": 1', baseline: 'none' }, "input 'metrics': is not valid JSON"],
  ])('refuses %j in one line', async (inputs, expected) => {
    const line = await configErrorLine(runStep(step, inputs, { cwd: workspace() }));
    expect(line.startsWith(expected)).toBe(true);
  });

  it('without a gate block, says there is nothing to judge', async () => {
    const cwd = workspace('model: churn\n');
    expect(await configErrorLine(runStep(step, { predictions: 'preds.csv' }, { cwd }))).toBe(
      'modelship.yml: has no gate block: there is nothing to judge',
    );
  });
});

describe('sticky pull-request comment', () => {
  let api: GitHubStandIn;
  beforeAll(async () => {
    api = await startGitHubStandIn();
  });
  afterAll(() => api.close());

  const github = (): GitHubRun => ({
    eventName: 'pull_request',
    repository: 'acme/churn',
    apiUrl: api.url,
    pullRequest: 7,
  });

  it('creates the comment, then updates the same one on a re-run', async () => {
    const cwd = workspace();
    api.comments.push({ id: 1, issue: 7, body: 'an unrelated comment' });
    const first = await runStep(
      step,
      { predictions: 'preds.csv', comment: 'true', 'github-token': 't0k' },
      { cwd, github: github() },
    );
    expect(first.result.ok).toBe(true);
    const mine = api.comments.filter((c) => c.body.startsWith('<!-- modelship:evaluate-gate:churn -->'));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toContain('evaluate-gate · churn');
    expect(api.requests.some((r) => r.method === 'POST' && r.auth === 'Bearer t0k')).toBe(true);
    const id = mine[0]!.id;

    writeFileSync(join(cwd, 'preds.csv'), toCsv(predictionRows({ n: 600, candidate: 0.1, champion: 0.3 })));
    const second = await runStep(
      step,
      { predictions: 'preds.csv', comment: 'true', 'github-token': 't0k' },
      { cwd, github: github() },
    );
    expect(second.result.ok).toBe(false);
    const after = api.comments.filter((c) => c.body.includes('modelship:evaluate-gate:churn'));
    expect(after.map((c) => c.id)).toEqual([id]);
    expect(after[0]!.body).toContain('❌');
    expect(api.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([
      `/repos/acme/churn/issues/comments/${id}`,
    ]);
    expect(api.comments).toHaveLength(2);
  });

  it('without pull-requests: write (403), warns and the step still answers on its verdict', async () => {
    api.failWith = 403;
    try {
      const run = await runStep(
        step,
        { predictions: 'preds.csv', comment: 'true', 'github-token': 't0k' },
        { cwd: workspace(), github: github() },
      );
      expect(run.result.ok).toBe(true);
      const warnings = run.log.lines.filter((l) => l.includes('pull-request comment'));
      expect(warnings.join('\n')).toMatch(/403 Resource not accessible by integration.*pull-requests: write/);
    } finally {
      api.failWith = undefined;
    }
  });

  it('on a push event, or outside GitHub, there is no pull request to comment on', async () => {
    const before = api.requests.length;
    const run = await runStep(
      step,
      { predictions: 'preds.csv', comment: 'true', 'github-token': 't' },
      { cwd: workspace(), github: { ...github(), eventName: 'push', pullRequest: undefined } },
    );
    expect(run.result.ok).toBe(true);
    expect(run.text).toContain('the push event is not a pull request; no comment');
    expect(api.requests.length).toBe(before);
  });
});
