/**
 * promote-on-metrics on SageMaker with a shadow challenger: its answers are read from the
 * endpoint's data capture in S3 (moto, real HTTP) — JSON Lines files written here in SageMaker's
 * layout (`<destination>/<endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl`) and record format — paired
 * with the production variant's by the request's id, decoded (CSV, JSON, BASE64), and judged by
 * the same divergence judge as the local backend's pairs; CloudWatch metrics come from moto too.
 * moto keeps no shadow variants on an endpoint config, so the endpoint itself is aws-sdk-client-mock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DataCaptureConfig } from '@aws-sdk/client-sagemaker';
import {
  captureHours,
  decodeOutput,
  pairCaptured,
  parseCaptureLine,
} from '../../packages/promote/src/capture.js';
import { replay, resolvePlan, runCanary, type PromoteSettings } from '@modelship/promote';
import { sagemakerCanary } from '../../packages/promote/src/sagemaker.js';
import { mockShadowEndpoint } from '../lib/sagemaker.js';
import { makeContext, tempDir } from '../lib/step.js';
import { startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let cw: CloudWatchClient;
let s3: S3Client;
let aas: ApplicationAutoScalingClient;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const region = 'us-east-1';
const ENDPOINT = 'churn-prod';
const PKG = (v: number) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/${v}`;
const T0 = Date.parse('2026-11-22T09:50:00Z');
const CAPTURE: DataCaptureConfig = {
  EnableCapture: true,
  InitialSamplingPercentage: 100,
  DestinationS3Uri: 's3://acme-ml/churn/capture/',
  CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
};

beforeAll(async () => {
  moto = await startMoto();
  cw = new CloudWatchClient({ endpoint: moto.endpoint, region, credentials });
  s3 = new S3Client({ endpoint: moto.endpoint, region, credentials, forcePathStyle: true });
  aas = new ApplicationAutoScalingClient({ endpoint: moto.endpoint, region, credentials });
});
afterAll(async () => {
  cw?.destroy();
  s3?.destroy();
  aas?.destroy();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-ml' }));
});

type Encoding = 'JSON' | 'CSV' | 'BASE64' | 'AVRO';

/** One capture record in SageMaker's format. */
function record(
  id: { eventId: string; inferenceId?: string },
  at: number,
  output: string,
  encoding: Encoding,
) {
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: '1,2,3', encoding: 'CSV' },
      endpointOutput: {
        observedContentType: encoding === 'CSV' ? 'text/csv; charset=utf-8' : 'application/json',
        mode: 'OUTPUT',
        data: encoding === 'BASE64' ? Buffer.from(output).toString('base64') : output,
        encoding,
      },
    },
    eventMetadata: { ...id, inferenceTime: new Date(at).toISOString() },
    eventVersion: '0',
  });
}

/**
 * A fake clock from T0 whose sleep advances time; each minute it passes writes that minute's
 * CloudWatch series of both variants (invocations, errors, latency, equal) and, with `capture`,
 * that minute's capture files: `perMinute` requests answered by the champion, each copied to the
 * shadow whose label differs on `differ` of every 10 requests.
 */
