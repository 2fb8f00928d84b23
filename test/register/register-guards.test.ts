// register refuses what it must not register, before it changes anything, in one line naming the
// file: an artefact that is not the judged one, a local artefact on SageMaker, a missing manifest;
// a candidate's identity survives a re-evaluation to the same result; approve warns about what it
// is approving.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { findStep } from '@modelship/catalog';
import { checkRunnerFiles, ConfigError, type AnyStep } from '@modelship/core';
import type { ModelPackage } from '@modelship/registry';
import { configErrorLine, configErrorOf, runStep, tempDir } from '../lib/step.js';
import { candidateWorkspace, readJson, sha256, STATISTICS } from '../lib/register.js';

const step = findStep('register') as AnyStep;

const MANIFEST = '.modelship/manifest.json';

/** The fields of a candidate's manifest these tests edit. */
interface Editable {
  evaluation: {
    candidate: { modelSha256?: string; source?: string };
    evaluatedAt?: string;
    headline?: string;
    predictions?: unknown[];
    report?: string;
    checks: { candidate?: number }[];
  };
  training: { jobName?: string; modelSha256?: string };
  source: { runId?: string };
  registration?: unknown;
}

function editManifest(dir: string, edit: (m: Editable) => void, path = MANIFEST): void {
  const m = readJson<Editable>(join(dir, path));
  edit(m);
  writeFileSync(join(dir, path), JSON.stringify(m, null, 2));
}

function versions(dir: string): string[] {
  const d = join(dir, '.modelship/registry/churn/versions');
  return existsSync(d) ? readdirSync(d).sort() : [];
}

async function hintOf(p: Promise<unknown>): Promise<string | undefined> {
  return (await configErrorOf(p)).hint;
}

/** Where nothing answers: a call to AWS would fail with "connection refused", not a ConfigError of ours. */
const NO_AWS = {
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_MAX_ATTEMPTS: '1',
};

describe('register verifies the artefact it registers', () => {
  it('refuses a model file that is not the one the manifest records (also asked Approved), creating nothing', async () => {
    const { dir, model } = candidateWorkspace({ verdict: 'pass' });
    const file = new URL(model).pathname;
    writeFileSync(file, 'another model');
    const line = await configErrorLine(runStep(step, { 'approval-status': 'Approved' }, { cwd: dir }));
    expect(line).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: model artefact changed since it was judged: sha256 ${sha256('another model').slice(0, 12)}… now, [a-f0-9]{12}… in the manifest$`,
      ),
    );
    expect(existsSync(join(dir, '.modelship/registry'))).toBe(false);
  });

  it("refuses a verdict about another model: the gate's candidate sha256 is not training's", async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    editManifest(dir, (m) => (m.evaluation.candidate.modelSha256 = 'e'.repeat(64)));
    expect(await configErrorLine(runStep(step, {}, { cwd: dir }))).toMatch(
      /^\.modelship\/manifest\.json: the gate judged a model with sha256 eeeeeeeeeeee…, but training records [a-f0-9]{12}…: the verdict is not this model's$/,
    );
    expect(existsSync(join(dir, '.modelship/registry'))).toBe(false);
  });

  it('says plainly that no gate ran when forcing a candidate without a verdict', async () => {
    const { dir } = candidateWorkspace({});
    const run = await runStep(step, { force: 'true' }, { cwd: dir });
    expect(run.text).toContain(
      'warning: registering without a gate verdict (force): no gate ran, so the package has no model-quality metrics (ModelMetrics); recorded as forced',
    );
    expect(run.text).not.toContain('it judged metrics');
  });
});

describe('register on SageMaker checks everything before the first call', () => {
  const config = (extra = '') => `model: churn
backend: sagemaker
region: us-east-1
registry:
  inference-image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/serve@sha256:${'c'.repeat(64)}
${extra}`;

  it('refuses a local model path (no AWS call is made)', async () => {
    const { dir, model } = candidateWorkspace({ verdict: 'pass', config: config() });
    const file = new URL(model).pathname;
    const line = await configErrorLine(runStep(step, {}, { cwd: dir, env: NO_AWS }));
    expect(line).toBe(
      `${file}: is not in S3: a SageMaker model package serves its model from an s3:// URI (ModelDataUrl)`,
    );
  });

  it('names the config file given (--config), not modelship.yml', async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass', modelArtifact: 's3://b/m/model.tar.gz' });
    writeFileSync(join(dir, 'cfg-sm2.yml'), 'model: churn\nbackend: sagemaker\nregion: us-east-1\n');
    expect(await configErrorLine(runStep(step, { config: 'cfg-sm2.yml' }, { cwd: dir, env: NO_AWS }))).toBe(
      'cfg-sm2.yml: registry.inference-image: is required on SageMaker: the image that serves the model',
    );
  });
});

