/**
 * deploy-canary on SageMaker with aws-sdk-client-mock, for what moto cannot do: an update that
 * SageMaker rolls back when an alarm fires (reported as a failure naming the alarm, never as
 * success), an update that fails, the contract smoke test against the challenger at weight 0
 * (InvokeEndpoint with TargetVariant) and its failure putting the endpoint back, a timeout, and
 * throttling that outlasts the client's retries. Each case checks that only what this run created
 * and no longer uses is deleted.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  type DescribeEndpointOutput,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { resolvePlan, type DeployInputs } from '@modelship/deploy';
import { deploySageMaker } from '../../packages/deploy/src/sagemaker.js';
import { sdkError } from '../lib/aws.js';
import { makeContext, tempDir } from '../lib/step.js';

const sm = mockClient(SageMakerClient);
const rt = mockClient(SageMakerRuntimeClient);
const cw = mockClient(CloudWatchClient);
const aas = mockClient(ApplicationAutoScalingClient);

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/2';
const OLD_CONFIG = 'churn-prod-0ld0c0nf';
const ROLE = 'arn:aws:iam::123456789012:role/ModelshipServe';

function endpoint(
  status: string,
  config: string,
  extra: Partial<DescribeEndpointOutput> = {},
): DescribeEndpointOutput {
  return {
    EndpointName: 'churn-prod',
    EndpointArn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn-prod',
    EndpointConfigName: config,
    EndpointStatus: status as DescribeEndpointOutput['EndpointStatus'],
    CreationTime: new Date('2026-11-01T00:00:00Z'),
    LastModifiedTime: new Date('2026-11-22T09:00:00Z'),
    ProductionVariants: [{ VariantName: 'churn-v1', CurrentWeight: 1 }],
    ...extra,
  };
}

beforeEach(() => {
  for (const m of [sm, rt, cw, aas]) m.reset();
  sm.on(DescribeModelPackageCommand).resolves({
    ModelPackageArn: ARN,
    ModelPackageGroupName: 'churn',
    ModelPackageVersion: 2,
    ModelApprovalStatus: 'Approved',
    InferenceSpecification: {
      Containers: [{ Image: 'img', ModelDataUrl: 's3://b/m.tar.gz' }],
      SupportedContentTypes: [],
      SupportedResponseMIMETypes: [],
    },
  } as never);
  sm.on(DescribeModelCommand).rejects(
    Object.assign(sdkError('ValidationException', 400), { message: 'Could not find model' }),
  );
  sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: OLD_CONFIG }).resolves({
    EndpointConfigName: OLD_CONFIG,
    ProductionVariants: [
      {
        VariantName: 'churn-v1',
        ModelName: 'churn-v1-11111111',
        InstanceType: 'ml.m5.large',
        InitialInstanceCount: 2,
        InitialVariantWeight: 1,
      },
    ],
  } as never);
  sm.on(CreateModelCommand).resolves({});
  sm.on(CreateEndpointConfigCommand).resolves({});
  sm.on(UpdateEndpointCommand).resolves({});
  sm.on(DeleteEndpointConfigCommand).resolves({});
  sm.on(DeleteModelCommand).resolves({});
  cw.on(PutMetricAlarmCommand).resolves({});
  cw.on(PutDashboardCommand).resolves({});
  cw.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames?: string[]; StateValue?: string }) => ({
    MetricAlarms: input.StateValue
      ? []
      : (input.AlarmNames ?? []).map((n) => ({
          AlarmName: n,
          AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${n}`,
        })),
  }));
  aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
});
afterEach(() => {
  for (const m of [sm, rt, cw, aas]) m.reset();
});

/** DescribeEndpoint answers in turn (the last repeats); a new config name is filled in for `NEW`. */
function endpointSequence(...answers: DescribeEndpointOutput[]) {
  let i = 0;
  sm.on(DescribeEndpointCommand).callsFake(() => {
    const a = answers[Math.min(i++, answers.length - 1)]!;
    const created = sm.commandCalls(CreateEndpointConfigCommand).at(-1)?.args[0].input.EndpointConfigName;
    return { ...a, EndpointConfigName: a.EndpointConfigName === 'NEW' ? created : a.EndpointConfigName };
  });
}

