// register on the local backend (the embedded default), run in-process the way every host runs it:
// the file registry, idempotency, approve / reject, and every refused input as one line.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { findStep } from '@modelship/catalog';
import type { AnyStep, GitHubRun } from '@modelship/core';
import type { RegistrationSection } from '@modelship/register';
import type { ModelPackage } from '@modelship/registry';
import { registerLocal } from '../lib/deploy.js';
import { configErrorLine, runStep, tempDir } from '../lib/step.js';
import { candidateWorkspace, readJson, sha256, STATISTICS, writeCandidate } from '../lib/register.js';

const step = findStep('register') as AnyStep;

const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_ACTOR: 'octocat',
  GITHUB_REPOSITORY: 'acme/churn',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_SERVER_URL: 'https://github.example.com',
};

function version(dir: string, n: number): ModelPackage {
  return readJson<ModelPackage>(join(dir, '.modelship/registry/churn/versions', `${n}.json`));
}

describe('register (local backend)', () => {
  it('registers a passed candidate: one JSON document, the artefact and statistics copied by sha256, the manifest section, the summary', async () => {
    const { dir, modelSha256 } = candidateWorkspace({ verdict: 'pass' });
    const run = await runStep(step, {}, { cwd: dir });
    expect(run.result.ok).toBe(true);
    expect(run.result.outputs).toEqual({
      'model-package-arn': 'model-package/churn/1',
      'model-version': '1',
      'approval-status': 'PendingManualApproval',
      'champion-arn': '',
    });
    const pkg = version(dir, 1);
    expect(pkg).toMatchObject({
      ModelPackageGroupName: 'churn',
      ModelPackageVersion: 1,
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ ModelDataUrl: `churn/artifacts/${modelSha256}.tar.gz` }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
    });
    const stats = pkg.ModelMetrics!.ModelQuality!.Statistics!;
    const statsBytes = JSON.stringify(STATISTICS);
    expect(stats).toEqual({
      ContentType: 'application/json',
      S3Uri: `churn/metrics/${sha256(statsBytes)}.json`,
      ContentDigest: `sha256:${sha256(statsBytes)}`,
    });
    expect(sha256(readFileSync(join(dir, '.modelship/registry', stats.S3Uri)))).toBe(sha256(statsBytes));
    const copy = readFileSync(
      join(dir, '.modelship/registry', pkg.InferenceSpecification!.Containers[0]!.ModelDataUrl!),
    );
    expect(sha256(copy)).toBe(modelSha256);
    expect(pkg.CustomerMetadataProperties).toMatchObject({
      'modelship:model-sha256': modelSha256,
      'modelship:gate-verdict': 'pass',
      'modelship:repository': 'acme/churn',
      'modelship:commit': 'a'.repeat(40),
      'modelship:run': '77/1',
      'modelship:data-fingerprint': 'f'.repeat(64),
      'modelship:training-job': 'churn-dev-1',
      'modelship:metric:auc': '0.85',
    });
    expect(pkg.CustomerMetadataProperties['modelship:manifest-sha256']).toMatch(/^[a-f0-9]{64}$/);
    expect(pkg.CustomerMetadataProperties['modelship:forced']).toBeUndefined();
    const section = run.manifest().registration as RegistrationSection;
    expect(section).toMatchObject({
      backend: 'local',
      group: 'churn',
      arn: 'model-package/churn/1',
      version: 1,
      status: 'PendingManualApproval',
      forced: false,
      modelSha256,
    });
    expect(run.result.headline).toBe('registered churn version 1 (PendingManualApproval); champion: none');
    expect(run.result.summary).toContain('### Lineage');
    expect(run.result.summary).toContain('| manifest-sha256 |');
    expect(run.result.summary).toContain("### The gate's checks (pass)");
    expect(run.result.summary).toContain('| accuracy | min | all rows | ✅ pass |');
  });

  it('is idempotent: a re-run for the same manifest returns the same version and creates nothing', async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    const first = await runStep(step, {}, { cwd: dir });
    const second = await runStep(step, {}, { cwd: dir });
    expect(second.result.outputs['model-package-arn']).toBe(first.result.outputs['model-package-arn']);
    expect(second.result.headline).toMatch(/^already registered as churn version 1/);
    expect(readdirSync(join(dir, '.modelship/registry/churn/versions'))).toEqual(['1.json']);
    expect(second.manifest().history.map((h) => h.step)).toEqual(['register', 'register']);
  });

  it('approves with who and from where, then the package is the champion; reject; approving a Rejected package is refused', async () => {
    const { dir } = candidateWorkspace({
      verdict: 'pass',
      config: 'model: churn\nregistry: { group: churn }\n',
    });
    await runStep(step, {}, { cwd: dir });
    const github: GitHubRun = { eventName: 'workflow_dispatch', apiUrl: 'https://api.github.com' };
    const approved = await runStep(
      step,
      { operation: 'approve', description: 'canary looked fine' },
      { cwd: dir, env: GITHUB, github },
    );
    expect(approved.result.outputs).toEqual({
      'model-package-arn': 'model-package/churn/1',
      'model-version': '1',
      'approval-status': 'Approved',
      'champion-arn': 'model-package/churn/1',
    });
    const pkg = version(dir, 1);
    expect(pkg.ApprovalDescription).toBe(
      'approved by octocat from https://github.example.com/acme/churn/actions/runs/4242/attempts/2: canary looked fine',
    );
    expect(pkg.CustomerMetadataProperties['modelship:approval-by']).toBe('octocat');
    expect(pkg.CustomerMetadataProperties['modelship:manifest-sha256']).toMatch(/^[a-f0-9]{64}$/);
    expect(approved.manifest().registration).toMatchObject({
      status: 'Approved',
      approval: { status: 'Approved' },
    });
    const rejected = await runStep(step, { operation: 'reject' }, { cwd: dir, env: GITHUB });
    expect(rejected.result.outputs['approval-status']).toBe('Rejected');
    expect(rejected.result.outputs['champion-arn']).toBe('');
    expect(await configErrorLine(runStep(step, { operation: 'approve' }, { cwd: dir }))).toBe(
      'model-package/churn/1: is Rejected: a rejected package is not approved',
    );
  });

  it('the champion is the highest Approved version, not the newest package', async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    await runStep(step, {}, { cwd: dir });
    await runStep(step, { operation: 'approve' }, { cwd: dir });
    // A second candidate, registered Pending: the champion stays version 1.
    writeCandidate(dir, { verdict: 'pass', jobName: 'churn-dev-2' });
    const second = await runStep(step, {}, { cwd: dir });
    expect(second.result.outputs).toMatchObject({
      'model-version': '2',
      'champion-arn': 'model-package/churn/1',
    });
    const third = await runStep(step, { operation: 'approve' }, { cwd: dir });
    expect(third.result.outputs['champion-arn']).toBe('model-package/churn/2');
  });

  it('registers Approved directly, and with force despite a failed gate (recorded as forced)', async () => {
    const { dir } = candidateWorkspace({ verdict: 'fail' });
    const run = await runStep(step, { force: 'true', 'approval-status': 'Approved' }, { cwd: dir });
    expect(run.result.ok).toBe(true);
    expect(run.result.headline).toBe('registered churn version 1 (Approved, forced); champion: version 1');
    expect(version(dir, 1).CustomerMetadataProperties).toMatchObject({
      'modelship:forced': 'true',
      'modelship:gate-verdict': 'fail',
      'modelship:gate-failed-checks': 'accuracy recall',
    });
    expect(run.manifest().registration).toMatchObject({ forced: true });
    expect(run.result.annotations).toEqual([
      expect.objectContaining({ level: 'warning', message: 'churn version 1 was registered by force' }),
    ]);
  });

  it('refuses approving an artefact that changed since it was judged', async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    const reg = await runStep(step, {}, { cwd: dir });
    const pkg = version(dir, 1);
    const copy = join(dir, '.modelship/registry', pkg.InferenceSpecification!.Containers[0]!.ModelDataUrl!);
    writeFileSync(copy, 'tampered');
    const line = await configErrorLine(runStep(step, { operation: 'approve' }, { cwd: dir }));
    expect(line).toMatch(
      new RegExp(
        `^${copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: model artefact changed since it was judged: sha256 ${sha256('tampered').slice(0, 12)}… now, [a-f0-9]{12}… in the manifest$`,
      ),
    );
    expect(reg.result.ok).toBe(true);
    expect(version(dir, 1).ModelApprovalStatus).toBe('PendingManualApproval');
  });

  it.each([
    [
      'a failed gate, naming the failed checks',
      { verdict: 'fail' as const },
      {},
      '.modelship/manifest.json: the gate failed (accuracy, recall): a candidate that failed its gate is not registered',
    ],
    [
      'no gate verdict',
      {},
      {},
      '.modelship/manifest.json: records no gate verdict: the candidate was never judged',
    ],
    [
      'a group name SageMaker refuses',
      { verdict: 'pass' as const },
      { 'model-package-group': 'churn_v2' },
      "input 'model-package-group': 'churn_v2' is not a valid model package group name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit",
    ],
    [
      'an unknown package',
      { verdict: 'pass' as const },
      { operation: 'approve', 'model-package-arn': 'model-package/churn/9' },
      'model-package/churn/9: model package not found in the local registry .modelship/registry',
    ],
    [
      'approve with nothing registered',
      { verdict: 'pass' as const },
      { operation: 'approve' },
      "input 'model-package-arn': nothing to approve: no model-package-arn, and the manifest records no registered package",
    ],
  ])('refuses %s in one line', async (_name, candidate, inputs, expected) => {
    const { dir } = candidateWorkspace(candidate);
    const line = await configErrorLine(runStep(step, inputs as Record<string, string>, { cwd: dir }));
    expect(line).toBe(expected);
    expect(existsSync(join(dir, '.modelship/registry/churn/versions'))).toBe(false);
  });

  it('refuses a manifest with no model', async () => {
    const { dir } = candidateWorkspace({ verdict: 'pass' });
    writeFileSync(
      join(dir, '.modelship/manifest.json'),
      JSON.stringify({
        schemaVersion: 1,
        kind: 'modelship.manifest',
        createdAt: '2026-11-22T09:15:03.000Z',
        updatedAt: '2026-11-22T09:15:03.000Z',
        history: [],
      }),
    );
    expect(await configErrorLine(runStep(step, {}, { cwd: dir }))).toBe(
      '.modelship/manifest.json: records no trained model: there is nothing to register',
    );
  });
});