function clock(capture?: { perMinute: number; differ: number }) {
  let t = T0;
  let written = T0;
  const writeMinute = async (start: number) => {
    const k = (start - T0) / 60_000;
    const MetricData = ['churn-v1', 'churn-v2'].flatMap((VariantName) => {
      const Dimensions = [
        { Name: 'EndpointName', Value: ENDPOINT },
        { Name: 'VariantName', Value: VariantName },
      ];
      const Timestamp = new Date(start + 30_000);
      return [
        { MetricName: 'Invocations', Dimensions, Timestamp, Value: 10_000 },
        { MetricName: 'Invocation5XXErrors', Dimensions, Timestamp, Value: 10 },
        { MetricName: 'ModelLatency', Dimensions, Timestamp, Value: 50_000 * (1 + 0.05 * Math.sin(k)) },
      ];
    });
    await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/SageMaker', MetricData }));
    if (!capture) return;
    const hour = new Date(start).toISOString().slice(0, 13).replace(/[-T]/g, '/');
    const encodings: Encoding[] = ['JSON', 'CSV', 'BASE64'];
    const lines: Record<string, string[]> = { 'churn-v1': [], 'churn-v2': [] };
    for (let i = 0; i < capture.perMinute; i++) {
      const eventId = `ev-${k}-${i}`;
      // Half the callers give their own InferenceId: SageMaker records it beside its eventId.
      const id = i % 2 ? { eventId, inferenceId: `req-${k}-${i}` } : { eventId };
      const at = start + 1_000 * (i % 60);
      const label = i % 3 === 0 ? 1 : 0;
      const shadowLabel = i % 10 < capture.differ ? 1 - label : label;
      const enc = encodings[i % 3]!;
      const body = (l: number) => (enc === 'CSV' ? `${l}` : JSON.stringify({ label: l, score: 0.5 + l / 4 }));
      lines['churn-v1']!.push(record(id, at, body(label), enc));
      lines['churn-v2']!.push(record(id, at + 40, body(shadowLabel), enc));
    }
    // A request the shadow did not get a copy of, and one whose shadow answer cannot be decoded.
    lines['churn-v1']!.push(record({ eventId: `ev-${k}-alone` }, start + 5_000, '0', 'CSV'));
    lines['churn-v1']!.push(record({ eventId: `ev-${k}-odd` }, start + 6_000, '0', 'CSV'));
    lines['churn-v2']!.push(record({ eventId: `ev-${k}-odd` }, start + 6_040, 'AAEC', 'AVRO'));
    for (const [variant, ls] of Object.entries(lines))
      await s3.send(
        new PutObjectCommand({
          Bucket: 'acme-ml',
          Key: `churn/capture/${ENDPOINT}/${variant}/${hour}/${new Date(start).toISOString().slice(14, 16)}-00-000-${variant}.jsonl`,
          Body: ls.join('\n') + '\n',
        }),
      );
  };
  return {
    now: () => new Date(t),
    nowMs: () => t,
    sleep: async (ms: number) => {
      t += ms;
      while (written + 60_000 <= t) {
        await writeMinute(written);
        written += 60_000;
      }
    },
  };
}

/** The shadow endpoint (mocked: moto keeps no shadow variants) with this data capture. */
const shadowEndpoint = (capture: DataCaptureConfig | undefined = CAPTURE) =>
  mockShadowEndpoint(moto.endpoint, region, PKG, capture);

async function run(
  promote: string,
  fake: ReturnType<typeof clock>,
  endpoint: ReturnType<typeof shadowEndpoint>,
) {
  const dir = tempDir('modelship-sm-shadow-');
  writeFileSync(
    join(dir, 'modelship.yml'),
    `model: churn\nbackend: sagemaker\nregion: us-east-1\npromote:\n  interval-minutes: 1\n  metrics:\n    - { name: Invocation5XXErrors, kind: error-rate }\n${promote}`,
  );
  const { ctx, log } = await makeContext(dir, { env: moto.env, backend: 'sagemaker', now: new Date(T0) });
  const plan = resolvePlan({ 'dry-run': false }, ctx);
  const ep = await sagemakerCanary(plan, ctx, undefined, ENDPOINT, {
    clients: { sagemaker: endpoint.client, cloudwatch: cw, autoscaling: aas, s3 },
    sleep: fake.sleep,
    now: fake.nowMs,
  });
  const settings: PromoteSettings = { ...plan.settings, steps: [0] };
  const audit = await runCanary(
    ep,
    settings,
    { now: fake.now, sleep: (ms) => fake.sleep(ms), signal: ctx.signal, log: ctx.log },
    false,
  );
  return { ep, audit, text: log.lines.join('\n') };
}

