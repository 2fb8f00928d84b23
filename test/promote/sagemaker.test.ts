/**
 * promote-on-metrics on SageMaker against moto in server mode (real HTTP): an endpoint with a
 * champion and a challenger production variant, synthetic per-variant CloudWatch series written
 * with PutMetricData as a fake clock advances (invocations split by the weights the endpoint has at
 * that minute), and the bake loop reading them back through GetMetricData to each decision: an
 * equal challenger promoted (ramped with UpdateEndpointWeightsAndCapacities, then alone on a new
 * config; the old config and the champion's Model deleted; autoscaling carried over), a slower one
 * rolled back, and no datapoints inconclusive (never promoted).
 *
 * moto has no UpdateEndpoint: UpdatingSageMakerClient (test/lib) stands in for it. moto's
 * GetMetricData never pages, so paging, and throttling, are covered with aws-sdk-client-mock on
 * the CloudWatch client, and the SDK's own retry on a throttled GetMetricData with a middleware
 * that throttles the first attempts of a client talking to moto. moto keeps no shadow variants on
 * an endpoint config, so the shadow challenger's resolution and promotion mock SageMaker too.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListTagsCommand,
  SageMakerClient,
  type UpdateEndpointWeightsAndCapacitiesInput,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError, outsideSteps } from '@modelship/core';
import {
  buildQueries,
  fetchSeries,
  resolvePlan,
  runCanary,
  type DeployedCanary,
  type PromoteSettings,
} from '@modelship/promote';
import { sagemakerCanary, type PromoteClients } from '../../packages/promote/src/sagemaker.js';
import { sdkError } from '../lib/aws.js';
import { mockShadowEndpoint, UpdatingSageMakerClient } from '../lib/sagemaker.js';
import { asStep, makeContext, tempDir } from '../lib/step.js';
import { logCalls } from '@modelship/aws';
import { startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let sm: UpdatingSageMakerClient;
/** A plain client to look at what moto holds. */
let sagemaker: SageMakerClient;
let cw: CloudWatchClient;
let aas: ApplicationAutoScalingClient;
let s3: S3Client;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const region = 'us-east-1';

beforeAll(async () => {
  moto = await startMoto();
  sagemaker = new SageMakerClient({ endpoint: moto.endpoint, region, credentials });
  // Logged (docs/iam.md): the calls the step's code makes through them are checked against its policy.
  cw = logCalls(new CloudWatchClient({ endpoint: moto.endpoint, region, credentials }), 'cloudwatch');
  aas = logCalls(
    new ApplicationAutoScalingClient({ endpoint: moto.endpoint, region, credentials }),
    'application-autoscaling',
  );
  s3 = logCalls(new S3Client({ endpoint: moto.endpoint, region, credentials, forcePathStyle: true }), 's3');
});
afterAll(async () => {
  sagemaker?.destroy();
  cw?.destroy();
  aas?.destroy();
  s3?.destroy();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  sm = logCalls(new UpdatingSageMakerClient({ endpoint: moto.endpoint, region, credentials }), 'sagemaker');
});
afterEach(() => sm.destroy());

