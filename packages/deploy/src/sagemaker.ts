// deploy-canary on SageMaker. The challenger becomes a SageMaker Model from its package; an
// endpoint config holds the champion's variant (as the endpoint serves it now) at 100 − p and the
// challenger's at p (shadow: in ShadowProductionVariants; guardrails: the challenger alone, shifted
// in by SageMaker's blue/green DeploymentConfig); UpdateEndpoint moves the endpoint to it, always
// with MaximumExecutionTimeoutInSeconds and auto-rollback alarms, so a failed or stuck update goes
// back to the previous config by SageMaker's own hand. Every name is derived from what it holds,
// so a re-run finds what it created. Alarms on the challenger, a dashboard, data capture and
// autoscaling come with it.
import { checkEndpointName } from '@modelship/local';
import { refuseServedChampion, refuseUnapproved } from './guards.js';
import {
  DeregisterScalableTargetCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ScalableTarget,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeAlarmsCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  type PutMetricAlarmInput,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  type CreateEndpointConfigInput,
  type CreateModelInput,
  type DeploymentConfig,
  type DescribeEndpointConfigOutput,
  type DescribeEndpointOutput,
  type ProductionVariant,
  type ProductionVariantInstanceType,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import {
  awsError,
  createAutoScalingClient,
  isSageMakerNotFound,
  createCloudWatchClient,
  createSageMakerClient,
  createSageMakerRuntimeClient,
  deregisterRequest,
  describeVariantScaling,
  endpointWeights,
  scalingRequests,
  sendChange,
  variantResourceId,
  variantSpec,
  waitEndpoint,
  weightShares,
  type VariantScaling,
  type WaitEndpointResult,
  REQUIRED_TAGS,
  sleep as realSleep,
  type ApplicationAutoScalingClient,
  type CloudWatchClient,
  type SageMakerClient,
  type SageMakerRuntimeClient,
  type Sleep,
} from '@modelship/aws';
import { ConfigError, type Logger, type StepContext } from '@modelship/core';
import { loadContract, readSmokeRequests, smokeTest } from './contract.js';
import type { DeployedVariant, DeploymentSection } from './definition.js';
import { endpointConfigName, fitName, modelName, variantName } from './names.js';
import type { DeployOutcome } from './outcome.js';
import { sagemakerPackage, type PackageInfo } from './package.js';
import type { DeployPlan } from './plan.js';

export interface DeployClients {
  sagemaker: SageMakerClient;
  runtime: SageMakerRuntimeClient;
  cloudwatch: CloudWatchClient;
  autoscaling: ApplicationAutoScalingClient;
}

export function createDeployClients(region: string, env: Record<string, string | undefined>): DeployClients {
  return {
    sagemaker: createSageMakerClient(region, env),
    runtime: createSageMakerRuntimeClient(region, env),
    cloudwatch: createCloudWatchClient(region, env),
    autoscaling: createAutoScalingClient(region, env),
  };
}

export interface SageMakerDeployDeps {
  clients: DeployClients;
  log: Logger;
  signal: AbortSignal;
  sleep: Sleep;
  now: () => number;
  /** How a step's clock gives ISO times. */
  nowDate: () => Date;
  cwd: string;
}

export { ENDPOINT_TERMINAL, type VariantScaling } from '@modelship/aws';

export function consoleUrls(region: string, endpoint: string, dashboard?: string) {
  return {
    endpoint: `https://${region}.console.aws.amazon.com/sagemaker/home?region=${region}#/endpoints/${endpoint}`,
    ...(dashboard
      ? {
          dashboard: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${dashboard}`,
        }
      : {}),
  };
}

/** The names of the alarms this step creates on the challenger variant. */
export function alarmNames(endpoint: string, variant: string): { errors: string; latency: string } {
  return { errors: `${endpoint}-${variant}-5xx-rate`, latency: `${endpoint}-${variant}-p99-latency` };
}

/** The two alarms on the challenger: its 5XX rate over a minute, its ModelLatency p99. */
export function alarmRequests(plan: DeployPlan, variant: string): PutMetricAlarmInput[] {
  const names = alarmNames(plan.endpoint, variant);
  const dims = [
    { Name: 'EndpointName', Value: plan.endpoint },
    { Name: 'VariantName', Value: variant },
  ];
  const tags = Object.entries(plan.tags).map(([Key, Value]) => ({ Key, Value }));
  return [
    {
      AlarmName: names.errors,
      AlarmDescription: `modelship deploy-canary: 5XX errors of ${variant} above ${plan.alarms.max5xxRate * 100}% of its invocations`,
      Namespace: 'AWS/SageMaker',
      MetricName: 'Invocation5XXErrors',
      Dimensions: dims,
      // SageMaker publishes 1 for a 5XX answer and 0 otherwise: the average is the error rate.
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: plan.alarms.max5xxRate,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      Tags: tags,
    },
    {
      AlarmName: names.latency,
      AlarmDescription: `modelship deploy-canary: ModelLatency p99 of ${variant} above ${plan.alarms.maxLatencyP99Ms} ms`,
      Namespace: 'AWS/SageMaker',
      MetricName: 'ModelLatency',
      Dimensions: dims,
      ExtendedStatistic: 'p99',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      // ModelLatency is in microseconds.
      Threshold: plan.alarms.maxLatencyP99Ms * 1000,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      Tags: tags,
    },
  ];
}

/** The endpoint's dashboard: per-variant invocations, latency p50/p99, 4XX/5XX, the alarms. */
export function dashboardBody(plan: DeployPlan, variants: string[], alarmArns: string[]): string {
  const metric = (name: string, stat: string, v: string) => [
    'AWS/SageMaker',
    name,
    'EndpointName',
    plan.endpoint,
    'VariantName',
    v,
    { stat, label: `${v} ${stat}` },
  ];
  const widget = (title: string, metrics: unknown[][], y: number, x: number) => ({
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region: plan.region, view: 'timeSeries', period: 60, metrics },
  });
  const widgets: unknown[] = [
    widget(
      'Invocations',
      variants.map((v) => metric('Invocations', 'Sum', v)),
      0,
      0,
    ),
    widget(
      'ModelLatency (µs)',
      variants.flatMap((v) => [metric('ModelLatency', 'p50', v), metric('ModelLatency', 'p99', v)]),
      0,
      12,
    ),
    widget(
      '4XX / 5XX errors',
      variants.flatMap((v) => [
        metric('Invocation4XXErrors', 'Sum', v),
        metric('Invocation5XXErrors', 'Sum', v),
      ]),
      6,
      0,
    ),
    widget(
      'OverheadLatency (µs)',
      variants.map((v) => metric('OverheadLatency', 'p99', v)),
      6,
      12,
    ),
  ];
  if (alarmArns.length)
    widgets.push({
      type: 'alarm',
      x: 0,
      y: 12,
      width: 24,
      height: 3,
      properties: { title: 'Alarms', alarms: alarmArns },
    });
  return JSON.stringify({ widgets });
}

/** The dashboard's name: `modelship-<endpoint>`. */
export function dashboardName(endpoint: string): string {
  return `modelship-${endpoint}`;
}

export interface Weights {
  champion: number;
  challenger: number;
}

/** What the new endpoint config holds, before it is named. */
export interface ConfigPlan {
  champion?: ProductionVariant;
  challenger: ProductionVariant;
  shadow: boolean;
  /** The challenger's weight in the config: 0 until the smoke test passed, when there is one. */
  weights: Weights;
  /** The weights once it has passed. */
  target: Weights;
  request: CreateEndpointConfigInput;
}

/**
 * The endpoint config: the champion's variant as the endpoint serves it now (its model, instances,
 * settings) at 100 − p, the challenger at p (or as a shadow); the challenger alone for a new
 * endpoint and for guardrails. With a smoke test on `variants`, the challenger starts at weight 0.
 */
export function planConfig(
  plan: DeployPlan,
  model: string,
  variant: string,
  champion: ProductionVariant | undefined,
  smoke: boolean,
): ConfigPlan {
  const challenger: ProductionVariant = {
    VariantName: variant,
    ModelName: model,
    InstanceType: plan.instanceType as ProductionVariantInstanceType,
    InitialInstanceCount: plan.instanceCount,
    InitialVariantWeight: 1,
  };
  const tags = Object.entries(plan.tags).map(([Key, Value]) => ({ Key, Value }));
  const capture = plan.dataCapture
    ? {
        DataCaptureConfig: {
          EnableCapture: true,
          InitialSamplingPercentage: plan.dataCapture.samplingPercent,
          DestinationS3Uri: plan.dataCapture.destination,
          CaptureOptions: [{ CaptureMode: 'Input' as const }, { CaptureMode: 'Output' as const }],
          CaptureContentTypeHeader: { JsonContentTypes: ['application/json'] },
        },
      }
    : {};
  const alone = !champion || plan.strategy === 'guardrails';
  if (alone) {
    const request = { EndpointConfigName: '', ProductionVariants: [challenger], ...capture, Tags: tags };
    return {
      challenger,
      shadow: false,
      weights: { champion: 0, challenger: 100 },
      target: { champion: 0, challenger: 100 },
      request,
      ...(champion ? { champion } : {}),
    };
  }
  const p = plan.canaryPercent;
  if (plan.strategy === 'shadow') {
    // A shadow's weight against the production variants' is the share of requests it gets a copy of.
    const prod = { ...champion, InitialVariantWeight: 100 };
    const shadowVariant = { ...challenger, InitialVariantWeight: p };
    return {
      champion: prod,
      challenger: shadowVariant,
      shadow: true,
      weights: { champion: 100, challenger: p },
      target: { champion: 100, challenger: p },
      request: {
        EndpointConfigName: '',
        ProductionVariants: [prod],
        ShadowProductionVariants: [shadowVariant],
        ...capture,
        Tags: tags,
      },
    };
  }
  const weights = smoke ? { champion: 100, challenger: 0 } : { champion: 100 - p, challenger: p };
  const prod = { ...champion, InitialVariantWeight: weights.champion };
  const chal = { ...challenger, InitialVariantWeight: weights.challenger };
  return {
    champion: prod,
    challenger: chal,
    shadow: false,
    weights,
    target: { champion: 100 - p, challenger: p },
    request: { EndpointConfigName: '', ProductionVariants: [prod, chal], ...capture, Tags: tags },
  };
}

/** What a package's SageMaker Model holds (its name is derived from it). */
function modelBody(pkg: PackageInfo, role: string) {
  return { ExecutionRoleArn: role, Containers: [{ ModelPackageName: pkg.arn }] };
}

/** The name of an endpoint config: derived from everything it holds but its tags. */
function configNameOf(plan: DeployPlan, cfg: ConfigPlan): string {
  const { EndpointConfigName: _ignored, ...body } = cfg.request;
  return endpointConfigName(plan.endpoint, { ...body, Tags: undefined });
}

/** The champion: the production variant the endpoint gives the most weight now (other than the challenger's name). */
export function championVariant(
  endpoint: DescribeEndpointOutput,
  config: DescribeEndpointConfigOutput,
  except: string,
): ProductionVariant | undefined {
  const current = new Map((endpoint.ProductionVariants ?? []).map((v) => [v.VariantName, v.CurrentWeight]));
  const candidates = (config.ProductionVariants ?? [])
    .filter((v) => v.VariantName !== except)
    .map((v) => ({ v, w: current.get(v.VariantName) ?? v.InitialVariantWeight ?? 0 }))
    .sort((a, b) => b.w - a.w);
  return candidates[0] ? variantSpec(candidates[0].v) : undefined;
}

/** The deployment config of an update: the strategy's traffic routing, a timeout and the rollback alarms. */
export function deploymentConfig(plan: DeployPlan, alarms: string[]): DeploymentConfig {
  const g = plan.guardrails;
  const timeout = Math.min(28_800, Math.max(600, Math.round(plan.timeoutMs / 1000)));
  const routing =
    plan.strategy !== 'guardrails'
      ? { Type: 'ALL_AT_ONCE' as const, WaitIntervalInSeconds: 0 }
      : g.type === 'CANARY'
        ? {
            Type: 'CANARY' as const,
            WaitIntervalInSeconds: g.waitSeconds,
            CanarySize: { Type: 'CAPACITY_PERCENT' as const, Value: g.sizePercent },
          }
        : g.type === 'LINEAR'
          ? {
              Type: 'LINEAR' as const,
              WaitIntervalInSeconds: g.waitSeconds,
              LinearStepSize: { Type: 'CAPACITY_PERCENT' as const, Value: g.sizePercent },
            }
          : { Type: 'ALL_AT_ONCE' as const, WaitIntervalInSeconds: g.waitSeconds };
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: routing,
      TerminationWaitInSeconds: plan.strategy === 'guardrails' ? g.terminationWaitSeconds : 0,
      MaximumExecutionTimeoutInSeconds:
        plan.strategy === 'guardrails' ? Math.min(g.maxExecutionSeconds, timeout) : timeout,
    },
    ...(alarms.length
      ? { AutoRollbackConfiguration: { Alarms: alarms.slice(0, 10).map((AlarmName) => ({ AlarmName })) } }
      : {}),
  };
}

export class SageMakerDeployer {
  /** What this run created (deleted again if it ends up unused). */
  private readonly created = { models: [] as string[], configs: [] as string[], endpoint: false };
  readonly requests: { call: string; request: unknown }[] = [];

  constructor(
    private readonly plan: DeployPlan,
    private readonly deps: SageMakerDeployDeps,
  ) {}

  private get sm(): SageMakerClient {
    return this.deps.clients.sagemaker;
  }

  /** Send a call, or in a dry run only record and print it. Errors map to one-line ConfigErrors where the user can fix them. */
  private async write<T>(
    call: string,
    request: unknown,
    send: () => Promise<T>,
    resource: string,
    action: string,
  ): Promise<T | undefined> {
    this.requests.push({ call, request });
    if (this.plan.dryRun) {
      this.deps.log.info(`dry run: ${call} ${JSON.stringify(request)}`);
      return undefined;
    }
    return sendChange(call, resource, action, send);
  }

  async describeEndpoint(): Promise<DescribeEndpointOutput | undefined> {
    try {
      return await this.sm.send(new DescribeEndpointCommand({ EndpointName: this.plan.endpoint }), {
        abortSignal: this.deps.signal,
      });
    } catch (err) {
      if (isSageMakerNotFound(err)) return undefined;
      throw awsError(err, `endpoint ${this.plan.endpoint}`, { action: 'sagemaker:DescribeEndpoint' });
    }
  }

  async describeConfig(name: string): Promise<DescribeEndpointConfigOutput | undefined> {
    try {
      return await this.sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }), {
        abortSignal: this.deps.signal,
      });
    } catch (err) {
      if (isSageMakerNotFound(err)) return undefined;
      throw awsError(err, `endpoint config ${name}`, { action: 'sagemaker:DescribeEndpointConfig' });
    }
  }

  private async modelExists(name: string): Promise<boolean> {
    try {
      await this.sm.send(new DescribeModelCommand({ ModelName: name }), { abortSignal: this.deps.signal });
      return true;
    } catch (err) {
      if (isSageMakerNotFound(err)) return false;
      throw awsError(err, `model ${name}`, { action: 'sagemaker:DescribeModel' });
    }
  }

  /** The SageMaker Model of the package: found when a run made it already, else created. */
  async ensureModel(pkg: PackageInfo, role: string): Promise<string> {
    const body = modelBody(pkg, role);
    const name = modelName(pkg.group, pkg.version, body);
    if (await this.modelExists(name)) {
      this.deps.log.info(`model ${name} exists (a previous run made it): using it`);
      return name;
    }
    const request: CreateModelInput = {
      ModelName: name,
      ...body,
      Tags: Object.entries(this.plan.tags).map(([Key, Value]) => ({ Key, Value })),
    };
    await this.write(
      'CreateModel',
      request,
      () => this.sm.send(new CreateModelCommand(request)),
      `model ${name}`,
      'sagemaker:CreateModel',
    );
    if (!this.plan.dryRun) {
      this.created.models.push(name);
      this.deps.log.info(`created model ${name} from ${pkg.arn}`);
    }
    return name;
  }

  /** The endpoint config (found, or created), named by what it holds. */
  async ensureConfig(cfg: ConfigPlan): Promise<string> {
    const name = configNameOf(this.plan, cfg);
    cfg.request.EndpointConfigName = name;
    if (await this.describeConfig(name)) {
      this.deps.log.info(`endpoint config ${name} exists (a previous run made it): using it`);
      return name;
    }
    await this.write(
      'CreateEndpointConfig',
      cfg.request,
      () => this.sm.send(new CreateEndpointConfigCommand(cfg.request)),
      `endpoint config ${name}`,
      'sagemaker:CreateEndpointConfig',
    );
    if (!this.plan.dryRun) this.created.configs.push(name);
    return name;
  }

  /** The challenger's alarms (created or updated: PutMetricAlarm is idempotent) and the existing ones named, checked to exist. */
  async ensureAlarms(variant: string): Promise<{ names: string[]; arns: string[] }> {
    const names: string[] = [];
    if (this.plan.alarms.create) {
      for (const request of alarmRequests(this.plan, variant)) {
        await this.write(
          'PutMetricAlarm',
          request,
          () => this.deps.clients.cloudwatch.send(new PutMetricAlarmCommand(request)),
          `alarm ${request.AlarmName}`,
          'cloudwatch:PutMetricAlarm',
        );
        names.push(request.AlarmName!);
      }
    }
    const arns: string[] = [];
    const all = [...names, ...this.plan.alarms.names];
    if (all.length && !this.plan.dryRun) {
      let found;
      try {
        found = await this.deps.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: all }), {
          abortSignal: this.deps.signal,
        });
      } catch (err) {
        throw awsError(err, `alarms ${all.join(', ')}`, { action: 'cloudwatch:DescribeAlarms' });
      }
      const have = new Map((found.MetricAlarms ?? []).map((a) => [a.AlarmName, a.AlarmArn]));
      for (const c of found.CompositeAlarms ?? []) have.set(c.AlarmName, c.AlarmArn);
      const missing = this.plan.alarms.names.filter((n) => !have.has(n));
      if (missing.length)
        throw new ConfigError(
          `no CloudWatch alarm named ${missing.join(', ')} in ${this.plan.region}`,
          `${this.plan.configFile}: deploy.alarms.names`,
          {
            hint: 'create the alarm first, or remove it from the list',
          },
        );
      for (const n of all) if (have.get(n)) arns.push(have.get(n)!);
    }
    return { names: [...names, ...this.plan.alarms.names], arns };
  }

  async putDashboard(variants: string[], alarmArns: string[]): Promise<string> {
    const name = dashboardName(this.plan.endpoint);
    const request = { DashboardName: name, DashboardBody: dashboardBody(this.plan, variants, alarmArns) };
    await this.write(
      'PutDashboard',
      request,
      () => this.deps.clients.cloudwatch.send(new PutDashboardCommand(request)),
      `dashboard ${name}`,
      'cloudwatch:PutDashboard',
    );
    return name;
  }

  /** The scalable targets registered for the endpoint's variants now, with their scaling policies. */
  async scaling(variants: string[]): Promise<VariantScaling[]> {
    return describeVariantScaling(
      this.deps.clients.autoscaling,
      this.plan.endpoint,
      variants,
      this.deps.signal,
    );
  }

  /** Register a variant again as it was registered before (its target and policies). */
  async restore(s: VariantScaling): Promise<void> {
    const { target: reg, policies } = scalingRequests(s);
    if (!reg) return;
    await this.write(
      'RegisterScalableTarget',
      reg,
      () => this.deps.clients.autoscaling.send(new RegisterScalableTargetCommand(reg)),
      reg.ResourceId ?? '',
      'application-autoscaling:RegisterScalableTarget',
    );
    for (const policy of policies)
      await this.write(
        'PutScalingPolicy',
        policy,
        () => this.deps.clients.autoscaling.send(new PutScalingPolicyCommand(policy)),
        reg.ResourceId ?? '',
        'application-autoscaling:PutScalingPolicy',
      );
  }

  /** SageMaker refuses to update an endpoint whose variants are registered for autoscaling: deregister first. */
  async deregister(scaling: VariantScaling[]): Promise<void> {
    for (const s of scaling) {
      const request = deregisterRequest(s);
      await this.write(
        'DeregisterScalableTarget',
        request,
        () => this.deps.clients.autoscaling.send(new DeregisterScalableTargetCommand(request)),
        request.ResourceId ?? '',
        'application-autoscaling:DeregisterScalableTarget',
      );
    }
  }

  /** Register a variant for autoscaling on invocations per instance (a target-tracking policy). */
  async register(variant: string, min: number, max: number, target: number): Promise<void> {
    const ResourceId = variantResourceId(this.plan.endpoint, variant);
    await this.restore({
      variant,
      target: { ResourceId, MinCapacity: min, MaxCapacity: max } as ScalableTarget,
      policies: [
        {
          PolicyName: fitName(`${this.plan.endpoint}-${variant}`, 'invocations'),
          ResourceId,
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: target,
            PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
            ScaleInCooldown: 300,
            ScaleOutCooldown: 60,
          },
        } as ScalingPolicy,
      ],
    });
  }

  /** Wait for the endpoint to stop changing, printing its status; `deadline` in epoch ms. */
  async waitEndpoint(deadline: number): Promise<WaitEndpointResult> {
    return waitEndpoint(this.sm, this.plan.endpoint, deadline, this.deps);
  }

  /** Which of `alarms` are in ALARM now. */
  async firing(alarms: string[]): Promise<string[]> {
    if (alarms.length === 0) return [];
    try {
      const out = await this.deps.clients.cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNames: alarms, StateValue: 'ALARM' }),
      );
      return [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]
        .map((a) => a.AlarmName ?? '')
        .filter(Boolean);
    } catch {
      return [];
    }
  }

  /** Delete what this run created that the endpoint does not use (`inUse`: config and model names it does). */
  async cleanup(inUse: { config?: string; models: Set<string> }, keepEndpoint = true): Promise<string[]> {
    const deleted: string[] = [];
    if (!keepEndpoint && this.created.endpoint) {
      await this.sm
        .send(new DeleteEndpointCommand({ EndpointName: this.plan.endpoint }))
        .catch(() => undefined);
      deleted.push(`endpoint ${this.plan.endpoint}`);
    }
    for (const c of this.created.configs) {
      if (c === inUse.config) continue;
      try {
        await this.sm.send(new DeleteEndpointConfigCommand({ EndpointConfigName: c }));
        deleted.push(`endpoint config ${c}`);
      } catch (err) {
        this.deps.log.warn(`could not delete endpoint config ${c}: ${(err as Error).message}`);
      }
    }
    for (const m of this.created.models) {
      if (inUse.models.has(m)) continue;
      try {
        await this.sm.send(new DeleteModelCommand({ ModelName: m }));
        deleted.push(`model ${m}`);
      } catch (err) {
        this.deps.log.warn(`could not delete model ${m}: ${(err as Error).message}`);
      }
    }
    return deleted;
  }

  markEndpointCreated(): void {
    this.created.endpoint = true;
  }

  async send<T>(
    call: string,
    request: unknown,
    fn: () => Promise<T>,
    resource: string,
    action: string,
  ): Promise<T | undefined> {
    return this.write(call, request, fn, resource, action);
  }

  /** Models an endpoint config uses. */
  async modelsOf(configName: string | undefined): Promise<Set<string>> {
    if (!configName) return new Set();
    const c = await this.describeConfig(configName);
    return new Set(
      [...(c?.ProductionVariants ?? []), ...(c?.ShadowProductionVariants ?? [])].map(
        (v) => v.ModelName ?? '',
      ),
    );
  }

  async invoke(
    variant: string,
    body: string,
    contentType: string,
  ): Promise<{ status: number; body: string }> {
    try {
      const out = await this.deps.clients.runtime.send(
        new InvokeEndpointCommand({
          EndpointName: this.plan.endpoint,
          TargetVariant: variant,
          ContentType: contentType,
          Accept: 'application/json',
          Body: new TextEncoder().encode(body),
        }),
        { abortSignal: this.deps.signal },
      );
      return { status: 200, body: new TextDecoder().decode(out.Body) };
    } catch (err) {
      const e = err as {
        name?: string;
        message?: string;
        $metadata?: { httpStatusCode?: number };
        OriginalStatusCode?: number;
      };
      // A model error (ModelError, 424) carries the container's own status.
      return {
        status: e.OriginalStatusCode ?? e.$metadata?.httpStatusCode ?? 500,
        body: `${e.name}: ${e.message}`,
      };
    }
  }
}

export async function deploySageMaker(
  plan: DeployPlan,
  arn: string,
  ctx: StepContext,
  deps: Partial<SageMakerDeployDeps> = {},
): Promise<DeployOutcome> {
  const full: SageMakerDeployDeps = {
    clients: deps.clients ?? createDeployClients(plan.region, ctx.env),
    log: deps.log ?? ctx.log,
    signal: deps.signal ?? ctx.signal,
    sleep: deps.sleep ?? realSleep,
    now: deps.now ?? (() => ctx.now().getTime()),
    nowDate: deps.nowDate ?? (() => ctx.now()),
    cwd: ctx.cwd,
  };
  const { log } = full;
  checkEndpointName(plan.endpoint, "input 'endpoint'");
  if (!plan.role)
    throw new ConfigError(
      'is required for the sagemaker backend (the execution role of the model)',
      `${plan.configFile}: deploy.role`,
      {
        hint: 'set deploy.role (or train.role) to an IAM role SageMaker can assume',
      },
    );
  for (const tag of REQUIRED_TAGS)
    if (!plan.tags[tag]?.trim())
      throw new ConfigError(
        `tag is required (cost guardrail: ${REQUIRED_TAGS.join(', ')}; train.tags count too)`,
        `${plan.configFile}: deploy.tags.${tag}`,
      );
  const d = new SageMakerDeployer(plan, full);
  const pkg = await sagemakerPackage(full.clients.sagemaker, arn, full.signal);
  refuseUnapproved(pkg);
  const challenger = variantName(pkg.group, pkg.version);
  const current = await d.describeEndpoint();
  if (current && current.EndpointStatus !== 'InService')
    throw new ConfigError(
      `is ${current.EndpointStatus}, not InService: it cannot be updated now`,
      `endpoint ${plan.endpoint}`,
      {
        hint:
          current.EndpointStatus === 'Failed'
            ? `see its FailureReason (${current.FailureReason ?? 'none given'}); delete it or fix its config`
            : 'wait for the change in progress to end, then re-run',
      },
    );
  const currentConfig = current?.EndpointConfigName
    ? await d.describeConfig(current.EndpointConfigName)
    : undefined;
  if (current) {
    // The challenger alone is what the endpoint runs now when this is a re-run (then unchanged).
    const alone = planConfig(
      plan,
      modelName(pkg.group, pkg.version, modelBody(pkg, plan.role)),
      challenger,
      undefined,
      false,
    );
    refuseServedChampion(
      (current.ProductionVariants ?? []).map((v) => ({
        name: v.VariantName ?? '',
        weight: v.CurrentWeight ?? v.DesiredWeight ?? 0,
      })),
      challenger,
      pkg.arn,
      `endpoint ${plan.endpoint}`,
      current.EndpointConfigName === configNameOf(plan, alone),
      `delete the endpoint (aws sagemaker delete-endpoint --endpoint-name ${plan.endpoint})`,
    );
  }
  const champion = current && currentConfig ? championVariant(current, currentConfig, challenger) : undefined;
  const smokeOnSageMaker = Boolean(plan.smokeRequests) && (plan.strategy === 'variants' || !champion);
  if (plan.smokeRequests && !smokeOnSageMaker)
    log.warn(
      `the contract smoke test needs the challenger as a production variant; with strategy ${plan.strategy} it is not run on SageMaker`,
    );
  if (plan.strategy === 'shadow' && !champion)
    log.warn('strategy shadow needs a champion to shadow: the endpoint is created with the challenger alone');
  // Contract and samples are checked before anything is created.
  const contract = plan.contract ? await loadContract(plan.contract, full.cwd) : undefined;
  const samples = plan.smokeRequests
    ? await readSmokeRequests(plan.smokeRequests, full.cwd, contract)
    : undefined;

  const model = await d.ensureModel(pkg, plan.role);
  const cfg = planConfig(plan, model, challenger, champion, smokeOnSageMaker && Boolean(champion));
  const configName = await d.ensureConfig(cfg);
  const before = endpointWeights(current);
  const championName = cfg.champion?.VariantName ?? undefined;
  const productionAfter =
    plan.strategy === 'guardrails'
      ? [challenger]
      : [championName, challenger].filter(
          (v): v is string => Boolean(v) && !(cfg.shadow && v === challenger),
        );
  const section = (
    status: DeploymentSection['status'],
    extra: Partial<DeploymentSection> = {},
  ): DeploymentSection => {
    const variants: DeployedVariant[] = [];
    const afterShares = new Map<string, number>();
    if (
      status === 'deployed' ||
      status === 'created' ||
      status === 'unchanged' ||
      status === 'started' ||
      status === 'dry-run'
    ) {
      if (cfg.champion && plan.strategy !== 'guardrails') afterShares.set(championName!, cfg.target.champion);
      afterShares.set(challenger, plan.strategy === 'guardrails' || !champion ? 100 : cfg.target.challenger);
    } else for (const [k, v] of weightShares(before)) afterShares.set(k, v);
    const beforeShares = weightShares(before);
    for (const name of new Set([...beforeShares.keys(), ...afterShares.keys()]))
      variants.push({
        name,
        role: name === challenger ? 'challenger' : name === championName ? 'champion' : 'previous-challenger',
        ...(name === challenger
          ? { modelPackageArn: pkg.arn, modelVersion: String(pkg.version), model }
          : {}),
        weightBefore: beforeShares.get(name) ?? 0,
        weightAfter: afterShares.get(name) ?? 0,
        shadow: name === challenger && cfg.shadow,
      });
    return {
      backend: 'sagemaker',
      endpoint: plan.endpoint,
      endpointConfig: configName,
      ...(current?.EndpointConfigName ? { previousEndpointConfig: current.EndpointConfigName } : {}),
      strategy: plan.strategy,
      canaryPercent: plan.canaryPercent,
      status,
      ...(champion ? { championVariant: championName } : {}),
      challengerVariant: challenger,
      modelPackageArn: pkg.arn,
      variants,
      deployedAt: full.nowDate().toISOString(),
      consoleUrl: consoleUrls(plan.region, plan.endpoint).endpoint,
      ...extra,
    };
  };
  const links = (dashboard?: string) => {
    const u = consoleUrls(plan.region, plan.endpoint, dashboard);
    return [
      { title: `endpoint ${plan.endpoint} in the SageMaker console`, url: u.endpoint },
      ...(u.dashboard ? [{ title: `dashboard ${dashboard}`, url: u.dashboard }] : []),
    ];
  };

  // A re-run: the endpoint already runs this config at the target weights.
  if (current?.EndpointConfigName === configName) {
    const now = weightShares(before);
    const atTarget =
      cfg.shadow ||
      plan.strategy === 'guardrails' ||
      !champion ||
      (now.get(challenger) ?? 0) === cfg.target.challenger;
    if (atTarget) {
      log.info(`endpoint ${plan.endpoint} already runs ${configName}: nothing to change`);
      return {
        ok: true,
        headline: `${plan.endpoint} already serves ${challenger} (${configName}): unchanged`,
        section: section('unchanged'),
        rows: [],
        links: links(),
      };
    }
  }

  const alarms = await d.ensureAlarms(challenger);
  const dashboard = plan.dashboard
    ? await d.putDashboard(productionAfter.concat(cfg.shadow ? [challenger] : []), alarms.arns)
    : undefined;
  const targets = current ? await d.scaling([...before.keys()]) : [];
  const deadline = full.now() + plan.timeoutMs + 10 * 60_000;

  if (plan.dryRun) {
    if (current) {
      await d.deregister(targets);
      await d.send(
        'UpdateEndpoint',
        {
          EndpointName: plan.endpoint,
          EndpointConfigName: configName,
          DeploymentConfig: deploymentConfig(plan, alarms.names),
        },
        async () => undefined,
        '',
        '',
      );
    } else
      await d.send(
        'CreateEndpoint',
        { EndpointName: plan.endpoint, EndpointConfigName: configName },
        async () => undefined,
        '',
        '',
      );
    if (smokeOnSageMaker && champion)
      await d.send(
        'UpdateEndpointWeightsAndCapacities',
        {
          EndpointName: plan.endpoint,
          DesiredWeightsAndCapacities: [
            { VariantName: championName, DesiredWeight: cfg.target.champion },
            { VariantName: challenger, DesiredWeight: cfg.target.challenger },
          ],
        },
        async () => undefined,
        '',
        '',
      );
    if (plan.autoscaling)
      for (const v of productionAfter)
        await d.register(v, plan.autoscaling.min, plan.autoscaling.max, plan.autoscaling.targetInvocations);
    return {
      ok: true,
      headline: `dry run: would ${current ? 'update' : 'create'} ${plan.endpoint} with ${configName} (${d.requests.length} requests printed)`,
      section: section('dry-run'),
      rows: [],
      requests: d.requests,
      links: links(dashboard),
    };
  }

  // The update (or the creation).
  if (current) {
    await d.deregister(targets);
    const request = {
      EndpointName: plan.endpoint,
      EndpointConfigName: configName,
      DeploymentConfig: deploymentConfig(plan, alarms.names),
    };
    log.info(`updating ${plan.endpoint}: ${current.EndpointConfigName} → ${configName} (${plan.strategy})`);
    await d.send(
      'UpdateEndpoint',
      request,
      () => full.clients.sagemaker.send(new UpdateEndpointCommand(request)),
      `endpoint ${plan.endpoint}`,
      'sagemaker:UpdateEndpoint',
    );
  } else {
    const request = {
      EndpointName: plan.endpoint,
      EndpointConfigName: configName,
      Tags: Object.entries(plan.tags).map(([Key, Value]) => ({ Key, Value })),
    };
    log.info(
      `endpoint ${plan.endpoint} does not exist yet: creating it with the challenger ${challenger} alone`,
    );
    await d.send(
      'CreateEndpoint',
      request,
      () => full.clients.sagemaker.send(new CreateEndpointCommand(request)),
      `endpoint ${plan.endpoint}`,
      'sagemaker:CreateEndpoint',
    );
    d.markEndpointCreated();
  }
  const restoreScaling = async () => {
    for (const t of targets) await d.restore(t).catch(() => undefined);
  };
  if (!plan.wait) {
    if (targets.length)
      log.warn(
        `wait: false — the variants' autoscaling (${targets.map((t) => t.variant).join(', ')}) was deregistered for the update and is registered again only by a run that waits`,
      );
    return {
      ok: true,
      headline: `${current ? 'update' : 'creation'} of ${plan.endpoint} to ${configName} started (not waiting)`,
      section: section('started'),
      rows: [],
      links: links(dashboard),
      notes: ['wait: false — the endpoint is still changing; its alarms roll it back if they fire'],
    };
  }
  const fail = async (
    status: 'failed' | 'rolled-back',
    why: string,
    after?: DescribeEndpointOutput,
  ): Promise<DeployOutcome> => {
    const inUse = after?.EndpointConfigName;
    const settled = after?.EndpointStatus === 'InService';
    const deleted =
      after?.EndpointStatus === 'Updating'
        ? []
        : await d.cleanup(
            { config: inUse, models: await d.modelsOf(inUse) },
            Boolean(current) || after?.EndpointStatus !== 'Failed' ? true : false,
          );
    if (settled && current && inUse === current.EndpointConfigName) await restoreScaling();
    const where =
      current && settled
        ? inUse === current.EndpointConfigName
          ? `; ${plan.endpoint} is on its previous config ${current.EndpointConfigName}`
          : inUse
            ? `; ${plan.endpoint} is on ${inUse} (status ${after?.EndpointStatus})`
            : ''
        : '';
    const headline = `${why}${where}${deleted.length ? `; deleted ${deleted.join(', ')}` : ''}`;
    log.error(headline);
    return {
      ok: false,
      headline,
      section: section(status, { alarms: alarms.names, ...(dashboard ? { dashboard } : {}) }),
      rows: [],
      links: links(dashboard),
    };
  };
  const waited = await d.waitEndpoint(deadline);
  if (waited.end === 'aborted')
    return fail(
      'failed',
      `cancelled while ${plan.endpoint} was changing: the change goes on at SageMaker, which rolls it back if it does not finish within its timeout`,
      waited.last,
    );
  if (waited.end === 'deadline')
    return fail(
      'failed',
      `${plan.endpoint} did not finish the change within ${Math.round(plan.timeoutMs / 60_000)} min (status ${waited.last?.EndpointStatus}); SageMaker rolls it back at the deployment's maximum execution time`,
      waited.last,
    );
  const last = waited.last!;
  if (last.EndpointStatus !== 'InService' || last.EndpointConfigName !== configName) {
    const fired = await d.firing(alarms.names);
    const reason = last.FailureReason ? ` (${last.FailureReason})` : '';
    if (fired.length)
      return fail(
        'rolled-back',
        `SageMaker rolled ${plan.endpoint} back: alarm ${fired.join(', ')} fired${reason}`,
        last,
      );
    return fail(
      current ? 'rolled-back' : 'failed',
      `${current ? 'the update' : 'the creation'} of ${plan.endpoint} failed: status ${last.EndpointStatus}${reason}`,
      last,
    );
  }

  // The contract smoke test, before the challenger gets live traffic (weight 0 until it passes).
  let smoke: { requests: number; passed: number } | undefined;
  if (smokeOnSageMaker && samples) {
    const failures = await smokeTest(samples, contract, (body) =>
      d.invoke(challenger, body, contract?.contentType ?? 'application/json'),
    );
    smoke = { requests: samples.length, passed: samples.length - failures.length };
    if (failures.length) {
      const first = failures[0]!;
      for (const f of failures.slice(0, 10)) log.error(`${plan.smokeRequests}:${f.line}: ${f.reason}`);
      const why = `contract smoke test failed (${failures.length} of ${samples.length} requests; first ${plan.smokeRequests}:${first.line}: ${first.reason})`;
      if (current) {
        const back = { EndpointName: plan.endpoint, EndpointConfigName: current.EndpointConfigName };
        log.warn(`${why}: putting ${plan.endpoint} back on ${current.EndpointConfigName}`);
        await full.clients.sagemaker.send(new UpdateEndpointCommand(back));
        const again = await d.waitEndpoint(full.now() + plan.timeoutMs);
        return fail('failed', `${why}; the challenger got no live traffic`, again.last);
      }
      log.warn(`${why}: deleting the endpoint this run created`);
      return fail('failed', `${why}; the challenger got no live traffic`, {
        ...last,
        EndpointStatus: 'Failed',
        EndpointConfigName: undefined,
      });
    }
    if (plan.contract) log.info(`smoke test: ${samples.length} request(s) answered as the contract says`);
    else
      log.warn(
        `smoke test: ${samples.length} request(s) answered with status 200, but with no deploy.contract their bodies were not checked`,
      );
    if (champion) {
      const request = {
        EndpointName: plan.endpoint,
        DesiredWeightsAndCapacities: [
          { VariantName: championName!, DesiredWeight: cfg.target.champion },
          { VariantName: challenger, DesiredWeight: cfg.target.challenger },
        ],
      };
      await d.send(
        'UpdateEndpointWeightsAndCapacities',
        request,
        () => full.clients.sagemaker.send(new UpdateEndpointWeightsAndCapacitiesCommand(request)),
        `endpoint ${plan.endpoint}`,
        'sagemaker:UpdateEndpointWeightsAndCapacities',
      );
      const shifted = await d.waitEndpoint(deadline);
      if (shifted.end !== 'terminal' || shifted.last?.EndpointStatus !== 'InService')
        return fail(
          'failed',
          `shifting ${cfg.target.challenger}% of the traffic to ${challenger} did not finish (status ${shifted.last?.EndpointStatus})`,
          shifted.last,
        );
    }
  }

  // Autoscaling, carried over: a variant that stays keeps its registration; the config's applies to the challenger (and to a champion that had none).
  const previousScaling = new Map(targets.map((t) => [t.variant, t]));
  for (const v of productionAfter) {
    const prior = previousScaling.get(v);
    if (prior && v !== challenger) await d.restore(prior);
    else if (plan.autoscaling)
      await d.register(v, plan.autoscaling.min, plan.autoscaling.max, plan.autoscaling.targetInvocations);
  }
  const inUse = await d.modelsOf(configName);
  const deleted = await d.cleanup({ config: configName, models: inUse });
  if (deleted.length) log.info(`deleted what this run created and no longer uses: ${deleted.join(', ')}`);
  const created = !current;
  const share = cfg.shadow
    ? `a shadow copy of ${cfg.target.challenger}% of the traffic`
    : `${cfg.target.challenger}%`;
  return {
    ok: true,
    headline: created
      ? `created endpoint ${plan.endpoint} with the challenger ${challenger} alone (${configName})`
      : plan.strategy === 'guardrails'
        ? `${plan.endpoint} moved to ${challenger} through a ${plan.guardrails.type} blue/green deployment; no alarm fired (${configName})`
        : !champion
          ? `${plan.endpoint} had no champion: it now serves ${challenger} alone (${configName})`
          : `${challenger} serves ${share} of ${plan.endpoint} beside ${championName} at ${cfg.target.champion}% (${configName})`,
    section: section(created ? 'created' : 'deployed', {
      alarms: alarms.names,
      ...(dashboard ? { dashboard } : {}),
      ...(smoke ? { smoke } : {}),
    }),
    rows: [['model', model]],
    links: links(dashboard),
  };
}