describe('promote-on-metrics on SageMaker: shadow divergence from the data capture (moto S3)', () => {
  it('promotes a shadow whose answers agree: pairs counted from both variants, every encoding decoded, replay reproduces it', async () => {
    const endpoint = shadowEndpoint();
    try {
      const { ep, audit } = await run(
        '  bake-minutes: 5\n  shadow: { max-label-difference: 10%, field: label }\n',
        clock({ perMinute: 60, differ: 0 }),
        endpoint,
      );
      expect(ep).toMatchObject({ shadow: true, challenger: { name: 'churn-v2' } });
      expect(audit.decision).toBe('promoted');
      const last = audit.steps[0]!.looks.at(-1)!;
      // Five whole minutes of 60 requests, each paired with its shadow copy; CSV answers ("0")
      // have no `label` and are counted as lacking the compared field, not as agreeing.
      // One production-only request a minute is unpaired, one undecodable shadow answer a minute.
      expect(last.shadow).toEqual({
        pairs: 200,
        differing: 0,
        absoluteDifferences: Array(200).fill(0),
        missing: 100,
        unpaired: { champion: 5, challenger: 0 },
        undecodable: 5,
      });
      expect(last.divergence).toEqual([
        expect.objectContaining({
          metric: 'shadow label difference',
          status: 'pass',
          n: { champion: 200, challenger: 200 },
        }),
      ]);
      expect(endpoint.config()).not.toBe('churn-prod-shadow');
      const r = replay(JSON.parse(JSON.stringify(audit)) as typeof audit);
      expect(r.mismatches).toEqual([]);
      expect(r.decision).toBe('promoted');
    } finally {
      endpoint.restore();
    }
  });

  it('rolls back a shadow whose labels differ on 40% of the requests', async () => {
    const endpoint = shadowEndpoint();
    try {
      const { audit } = await run(
        '  bake-minutes: 5\n  shadow: { max-label-difference: 10% }\n',
        clock({ perMinute: 60, differ: 4 }),
        endpoint,
      );
      expect(audit.decision).toBe('rolled-back');
      const failed = audit.steps[0]!.looks.at(-1)!;
      expect(failed.divergence![0]).toMatchObject({ metric: 'shadow label difference', status: 'fail' });
      expect(failed.divergence![0]!.estimate).toBeCloseTo(0.4, 2);
      // Every whole minute's 60 requests paired (the answers compared whole, CSV and JSON alike).
      expect(failed.shadow!.pairs).toBe(60 * Math.round(failed.elapsed / 60));
      expect(failed.shadow!.pairs).toBeGreaterThanOrEqual(30);
      const r = replay(JSON.parse(JSON.stringify(audit)) as typeof audit);
      expect(r).toMatchObject({ decision: 'rolled-back', mismatches: [] });
    } finally {
      endpoint.restore();
    }
  });

  it('with no capture files stays inconclusive (never promoted) and says why', async () => {
    const endpoint = shadowEndpoint();
    try {
      const { audit } = await run(
        '  bake-minutes: 3\n  max-bake-minutes: 4\n  shadow: { max-label-difference: 10% }\n',
        clock(),
        endpoint,
      );
      expect(audit.decision).toBe('inconclusive');
      for (const look of audit.steps[0]!.looks) {
        expect(look.shadow).toEqual({ pairs: 0, differing: 0, absoluteDifferences: [] });
        expect(look.divergence![0]).toMatchObject({
          status: 'inconclusive',
          reason: '0 comparable shadow pairs, fewer than 30: not judged',
        });
      }
      expect(audit.actions.some((a) => a.action === 'promote')).toBe(false);
    } finally {
      endpoint.restore();
    }
  });

  it('an endpoint config that captures no outputs is said once, and the divergence stays inconclusive', async () => {
    const endpoint = shadowEndpoint({ ...CAPTURE, CaptureOptions: [{ CaptureMode: 'Input' }] });
    try {
      const { audit, text } = await run(
        '  bake-minutes: 3\n  max-bake-minutes: 3\n  shadow: { max-label-difference: 10% }\n',
        clock({ perMinute: 60, differ: 0 }),
        endpoint,
      );
      expect(text).toContain(
        'promote.shadow: endpoint config churn-prod-shadow captures Input, not the outputs: no shadow answers can be paired, so the divergence stays inconclusive (deploy with data-capture of Output)',
      );
      expect(audit.decision).toBe('inconclusive');
    } finally {
      endpoint.restore();
    }
  });
});

