/**
 * deploy-canary on SageMaker against moto in server mode (real HTTP): a model from a registered
 * package, the endpoint created with the challenger alone, endpoint configs with two weighted
 * variants and with a shadow variant, alarms on the challenger variant, the dashboard, data
 * capture, autoscaling through Application Auto Scaling, dry runs and re-runs.
 *
 * moto has no UpdateEndpoint: {@link UpdatingSageMakerClient} (test/lib) stands in for that one call by
 * doing what its success leaves behind (the endpoint, of the same name, on the new config:
 * DeleteEndpoint + CreateEndpoint on moto) and records the request, DeploymentConfig included.
 * moto keeps no ShadowProductionVariants on an endpoint config, so the shadow case checks the
 * request as sent. Rollbacks, failures and throttling: sagemaker-mock.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ApplicationAutoScalingClient,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointConfigsCommand,
  ListModelsCommand,
  SageMakerClient,
  type UpdateEndpointInput,
} from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { findStep } from '@modelship/catalog';
import { resolvePlan, type DeployInputs } from '@modelship/deploy';
import { deploySageMaker, type DeployClients } from '../../packages/deploy/src/sagemaker.js';
import { startMoto, type Moto } from '../support/moto.js';
import { UpdatingSageMakerClient } from '../lib/sagemaker.js';
import { asStep, makeContext, runStep, tempDir } from '../lib/step.js';
import { logCalls } from '@modelship/aws';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

let moto: Moto;
let sm: SageMakerClient;
let cw: CloudWatchClient;
let aas: ApplicationAutoScalingClient;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let client: UpdatingSageMakerClient;
function clients(): DeployClients {
  return {
    sagemaker: client,
    runtime: logCalls(
      new SageMakerRuntimeClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials }),
      'sagemaker',
    ),
    cloudwatch: cw,
    autoscaling: aas,
  };
}

beforeAll(async () => {
  moto = await startMoto();
  sm = new SageMakerClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
  // Logged (docs/iam.md): the calls deploySageMaker makes through them are checked against its policy.
  cw = logCalls(
    new CloudWatchClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials }),
    'cloudwatch',
  );
  aas = logCalls(
    new ApplicationAutoScalingClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials }),
    'application-autoscaling',
  );
});
afterAll(async () => {
  sm?.destroy();
  cw?.destroy();
  aas?.destroy();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  client = logCalls(
    new UpdatingSageMakerClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials }),
    'sagemaker',
  );
});

const ROLE = 'arn:aws:iam::123456789012:role/ModelshipServe';
const TAGS = '  tags: {project: churn, owner: ml-platform, environment: test}\n';

async function registerPackage(
  status: 'Approved' | 'Rejected' | 'PendingManualApproval' = 'Approved',
): Promise<string> {
  await sm
    .send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'churn' }))
    .catch(() => undefined);
  const out = await sm.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: 'churn',
      ModelApprovalStatus: status,
      InferenceSpecification: {
        Containers: [
          {
            Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sklearn@sha256:' + 'a'.repeat(64),
            ModelDataUrl: 's3://acme-ml/churn/model.tar.gz',
          },
        ],
        SupportedContentTypes: ['application/json'],
        SupportedResponseMIMETypes: ['application/json'],
      },
    }),
  );
  return out.ModelPackageArn!;
}

function workspace(deploy: string): string {
  const dir = tempDir('modelship-sm-deploy-');
  writeFileSync(
    join(dir, 'modelship.yml'),
    `model: churn\nbackend: sagemaker\nregion: us-east-1\ndeploy:\n  endpoint: churn-prod\n  role: ${ROLE}\n${TAGS}${deploy}`,
  );
  return dir;
}

const INPUTS: DeployInputs = { wait: true, 'dry-run': false };
const fast = { sleep: async () => undefined };

async function deploy(dir: string, arn: string, inputs: Partial<DeployInputs> = {}) {
  const { ctx, log } = await makeContext(dir, { env: moto.env, backend: 'sagemaker' });
  const plan = resolvePlan({ ...INPUTS, ...inputs }, ctx);
  const outcome = await asStep('deploy-canary', ctx, {}, () =>
    deploySageMaker(plan, arn, ctx, { clients: clients(), ...fast }),
  );
  return { outcome, log: log.lines.join('\n') };
}

describe('deploy-canary on SageMaker (moto)', () => {
  it('creates the endpoint with the challenger alone, with alarms and a dashboard; a re-run changes nothing', async () => {
    const arn = await registerPackage();
    const dir = workspace(
      '  data-capture: {destination: s3://acme-ml/churn/capture/, sampling-percent: 20}\n',
    );
    const run = await runStep(
      findStep('deploy-canary')!,
      { 'model-package-arn': arn },
      { cwd: dir, env: moto.env },
    );
    expect(run.text).toContain(
      'endpoint churn-prod does not exist yet: creating it with the challenger churn-v1 alone',
    );
    expect(run.result.ok).toBe(true);
    expect(run.result.outputs).toMatchObject({
      'endpoint-name': 'churn-prod',
      status: 'created',
      'champion-variant': '',
      'challenger-variant': 'churn-v1',
      'endpoint-url': '',
    });
    const configName = run.result.outputs['endpoint-config']!;
    expect(configName).toMatch(/^churn-prod-[0-9a-f]{8}$/);
    const ep = await sm.send(new DescribeEndpointCommand({ EndpointName: 'churn-prod' }));
    expect(ep.EndpointStatus).toBe('InService');
    expect(ep.EndpointConfigName).toBe(configName);
    const cfg = await sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }));
    expect(cfg.ProductionVariants).toHaveLength(1);
    expect(cfg.ProductionVariants![0]).toMatchObject({
      VariantName: 'churn-v1',
      InstanceType: 'ml.m5.large',
      InitialInstanceCount: 1,
    });
    expect(cfg.DataCaptureConfig).toMatchObject({
      EnableCapture: true,
      InitialSamplingPercentage: 20,
      DestinationS3Uri: 's3://acme-ml/churn/capture/',
    });
    const modelName = cfg.ProductionVariants![0]!.ModelName!;
    expect(modelName).toMatch(/^churn-v1-[0-9a-f]{8}$/);
    const model = await sm.send(new DescribeModelCommand({ ModelName: modelName }));
    expect(model.ExecutionRoleArn).toBe(ROLE);
    expect(model.Containers?.[0]).toMatchObject({ ModelPackageName: arn });
    // Alarms on the challenger variant.
    const alarms = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'churn-prod-churn-v1' }));
    const byName = Object.fromEntries((alarms.MetricAlarms ?? []).map((a) => [a.AlarmName, a]));
    expect(byName['churn-prod-churn-v1-5xx-rate']).toMatchObject({
      Namespace: 'AWS/SageMaker',
      MetricName: 'Invocation5XXErrors',
      Statistic: 'Average',
      Threshold: 0.01,
      Dimensions: expect.arrayContaining([
        { Name: 'VariantName', Value: 'churn-v1' },
        { Name: 'EndpointName', Value: 'churn-prod' },
      ]),
    });
    expect(byName['churn-prod-churn-v1-p99-latency']).toMatchObject({
      MetricName: 'ModelLatency',
      ExtendedStatistic: 'p99',
      Threshold: 1_000_000,
    });
    const dash = await cw.send(new GetDashboardCommand({ DashboardName: 'modelship-churn-prod' }));
    const body = JSON.parse(dash.DashboardBody!) as {
      widgets: { type: string; properties: { title: string; metrics?: unknown[][]; alarms?: string[] } }[];
    };
    expect(body.widgets.map((w) => w.properties.title)).toEqual([
      'Invocations',
      'ModelLatency (µs)',
      '4XX / 5XX errors',
      'OverheadLatency (µs)',
      'Alarms',
    ]);
    expect(JSON.stringify(body.widgets[1]!.properties.metrics)).toContain('"p99"');
    expect(body.widgets[4]!.properties.alarms).toHaveLength(2);
    expect(run.result.summary).toContain(
      'https://us-east-1.console.aws.amazon.com/sagemaker/home?region=us-east-1#/endpoints/churn-prod',
    );
    expect(run.result.summary).toContain('dashboards:name=modelship-churn-prod');
    expect(run.manifest().deployment).toMatchObject({
      backend: 'sagemaker',
      status: 'created',
      endpointConfig: configName,
      alarms: ['churn-prod-churn-v1-5xx-rate', 'churn-prod-churn-v1-p99-latency'],
    });

    const again = await runStep(
      findStep('deploy-canary')!,
      { 'model-package-arn': arn },
      { cwd: dir, env: moto.env },
    );
    expect(again.result.outputs.status).toBe('unchanged');
    expect((await sm.send(new ListModelsCommand({}))).Models).toHaveLength(1);
    expect((await sm.send(new ListEndpointConfigsCommand({}))).EndpointConfigs).toHaveLength(1);
  });

  it('puts v2 beside the champion as it is served now: 90 / 10, through UpdateEndpoint with a timeout and the rollback alarms', async () => {
    const v1 = await registerPackage();
    const v2 = await registerPackage();
    const dir = workspace('  instance-type: ml.c5.large\n');
    await deploy(dir, v1);
    const { outcome } = await deploy(dir, v2, { 'timeout-minutes': 30 });
    expect(outcome.ok).toBe(true);
    expect(outcome.section).toMatchObject({
      status: 'deployed',
      championVariant: 'churn-v1',
      challengerVariant: 'churn-v2',
    });
    expect(outcome.section.variants).toEqual([
      expect.objectContaining({ name: 'churn-v1', role: 'champion', weightBefore: 100, weightAfter: 90 }),
      expect.objectContaining({ name: 'churn-v2', role: 'challenger', weightBefore: 0, weightAfter: 10 }),
    ]);
    const ep = await sm.send(new DescribeEndpointCommand({ EndpointName: 'churn-prod' }));
    expect(ep.EndpointConfigName).toBe(outcome.section.endpointConfig);
    const cfg = await sm.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: ep.EndpointConfigName }),
    );
    expect(
      cfg.ProductionVariants!.map((v) => [v.VariantName, v.InitialVariantWeight, v.InstanceType]),
    ).toEqual([
      ['churn-v1', 90, 'ml.c5.large'],
      ['churn-v2', 10, 'ml.c5.large'],
    ]);
    const [update] = client.calls('UpdateEndpointCommand') as UpdateEndpointInput[];
    expect(update!.DeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
        TerminationWaitInSeconds: 0,
        MaximumExecutionTimeoutInSeconds: 1800,
      },
      AutoRollbackConfiguration: {
        Alarms: [
          { AlarmName: 'churn-prod-churn-v2-5xx-rate' },
          { AlarmName: 'churn-prod-churn-v2-p99-latency' },
        ],
      },
    });
    // The first run's config stays (it is the rollback target); nothing of this run is unused.
    expect((await sm.send(new ListEndpointConfigsCommand({}))).EndpointConfigs).toHaveLength(2);
  });

  it('a shadow challenger goes into ShadowProductionVariants; the champion keeps all the traffic', async () => {
    const v1 = await registerPackage();
    const v2 = await registerPackage();
    const dir = workspace('  strategy: shadow\n  canary-percent: 50\n');
    await deploy(dir, v1);
    const { outcome } = await deploy(dir, v2);
    expect(outcome.ok).toBe(true);
    const creates = client.calls('CreateEndpointConfigCommand') as {
      ProductionVariants: { VariantName: string; InitialVariantWeight: number }[];
      ShadowProductionVariants?: { VariantName: string; InitialVariantWeight: number }[];
    }[];
    const last = creates.at(-1)!;
    expect(last.ProductionVariants.map((v) => [v.VariantName, v.InitialVariantWeight])).toEqual([
      ['churn-v1', 100],
    ]);
    expect(last.ShadowProductionVariants!.map((v) => [v.VariantName, v.InitialVariantWeight])).toEqual([
      ['churn-v2', 50],
    ]);
    expect(outcome.section.variants.find((v) => v.name === 'churn-v2')).toMatchObject({ shadow: true });
    expect(outcome.headline).toContain('a shadow copy of 50% of the traffic');
  });

  it('guardrails (written blue-green): a CANARY blue/green update to the challenger alone, with a warning', async () => {
    const v1 = await registerPackage();
    const v2 = await registerPackage();
    const dir = workspace(
      '  strategy: blue-green\n  guardrails: {type: CANARY, size: 25, wait-seconds: 300, max-execution-seconds: 1200}\n  alarms: {max-5xx-rate: 0.02}\n',
    );
    await deploy(dir, v1);
    const { outcome, log } = await deploy(dir, v2);
    expect(log).toContain("strategy 'blue-green' is now called 'guardrails'");
    expect(outcome.section.strategy).toBe('guardrails');
    const [update] = client.calls('UpdateEndpointCommand') as UpdateEndpointInput[];
    expect(update!.DeploymentConfig!.BlueGreenUpdatePolicy).toEqual({
      TrafficRoutingConfiguration: {
        Type: 'CANARY',
        WaitIntervalInSeconds: 300,
        CanarySize: { Type: 'CAPACITY_PERCENT', Value: 25 },
      },
      TerminationWaitInSeconds: 0,
      MaximumExecutionTimeoutInSeconds: 1200,
    });
    const cfg = await sm.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: outcome.section.endpointConfig }),
    );
    expect(cfg.ProductionVariants!.map((v) => v.VariantName)).toEqual(['churn-v2']);
    expect(outcome.headline).toContain('through a CANARY blue/green deployment; no alarm fired');
  });

  it('registers the variants with Application Auto Scaling', async () => {
    const arn = await registerPackage();
    const dir = workspace('  autoscaling: {min: 1, max: 4, target-invocations: 250}\n');
    const { outcome } = await deploy(dir, arn);
    expect(outcome.ok).toBe(true);
    const t = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker' }));
    expect(t.ScalableTargets!.map((x) => [x.ResourceId, x.MinCapacity, x.MaxCapacity])).toEqual([
      ['endpoint/churn-prod/variant/churn-v1', 1, 4],
    ]);
    const p = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker' }));
    expect(p.ScalingPolicies![0]!.TargetTrackingScalingPolicyConfiguration).toMatchObject({
      TargetValue: 250,
      PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
    });
  });

  it("carries a variant's autoscaling over an update; the challenger gets the config's", async () => {
    const v1 = await registerPackage();
    const v2 = await registerPackage();
    await deploy(workspace('  autoscaling: {min: 1, max: 4, target-invocations: 250}\n'), v1);
    const dir = workspace('  autoscaling: {min: 2, max: 3, target-invocations: 100}\n');
    const { outcome } = await deploy(dir, v2);
    expect(outcome.ok).toBe(true);
    // SageMaker refuses to update an endpoint whose variants are registered: deregistered first.
    expect(client.sent.map((c) => c.name)).toContain('UpdateEndpointCommand');
    const t = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker' }));
    expect(t.ScalableTargets!.map((x) => [x.ResourceId, x.MinCapacity, x.MaxCapacity]).sort()).toEqual([
      ['endpoint/churn-prod/variant/churn-v1', 1, 4],
      ['endpoint/churn-prod/variant/churn-v2', 2, 3],
    ]);
    const p = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker' }));
    const targetOf = (v: string) =>
      p.ScalingPolicies!.find((x) => x.ResourceId === `endpoint/churn-prod/variant/${v}`)!
        .TargetTrackingScalingPolicyConfiguration!.TargetValue;
    expect([targetOf('churn-v1'), targetOf('churn-v2')]).toEqual([250, 100]);
  });

  it('smoke-tests a new endpoint through InvokeEndpoint; a failure deletes the endpoint, config and model it created', async () => {
    const arn = await registerPackage();
    const files = (dir: string) => {
      writeFileSync(
        join(dir, 'response.json'),
        JSON.stringify({ type: 'object', required: ['predictions'] }),
      );
      writeFileSync(join(dir, 'smoke.jsonl'), '{"tenure_months": 1}\n');
      return dir;
    };
    const results = async (body: string) => {
      const r = await fetch(`${moto.endpoint}/moto-api/static/sagemaker/endpoint-results`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          results: [{ Body: body, ContentType: 'application/json', InvokedProductionVariant: 'churn-v1' }],
        }),
      });
      expect(r.status).toBe(201);
    };
    const deploySmoke = '  contract: {response: response.json}\n  smoke-requests: smoke.jsonl\n';
    await results('{"error": "no model"}');
    const bad = await deploy(files(workspace(deploySmoke)), arn);
    expect(bad.outcome.ok).toBe(false);
    expect(bad.outcome.headline).toMatch(
      /^contract smoke test failed \(1 of 1 requests; first smoke\.jsonl:1: the answer breaks the response schema: .*predictions.*\); the challenger got no live traffic; deleted endpoint churn-prod, endpoint config churn-prod-[0-9a-f]{8}, model churn-v1-[0-9a-f]{8}$/,
    );
    await expect(sm.send(new DescribeEndpointCommand({ EndpointName: 'churn-prod' }))).rejects.toThrow(
      /Could not find endpoint/,
    );
    expect((await sm.send(new ListModelsCommand({}))).Models).toHaveLength(0);
    expect((await sm.send(new ListEndpointConfigsCommand({}))).EndpointConfigs).toHaveLength(0);

    await moto.reset();
    const arn2 = await registerPackage();
    await results('{"predictions": [{"score": 0.3}]}');
    const good = await deploy(files(workspace(deploySmoke)), arn2);
    expect(good.outcome.ok).toBe(true);
    expect(good.outcome.section).toMatchObject({ status: 'created', smoke: { requests: 1, passed: 1 } });
  });

  it('dry-run prints every request and creates nothing', async () => {
    const arn = await registerPackage();
    const dir = workspace('');
    const run = await runStep(
      findStep('deploy-canary')!,
      { 'model-package-arn': arn, 'dry-run': 'true' },
      { cwd: dir, env: moto.env },
    );
    expect(run.result.ok).toBe(true);
    expect(run.result.outputs.status).toBe('dry-run');
    for (const call of [
      'CreateModel',
      'CreateEndpointConfig',
      'PutMetricAlarm',
      'PutDashboard',
      'CreateEndpoint',
    ])
      expect(run.text).toContain(`dry run: ${call} {`);
    expect(run.result.summary).toContain('requests (dry run)');
    expect((await sm.send(new ListModelsCommand({}))).Models).toHaveLength(0);
    expect((await sm.send(new ListEndpointConfigsCommand({}))).EndpointConfigs).toHaveLength(0);
    expect((await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms).toHaveLength(0);
  });

  it('names what the user must fix in one line', async () => {
    const arn = await registerPackage();
    const missingAlarm = workspace('  alarms: {names: [churn-business-kpi]}\n');
    await expect(deploy(missingAlarm, arn)).rejects.toMatchObject({
      line: 'modelship.yml: deploy.alarms.names: no CloudWatch alarm named churn-business-kpi in us-east-1',
    });
    const dir = tempDir('modelship-sm-deploy-');
    writeFileSync(join(dir, 'modelship.yml'), `model: churn\nbackend: sagemaker\ndeploy:\n  role: ${ROLE}\n`);
    const noTags = await runStep(
      findStep('deploy-canary')!,
      { 'model-package-arn': arn },
      { cwd: dir, env: moto.env },
    ).catch((e: { line: string }) => e.line);
    expect(noTags).toMatch(/^modelship\.yml: deploy\.tags\.project: tag is required/);
    const unknown = await runStep(
      findStep('deploy-canary')!,
      { 'model-package-arn': arn.replace(/\/1$/, '/9') },
      { cwd: workspace(''), env: moto.env },
    ).catch((e: { line: string }) => e.line);
    expect(unknown).toMatch(
      /^model package arn:aws:sagemaker:us-east-1:\d+:model-package\/churn\/9: model package not found/,
    );
  });
});

describe('deploy-canary on SageMaker (moto): from a trial', () => {
  it('re-weights a canary that canary-percent 100 left at 100% beside the old champion at 0%', async () => {
    const v1 = await registerPackage();
    const v2 = await registerPackage();
    const dir = workspace('');
    await deploy(dir, v1);
    const full = await deploy(dir, v2, { 'canary-percent': 100 });
    expect(full.outcome.ok).toBe(true);
    const back = await deploy(dir, v2, { 'canary-percent': 10 });
    expect(back.outcome.ok).toBe(true);
    expect(back.outcome.section).toMatchObject({
      status: 'deployed',
      championVariant: 'churn-v1',
      challengerVariant: 'churn-v2',
    });
    const ep = await sm.send(new DescribeEndpointCommand({ EndpointName: 'churn-prod' }));
    const cfg = await sm.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: ep.EndpointConfigName }),
    );
    expect(cfg.ProductionVariants!.map((v) => [v.VariantName, v.InitialVariantWeight])).toEqual([
      ['churn-v1', 90],
      ['churn-v2', 10],
    ]);
  });

  it("refuses a canary of the endpoint's sole production variant that would change it; a re-run is unchanged", async () => {
    const v1 = await registerPackage();
    const dir = workspace('');
    await deploy(dir, v1);
    expect((await deploy(dir, v1)).outcome.section.status).toBe('unchanged');
    const other = workspace('  instance-type: ml.c5.large\n');
    await expect(deploy(other, v1)).rejects.toMatchObject({
      line: `endpoint churn-prod: already serves ${v1} as its champion (variant churn-v1, its sole production variant): there is nothing to canary it against`,
      hint: 'deploy a newer registered package as the challenger; to serve this one another way, delete the endpoint (aws sagemaker delete-endpoint --endpoint-name churn-prod) and deploy it again',
    });
  });

  it.each(['Rejected', 'PendingManualApproval'] as const)(
    'refuses a %s package before any write, naming it and its status',
    async (status) => {
      const arn = await registerPackage(status);
      await expect(deploy(workspace(''), arn)).rejects.toMatchObject({
        line: `model package ${arn}: is ${status}, not Approved: only an Approved package is deployed (as SageMaker does)`,
        // register never approves a Rejected package: its hint names what does make one deployable.
        hint:
          status === 'Rejected'
            ? 'a rejected package stays rejected (register refuses to approve it): deploy an Approved package (modelship registry list shows them), or register a new candidate (retrain, or gate it on other data) and approve that'
            : `approve it first: modelship register --operation approve --model-package-arn ${arn}`,
      });
      expect((await sm.send(new ListModelsCommand({}))).Models).toHaveLength(0);
    },
  );
});