describe('the manifest register reads', () => {
  it('a missing --manifest "does not exist", not "records no trained model"', async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    const missing = join(tempDir(), 'doesnotexist.json');
    expect(await configErrorLine(runStep(step, { manifest: missing }, { cwd: dir }))).toBe(
      `${missing}: manifest file does not exist`,
    );
    expect(
      await configErrorLine(runStep(step, { operation: 'approve', manifest: missing }, { cwd: dir })),
    ).toBe(`${missing}: manifest file does not exist`);
    expect(existsSync(missing)).toBe(false);
  });

  it("a manifest copied with its folder finds the gate's statistics beside it, whatever the working directory", async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    editManifest(dir, (m) => (m.evaluation.report = '.modelship/evaluate-gate/verdict.json'));
    const elsewhere = tempDir();
    cpSync(join(dir, '.modelship'), join(elsewhere, 'copy'), { recursive: true });
    // The original workspace's statistics change; the copy's are what the gate wrote.
    writeFileSync(join(dir, '.modelship/evaluate-gate/model-quality.json'), '{"other":1}');
    const cwd = tempDir();
    const run = await runStep(step, { manifest: join(elsewhere, 'copy/manifest.json') }, { cwd });
    const pkg = readJson<ModelPackage>(join(cwd, '.modelship/registry/churn/versions/1.json'));
    expect(pkg.ModelMetrics!.ModelQuality!.Statistics!.ContentDigest).toBe(
      `sha256:${sha256(JSON.stringify(STATISTICS))}`,
    );
    expect(run.result.ok).toBe(true);
    // Without its evaluate-gate folder: one line naming the file, and where the gate writes it.
    const bare = tempDir();
    cpSync(join(elsewhere, 'copy/manifest.json'), join(bare, 'manifest.json'));
    const manifest = join(bare, 'manifest.json');
    expect(await configErrorLine(runStep(step, { manifest }, { cwd }))).toBe(
      `${join(bare, 'evaluate-gate/model-quality.json')}: gate's model-quality statistics (evaluation.statistics in the manifest) not found`,
    );
    expect(await hintOf(runStep(step, { manifest }, { cwd }))).toMatch(
      /^evaluate-gate writes it into evaluate-gate\/ beside the manifest/,
    );
  });
});