describe('data capture records (pure)', () => {
  const at = Date.parse('2026-11-22T09:59:30Z');
  it('decodes CSV, JSON and BASE64 outputs and says what it cannot decode', () => {
    expect(decodeOutput({ data: '0.25', encoding: 'CSV' })).toEqual({ body: '0.25' });
    expect(decodeOutput({ data: '{"a":1}', encoding: 'JSON' })).toEqual({ body: '{"a":1}' });
    expect(decodeOutput({ data: Buffer.from('[0.7]').toString('base64'), encoding: 'BASE64' })).toEqual({
      body: '[0.7]',
    });
    expect(
      decodeOutput({ data: Buffer.from([0xff, 0xfe, 0x00]).toString('base64'), encoding: 'BASE64' }),
    ).toEqual({
      error: 'endpointOutput is binary (base64 of no UTF-8 text)',
    });
    expect(decodeOutput({ data: 'x', encoding: 'PROTOBUF' })).toEqual({
      error: 'endpointOutput encoding "PROTOBUF" is not CSV, JSON or BASE64',
    });
    expect(decodeOutput(undefined)).toEqual({
      error: 'no endpointOutput (the capture does not record outputs)',
    });
  });

  it('keys a record by its inferenceId when it has one, else its eventId', () => {
    expect(parseCaptureLine(record({ eventId: 'e1' }, at, '1', 'CSV'))).toMatchObject({ id: 'e1', time: at });
    expect(parseCaptureLine(record({ eventId: 'e1', inferenceId: 'r1' }, at, '1', 'CSV'))).toMatchObject({
      id: 'r1',
    });
    expect(parseCaptureLine('{"captureData":{}}')).toEqual({
      error: 'a record without eventMetadata.eventId or inferenceTime',
    });
    expect(parseCaptureLine('{cut')).toEqual({ error: 'a line that is not JSON' });
    expect(parseCaptureLine('')).toBeUndefined();
  });

  it('pairs by id inside the window and counts the unpaired, the ambiguous and the undecodable', () => {
    const rec = (id: string, t: number, body?: string) => ({
      id,
      time: t,
      output: body === undefined ? { error: 'x' } : { body },
    });
    const prod = [
      rec('a', at, '1'),
      rec('b', at, '0'),
      rec('c', at, '1'),
      rec('d', at),
      rec('dup', at, '1'),
      rec('dup', at, '1'),
      rec('old', at - 3_600_000, '1'),
    ];
    const shadow = [
      rec('a', at, '1'),
      rec('b', at, '1'),
      rec('d', at, '1'),
      rec('z', at, '1'),
      rec('dup', at, '1'),
      rec('old', at - 3_600_000, '1'),
    ];
    expect(pairCaptured(prod, shadow, at - 60_000, at + 60_000)).toEqual({
      pairs: [
        { champion: '1', challenger: '1', championStatus: 200, challengerStatus: 200 },
        { champion: '0', challenger: '1', championStatus: 200, challengerStatus: 200 },
      ],
      unpaired: { champion: 2, challenger: 2 },
      undecodable: 1,
    });
  });

  it('lists the UTC hour folders of a window', () => {
    expect(captureHours(Date.parse('2026-11-22T23:50:00Z'), Date.parse('2026-11-23T01:00:00Z'))).toEqual([
      '2026/11/22/23',
      '2026/11/23/00',
    ]);
  });
});
