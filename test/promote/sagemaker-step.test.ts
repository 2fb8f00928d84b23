/**
 * The whole promote-on-metrics step on SageMaker, run in-process the way a host runs it
 * (runStep: inputs, config, manifest opened and saved), against moto in server mode: two model
 * packages in the registry, an endpoint with the champion at 90 and the challenger at 10, a
 * manifest as register and deploy-canary leave it, and per-second CloudWatch series written with
 * PutMetricData for the minutes the step bakes in (one-second periods, a 15-second bake:
 * test/lib/promote.ts). The step
 * makes its own clients from the environment; moto has no UpdateEndpoint, so every
 * SageMakerClient's UpdateEndpoint does what its success leaves behind (test/lib/sagemaker.ts).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  AddTagsCommand,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { findStep } from '@modelship/catalog';
import { readAudit, replay } from '@modelship/promote';
import { LEASE_TAG, withEndpointLease } from '../../packages/promote/src/lease.js';
import { fastPromote } from '../lib/promote.js';
import { standInUpdateEndpoint } from '../lib/sagemaker.js';
import { lookupChampion } from '@modelship/registry';
import { configErrorLine, makeContext, runStep, tempDir } from '../lib/step.js';
import { startMoto, type Moto } from '../support/moto.js';

const promote = findStep('promote-on-metrics')!;
let moto: Moto;
let sm: SageMakerClient;
let cw: CloudWatchClient;
let restoreUpdate: () => void;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const region = 'us-east-1';
const ENDPOINT = 'churn-prod';

beforeAll(async () => {
  moto = await startMoto();
  sm = new SageMakerClient({ endpoint: moto.endpoint, region, credentials });
  cw = new CloudWatchClient({ endpoint: moto.endpoint, region, credentials });
});
afterAll(async () => {
  sm?.destroy();
  cw?.destroy();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  restoreUpdate = standInUpdateEndpoint();
});
afterEach(() => restoreUpdate());

/** The registry's two packages, the endpoint deploy-canary leaves (90 / 10), and a manifest of it. */
async function canary(extra = ''): Promise<{ dir: string; pkg: [string, string] }> {
  await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'churn' }));
  const pkg: string[] = [];
  for (const v of [1, 2]) {
    const out = await sm.send(
      new CreateModelPackageCommand({ ModelPackageGroupName: 'churn', ModelApprovalStatus: 'Approved' }),
    );
    pkg.push(out.ModelPackageArn!);
    await sm.send(
      new CreateModelCommand({
        ModelName: `churn-v${v}-model`,
        ExecutionRoleArn: 'arn:aws:iam::123456789012:role/ModelshipServe',
        Containers: [{ ModelPackageName: out.ModelPackageArn! }],
      }),
    );
  }
  await sm.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: 'churn-prod-canary',
      ProductionVariants: [
        {
          VariantName: 'churn-v1',
          ModelName: 'churn-v1-model',
          InstanceType: 'ml.m5.large',
          InitialInstanceCount: 2,
          InitialVariantWeight: 90,
        },
        {
          VariantName: 'churn-v2',
          ModelName: 'churn-v2-model',
          InstanceType: 'ml.m5.large',
          InitialInstanceCount: 1,
          InitialVariantWeight: 10,
        },
      ],
    }),
  );
  await sm.send(
    new CreateEndpointCommand({ EndpointName: ENDPOINT, EndpointConfigName: 'churn-prod-canary' }),
  );
  const dir = tempDir('modelship-sm-promote-step-');
  writeFileSync(
    join(dir, 'modelship.yml'),
    `model: churn
backend: sagemaker
region: ${region}
deploy:
  endpoint: ${ENDPOINT}
${fastPromote({ steps: [10], latency: '10%', stat: 'Average' })}${extra}`,
  );
  const at = new Date().toISOString();
  mkdirSync(join(dir, '.modelship'));
  writeFileSync(
    join(dir, '.modelship/manifest.json'),
    JSON.stringify({
      schemaVersion: 1,
      kind: 'modelship.manifest',
      model: 'churn',
      createdAt: at,
      updatedAt: at,
      history: [],
      registration: {
        backend: 'sagemaker',
        group: 'churn',
        arn: pkg[1],
        version: 2,
        status: 'Approved',
        manifestSha256: '0'.repeat(64),
      },
      deployment: {
        backend: 'sagemaker',
        endpoint: ENDPOINT,
        endpointConfig: 'churn-prod-canary',
        strategy: 'variants',
        canaryPercent: 10,
        status: 'deployed',
        championVariant: 'churn-v1',
        challengerVariant: 'churn-v2',
        modelPackageArn: pkg[1],
        variants: [
          {
            name: 'churn-v1',
            role: 'champion',
            modelPackageArn: pkg[0],
            model: 'churn-v1-model',
            weightBefore: 100,
            weightAfter: 90,
            shadow: false,
          },
          {
            name: 'churn-v2',
            role: 'challenger',
            modelPackageArn: pkg[1],
            model: 'churn-v2-model',
            weightBefore: 0,
            weightAfter: 10,
            shadow: false,
          },
        ],
        deployedAt: at,
      },
    }),
  );
  return { dir, pkg: [pkg[0]!, pkg[1]!] };
}