async function run(deploy: string, inputs: Partial<DeployInputs> = {}, files: Record<string, string> = {}) {
  const dir = tempDir('modelship-sm-mock-');
  writeFileSync(
    join(dir, 'modelship.yml'),
    `model: churn\nbackend: sagemaker\nregion: us-east-1\ndeploy:\n  endpoint: churn-prod\n  role: ${ROLE}\n  tags: {project: churn, owner: ml-platform, environment: test}\n${deploy}`,
  );
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const { ctx, log } = await makeContext(dir, { backend: 'sagemaker' });
  const plan = resolvePlan({ wait: true, 'dry-run': false, ...inputs }, ctx);
  let t = Date.parse('2026-11-22T09:15:00Z');
  const outcome = await deploySageMaker(plan, ARN, ctx, {
    clients: {
      sagemaker: new SageMakerClient({ region: 'us-east-1' }),
      runtime: new SageMakerRuntimeClient({ region: 'us-east-1' }),
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
      autoscaling: new ApplicationAutoScalingClient({ region: 'us-east-1' }),
    },
    sleep: async (ms) => {
      t += ms;
    },
    now: () => t,
  });
  return { outcome, log: log.lines.join('\n') };
}

const deleted = () => ({
  configs: sm.commandCalls(DeleteEndpointConfigCommand).map((c) => c.args[0].input.EndpointConfigName),
  models: sm.commandCalls(DeleteModelCommand).map((c) => c.args[0].input.ModelName),
});