describe('from a trial: approving a package register did not write (no manifest digest in its metadata)', () => {
  /** A workspace whose local registry holds churn version 1, PendingManualApproval, registered by hand. */
  async function handRegistered(edit: (pkg: ModelPackage) => void = () => undefined) {
    const dir = tempDir('modelship-register-');
    writeFileSync(join(dir, 'modelship.yml'), 'model: churn\n');
    const arn = await registerLocal(join(dir, '.modelship/registry'), 'churn', 1, { bias: 0 });
    const file = join(dir, '.modelship/registry/churn/versions/1.json');
    const pkg = readJson<ModelPackage>(file);
    pkg.ModelApprovalStatus = 'PendingManualApproval';
    edit(pkg);
    writeFileSync(file, JSON.stringify(pkg, null, 2));
    return { dir, arn, file, before: readFileSync(file, 'utf8') };
  }

  it('approves it, and the manifest records it without a digest', async () => {
    const { dir, arn } = await handRegistered();
    const run = await runStep(step, { operation: 'approve', 'model-package-arn': arn }, { cwd: dir });
    expect(run.result.ok).toBe(true);
    expect(version(dir, 1).ModelApprovalStatus).toBe('Approved');
    const section = run.manifest().registration as RegistrationSection;
    expect(section).toMatchObject({ arn, status: 'Approved', approval: { status: 'Approved' } });
    expect(section).not.toHaveProperty('manifestSha256');
  });

  it('metadata the manifest cannot record: refused before the registry changes, nothing written', async () => {
    const { dir, arn, file, before } = await handRegistered((pkg) => {
      pkg.CreationTime = 'last tuesday';
    });
    const line = await configErrorLine(
      runStep(step, { operation: 'approve', 'model-package-arn': arn }, { cwd: dir }),
    );
    expect(line).toMatch(
      /^model-package\/churn\/1 \(its metadata, as the manifest would record it\): not a valid modelship manifest: .*registeredAt/,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(existsSync(join(dir, '.modelship/manifest.json'))).toBe(false);
  });
});