/**
 * Per-second series of both variants from now for `seconds`: invocations split 90 / 10, 1% of the
 * champion's 5XX errors (none of the challenger's), and ModelLatency (µs) around 50 ms, the
 * challenger's `slower` times it.
 */
async function traffic(slower: number, seconds = 90): Promise<void> {
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  const data: MetricDatum[] = [];
  for (let k = 0; k < seconds; k++)
    for (const [variant, invocations] of [
      ['churn-v1', 90],
      ['churn-v2', 10],
    ] as const) {
      const Dimensions = [
        { Name: 'EndpointName', Value: ENDPOINT },
        { Name: 'VariantName', Value: variant },
      ];
      const Timestamp = new Date(t0 + k * 1000 + 500);
      const latency = 50_000 * (1 + 0.05 * Math.sin(k)) * (variant === 'churn-v2' ? slower : 1);
      data.push(
        { MetricName: 'Invocations', Dimensions, Timestamp, Value: invocations },
        { MetricName: 'Invocation5XXErrors', Dimensions, Timestamp, Value: variant === 'churn-v1' ? 1 : 0 },
        { MetricName: 'ModelLatency', Dimensions, Timestamp, Value: latency, Unit: 'Microseconds' },
      );
    }
  for (let i = 0; i < data.length; i += 500)
    await cw.send(
      new PutMetricDataCommand({ Namespace: 'AWS/SageMaker', MetricData: data.slice(i, i + 500) }),
    );
}

async function exists(send: () => Promise<unknown>): Promise<boolean> {
  return send().then(
    () => true,
    () => false,
  );
}

