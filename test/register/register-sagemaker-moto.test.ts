/**
 * register on SageMaker against moto in server mode (real HTTP): the group created once with its
 * tags, the package with its inference specification (the ECR image pinned by digest), the gate's
 * model-quality report uploaded to S3 with its ContentDigest, the lineage metadata, the idempotent
 * re-run found by listing the group (over more than one page), approve / reject through
 * UpdateModelPackage, the champion lookup (the register step's output and evaluate-gate's
 * baseline), and an unknown package as one line.
 *
 * moto has Create/Describe/ListModelPackageGroups, Create/Describe/List/UpdateModelPackage (paged
 * by NextToken), ListTags on groups, and ECR's CreateRepository / PutImage / DescribeImages. Its
 * UpdateModelPackage replaces CustomerMetadataProperties instead of merging them (SageMaker
 * merges): register sends the whole map, so the lineage survives either way (the approve test checks it).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  DescribeModelPackageCommand,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { findStep } from '@modelship/catalog';
import type { AnyStep } from '@modelship/core';
import { pinImage, SageMakerRegistry } from '@modelship/registry';
import { startMoto, type Moto } from '../support/moto.js';
import { configErrorLine, runStep } from '../lib/step.js';
import { candidateWorkspace, STATISTICS } from '../lib/register.js';
import { ECR_IMAGE_MANIFEST } from '../lib/aws.js';

const register = findStep('register') as AnyStep;
const gate = findStep('evaluate-gate') as AnyStep;

let moto: Moto;
let s3: S3Client;
let sm: SageMakerClient;
let ecr: ECRClient;
let env: Record<string, string>;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

beforeAll(async () => {
  moto = await startMoto();
  env = {
    ...moto.env,
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: 'octocat',
    GITHUB_REPOSITORY: 'acme/churn',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
  };
  s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  sm = new SageMakerClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
  ecr = new ECRClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
});
afterAll(async () => {
  s3?.destroy();
  sm?.destroy();
  ecr?.destroy();
  await moto?.stop();
});

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-serve';
let imageDigest: string;

beforeEach(async () => {
  await moto.reset();
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-ml' }));
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'churn-serve' }));
  const put = await ecr.send(
    new PutImageCommand({
      repositoryName: 'churn-serve',
      imageTag: '1.0',
      imageManifest: ECR_IMAGE_MANIFEST,
    }),
  );
  imageDigest = put.image!.imageId!.imageDigest!;
});

const CONFIG = `model: churn
backend: sagemaker
region: us-east-1
train:
  output: s3://acme-ml/churn/models/
  tags: { project: churn, owner: ml-platform, environment: test }
registry:
  inference-image: ${REPO}:1.0
  instance-types: [ml.m5.large]
  transform-instance-types: [ml.m5.large]
`;
const ARTEFACT = 's3://acme-ml/churn/models/churn-1/output/model.tar.gz';

/** A candidate whose artefact is in S3 (the bytes train hashed). */
async function workspace(verdict: 'pass' | 'fail' = 'pass', jobName = 'churn-1') {
  const uri = ARTEFACT.replace('churn-1', jobName);
  const ws = candidateWorkspace({ verdict, config: CONFIG, modelArtifact: uri, jobName });
  await s3.send(
    new PutObjectCommand({
      Bucket: 'acme-ml',
      Key: uri.slice('s3://acme-ml/'.length),
      Body: `model of ${jobName}\n`,
    }),
  );
  return ws;
}

