// What one deploy-canary run is to do, resolved from its inputs and the `deploy` block: the single
// place defaults are applied, so both backends and the summary read the same plan.
import { isAbsolute, relative } from 'node:path';
import { ConfigError, configName, numberProblem, type StepContext } from '@modelship/core';
import {
  deployConfig,
  deployStep,
  type DeployConfig,
  type DeployInputs,
  type Strategy,
  type TrafficRouting,
} from './definition.js';

export interface DeployPlan {
  backend: 'local' | 'sagemaker';
  /** The config file as the user named it (errors name it: `<file>: deploy.serve`). */
  configFile: string;
  endpoint: string;
  /** The base of derived names (the model). */
  model: string;
  canaryPercent: number;
  strategy: Strategy;
  instanceType: string;
  instanceCount: number;
  role?: string;
  guardrails: {
    type: TrafficRouting;
    sizePercent: number;
    waitSeconds: number;
    maxExecutionSeconds: number;
    terminationWaitSeconds: number;
  };
  alarms: { create: boolean; max5xxRate: number; maxLatencyP99Ms: number; names: string[] };
  dataCapture?: { destination: string; samplingPercent: number };
  dashboard: boolean;
  serve?: { command: string[]; cwd: string };
  port: number;
  contract?: { request?: string; response?: string; openapi?: string; contentType: string };
  smokeRequests?: string;
  autoscaling?: { min: number; max: number; targetInvocations: number };
  tags: Record<string, string>;
  wait: boolean;
  timeoutMs: number;
  dryRun: boolean;
  region: string;
}

/** How a path of the config is shown: relative to the working directory when it is below it. */
function shown(cwd: string, p: string): string {
  const rel = relative(cwd, p);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? p : rel;
}

/**
 * The plan of a run. Warns (once) when the config still says `blue-green`.
 *
 * @throws ConfigError for settings that contradict each other (a field is named).
 */
export function resolvePlan(
  inputs: DeployInputs,
  ctx: Pick<StepContext, 'config' | 'cwd' | 'backend' | 'log' | 'env' | 'manifest'>,
): DeployPlan {
  const d: DeployConfig = deployConfig(ctx.config) ?? {};
  const configFile = configName(ctx.config, ctx.cwd);
  const v = ctx.config.values;
  const model = v.model ?? ctx.manifest.get<string>('model') ?? 'model';
  const endpoint = inputs.endpoint ?? d.endpoint ?? model;
  const written = inputs.strategy ?? d.strategy ?? 'variants';
  if (written === 'blue-green')
    ctx.log.warn(
      `strategy 'blue-green' is now called 'guardrails' (SageMaker's blue/green DeploymentConfig); deploying with guardrails — rename it in ${inputs.strategy ? "input 'strategy'" : `${configFile}: deploy.strategy`}`,
    );
  const strategy: Strategy = written === 'blue-green' ? 'guardrails' : written;
  const canaryPercent = inputs['canary-percent'] ?? d['canary-percent'] ?? 10;
  // The input and the config are checked by their schemas; this is the same rule, in the same words.
  const percentProblem = numberProblem(deployStep.inputs['canary-percent']!, canaryPercent);
  if (percentProblem)
    throw new ConfigError(
      percentProblem,
      inputs['canary-percent'] !== undefined
        ? "input 'canary-percent'"
        : `${configFile}: deploy.canary-percent`,
    );
  const a = d.autoscaling;
  if (a && a.min > a.max)
    throw new ConfigError(`min (${a.min}) is above max (${a.max})`, `${configFile}: deploy.autoscaling`);
  const train = v.train as { role?: string; tags?: Record<string, string> } | undefined;
  const g = d.guardrails ?? {};
  const timeoutMinutes = inputs['timeout-minutes'];
  const plan: DeployPlan = {
    backend: ctx.backend,
    configFile,
    endpoint,
    model,
    canaryPercent,
    strategy,
    instanceType: d['instance-type'] ?? 'ml.m5.large',
    instanceCount: d['instance-count'] ?? 1,
    role: d.role ?? train?.role,
    guardrails: {
      type: g.type ?? 'CANARY',
      sizePercent: g.size ?? canaryPercent,
      waitSeconds: g['wait-seconds'] ?? 600,
      maxExecutionSeconds: g['max-execution-seconds'] ?? 3600,
      terminationWaitSeconds: g['termination-wait-seconds'] ?? 0,
    },
    alarms: {
      create: d.alarms?.create ?? true,
      max5xxRate: d.alarms?.['max-5xx-rate'] ?? 0.01,
      maxLatencyP99Ms: d.alarms?.['max-latency-p99-ms'] ?? 1000,
      names: d.alarms?.names ?? [],
    },
    dashboard: d.dashboard ?? true,
    port: d.port ?? 0,
    tags: { ...(train?.tags ?? {}), ...(d.tags ?? {}) },
    wait: inputs.wait,
    timeoutMs: (timeoutMinutes && timeoutMinutes > 0 ? timeoutMinutes : 60) * 60_000,
    dryRun: inputs['dry-run'],
    region: v.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  };
  if (d['data-capture'])
    plan.dataCapture = {
      destination: d['data-capture'].destination,
      samplingPercent: d['data-capture']['sampling-percent'] ?? 100,
    };
  if (d.serve) {
    // The program is resolved against the config's folder when it names a file there.
    plan.serve = { command: d.serve, cwd: ctx.config.dir };
  }
  if (d.contract) {
    const c = d.contract;
    if (c.openapi && (c.request || c.response))
      throw new ConfigError(
        'give an openapi document or request / response schemas, not both',
        `${configFile}: deploy.contract`,
      );
    plan.contract = { contentType: c['content-type'] ?? 'application/json' };
    for (const k of ['request', 'response', 'openapi'] as const)
      if (c[k]) plan.contract[k] = shown(ctx.cwd, ctx.config.resolvePath(c[k]));
  }
  if (d['smoke-requests']) plan.smokeRequests = shown(ctx.cwd, ctx.config.resolvePath(d['smoke-requests']));
  if (a) plan.autoscaling = { min: a.min, max: a.max, targetInvocations: a['target-invocations'] };
  return plan;
}