describe('promote-on-metrics, the whole step on SageMaker (moto)', () => {
  it('promotes an equal challenger: registry metadata, the manifest section, the decision audit, the endpoint alone on the challenger', async () => {
    // A shadow block beside a production-variant challenger is said to be ignored.
    const { dir, pkg } = await canary('  shadow: { max-label-difference: 5% }\n');
    await traffic(1);
    const run = await runStep(promote, {}, { cwd: dir, env: moto.env });
    expect(run.result.headline).toMatch(/^promoted churn-v2 on churn-prod to 100%: /);
    expect(run.text).toContain(
      'modelship.yml: promote.shadow is ignored: the challenger churn-v2 is a production variant (deploy-canary strategy variants or guardrails), not a shadow; its answers are not compared',
    );
    expect(run.result.ok).toBe(true);
    expect(run.result.outputs).toMatchObject({
      decision: 'promoted',
      report: '.modelship/promote-on-metrics/decision.json',
      'final-weights': '{"churn-v2":100}',
    });
    // The registry: the promoted package says where it serves and what it replaced.
    const p = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: pkg[1] }));
    expect(p.ModelApprovalStatus).toBe('Approved');
    expect(p.CustomerMetadataProperties).toMatchObject({
      'modelship:deployed-endpoint': ENDPOINT,
      'modelship:replaced-package': pkg[0],
      'modelship:canary-decision': 'promoted',
    });
    expect(Date.parse(p.CustomerMetadataProperties!['modelship:deployed-at']!)).not.toBeNaN();
    // The manifest's promotion section.
    const m = run.manifest() as unknown as { promotion: Record<string, unknown> };
    expect(m.promotion).toMatchObject({
      backend: 'sagemaker',
      endpoint: ENDPOINT,
      decision: 'promoted',
      championVariant: 'churn-v1',
      challengerVariant: 'churn-v2',
      modelPackageArn: pkg[1],
      replacedModelPackageArn: pkg[0],
      finalWeights: { 'churn-v2': 100 },
      steps: [{ weight: 10, verdict: 'pass' }],
      report: '.modelship/promote-on-metrics/decision.json',
      registry: { arn: pkg[1], status: 'Approved' },
      dryRun: false,
    });
    // The decision audit: written, and replay recomputes the same decision from it.
    const file = join(dir, '.modelship/promote-on-metrics/decision.json');
    const audit = await readAudit(file, 'decision.json');
    expect(audit).toMatchObject({ backend: 'sagemaker', endpoint: ENDPOINT, decision: 'promoted' });
    expect(audit.steps[0]!.looks.at(-1)!.verdicts.map((v) => [v.metric, v.status])).toEqual([
      ['ModelLatency', 'pass'],
      ['Invocation5XXErrors', 'pass'],
    ]);
    expect(replay(audit)).toMatchObject({ decision: 'promoted', mismatches: [] });
    // The endpoint: the challenger alone on a new config; the old config and the champion's Model gone.
    const ep = await sm.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    expect(ep.EndpointStatus).toBe('InService');
    expect(ep.EndpointConfigName).toMatch(/^churn-prod-[0-9a-f]{8}$/);
    expect(ep.ProductionVariants!.map((v) => v.VariantName)).toEqual(['churn-v2']);
    const cfg = await sm.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: ep.EndpointConfigName }),
    );
    expect(cfg.ProductionVariants).toEqual([
      expect.objectContaining({
        VariantName: 'churn-v2',
        ModelName: 'churn-v2-model',
        InitialVariantWeight: 1,
      }),
    ]);
    expect(
      await exists(() =>
        sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'churn-prod-canary' })),
      ),
    ).toBe(false);
    expect(await exists(() => sm.send(new DescribeModelCommand({ ModelName: 'churn-v1-model' })))).toBe(
      false,
    );
    expect(await exists(() => sm.send(new DescribeModelCommand({ ModelName: 'churn-v2-model' })))).toBe(true);
  }, 120_000);

  it('rolls back a challenger 50% slower: its package Rejected with the reason, the champion alone, exit 1', async () => {
    const { dir, pkg } = await canary();
    await traffic(1.5);
    // --steps 100: no ramp step; the challenger bakes at its current 10%.
    const run = await runStep(promote, { steps: '100' }, { cwd: dir, env: moto.env });
    expect(run.text).toContain(
      'steps: only 100% given, so there is no ramp: churn-v2 bakes at its current 10%, then is promoted',
    );
    expect(run.result.ok).toBe(false);
    expect(run.result.outputs).toMatchObject({
      decision: 'rolled-back',
      'final-weights': '{"churn-v1":100}',
    });
    const p = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: pkg[1] }));
    expect(p.ModelApprovalStatus).toBe('Rejected');
    expect(p.ApprovalDescription).toMatch(
      /^rolled back by promote-on-metrics on churn-prod: a metric failed: ModelLatency: Δ 50\.00% \[/,
    );
    expect(p.CustomerMetadataProperties).toMatchObject({
      'modelship:rolled-back-from': ENDPOINT,
      'modelship:canary-decision': 'rolled-back',
    });
    // The champion's package is untouched.
    const champion = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: pkg[0] }));
    expect(champion.ModelApprovalStatus).toBe('Approved');
    const m = run.manifest() as unknown as { promotion: Record<string, unknown> };
    expect(m.promotion).toMatchObject({
      decision: 'rolled-back',
      modelPackageArn: pkg[1],
      finalWeights: { 'churn-v1': 100 },
      steps: [{ weight: 10, verdict: 'fail' }],
      registry: { arn: pkg[1], status: 'Rejected' },
    });
    expect(m.promotion.replacedModelPackageArn).toBeUndefined();
    // The manifest's registration says what the registry says.
    expect((m as unknown as { registration: { status: string } }).registration.status).toBe('Rejected');
    const audit = await readAudit(join(dir, '.modelship/promote-on-metrics/decision.json'), 'decision.json');
    expect(replay(audit)).toMatchObject({ decision: 'rolled-back', mismatches: [] });
    const ep = await sm.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    expect(ep.ProductionVariants!.map((v) => v.VariantName)).toEqual(['churn-v1']);
    expect(await exists(() => sm.send(new DescribeModelCommand({ ModelName: 'churn-v2-model' })))).toBe(
      false,
    );
    expect(existsSync(join(dir, '.modelship/promote-on-metrics/decision.json'))).toBe(true);
  }, 120_000);

  it('sends an inconclusive challenger back to PendingManualApproval: rolled back, not rejected, not the champion', async () => {
    const { dir, pkg } = await canary();
    // No datapoints: every look is inconclusive; after max-bake the canary is rolled back.
    const run = await runStep(promote, { steps: '100' }, { cwd: dir, env: moto.env });
    expect(run.result.outputs.decision).toBe('inconclusive');
    const p = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: pkg[1] }));
    expect(p.ModelApprovalStatus).toBe('PendingManualApproval');
    expect(p.ApprovalDescription).toMatch(
      /^not promoted by promote-on-metrics on churn-prod \(inconclusive\): still inconclusive after /,
    );
    expect(p.CustomerMetadataProperties).toMatchObject({ 'modelship:canary-decision': 'inconclusive' });
    const { ctx } = await makeContext(dir, { env: moto.env, backend: 'sagemaker' });
    expect((await lookupChampion(ctx, { group: 'churn' })).champion?.ModelPackageArn).toBe(pkg[0]);
    const m = run.manifest() as unknown as {
      promotion: Record<string, unknown>;
      registration: { status: string };
    };
    expect(m.promotion.registry).toEqual({ arn: pkg[1], status: 'PendingManualApproval' });
    expect(m.registration.status).toBe('PendingManualApproval');
  }, 120_000);

  it('refuses a manifest whose registration is of another package than the one deployed, before any change', async () => {
    const { dir, pkg } = await canary();
    const file = join(dir, '.modelship/manifest.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { registration: { arn: string } };
    doc.registration.arn = pkg[0];
    writeFileSync(file, JSON.stringify(doc));
    expect(await configErrorLine(runStep(promote, {}, { cwd: dir, env: moto.env }))).toBe(
      `manifest .modelship/manifest.json: records package ${pkg[0]} but its deployment to ${ENDPOINT} is of ${pkg[1]}`,
    );
    const ep = await sm.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    expect(ep.EndpointConfigName).toBe('churn-prod-canary');
  }, 60_000);

  it('lets one promote judge an endpoint at a time: a second concurrent run stops with one line naming the holder', async () => {
    const { dir, pkg } = await canary();
    await traffic(1);
    const arn = (await sm.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }))).EndpointArn!;
    const first = runStep(promote, {}, { cwd: dir, env: { ...moto.env, GITHUB_RUN_ID: '101' } });
    // The second starts once the first has written its lease.
    let lease: string | undefined;
    while (!lease) {
      const tags = await sm.send(new ListTagsCommand({ ResourceArn: arn }));
      lease = tags.Tags?.find((t) => t.Key === LEASE_TAG)?.Value;
    }
    expect(lease).toMatch(/^run 101\/[0-9a-f]{12}\/\d{4}-\d\d-\d\dT/);
    const other = tempDir('modelship-sm-promote-other-');
    writeFileSync(join(other, 'modelship.yml'), readFileSync(join(dir, 'modelship.yml')));
    mkdirSync(join(other, '.modelship'));
    writeFileSync(
      join(other, '.modelship/manifest.json'),
      readFileSync(join(dir, '.modelship/manifest.json')),
    );
    const line = await configErrorLine(
      runStep(promote, {}, { cwd: other, env: { ...moto.env, GITHUB_RUN_ID: '102' } }),
    );
    expect(line).toMatch(
      /^endpoint churn-prod: another promote-on-metrics is judging it \(run 101, its lease until \d{4}-\d\d-\d\dT[\d:.]+Z\)$/,
    );
    const run = await first;
    expect(run.result.outputs.decision).toBe('promoted');
    expect(run.text).toContain('endpoint churn-prod: promote lease taken (run 101, until ');
    const p = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: pkg[1] }));
    expect(p.CustomerMetadataProperties!['modelship:canary-decision']).toBe('promoted');
  }, 120_000);
});

