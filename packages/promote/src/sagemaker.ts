// promote-on-metrics on SageMaker: the canary deploy-canary left on an endpoint (two production
// variants, or a production and a shadow variant), its metrics read from CloudWatch, its weights
// changed with UpdateEndpointWeightsAndCapacities, and at the end the endpoint moved to a config
// with one variant left (the challenger, or the champion again) and what only the other used
// deleted. Application Auto Scaling registrations are lifted for the UpdateEndpoint (SageMaker
// refuses it otherwise) and the kept variant's registered again after it.
import {
  DeregisterScalableTargetCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateEndpointConfigCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointsCommand,
  ListTagsCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  type CreateEndpointConfigInput,
  type DescribeEndpointConfigOutput,
  type DescribeEndpointOutput,
  type ProductionVariant,
} from '@aws-sdk/client-sagemaker';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  awsError,
  createAutoScalingClient,
  createCloudWatchClient,
  createS3Client,
  createSageMakerClient,
  deregisterRequest,
  describeVariantScaling,
  endpointConfigName,
  endpointWeights,
  isSageMakerNotFound,
  scalingRequests,
  sendChange,
  sleep as realSleep,
  variantResourceId,
  variantSpec,
  waitEndpoint,
  weightShares,
  type ApplicationAutoScalingClient,
  type CloudWatchClient,
  type SageMakerClient,
  type Sleep,
  type VariantScaling,
} from '@modelship/aws';
import { ConfigError, type StepContext } from '@modelship/core';
import { checkEndpointName } from '@modelship/local';
import { captureReader, pairCaptured } from './capture.js';
import { pickCanary, type CanaryEndpoint, type DeployedCanary, type VariantRef } from './canary.js';
import type { PromotePlan } from './plan.js';
import type { MetricPage, MetricPageInput } from './series.js';

export interface PromoteClients {
  sagemaker: SageMakerClient;
  cloudwatch: CloudWatchClient;
  autoscaling: ApplicationAutoScalingClient;
  /** Reads a shadow canary's data capture. */
  s3: S3Client;
}

export interface SageMakerCanaryDeps {
  clients: PromoteClients;
  /** How endpoint polls wait (default: timers). */
  sleep: Sleep;
  /** Epoch ms (default: the step's clock). */
  now: () => number;
  /** How long an endpoint change may take before the step gives up waiting (default 60 min). */
  changeTimeoutMs: number;
}

/** A variant of the endpoint as its current config holds it, with its weight now. */
interface EndpointVariant {
  name: string;
  weight: number;
  shadow: boolean;
  spec: ProductionVariant;
}

/**
 * The canary on a SageMaker endpoint, for {@link runCanary}: its champion and challenger variants
 * (see {@link pickCanary}), the challenger's share from the production variants' weights, and
 * each variant's model package (the manifest's deployment section, else the Model's container).
 *
 * @throws ConfigError naming the endpoint when it does not exist, is not InService, its config is
 *   gone, or the champion and challenger cannot be told apart.
 */