describe('deploy-canary on SageMaker (mocked failures)', () => {
  it('from a trial: refuses an endpoint name over 63 characters before any call', async () => {
    const long = 'churn-production-endpoint-with-a-very-long-name-for-testing-limits';
    await expect(run('', { endpoint: long })).rejects.toThrow(/is not a valid endpoint name/);
    expect(sm.calls()).toHaveLength(0);
  });

  it('reports an automatic rollback as a failure naming the alarm, and deletes only what it created', async () => {
    endpointSequence(
      endpoint('InService', OLD_CONFIG),
      endpoint('Updating', OLD_CONFIG, { PendingDeploymentSummary: { EndpointConfigName: 'x' } as never }),
      endpoint('InService', OLD_CONFIG, {
        FailureReason: 'Rolled back: alarm churn-prod-churn-v2-5xx-rate in ALARM',
      }),
    );
    cw.on(DescribeAlarmsCommand, {
      AlarmNames: ['churn-prod-churn-v2-5xx-rate', 'churn-prod-churn-v2-p99-latency'],
      StateValue: 'ALARM',
    }).resolves({
      MetricAlarms: [{ AlarmName: 'churn-prod-churn-v2-5xx-rate' }],
    });
    const { outcome, log } = await run('  strategy: guardrails\n');
    expect(outcome.ok).toBe(false);
    expect(outcome.section.status).toBe('rolled-back');
    expect(outcome.headline).toMatch(
      /^SageMaker rolled churn-prod back: alarm churn-prod-churn-v2-5xx-rate fired \(Rolled back: .*\); churn-prod is on its previous config churn-prod-0ld0c0nf; deleted endpoint config churn-prod-[0-9a-f]{8}, model churn-v2-[0-9a-f]{8}$/,
    );
    expect(log).toContain('endpoint status: Updating');
    const d = deleted();
    expect(d.configs).not.toContain(OLD_CONFIG);
    expect(d.models).not.toContain('churn-v1-11111111');
    expect(d.configs).toHaveLength(1);
    expect(outcome.section.variants).toEqual([
      expect.objectContaining({ name: 'churn-v1', weightBefore: 100, weightAfter: 100 }),
    ]);
  });

  it('a failed update leaves the endpoint on its previous config and says so', async () => {
    endpointSequence(
      endpoint('InService', OLD_CONFIG),
      endpoint('Updating', OLD_CONFIG),
      endpoint('InService', OLD_CONFIG, { FailureReason: 'ping health check failed' }),
    );
    const { outcome } = await run('');
    expect(outcome.ok).toBe(false);
    expect(outcome.headline).toMatch(
      /^the update of churn-prod failed: status InService \(ping health check failed\); churn-prod is on its previous config churn-prod-0ld0c0nf; deleted /,
    );
  });

  it('smoke-tests the challenger at weight 0 before it gets traffic, then shifts the weights', async () => {
    endpointSequence(
      endpoint('InService', OLD_CONFIG),
      endpoint('Updating', OLD_CONFIG),
      endpoint('InService', 'NEW'),
    );
    sm.on(UpdateEndpointWeightsAndCapacitiesCommand).resolves({});
    rt.on(InvokeEndpointCommand).resolves({
      Body: new TextEncoder().encode('{"predictions":[{"score":0.4,"churn":false}]}') as never,
    });
    const { outcome } = await run(
      '  canary-percent: 5\n  contract: {response: response.json}\n  smoke-requests: smoke.jsonl\n',
      {},
      {
        'response.json': JSON.stringify({ type: 'object', required: ['predictions'] }),
        'smoke.jsonl': '{"tenure_months": 1}\n{"tenure_months": 2}\n',
      },
    );
    expect(outcome.ok).toBe(true);
    const cfg = sm.commandCalls(CreateEndpointConfigCommand)[0]!.args[0].input;
    expect(
      cfg.ProductionVariants!.map((v) => [v.VariantName, v.InitialVariantWeight, v.InitialInstanceCount]),
    ).toEqual([
      ['churn-v1', 100, 2],
      ['churn-v2', 0, 1],
    ]);
    expect(rt.commandCalls(InvokeEndpointCommand).map((c) => c.args[0].input.TargetVariant)).toEqual([
      'churn-v2',
      'churn-v2',
    ]);
    expect(
      sm.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)[0]!.args[0].input
        .DesiredWeightsAndCapacities,
    ).toEqual([
      { VariantName: 'churn-v1', DesiredWeight: 95 },
      { VariantName: 'churn-v2', DesiredWeight: 5 },
    ]);
    expect(outcome.section.smoke).toEqual({ requests: 2, passed: 2 });
  });

  it('a failed smoke test puts the endpoint back on its previous config before any live traffic', async () => {
    endpointSequence(
      endpoint('InService', OLD_CONFIG),
      endpoint('InService', 'NEW'),
      endpoint('Updating', OLD_CONFIG),
      endpoint('InService', OLD_CONFIG),
    );
    rt.on(InvokeEndpointCommand).rejects(
      Object.assign(sdkError('ModelError', 424), { OriginalStatusCode: 500, message: 'boom' }),
    );
    const { outcome } = await run('  smoke-requests: smoke.jsonl\n', {}, { 'smoke.jsonl': '{"a": 1}\n' });
    expect(outcome.ok).toBe(false);
    expect(outcome.headline).toMatch(
      /^contract smoke test failed \(1 of 1 requests; first smoke\.jsonl:1: status 500: ModelError: boom\); the challenger got no live traffic; churn-prod is on its previous config churn-prod-0ld0c0nf; deleted /,
    );
    const updates = sm.commandCalls(UpdateEndpointCommand).map((c) => c.args[0].input.EndpointConfigName);
    expect(updates[1]).toBe(OLD_CONFIG);
    expect(sm.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)).toHaveLength(0);
  });

  it('gives up waiting at the timeout and says SageMaker rolls it back', async () => {
    endpointSequence(endpoint('InService', OLD_CONFIG), endpoint('Updating', OLD_CONFIG));
    const { outcome } = await run('', { 'timeout-minutes': 10 });
    expect(outcome.ok).toBe(false);
    expect(outcome.headline).toBe(
      "churn-prod did not finish the change within 10 min (status Updating); SageMaker rolls it back at the deployment's maximum execution time",
    );
    // Still in use by the update in progress: nothing deleted.
    expect(deleted()).toEqual({ configs: [], models: [] });
  });

  it('refuses an endpoint that is being updated, and throttling past the retries is one line', async () => {
    endpointSequence(endpoint('Updating', OLD_CONFIG));
    await expect(run('')).rejects.toMatchObject({
      line: 'endpoint churn-prod: is Updating, not InService: it cannot be updated now',
    });
    sm.on(DescribeEndpointCommand).rejects(sdkError('ThrottlingException', 400, 8));
    await expect(run('')).rejects.toMatchObject({
      line: 'endpoint churn-prod: SageMaker throttled the requests (still after 8 attempts)',
    });
  });
});