describe('the promote lease on a SageMaker endpoint (moto)', () => {
  const log = () => {
    const lines: string[] = [];
    return { lines, info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`warn: ${m}`) };
  };
  const deps = (
    l: ReturnType<typeof log>,
    now = Date.now(),
    env: Record<string, string> = { GITHUB_RUN_ID: '7' },
  ) => ({
    sagemaker: sm,
    env,
    now: () => now,
    settleMs: 0,
    sleep: () => Promise.resolve(),
    log: l,
  });
  const tagsOf = async () => {
    const arn = (await sm.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }))).EndpointArn!;
    return (await sm.send(new ListTagsCommand({ ResourceArn: arn }))).Tags ?? [];
  };

  it('is held while the work runs and released after it, also when it throws', async () => {
    await canary();
    const l = log();
    let during: { Key?: string; Value?: string }[] = [];
    await expect(
      withEndpointLease(ENDPOINT, 60_000, deps(l), async () => {
        during = await tagsOf();
        throw new Error('mid-bake failure');
      }),
    ).rejects.toThrow('mid-bake failure');
    expect(during.find((t) => t.Key === LEASE_TAG)?.Value).toMatch(/^run 7\//);
    expect((await tagsOf()).some((t) => t.Key === LEASE_TAG)).toBe(false);
    expect(await withEndpointLease(ENDPOINT, 60_000, deps(l), () => Promise.resolve('done'))).toBe('done');
    expect((await tagsOf()).some((t) => t.Key === LEASE_TAG)).toBe(false);
  }, 60_000);

  it('takes over a lease past its expiry with a warning, and refuses one still running', async () => {
    await canary();
    const arn = (await sm.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }))).EndpointArn!;
    const put = (value: string) =>
      sm.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: LEASE_TAG, Value: value }] }));
    await put('run 5/abcdef012345/2026-11-22T08:00:00.000Z');
    const l = log();
    await withEndpointLease(ENDPOINT, 60_000, deps(l, Date.parse('2026-11-22T09:00:00Z')), () =>
      Promise.resolve(),
    );
    expect(l.lines[0]).toBe(
      'warn: endpoint churn-prod: the promote lease of run 5 expired at 2026-11-22T08:00:00.000Z without being released (a run stopped before it ended?): taking it over',
    );
    await put('run 5/abcdef012345/2026-11-22T10:00:00.000Z');
    let ran = false;
    const err = await withEndpointLease(ENDPOINT, 60_000, deps(l, Date.parse('2026-11-22T09:00:00Z')), () => {
      ran = true;
      return Promise.resolve();
    }).catch((e: unknown) => e as Error);
    expect(ran).toBe(false);
    expect((err as Error).message).toBe(
      'another promote-on-metrics is judging it (run 5, its lease until 2026-11-22T10:00:00.000Z)',
    );
    // Not this run's: left in place.
    expect((await tagsOf()).find((t) => t.Key === LEASE_TAG)?.Value).toBe(
      'run 5/abcdef012345/2026-11-22T10:00:00.000Z',
    );
  }, 60_000);
});