export async function sagemakerCanary(
  plan: PromotePlan,
  ctx: StepContext,
  deployed: DeployedCanary | undefined,
  endpoint: string,
  deps: Partial<SageMakerCanaryDeps> = {},
): Promise<CanaryEndpoint> {
  checkEndpointName(endpoint, "input 'endpoint'");
  const clients = deps.clients ?? {
    sagemaker: createSageMakerClient(plan.region, ctx.env),
    cloudwatch: createCloudWatchClient(plan.region, ctx.env),
    autoscaling: createAutoScalingClient(plan.region, ctx.env),
    s3: createS3Client(plan.region, ctx.env),
  };
  const sm = clients.sagemaker;
  const now = deps.now ?? (() => ctx.now().getTime());
  const sleep = deps.sleep ?? realSleep;
  const timeoutMs = deps.changeTimeoutMs ?? 60 * 60_000;
  const where = `endpoint ${endpoint}`;
  const log = ctx.log;

  const describeEndpoint = async (): Promise<DescribeEndpointOutput | undefined> => {
    try {
      return await sm.send(new DescribeEndpointCommand({ EndpointName: endpoint }), {
        abortSignal: ctx.signal,
      });
    } catch (err) {
      if (isSageMakerNotFound(err)) return undefined;
      throw awsError(err, where, { action: 'sagemaker:DescribeEndpoint' });
    }
  };
  const describeConfig = async (name: string): Promise<DescribeEndpointConfigOutput | undefined> => {
    try {
      return await sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }), {
        abortSignal: ctx.signal,
      });
    } catch (err) {
      if (isSageMakerNotFound(err)) return undefined;
      throw awsError(err, `endpoint config ${name}`, { action: 'sagemaker:DescribeEndpointConfig' });
    }
  };
  /** The endpoint, InService, with its current config. */
  const current = async (): Promise<{ ep: DescribeEndpointOutput; config: DescribeEndpointConfigOutput }> => {
    const ep = await describeEndpoint();
    if (!ep)
      throw new ConfigError(`does not exist in ${plan.region}`, where, {
        hint: 'deploy a challenger beside the champion with deploy-canary first, or check the endpoint name and the region',
      });
    if (ep.EndpointStatus !== 'InService')
      throw new ConfigError(`is ${ep.EndpointStatus}, not InService: it cannot be changed now`, where, {
        hint:
          ep.EndpointStatus === 'Failed'
            ? `see its FailureReason (${ep.FailureReason ?? 'none given'})`
            : 'wait for the change in progress to end, then re-run',
      });
    const name = ep.EndpointConfigName ?? '';
    const config = name ? await describeConfig(name) : undefined;
    if (!config)
      throw new ConfigError(`runs endpoint config ${name || '(none)'}, which no longer exists`, where, {
        hint: 'the variants cannot be copied from it; deploy the challenger again with deploy-canary',
      });
    return { ep, config };
  };
  const variantsOf = (
    ep: DescribeEndpointOutput,
    config: DescribeEndpointConfigOutput,
  ): EndpointVariant[] => {
    const weights = endpointWeights(ep);
    const shadowWeights = new Map(
      (ep.ShadowProductionVariants ?? []).map((v) => [
        v.VariantName ?? '',
        v.CurrentWeight ?? v.DesiredWeight ?? 0,
      ]),
    );
    return [
      ...(config.ProductionVariants ?? []).map((spec) => ({
        name: spec.VariantName ?? '',
        weight: weights.get(spec.VariantName ?? '') ?? spec.InitialVariantWeight ?? 0,
        shadow: false,
        spec,
      })),
      ...(config.ShadowProductionVariants ?? []).map((spec) => ({
        name: spec.VariantName ?? '',
        weight: shadowWeights.get(spec.VariantName ?? '') ?? spec.InitialVariantWeight ?? 0,
        shadow: true,
        spec,
      })),
    ];
  };

  const { ep, config } = await current();
  const { champion, challenger } = pickCanary(
    variantsOf(ep, config),
    endpoint,
    deployed,
    where,
    `look at its variants with: aws sagemaker describe-endpoint --endpoint-name ${endpoint}`,
  );
  const share = challenger.shadow ? 0 : (weightShares(endpointWeights(ep)).get(challenger.name) ?? 0);

  /** The variant's package: from the manifest's deployment section, else its Model's container. */
  const refOf = async (v: EndpointVariant): Promise<VariantRef> => {
    const recorded =
      deployed?.endpoint === endpoint ? deployed.variants?.find((d) => d.name === v.name) : undefined;
    if (recorded?.modelPackageArn)
      return {
        name: v.name,
        modelPackageArn: recorded.modelPackageArn,
        ...(recorded.modelVersion ? { modelVersion: recorded.modelVersion } : {}),
      };
    const model = v.spec.ModelName;
    if (!model) return { name: v.name };
    try {
      const m = await sm.send(new DescribeModelCommand({ ModelName: model }), { abortSignal: ctx.signal });
      const pkg = m.Containers?.[0]?.ModelPackageName ?? m.PrimaryContainer?.ModelPackageName;
      return pkg ? { name: v.name, modelPackageArn: pkg } : { name: v.name };
    } catch (err) {
      if (isSageMakerNotFound(err)) {
        log.warn(`model ${model} of variant ${v.name} no longer exists: its package is not known`);
        return { name: v.name };
      }
      throw awsError(err, `model ${model}`, { action: 'sagemaker:DescribeModel' });
    }
  };
  const championRef = await refOf(champion);
  const challengerRef = await refOf(challenger);

  /**
   * A shadow challenger's answers: the data capture of both variants (see ./capture.ts). Without
   * a capture of outputs there is nothing to pair: every look reads no pairs (inconclusive).
   */
  const shadowPairs = (): CanaryEndpoint['shadowPairs'] => {
    if (!challenger.shadow) return undefined;
    const capture = config.DataCaptureConfig;
    const modes = (capture?.CaptureOptions ?? []).map((o) => o.CaptureMode);
    const destination = capture?.DestinationS3Uri;
    if (
      !capture ||
      capture.EnableCapture === false ||
      !destination ||
      !modes.some((m) => m === 'Output' || m === 'InputAndOutput')
    ) {
      if (plan.settings.shadow)
        log.warn(
          `promote.shadow: endpoint config ${ep.EndpointConfigName} ${
            !capture || capture.EnableCapture === false
              ? 'has no data capture'
              : `captures ${modes.join(', ') || 'nothing'}, not the outputs`
          }: no shadow answers can be paired, so the divergence stays inconclusive (deploy with data-capture of Output)`,
        );
      return () => Promise.resolve({ pairs: [] });
    }
    const read = captureReader(clients.s3, destination, endpoint, ctx.signal);
    let warned = false;
    return async (start, end) => {
      const [prod, shadow] = await Promise.all([
        read(champion.name, start.getTime(), end.getTime()),
        read(challenger.name, start.getTime(), end.getTime()),
      ]);
      const out = pairCaptured(prod.records, shadow.records, start.getTime(), end.getTime());
      const bad = prod.bad + shadow.bad;
      if (bad) out.undecodable = (out.undecodable ?? 0) + bad;
      const why = prod.why ?? shadow.why;
      if (why && !warned) {
        warned = true;
        log.warn(`data capture of ${endpoint}: ${bad} record(s) could not be read, the first: ${why}`);
      }
      return out;
    };
  };

  /** Wait for the endpoint to settle after a change; throws unless it is InService (on `config`, when given). */
  const settle = async (what: string, config?: string): Promise<void> => {
    const waited = await waitEndpoint(sm, endpoint, now() + timeoutMs, {
      log,
      signal: ctx.signal,
      sleep,
      now,
    });
    if (waited.end === 'aborted')
      throw new ConfigError(`cancelled while waiting for ${what}: SageMaker goes on with the change`, where, {
        hint: `see its status with: aws sagemaker describe-endpoint --endpoint-name ${endpoint}`,
      });
    const last = waited.last;
    if (waited.end === 'deadline')
      throw new ConfigError(
        `${what} did not finish within ${Math.round(timeoutMs / 60_000)} min (status ${last?.EndpointStatus})`,
        where,
        { hint: 'SageMaker goes on with it: look at the endpoint, then re-run' },
      );
    if (last?.EndpointStatus !== 'InService' || (config && last.EndpointConfigName !== config))
      throw new ConfigError(
        `${what} failed: status ${last?.EndpointStatus}${last?.FailureReason ? ` (${last.FailureReason})` : ''}${
          last?.EndpointConfigName ? `, on endpoint config ${last.EndpointConfigName}` : ''
        }`,
        where,
        { hint: 'see the endpoint in the SageMaker console; the canary was left as it is' },
      );
  };

  const registerScaling = async (s: VariantScaling, resourceId: string): Promise<void> => {
    const { target, policies } = scalingRequests(s, resourceId);
    if (!target) return;
    await sendChange(
      'RegisterScalableTarget',
      resourceId,
      'application-autoscaling:RegisterScalableTarget',
      () => clients.autoscaling.send(new RegisterScalableTargetCommand(target)),
    );
    for (const p of policies)
      await sendChange('PutScalingPolicy', resourceId, 'application-autoscaling:PutScalingPolicy', () =>
        clients.autoscaling.send(new PutScalingPolicyCommand(p)),
      );
  };

  /**
   * The Models other endpoints serve now: every endpoint but this one (`ListEndpoints`, all
   * pages), the config it runs (`DescribeEndpoint`, `DescribeEndpointConfig`), its variants'
   * Models, each mapped to `endpoint E (endpoint config C)`. Endpoints gone meanwhile are skipped.
   * @throws ConfigError (awsError) naming the call when it is denied.
   */
  const modelsInUse = async (): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    let token: string | undefined;
    do {
      let page;
      try {
        page = await sm.send(new ListEndpointsCommand({ MaxResults: 100, NextToken: token }), {
          abortSignal: ctx.signal,
        });
      } catch (err) {
        throw awsError(err, `endpoints of ${plan.region}`, { action: 'sagemaker:ListEndpoints' });
      }
      for (const e of page.Endpoints ?? []) {
        if (!e.EndpointName || e.EndpointName === endpoint) continue;
        let configName: string | undefined;
        try {
          configName = (
            await sm.send(new DescribeEndpointCommand({ EndpointName: e.EndpointName }), {
              abortSignal: ctx.signal,
            })
          ).EndpointConfigName;
        } catch (err) {
          if (isSageMakerNotFound(err)) continue;
          throw awsError(err, `endpoint ${e.EndpointName}`, { action: 'sagemaker:DescribeEndpoint' });
        }
        const c = configName ? await describeConfig(configName) : undefined;
        for (const v of [...(c?.ProductionVariants ?? []), ...(c?.ShadowProductionVariants ?? [])])
          if (v.ModelName && !out.has(v.ModelName))
            out.set(v.ModelName, `endpoint ${e.EndpointName} (endpoint config ${configName})`);
      }
      token = page.NextToken;
    } while (token);
    return out;
  };

  /**
   * The endpoint on a config holding `keep` alone (as the current config has it, weight 1), with
   * the current config's data capture, encryption key and tags; then the old config and the
   * Models only it named deleted. Autoscaling: every variant's registration is lifted for the
   * update; the kept variant's (else the other's, moved to it) registered again after.
   */
  const keepOnly = async (keepName: string): Promise<{ endpointConfig: string; notes: string[] }> => {
    const { ep: before, config: old } = await current();
    const variants = variantsOf(before, old);
    const keep = variants.find((v) => v.name === keepName);
    if (!keep)
      throw new ConfigError(
        `has no variant ${keepName} any more (endpoint config ${before.EndpointConfigName})`,
        where,
        {
          hint: 'the endpoint changed while the canary baked; look at it, then re-run',
        },
      );
    const body: Omit<CreateEndpointConfigInput, 'EndpointConfigName'> = {
      ProductionVariants: [{ ...variantSpec(keep.spec), InitialVariantWeight: 1 }],
      ...(old.DataCaptureConfig ? { DataCaptureConfig: old.DataCaptureConfig } : {}),
      ...(old.KmsKeyId ? { KmsKeyId: old.KmsKeyId } : {}),
      ...(old.AsyncInferenceConfig ? { AsyncInferenceConfig: old.AsyncInferenceConfig } : {}),
      ...(old.ExplainerConfig ? { ExplainerConfig: old.ExplainerConfig } : {}),
      ...(old.VpcConfig ? { VpcConfig: old.VpcConfig } : {}),
      ...(old.ExecutionRoleArn ? { ExecutionRoleArn: old.ExecutionRoleArn } : {}),
      ...(old.EnableNetworkIsolation !== undefined
        ? { EnableNetworkIsolation: old.EnableNetworkIsolation }
        : {}),
    };
    const name = endpointConfigName(endpoint, body);
    const oldName = before.EndpointConfigName ?? '';
    if (name === oldName) return { endpointConfig: name, notes: [`${endpoint} already runs ${name}`] };
    if (await describeConfig(name))
      log.info(`endpoint config ${name} exists (a previous run made it): using it`);
    else {
      let tags: { Key: string; Value: string }[] = [];
      if (old.EndpointConfigArn)
        try {
          const t = await sm.send(new ListTagsCommand({ ResourceArn: old.EndpointConfigArn }), {
            abortSignal: ctx.signal,
          });
          tags = (t.Tags ?? []).map((x) => ({ Key: x.Key ?? '', Value: x.Value ?? '' }));
        } catch (err) {
          throw awsError(err, `endpoint config ${oldName}`, { action: 'sagemaker:ListTags' });
        }
      const request: CreateEndpointConfigInput = {
        EndpointConfigName: name,
        ...body,
        ...(tags.length ? { Tags: tags } : {}),
      };
      await sendChange(
        'CreateEndpointConfig',
        `endpoint config ${name}`,
        'sagemaker:CreateEndpointConfig',
        () => sm.send(new CreateEndpointConfigCommand(request)),
      );
      log.info(`created endpoint config ${name}: ${keepName} alone`);
    }
    const scaling = await describeVariantScaling(
      clients.autoscaling,
      endpoint,
      variants.filter((v) => !v.shadow).map((v) => v.name),
      ctx.signal,
    );
    for (const s of scaling) {
      const request = deregisterRequest(s);
      await sendChange(
        'DeregisterScalableTarget',
        request.ResourceId ?? where,
        'application-autoscaling:DeregisterScalableTarget',
        () => clients.autoscaling.send(new DeregisterScalableTargetCommand(request)),
      );
    }
    if (scaling.length)
      log.info(`autoscaling of ${scaling.map((s) => s.variant).join(', ')} lifted for the update`);
    log.info(`updating ${endpoint}: ${oldName} → ${name} (${keepName} alone)`);
    const update = { EndpointName: endpoint, EndpointConfigName: name };
    await sendChange('UpdateEndpoint', where, 'sagemaker:UpdateEndpoint', () =>
      sm.send(new UpdateEndpointCommand(update)),
    );
    try {
      await settle(`the update to ${name}`, name);
    } catch (err) {
      // Back on the old config (SageMaker rolled the update back): its registrations again.
      const after = await describeEndpoint().catch(() => undefined);
      if (after?.EndpointStatus === 'InService' && after.EndpointConfigName === oldName)
        for (const s of scaling) await registerScaling(s, s.target.ResourceId ?? '').catch(() => undefined);
      throw err;
    }
    const notes: string[] = [];
    const own = scaling.find((s) => s.variant === keepName);
    const other = scaling.find((s) => s.variant !== keepName);
    const carried = own ?? other;
    if (carried) {
      await registerScaling(carried, variantResourceId(endpoint, keepName));
      notes.push(
        own
          ? `autoscaling of ${keepName} registered again (${own.target.MinCapacity}–${own.target.MaxCapacity} instances)`
          : `autoscaling of ${carried.variant} moved to ${keepName} (${carried.target.MinCapacity}–${carried.target.MaxCapacity} instances)`,
      );
    }
    // Delete what the old config named and the new one does not: the config, then its other Models.
    const deleted: string[] = [];
    const remove = async (what: string, send: () => Promise<unknown>) => {
      try {
        await send();
        deleted.push(what);
      } catch (err) {
        if (isSageMakerNotFound(err)) return;
        log.warn(`could not delete ${what}: ${(err as Error).message}`);
        notes.push(`could not delete ${what}: ${(err as Error).message}`);
      }
    };
    await remove(`endpoint config ${oldName}`, () =>
      sm.send(new DeleteEndpointConfigCommand({ EndpointConfigName: oldName })),
    );
    const kept = new Set([keep.spec.ModelName]);
    let elsewhere: Map<string, string> | undefined;
    for (const v of variants) {
      const model = v.spec.ModelName;
      if (!model || kept.has(model)) continue;
      kept.add(model);
      elsewhere ??= await modelsInUse();
      const user = elsewhere.get(model);
      if (user) {
        notes.push(`kept model ${model} (variant ${v.name}): ${user} uses it`);
        continue;
      }
      await remove(`model ${model} (variant ${v.name})`, () =>
        sm.send(new DeleteModelCommand({ ModelName: model })),
      );
    }
    if (deleted.length) notes.unshift(`deleted ${deleted.join(', ')}`);
    return { endpointConfig: name, notes };
  };

  return {
    backend: 'sagemaker',
    endpoint,
    champion: championRef,
    challenger: challengerRef,
    shadow: challenger.shadow,
    share,
    ...(challenger.shadow ? { shadowPairs: shadowPairs() } : {}),
    async getMetricData(input: MetricPageInput): Promise<MetricPage> {
      try {
        return await clients.cloudwatch.send(new GetMetricDataCommand(input), { abortSignal: ctx.signal });
      } catch (err) {
        throw awsError(err, `CloudWatch metrics of ${where}`, { action: 'cloudwatch:GetMetricData' });
      }
    },
    async setShare(percent: number) {
      const request = {
        EndpointName: endpoint,
        DesiredWeightsAndCapacities: [
          { VariantName: champion.name, DesiredWeight: 100 - percent },
          { VariantName: challenger.name, DesiredWeight: percent },
        ],
      };
      // Sent even when the run is cancelled: it is how a cancel gives the champion its traffic back.
      await sendChange(
        'UpdateEndpointWeightsAndCapacities',
        where,
        'sagemaker:UpdateEndpointWeightsAndCapacities',
        () => sm.send(new UpdateEndpointWeightsAndCapacitiesCommand(request)),
      );
      if (ctx.signal.aborted) {
        log.info(`weights of ${endpoint} sent (${challenger.name} ${percent}%); SageMaker applies them`);
        return;
      }
      await settle(`the weights ${challenger.name} ${percent}%, ${champion.name} ${100 - percent}%`);
    },
    promote: () => keepOnly(challenger.name),
    rollback: () => keepOnly(champion.name),
  };
}