describe("a candidate's identity", () => {
  it('survives a re-evaluation that judged the same model the same way (times, paths, job names left out)', async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    const first = await runStep(step, {}, { cwd: dir });
    editManifest(dir, (m) => {
      m.evaluation.evaluatedAt = '2026-11-23T10:00:00.000Z';
      m.evaluation.headline = 'passed 2 conditions of 2 checks (vs model-package/churn/1)';
      m.evaluation.candidate.source = 'evaluation run churn-eval-candidate-aaaaaaa-78-1-12345678';
      m.evaluation.predictions = [
        {
          role: 'candidate',
          path: '.modelship/evaluation/job-2/output/predictions.csv',
          sha256: 'd'.repeat(64),
          rows: 600,
        },
      ];
      m.evaluation.report = '.modelship/evaluate-gate/verdict.json';
      m.training.jobName = 'churn-dev-1-retry';
      m.source.runId = '78';
    });
    const again = await runStep(step, {}, { cwd: dir });
    expect(again.result.outputs['model-package-arn']).toBe(first.result.outputs['model-package-arn']);
    expect(versions(dir)).toEqual(['1.json']);
    // Another verdict on the same model is another candidate.
    editManifest(dir, (m) => (m.evaluation.checks[0]!.candidate = 0.91));
    const third = await runStep(step, {}, { cwd: dir });
    expect(third.result.outputs['model-version']).toBe('2');
  });

  it('registering again with approval-status Approved does not change a Pending package, and says how to approve', async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    await runStep(step, {}, { cwd: dir });
    const again = await runStep(step, { 'approval-status': 'Approved' }, { cwd: dir });
    expect(again.result.outputs['approval-status']).toBe('PendingManualApproval');
    expect(again.text).toContain(
      'warning: model-package/churn/1 stays PendingManualApproval: registering does not change the status of a package that exists; approve it with: modelship register --operation approve --model-package-arn model-package/churn/1',
    );
  });

  it('a Rejected package: the hint says how to get a new version, and it is true', async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    await runStep(step, {}, { cwd: dir });
    await runStep(step, { operation: 'reject' }, { cwd: dir });
    const hint = await hintOf(runStep(step, { operation: 'approve' }, { cwd: dir }));
    expect(hint).toBe(
      'a rejected package stays rejected, and registering the same candidate returns it: for a new version, register a new candidate (retrain, or gate it on other data)',
    );
    const same = await runStep(step, {}, { cwd: dir });
    expect(same.result.outputs['model-version']).toBe('1');
    expect(same.text).toMatch(
      /warning: model-package\/churn\/1 is Rejected, and registering the same candidate again returns it/,
    );
    // A retrained model is a new candidate: a new version.
    const file = join(dir, '.modelship/training/churn-dev-1/model.tar.gz');
    writeFileSync(file, 'retrained');
    editManifest(dir, (m) => {
      m.training.modelSha256 = sha256('retrained');
      delete m.registration;
    });
    const retrained = await runStep(step, {}, { cwd: dir });
    expect(retrained.result.outputs['model-version']).toBe('2');
  });
});

describe('approve', () => {
  it('warns, naming the failed checks, when approving a package registered by force', async () => {
    const { dir } = candidateWorkspace({ verdict: 'fail' });
    await runStep(step, { force: 'true' }, { cwd: dir });
    const run = await runStep(step, { operation: 'approve' }, { cwd: dir });
    const line =
      'approving model-package/churn/1, which was registered by force although its gate failed (accuracy, recall)';
    expect(run.text).toContain(`warning: ${line}`);
    expect(run.result.annotations).toContainEqual(
      expect.objectContaining({ level: 'warning', message: line }),
    );
  });

  it('an Approved package whose artefact changed: approve fails, says it is still Approved and how to reject it', async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    await runStep(step, { 'approval-status': 'Approved' }, { cwd: dir });
    const pkg = readJson<ModelPackage>(join(dir, '.modelship/registry/churn/versions/1.json'));
    writeFileSync(
      join(dir, '.modelship/registry', pkg.InferenceSpecification!.Containers[0]!.ModelDataUrl!),
      'x',
    );
    expect(await hintOf(runStep(step, { operation: 'approve' }, { cwd: dir }))).toBe(
      'model-package/churn/1 is still Approved, and evaluate-gate refuses to score it as the champion: reject it (modelship register --operation reject --model-package-arn model-package/churn/1) or restore the file',
    );
  });
});

describe("the runner's command files", () => {
  it('a GITHUB_OUTPUT naming a missing file is one line before any step runs', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'out'), '');
    expect(() => checkRunnerFiles({ GITHUB_OUTPUT: join(dir, 'out') })).not.toThrow();
    const missing = join(dir, 'nope/out');
    let err: unknown;
    try {
      checkRunnerFiles({ GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STATE: missing });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toBe(`GITHUB_STATE: the file it names does not exist (${missing})`);
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('');
  });
});