describe('register on SageMaker (moto)', () => {
  it('creates the group with tags, a package with the pinned image, the uploaded statistics and the lineage', async () => {
    const { dir, modelSha256 } = await workspace();
    const run = await runStep(register, {}, { cwd: dir, env });
    expect(run.result.ok).toBe(true);
    const arn = run.result.outputs['model-package-arn']!;
    expect(arn).toMatch(/^arn:aws:sagemaker:us-east-1:123456789012:model-package\/churn\/1$/);
    expect(run.result.outputs).toMatchObject({
      'model-version': '1',
      'approval-status': 'PendingManualApproval',
      'champion-arn': '',
    });
    const d = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    expect(d.InferenceSpecification).toEqual({
      Containers: [{ Image: `${REPO}@${imageDigest}`, ImageDigest: imageDigest, ModelDataUrl: ARTEFACT }],
      SupportedContentTypes: ['text/csv'],
      SupportedResponseMIMETypes: ['text/csv'],
      SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
      SupportedTransformInstanceTypes: ['ml.m5.large'],
    });
    const stats = d.ModelMetrics!.ModelQuality!.Statistics!;
    expect(stats.S3Uri).toMatch(/^s3:\/\/acme-ml\/churn\/models\/churn\/[a-f0-9]{16}\/model-quality\.json$/);
    const uploaded = await (
      await s3.send(
        new GetObjectCommand({ Bucket: 'acme-ml', Key: stats.S3Uri!.slice('s3://acme-ml/'.length) }),
      )
    ).Body!.transformToString();
    expect(JSON.parse(uploaded)).toEqual(STATISTICS);
    expect(stats.ContentDigest).toBe(`sha256:${createHash('sha256').update(uploaded).digest('hex')}`);
    expect(stats.ContentType).toBe('application/json');
    expect(d.CustomerMetadataProperties).toMatchObject({
      'modelship:model-sha256': modelSha256,
      'modelship:gate-verdict': 'pass',
      'modelship:image-as-configured': `${REPO}:1.0`,
      'modelship:run-url': 'https://github.com/acme/churn/actions/runs/77',
    });
    expect(d.ModelApprovalStatus).toBe('PendingManualApproval');
    const groupArn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn';
    const tags = await sm.send(new ListTagsCommand({ ResourceArn: groupArn }));
    expect(tags.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'project', Value: 'churn' },
        { Key: 'modelship:model', Value: 'churn' },
      ]),
    );
    expect(run.manifest().registration).toMatchObject({
      backend: 'sagemaker',
      arn,
      imageDigest,
      consoleUrl: expect.stringContaining(
        'https://us-east-1.console.aws.amazon.com/sagemaker/home?region=us-east-1#',
      ),
    });
    expect(run.result.summary).toContain(`[${arn}](https://us-east-1.console.aws.amazon.com/sagemaker/`);
  });

  it('a re-run finds its package by the manifest digest, over more than one page of the group', async () => {
    const { dir } = await workspace();
    const first = await runStep(register, {}, { cwd: dir, env });
    // 100 newer packages: the re-run's package is now on the second page (100 a page).
    for (let i = 0; i < 100; i++)
      await sm.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: 'churn',
          CustomerMetadataProperties: { 'modelship:manifest-sha256': `${i}`.padStart(64, '0') },
        }),
      );
    const again = await runStep(register, {}, { cwd: dir, env });
    expect(again.result.outputs['model-package-arn']).toBe(first.result.outputs['model-package-arn']);
    expect(again.result.headline).toMatch(/^already registered as churn version 1/);
    const registry = new SageMakerRegistry({ sagemaker: sm, s3: () => s3, region: 'us-east-1' });
    expect(await registry.list('churn')).toHaveLength(101);
    expect(await registry.list('churn', { status: 'Approved' })).toEqual([]);
    expect(await registry.groups()).toEqual(['churn']);
  });

  it('approve: ApprovalDescription names the actor and run URL, the lineage stays; the champion is the latest Approved', async () => {
    const { dir } = await workspace();
    const reg = await runStep(register, {}, { cwd: dir, env });
    const arn = reg.result.outputs['model-package-arn']!;
    const approve = await runStep(
      register,
      { operation: 'approve', description: 'looks right' },
      { cwd: dir, env },
    );
    expect(approve.result.outputs).toEqual({
      'model-package-arn': arn,
      'model-version': '1',
      'approval-status': 'Approved',
      'champion-arn': arn,
    });
    const d = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    expect(d.ApprovalDescription).toBe(
      'approved by octocat from https://github.com/acme/churn/actions/runs/4242: looks right',
    );
    expect(d.CustomerMetadataProperties).toMatchObject({
      'modelship:gate-verdict': 'pass',
      'modelship:approval-by': 'octocat',
      'modelship:approval-from': 'https://github.com/acme/churn/actions/runs/4242',
    });
    // A second candidate, approved too: it is the champion now.
    const second = await workspace('pass', 'churn-2');
    const reg2 = await runStep(register, { 'approval-status': 'Approved' }, { cwd: second.dir, env });
    expect(reg2.result.outputs).toMatchObject({ 'model-version': '2', 'approval-status': 'Approved' });
    expect(reg2.result.outputs['champion-arn']).toBe(reg2.result.outputs['model-package-arn']);
    const reject = await runStep(register, { operation: 'reject' }, { cwd: second.dir, env });
    expect(reject.result.outputs['champion-arn']).toBe(arn);
    expect(await configErrorLine(runStep(register, { operation: 'approve' }, { cwd: second.dir, env }))).toBe(
      `${reg2.result.outputs['model-package-arn']}: is Rejected: a rejected package is not approved`,
    );
  });

  it('evaluate-gate with baseline registry compares with the champion on its recorded metrics', async () => {
    const { dir } = await workspace();
    await runStep(register, { 'approval-status': 'Approved' }, { cwd: dir, env });
    const candidate = await workspace('pass', 'churn-2');
    const config = `${CONFIG}gate:\n  checks:\n    - { metric: auc, min: 0.7, max-regression: 0.02 }\n`;
    writeFileSync(join(candidate.dir, 'modelship.yml'), config);
    const manifest = JSON.parse(readFileSync(join(candidate.dir, '.modelship/manifest.json'), 'utf8'));
    delete manifest.evaluation;
    manifest.training.metrics = { auc: 0.845 };
    writeFileSync(join(candidate.dir, '.modelship/manifest.json'), JSON.stringify(manifest));
    const run = await runStep(gate, { baseline: 'registry' }, { cwd: candidate.dir, env });
    const champion = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1';
    expect(run.result.outputs.champion).toBe(champion);
    expect(run.result.ok).toBe(true);
    const verdict = run.manifest().evaluation as {
      champion: unknown;
      checks: { condition: string; champion?: number }[];
    };
    expect(verdict.champion).toMatchObject({ kind: 'metrics', identity: champion });
    // The champion's auc is its training metric recorded at registration (0.85), over the statistics' 0.86.
    expect(verdict.checks.find((c) => c.condition === 'max-regression')!.champion).toBe(0.85);
  });

  it('refuses an unknown package, a tag ECR does not have, and a non-ECR image by tag, each in one line', async () => {
    const { dir } = await workspace();
    const missing = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7';
    expect(
      await configErrorLine(
        runStep(register, { operation: 'approve', 'model-package-arn': missing }, { cwd: dir, env }),
      ),
    ).toBe(`${missing}: model package not found in the SageMaker Model Registry (us-east-1)`);
    expect(
      await configErrorLine(pinImage(`${REPO}:2.0`, 'modelship.yml: registry.inference-image', { env, ecr })),
    ).toBe(
      'modelship.yml: registry.inference-image: ECR has no image churn-serve:2.0 (ImageNotFoundException)',
    );
    expect(
      await configErrorLine(pinImage('python:3.12', 'modelship.yml: registry.inference-image', { env, ecr })),
    ).toBe(
      "modelship.yml: registry.inference-image: 'python:3.12' is not an ECR image and carries no digest, so what it means could change",
    );
    const pinned = `${REPO}@${imageDigest}`;
    expect(await pinImage(pinned, 'x', { env, ecr })).toEqual({ image: pinned, digest: imageDigest });
  });

  it('approving refuses an artefact whose sha256 no longer matches the manifest', async () => {
    const { dir } = await workspace();
    // The artefact in S3 is replaced after train hashed it.
    await s3.send(
      new PutObjectCommand({
        Bucket: 'acme-ml',
        Key: ARTEFACT.slice('s3://acme-ml/'.length),
        Body: 'replaced',
      }),
    );
    await runStep(register, {}, { cwd: dir, env });
    const line = await configErrorLine(runStep(register, { operation: 'approve' }, { cwd: dir, env }));
    const now = createHash('sha256').update('replaced').digest('hex');
    expect(line).toMatch(
      new RegExp(
        `^${ARTEFACT}: model artefact changed since it was judged: sha256 ${now.slice(0, 12)}… now, [a-f0-9]{12}… in the manifest$`,
      ),
    );
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1';
    expect(
      (await sm.send(new DescribeModelPackageCommand({ ModelPackageName: arn }))).ModelApprovalStatus,
    ).toBe('PendingManualApproval');
  });
});
