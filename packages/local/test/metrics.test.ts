// The local metrics store read as CloudWatch's GetMetricData: counts, error rates as averages,
// percentiles within the histogram's 2%, periods aligned to the epoch, additive repeated lines.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  LocalMetricsStore,
  MetricsAggregator,
  variantMetricQuery,
  type MetricDataQuery,
  type VariantMetric,
} from '../src/index.js';

const T0 = Date.parse('2026-11-22T09:00:00Z');

function store(observe: (a: MetricsAggregator) => void, split = false): LocalMetricsStore {
  const a = new MetricsAggregator();
  observe(a);
  const lines = a.take();
  // Splitting a second's aggregate in two lines must read the same (the router flushes on demand).
  const text = lines
    .flatMap((l) =>
      split ? [l, { t: l.t, variant: l.variant, invocations: 0, errors4xx: 0, errors5xx: 0 }] : [l],
    )
    .map((l) => JSON.stringify(l))
    .join('\n');
  const file = join(mkdtempSync(join(tmpdir(), 'modelship-metrics-')), 'metrics.jsonl');
  writeFileSync(file, text + '\n{"t": 12, "varia'); // a line cut short by a crash is skipped
  return new LocalMetricsStore('churn', file);
}

function q(id: string, metric: string, stat: string, variant?: string, period = 60): MetricDataQuery {
  return variantMetricQuery({
    id,
    endpoint: 'churn',
    metric: metric as VariantMetric,
    stat,
    variant,
    period,
  });
}

describe('LocalMetricsStore.getMetricData', () => {
  const s = store((a) => {
    // v1: 1000 requests over two minutes, latencies 1..1000 µs, 10 of them 5XX; v2: 100 requests, 4 4XX.
    for (let i = 0; i < 1000; i++)
      a.record({
        variant: 'v1',
        at: T0 + i * 100,
        status: i % 100 === 0 ? 500 : 200,
        modelLatencyUs: i + 1,
        overheadLatencyUs: 20,
      });
    for (let i = 0; i < 100; i++)
      a.record({ variant: 'v2', at: T0 + i * 10, status: i < 4 ? 400 : 200, modelLatencyUs: 5000 });
    a.record({ variant: 'v2', at: T0 + 5, status: 502 }); // no answer: counted, no latency
  }, true);
  const range = { StartTime: new Date(T0), EndTime: new Date(T0 + 3600_000) };

  it('answers counts, rates and percentiles per variant and period', async () => {
    const out = await s.getMetricData({
      ...range,
      MetricDataQueries: [
        q('inv', 'Invocations', 'Sum', 'v1'),
        q('err', 'Invocation5XXErrors', 'Average', 'v1', 3600),
        q('p50', 'ModelLatency', 'p50', 'v1', 3600),
        q('p99', 'ModelLatency', 'p99', 'v1', 3600),
        q('max', 'ModelLatency', 'Maximum', 'v1', 3600),
        q('avg', 'OverheadLatency', 'Average', 'v1', 3600),
        q('v2', 'Invocation4XXErrors', 'Sum', 'v2', 3600),
        q('v2n', 'ModelLatency', 'SampleCount', 'v2', 3600),
        q('all', 'Invocations', 'Sum', undefined, 3600),
      ],
    });
    const r = Object.fromEntries(out.MetricDataResults.map((x) => [x.Id, x]));
    // 100 s of v1 traffic: 60 s in the first minute, 40 s in the second; newest first.
    expect(r.inv!.Values).toEqual([400, 600]);
    expect(r.inv!.Timestamps).toEqual([new Date(T0 + 60_000), new Date(T0)]);
    expect(r.err!.Values).toEqual([0.01]);
    expect(Math.abs(r.p50!.Values[0]! - 500) / 500).toBeLessThan(0.02);
    expect(Math.abs(r.p99!.Values[0]! - 990) / 990).toBeLessThan(0.02);
    expect(r.max!.Values).toEqual([1000]);
    expect(r.avg!.Values).toEqual([20]);
    expect(r.v2!.Values).toEqual([4]);
    expect(r.v2n!.Values).toEqual([100]); // the 502 without an answer has no latency
    expect(r.all!.Values).toEqual([1101]);
  });

  it('orders oldest first with ScanBy, leaves out empty periods and other endpoints', async () => {
    const out = await s.getMetricData({
      ...range,
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        q('inv', 'Invocations', 'Sum', 'v1', 30),
        {
          ...q('other', 'Invocations', 'Sum', 'v1'),
          MetricStat: {
            ...q('o', 'Invocations', 'Sum').MetricStat!,
            Metric: {
              Namespace: 'AWS/SageMaker',
              MetricName: 'Invocations',
              Dimensions: [{ Name: 'EndpointName', Value: 'other' }],
            },
          },
        },
      ],
    });
    expect(out.MetricDataResults[0]!.Values).toEqual([300, 300, 300, 100]);
    expect(out.MetricDataResults[1]!.Values).toEqual([]);
  });

  it('refuses what CloudWatch-shaped readers must not rely on here', async () => {
    await expect(
      s.getMetricData({ ...range, MetricDataQueries: [q('x', 'CPUUtilization', 'Average')] }),
    ).rejects.toThrow('query x: metric CPUUtilization is not one the local router records');
    await expect(
      s.getMetricData({ ...range, MetricDataQueries: [q('x', 'ModelLatency', 'median')] }),
    ).rejects.toThrow('query x: unknown statistic median');
    await expect(
      s.getMetricData({ ...range, MetricDataQueries: [{ Id: 'e', Expression: 'm1 / m2' }] }),
    ).rejects.toThrow('MetricStat queries only');
  });
});