const ENDPOINT = 'churn-prod';
const ROLE = 'arn:aws:iam::123456789012:role/ModelshipServe';
const PKG = (v: number) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/${v}`;
const T0 = Date.parse('2026-11-22T09:00:00Z');

/** The endpoint deploy-canary leaves: churn-v1 (champion) at 90, churn-v2 (challenger) at 10. */
async function canaryEndpoint(opts: { scaling?: boolean } = {}): Promise<{ config: string }> {
  for (const v of [1, 2])
    await sagemaker.send(
      new CreateModelCommand({
        ModelName: `churn-v${v}-model`,
        ExecutionRoleArn: ROLE,
        Containers: [{ ModelPackageName: PKG(v) }],
      }),
    );
  const config = 'churn-prod-canary';
  await sagemaker.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: config,
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
          InstanceType: 'ml.c5.xlarge',
          InitialInstanceCount: 1,
          InitialVariantWeight: 10,
        },
      ],
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 20,
        DestinationS3Uri: 's3://acme-ml/churn/capture/',
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      },
      Tags: [
        { Key: 'project', Value: 'churn' },
        { Key: 'owner', Value: 'ml-platform' },
      ],
    }),
  );
  await sagemaker.send(new CreateEndpointCommand({ EndpointName: ENDPOINT, EndpointConfigName: config }));
  if (opts.scaling)
    for (const [v, min, max] of [
      ['churn-v1', 2, 6],
      ['churn-v2', 1, 3],
    ] as const) {
      const ResourceId = `endpoint/${ENDPOINT}/variant/${v}`;
      await aas.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'sagemaker',
          ResourceId,
          ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
          MinCapacity: min,
          MaxCapacity: max,
        }),
      );
      await aas.send(
        new PutScalingPolicyCommand({
          PolicyName: `${v}-invocations`,
          ServiceNamespace: 'sagemaker',
          ResourceId,
          ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 250,
            PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
          },
        }),
      );
    }
  return { config };
}

async function exists(send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch {
    return false;
  }
}

/** The endpoint now and the config it runs. */
async function serving() {
  const after = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
  const cfg = await sagemaker.send(
    new DescribeEndpointConfigCommand({ EndpointConfigName: after.EndpointConfigName }),
  );
  return { after, cfg };
}

/** Whether the old endpoint config and each variant's Model are still there. */
async function left(oldConfig: string): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {
    config: await exists(() =>
      sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: oldConfig })),
    ),
  };
  for (const m of ['churn-v1-model', 'churn-v2-model'])
    out[m] = await exists(() => sagemaker.send(new DescribeModelCommand({ ModelName: m })));
  return out;
}

/**
 * A fake clock from T0 whose sleep advances time; with `traffic`, each minute it passes is written
 * to CloudWatch as that minute's per-variant series: invocations (10,000 a minute split by the
 * weights the endpoint has then), 0.1% of them 5XX errors, and ModelLatency (µs) of the champion
 * around 50 ms and of the challenger `slower` times it.
 */
function clock(traffic?: { slower: number }) {
  let t = T0;
  const shares: Record<string, number>[] = [];
  let written = T0;
  const writeMinute = async (start: number) => {
    const ep = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    const weights = Object.fromEntries(
      (ep.ProductionVariants ?? []).map((v) => [v.VariantName!, v.CurrentWeight ?? 0]),
    );
    shares.push(weights);
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    const k = (start - T0) / 60_000;
    const Timestamp = new Date(start + 30_000);
    const MetricData = Object.entries(weights).flatMap(([variant, w]) => {
      const Dimensions = [
        { Name: 'EndpointName', Value: ENDPOINT },
        { Name: 'VariantName', Value: variant },
      ];
      const invocations = Math.round((10_000 * w) / total);
      // A shared load factor per minute, and a little noise of each variant's own.
      const load = 1 + 0.05 * Math.sin(k);
      const own = 1 + 0.01 * Math.cos(3 * k + (variant === 'churn-v2' ? 1 : 0));
      const latency = 50_000 * load * own * (variant === 'churn-v2' ? traffic!.slower : 1);
      return [
        { MetricName: 'Invocations', Dimensions, Timestamp, Value: invocations, Unit: 'None' as const },
        {
          MetricName: 'Invocation5XXErrors',
          Dimensions,
          Timestamp,
          Value: Math.round(invocations / 1000),
          Unit: 'None' as const,
        },
        { MetricName: 'ModelLatency', Dimensions, Timestamp, Value: latency, Unit: 'Microseconds' as const },
      ];
    });
    // The traffic SageMaker would report: the test's, not the step's (left out of the AWS call log).
    await outsideSteps(() => cw.send(new PutMetricDataCommand({ Namespace: 'AWS/SageMaker', MetricData })));
  };
  return {
    shares,
    now: () => new Date(t),
    nowMs: () => t,
    sleep: async (ms: number) => {
      t += ms;
      while (traffic && written + 60_000 <= t) {
        await writeMinute(written);
        written += 60_000;
      }
    },
  };
}

function workspace(promote: string): string {
  const dir = tempDir('modelship-sm-promote-');
  writeFileSync(
    join(dir, 'modelship.yml'),
    `model: churn\nbackend: sagemaker\nregion: us-east-1\npromote:\n  interval-minutes: 1\n${promote}`,
  );
  return dir;
}

async function canary(
  dir: string,
  fake: ReturnType<typeof clock>,
  deployed?: DeployedCanary,
  clients: Partial<PromoteClients> = {},
) {
  const { ctx, log } = await makeContext(dir, { env: moto.env, backend: 'sagemaker', now: new Date(T0) });
  const plan = resolvePlan({ 'dry-run': false }, ctx);
  const ep = await asStep('promote-on-metrics', ctx, { endpoint: ENDPOINT }, () =>
    sagemakerCanary(plan, ctx, deployed, ENDPOINT, {
      clients: { sagemaker: sm, cloudwatch: cw, autoscaling: aas, s3, ...clients },
      sleep: fake.sleep,
      now: fake.nowMs,
    }),
  );
  return { ep, plan, ctx, log };
}

async function run(dir: string, fake: ReturnType<typeof clock>, steps: number[], deployed?: DeployedCanary) {
  const { ep, plan, ctx, log } = await canary(dir, fake, deployed);
  const settings: PromoteSettings = { ...plan.settings, steps };
  const audit = await asStep('promote-on-metrics', ctx, { endpoint: ENDPOINT }, () =>
    runCanary(
      ep,
      settings,
      { now: fake.now, sleep: (ms) => fake.sleep(ms), signal: ctx.signal, log: ctx.log },
      false,
    ),
  );
  return { ep, audit, text: log.lines.join('\n') };
}

const DEPLOYED: DeployedCanary = {
  endpoint: ENDPOINT,
  challengerVariant: 'churn-v2',
  championVariant: 'churn-v1',
  variants: [
    { name: 'churn-v1', modelPackageArn: PKG(1), modelVersion: '1', model: 'churn-v1-model' },
    { name: 'churn-v2', modelPackageArn: PKG(2), modelVersion: '2', model: 'churn-v2-model' },
  ],
};

describe('promote-on-metrics on SageMaker (moto)', () => {
  it('promotes an equal challenger: ramps 10% → 50%, then the challenger alone; the old config and the champion model are deleted, autoscaling carried over', async () => {
    const { config: oldConfig } = await canaryEndpoint({ scaling: true });
    const fake = clock({ slower: 1 });
    const { ep, audit, text } = await run(workspace('  bake-minutes: 20\n'), fake, [10, 50], DEPLOYED);
    expect(ep).toMatchObject({
      backend: 'sagemaker',
      share: 10,
      shadow: false,
      champion: { name: 'churn-v1', modelPackageArn: PKG(1), modelVersion: '1' },
      challenger: { name: 'churn-v2', modelPackageArn: PKG(2), modelVersion: '2' },
    });
    expect(ep.shadowPairs).toBeUndefined();
    expect(audit.decision).toBe('promoted');
    expect(audit.steps.map((s) => [s.weight, s.verdict])).toEqual([
      [10, 'pass'],
      [50, 'pass'],
    ]);
    // The judge read the series written through GetMetricData: paired periods, every look.
    const last = audit.steps[1]!.looks.at(-1)!;
    expect(last.verdicts.map((v) => [v.metric, v.status])).toEqual([
      ['ModelLatency', 'pass'],
      ['Invocation5XXErrors', 'pass'],
    ]);
    expect(last.verdicts[0]!.test).toBe('wilcoxon-signed-rank');
    expect(last.verdicts[0]!.n).toEqual({ champion: 20, challenger: 20 });
    // Weights: one UpdateEndpointWeightsAndCapacities between the steps, and the traffic followed it.
    expect(sm.calls('UpdateEndpointWeightsAndCapacitiesCommand')).toEqual([
      {
        EndpointName: ENDPOINT,
        DesiredWeightsAndCapacities: [
          { VariantName: 'churn-v1', DesiredWeight: 50 },
          { VariantName: 'churn-v2', DesiredWeight: 50 },
        ],
      },
    ] satisfies UpdateEndpointWeightsAndCapacitiesInput[]);
    expect(fake.shares.slice(0, 20)).toEqual(Array(20).fill({ 'churn-v1': 90, 'churn-v2': 10 }));
    expect(fake.shares.slice(20, 40)).toEqual(Array(20).fill({ 'churn-v1': 50, 'churn-v2': 50 }));
    // The endpoint serves the challenger alone, as the old config had it, on a config named by what it holds.
    const { after, cfg } = await serving();
    expect(after.EndpointStatus).toBe('InService');
    expect(after.EndpointConfigName).toMatch(/^churn-prod-[0-9a-f]{8}$/);
    expect(after.ProductionVariants!.map((v) => v.VariantName)).toEqual(['churn-v2']);
    expect(cfg.ProductionVariants).toEqual([
      expect.objectContaining({
        VariantName: 'churn-v2',
        ModelName: 'churn-v2-model',
        InstanceType: 'ml.c5.xlarge',
        InitialInstanceCount: 1,
        InitialVariantWeight: 1,
      }),
    ]);
    expect(cfg.DataCaptureConfig).toMatchObject({
      EnableCapture: true,
      InitialSamplingPercentage: 20,
      DestinationS3Uri: 's3://acme-ml/churn/capture/',
    });
    const tags = await sagemaker.send(new ListTagsCommand({ ResourceArn: cfg.EndpointConfigArn }));
    expect(tags.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'project', Value: 'churn' },
        { Key: 'owner', Value: 'ml-platform' },
      ]),
    );
    // Deleted: the old config and the champion's Model; kept: the challenger's.
    expect(await left(oldConfig)).toEqual({ config: false, 'churn-v1-model': false, 'churn-v2-model': true });
    const promoted = audit.actions.find((a) => a.action === 'promote')!;
    expect(promoted.detail).toContain(after.EndpointConfigName!);
    expect(audit.actions.filter((a) => a.action === 'note').map((a) => a.detail)).toEqual([
      `deleted endpoint config ${oldConfig}, model churn-v1-model (variant churn-v1)`,
      'autoscaling of churn-v2 registered again (1–3 instances)',
    ]);
    // Autoscaling: lifted for the update, the challenger's registered again; the champion's gone.
    const targets = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker' }));
    expect(targets.ScalableTargets!.map((x) => [x.ResourceId, x.MinCapacity, x.MaxCapacity])).toEqual([
      [`endpoint/${ENDPOINT}/variant/churn-v2`, 1, 3],
    ]);
    const policies = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker' }));
    // (AWS deletes a target's policies when it is deregistered; moto keeps them, so only the kept one is checked.)
    expect(
      policies
        .ScalingPolicies!.filter((p) => p.ResourceId === `endpoint/${ENDPOINT}/variant/churn-v2`)
        .map((p) => [p.PolicyName, p.TargetTrackingScalingPolicyConfiguration?.TargetValue]),
    ).toEqual([['churn-v2-invocations', 250]]);
    expect(text).toContain(
      `updating ${ENDPOINT}: ${oldConfig} → ${after.EndpointConfigName} (churn-v2 alone)`,
    );
    expect(text).toContain('endpoint status: InService');
  });

  it('rolls back a challenger 30% slower: the champion alone, the challenger model deleted, no ramp', async () => {
    const { config: oldConfig } = await canaryEndpoint();
    const fake = clock({ slower: 1.3 });
    // No manifest: the challenger is the lower-weighted variant, its package from its Model.
    const { ep, audit } = await run(workspace('  bake-minutes: 20\n'), fake, [10, 50]);
    expect(ep.champion).toEqual({ name: 'churn-v1', modelPackageArn: PKG(1) });
    expect(ep.challenger).toEqual({ name: 'churn-v2', modelPackageArn: PKG(2) });
    expect(audit.decision).toBe('rolled-back');
    expect(audit.steps).toHaveLength(1);
    const failed = audit.steps[0]!.looks.at(-1)!.verdicts[0]!;
    expect(failed).toMatchObject({ metric: 'ModelLatency', status: 'fail' });
    expect(failed.estimate).toBeCloseTo(0.3, 1);
    expect(sm.calls('UpdateEndpointWeightsAndCapacitiesCommand')).toEqual([]);
    const { after, cfg } = await serving();
    expect(after.ProductionVariants!.map((v) => v.VariantName)).toEqual(['churn-v1']);
    expect(cfg.ProductionVariants).toEqual([
      expect.objectContaining({
        VariantName: 'churn-v1',
        InstanceType: 'ml.m5.large',
        InitialInstanceCount: 2,
      }),
    ]);
    expect(await left(oldConfig)).toEqual({ config: false, 'churn-v1-model': true, 'churn-v2-model': false });
  });

  it('with no datapoints stays inconclusive to max-bake and is never promoted', async () => {
    await canaryEndpoint();
    const fake = clock();
    const { audit } = await run(
      workspace('  bake-minutes: 3\n  max-bake-minutes: 6\n'),
      fake,
      [10],
      DEPLOYED,
    );
    expect(audit.decision).toBe('inconclusive');
    const looks = audit.steps[0]!.looks;
    expect(looks).toHaveLength(6);
    for (const look of looks) {
      expect(look.decision.decision).toBe('continue');
      for (const v of look.verdicts) {
        expect(v.status).toBe('inconclusive');
        expect(v.reason).toMatch(/fewer than min-(samples|invocations)/);
      }
    }
    // after-max-bake: rollback (the default): the champion alone.
    const after = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    expect(after.ProductionVariants!.map((v) => v.VariantName)).toEqual(['churn-v1']);
    expect(audit.actions.some((a) => a.action === 'promote')).toBe(false);
  });

  it("keeps the old champion's Model when another endpoint serves it, and says so", async () => {
    const { config: oldConfig } = await canaryEndpoint();
    // Another endpoint runs a config naming the champion's Model.
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'churn-staging-config',
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: 'churn-v1-model',
            InstanceType: 'ml.m5.large',
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    await sagemaker.send(
      new CreateEndpointCommand({
        EndpointName: 'churn-staging',
        EndpointConfigName: 'churn-staging-config',
      }),
    );
    const { ep } = await canary(workspace('  bake-minutes: 3\n'), clock(), DEPLOYED);
    const r = await ep.promote();
    expect(r.notes).toEqual([
      `deleted endpoint config ${oldConfig}`,
      'kept model churn-v1-model (variant churn-v1): endpoint churn-staging (endpoint config churn-staging-config) uses it',
    ]);
    expect(await left(oldConfig)).toEqual({ config: false, 'churn-v1-model': true, 'churn-v2-model': true });
    const after = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    expect(after.ProductionVariants!.map((v) => v.VariantName)).toEqual(['churn-v2']);
  });

  it('names the endpoint when it does not exist, or when its challenger is not there', async () => {
    const fake = clock();
    const dir = workspace('  bake-minutes: 3\n');
    await expect(canary(dir, fake)).rejects.toThrow(ConfigError);
    await expect(canary(dir, fake)).rejects.toMatchObject({
      where: 'endpoint churn-prod',
      message: 'does not exist in us-east-1',
    });
    await canaryEndpoint();
    await expect(canary(dir, fake, { ...DEPLOYED, challengerVariant: 'churn-v9' })).rejects.toMatchObject({
      where: 'endpoint churn-prod',
      message: 'has no variant churn-v9 (the challenger the manifest records)',
    });
  });
});

describe('promote-on-metrics on SageMaker: GetMetricData paging and throttling', () => {
  const queries = () =>
    buildQueries(
      [
        {
          name: 'ModelLatency',
          kind: 'latency',
          maxIncrease: 0.1,
          namespace: 'AWS/SageMaker',
          dimensions: {},
          stat: 'Average',
        },
      ],
      ENDPOINT,
      { champion: 'churn-v1', challenger: 'churn-v2' },
      60,
    );
  const window = { start: new Date(T0), end: new Date(T0 + 3 * 60_000) };
  const at = (m: number) => new Date(T0 + m * 60_000);

  it('follows NextToken and joins the pages per query', async () => {
    await canaryEndpoint();
    const mock = mockClient(cw);
    try {
      mock
        .on(GetMetricDataCommand)
        .resolvesOnce({
          MetricDataResults: [
            { Id: 'm0_champion', Timestamps: [at(0), at(1)], Values: [50, 51], StatusCode: 'PartialData' },
            { Id: 'm0_challenger', Timestamps: [at(0)], Values: [49], StatusCode: 'PartialData' },
          ],
          NextToken: 'page-2',
        })
        .resolvesOnce({
          MetricDataResults: [
            { Id: 'm0_champion', Timestamps: [at(2)], Values: [52], StatusCode: 'Complete' },
            { Id: 'm0_challenger', Timestamps: [at(1), at(2)], Values: [50, 53], StatusCode: 'Complete' },
          ],
        });
      const { ep } = await canary(workspace('  bake-minutes: 3\n'), clock(), DEPLOYED);
      const series = await fetchSeries(ep.getMetricData, queries(), window);
      expect(series).toEqual({
        m0_champion: { t: [0, 1, 2].map((m) => at(m).toISOString()), v: [50, 51, 52] },
        m0_challenger: { t: [0, 1, 2].map((m) => at(m).toISOString()), v: [49, 50, 53] },
      });
      const calls = mock.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
      expect(calls.map((c) => c.NextToken)).toEqual([undefined, 'page-2']);
      expect(calls[1]).toMatchObject({
        StartTime: window.start,
        EndTime: window.end,
        ScanBy: 'TimestampAscending',
      });
    } finally {
      mock.restore();
    }
  });

  it('throttling that outlasts the SDK retries is one clear error naming the endpoint', async () => {
    await canaryEndpoint();
    const mock = mockClient(cw);
    try {
      mock.on(GetMetricDataCommand).rejects(sdkError('ThrottlingException', 400, 8));
      const { ep } = await canary(workspace('  bake-minutes: 3\n'), clock(), DEPLOYED);
      const err = await fetchSeries(ep.getMetricData, queries(), window).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).line).toBe(
        'CloudWatch metrics of endpoint churn-prod: CloudWatch throttled the requests (still after 8 attempts)',
      );
    } finally {
      mock.restore();
    }
  });

  it("a throttled GetMetricData is retried by the SDK's retry policy and the series read", async () => {
    await canaryEndpoint();
    // A client to moto whose first two attempts of GetMetricData are throttled below the retry layer.
    const throttled = new CloudWatchClient({ endpoint: moto.endpoint, region, credentials, maxAttempts: 8 });
    let attempts = 0;
    throttled.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetMetricDataCommand' && ++attempts <= 2)
          throw Object.assign(new Error('Rate exceeded'), {
            name: 'ThrottlingException',
            $metadata: { httpStatusCode: 400 },
          });
        return next(args);
      },
      { step: 'deserialize', name: 'throttleFirstAttempts' },
    );
    try {
      await cw.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/SageMaker',
          MetricData: ['churn-v1', 'churn-v2'].map((VariantName, i) => ({
            MetricName: 'ModelLatency',
            Dimensions: [
              { Name: 'EndpointName', Value: ENDPOINT },
              { Name: 'VariantName', Value: VariantName },
            ],
            Timestamp: new Date(T0 + 30_000),
            Value: 50_000 + i,
          })),
        }),
      );
      const { ep } = await canary(workspace('  bake-minutes: 3\n'), clock(), DEPLOYED, {
        cloudwatch: throttled,
      });
      const series = await fetchSeries(ep.getMetricData, queries(), window);
      expect(attempts).toBe(3);
      expect(series.m0_champion).toEqual({ t: [at(0).toISOString()], v: [50_000] });
      expect(series.m0_challenger).toEqual({ t: [at(0).toISOString()], v: [50_001] });
    } finally {
      throttled.destroy();
    }
  }, 30_000);
});

describe('promote-on-metrics on SageMaker: a shadow challenger (aws-sdk-client-mock: moto keeps no shadow variants)', () => {
  it('is found as the shadow variant, has no share, its answers read from the data capture, and is promoted to the one production variant', async () => {
    const endpoint = mockShadowEndpoint(moto.endpoint, region, PKG);
    const { client, mock } = endpoint;
    try {
      const { ep } = await canary(workspace('  bake-minutes: 3\n'), clock(), undefined, {
        sagemaker: client,
      });
      expect(ep).toMatchObject({
        shadow: true,
        share: 0,
        champion: { name: 'churn-v1', modelPackageArn: PKG(1) },
        challenger: { name: 'churn-v2', modelPackageArn: PKG(2) },
      });
      // No DataCaptureConfig: nothing to pair (see sagemaker-shadow.test.ts for the capture).
      expect(await ep.shadowPairs!(new Date(T0), new Date(T0 + 60_000))).toEqual({ pairs: [] });
      const r = await ep.promote();
      const [create] = mock.commandCalls(CreateEndpointConfigCommand).map((c) => c.args[0].input);
      expect(create).toEqual({
        EndpointConfigName: r.endpointConfig,
        ProductionVariants: [{ ...endpoint.challengerSpec, InitialVariantWeight: 1 }],
      });
      expect(mock.commandCalls(DeleteModelCommand).map((c) => c.args[0].input)).toEqual([
        { ModelName: 'churn-v1-model' },
      ]);
      expect(r.notes).toEqual([
        'deleted endpoint config churn-prod-shadow, model churn-v1-model (variant churn-v1)',
      ]);
    } finally {
      endpoint.restore();
    }
  });
});
