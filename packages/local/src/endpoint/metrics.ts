// The local endpoint's metrics store: what CloudWatch holds for a SageMaker endpoint, per variant
// (namespace AWS/SageMaker, dimensions EndpointName and VariantName), kept as a JSON Lines file the
// router appends to, and read through the shape of CloudWatch's GetMetricData so a reader (the
// promote step's judge) works the same against either.
//
// Each line is an additive partial aggregate of one variant over one second: counts, and for the
// two latencies a sum, min, max and a log-bucketed histogram (buckets 2% wide, so a percentile is
// exact to within 2%). Lines for the same second and variant may repeat (the router flushes on
// demand); the reader adds them up.
import { readFile } from 'node:fs/promises';

export const METRIC_NAMESPACE = 'AWS/SageMaker';

/** The per-variant metrics SageMaker publishes that the local router records. */
export const VARIANT_METRICS = [
  'Invocations',
  'Invocation4XXErrors',
  'Invocation5XXErrors',
  'ModelLatency',
  'OverheadLatency',
] as const;
export type VariantMetric = (typeof VARIANT_METRICS)[number];

const LATENCIES = ['ModelLatency', 'OverheadLatency'] as const;
type LatencyMetric = (typeof LATENCIES)[number];

/** A latency distribution in microseconds. */
export interface LatencyAggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Bucket index → count; bucket i holds values v with floor(ln(v + 1) / ln(1.02)) = i. */
  hist: Record<string, number>;
}

/** One line of the store: one variant over one second (epoch seconds), additive. */
export interface MetricsLine {
  t: number;
  variant: string;
  invocations: number;
  errors4xx: number;
  errors5xx: number;
  ModelLatency?: LatencyAggregate;
  OverheadLatency?: LatencyAggregate;
}

const BUCKET_BASE = Math.log(1.02);

export function bucketOf(us: number): number {
  return Math.floor(Math.log(Math.max(0, us) + 1) / BUCKET_BASE);
}

/** The value a bucket stands for: the middle of its range (geometric), in microseconds. */
export function bucketValue(i: number): number {
  return Math.exp((i + 0.5) * BUCKET_BASE) - 1;
}

function emptyLatency(): LatencyAggregate {
  return { count: 0, sum: 0, min: Infinity, max: -Infinity, hist: {} };
}

function addLatency(a: LatencyAggregate, us: number): void {
  a.count++;
  a.sum += us;
  if (us < a.min) a.min = us;
  if (us > a.max) a.max = us;
  const b = String(bucketOf(us));
  a.hist[b] = (a.hist[b] ?? 0) + 1;
}

function mergeLatency(into: LatencyAggregate, from: LatencyAggregate): void {
  into.count += from.count;
  into.sum += from.sum;
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
  for (const [b, n] of Object.entries(from.hist)) into.hist[b] = (into.hist[b] ?? 0) + n;
}

/** One routed request, as the router records it. */
export interface Observation {
  variant: string;
  /** Epoch ms when the request arrived. */
  at: number;
  status: number;
  /** Microseconds the variant took (absent when it never answered: refused, reset, timed out). */
  modelLatencyUs?: number;
  overheadLatencyUs?: number;
}

/** Per-second, per-variant aggregates in memory until flushed as {@link MetricsLine}s. */
export class MetricsAggregator {
  private readonly open = new Map<string, MetricsLine>();

  record(o: Observation): void {
    const t = Math.floor(o.at / 1000);
    const key = `${t}\t${o.variant}`;
    let line = this.open.get(key);
    if (!line) {
      line = { t, variant: o.variant, invocations: 0, errors4xx: 0, errors5xx: 0 };
      this.open.set(key, line);
    }
    line.invocations++;
    if (o.status >= 400 && o.status < 500) line.errors4xx++;
    if (o.status >= 500) line.errors5xx++;
    if (o.modelLatencyUs !== undefined)
      addLatency((line.ModelLatency ??= emptyLatency()), Math.round(o.modelLatencyUs));
    if (o.overheadLatencyUs !== undefined)
      addLatency((line.OverheadLatency ??= emptyLatency()), Math.round(o.overheadLatencyUs));
  }

  /** Take the aggregates of seconds before `beforeSec` (all of them when undefined), as lines. */
  take(beforeSec?: number): MetricsLine[] {
    const out: MetricsLine[] = [];
    for (const [key, line] of this.open) {
      if (beforeSec !== undefined && line.t >= beforeSec) continue;
      this.open.delete(key);
      out.push(line);
    }
    return out.sort((a, b) => a.t - b.t || a.variant.localeCompare(b.variant));
  }
}

/** The subset of CloudWatch's GetMetricData input the local store answers. */
export interface MetricDataQuery {
  Id: string;
  Label?: string;
  ReturnData?: boolean;
  MetricStat?: {
    Metric: { Namespace?: string; MetricName?: string; Dimensions?: { Name?: string; Value?: string }[] };
    /** Seconds (any positive whole number here; CloudWatch wants 60 or a multiple for SageMaker). */
    Period: number;
    /** Sum, SampleCount, Average, Minimum, Maximum, or a percentile pNN / pNN.N. */
    Stat: string;
    Unit?: string;
  };
  Expression?: string;
}

/**
 * A query for one per-variant metric of an endpoint, as GetMetricData takes it (CloudWatch's and
 * the local store's): namespace AWS/SageMaker, dimensions EndpointName and (when given) VariantName.
 */
export function variantMetricQuery(q: {
  id: string;
  endpoint: string;
  variant?: string;
  metric: VariantMetric;
  stat: string;
  period: number;
}): MetricDataQuery {
  return {
    Id: q.id,
    MetricStat: {
      Metric: {
        Namespace: METRIC_NAMESPACE,
        MetricName: q.metric,
        Dimensions: [
          { Name: 'EndpointName', Value: q.endpoint },
          ...(q.variant === undefined ? [] : [{ Name: 'VariantName', Value: q.variant }]),
        ],
      },
      Period: q.period,
      Stat: q.stat,
    },
  };
}

export interface GetMetricDataInput {
  MetricDataQueries: MetricDataQuery[];
  StartTime: Date;
  EndTime: Date;
  ScanBy?: 'TimestampAscending' | 'TimestampDescending';
}

export interface MetricDataResult {
  Id: string;
  Label: string;
  Timestamps: Date[];
  Values: number[];
  StatusCode: 'Complete';
}

export interface GetMetricDataOutput {
  MetricDataResults: MetricDataResult[];
  Messages: { Code: string; Value: string }[];
}

/** Where metrics are read from: CloudWatch itself, or {@link LocalMetricsStore}. */
export interface MetricsSource {
  getMetricData(input: GetMetricDataInput): Promise<GetMetricDataOutput>;
}

interface Bucket {
  invocations: number;
  errors4xx: number;
  errors5xx: number;
  latency: Partial<Record<LatencyMetric, LatencyAggregate>>;
}

/** A statistic of one period's bucket, or undefined when there is nothing to report. */
function statistic(metric: string, stat: string, b: Bucket): number | undefined {
  if (metric === 'Invocations') {
    if (b.invocations === 0) return undefined;
    if (stat === 'Sum' || stat === 'SampleCount') return b.invocations;
    // Every invocation counts 1, as SageMaker publishes it.
    if (['Average', 'Minimum', 'Maximum'].includes(stat) || /^p\d/.test(stat)) return 1;
    return undefined;
  }
  if (metric === 'Invocation4XXErrors' || metric === 'Invocation5XXErrors') {
    // Published per request as 0 or 1: the Average is the error rate.
    const errors = metric === 'Invocation4XXErrors' ? b.errors4xx : b.errors5xx;
    if (b.invocations === 0) return undefined;
    if (stat === 'Sum') return errors;
    if (stat === 'SampleCount') return b.invocations;
    if (stat === 'Average') return errors / b.invocations;
    if (stat === 'Minimum') return errors === b.invocations ? 1 : 0;
    if (stat === 'Maximum') return errors > 0 ? 1 : 0;
    return undefined;
  }
  const l = b.latency[metric as LatencyMetric];
  if (!l || l.count === 0) return undefined;
  if (stat === 'Sum') return l.sum;
  if (stat === 'SampleCount') return l.count;
  if (stat === 'Average') return l.sum / l.count;
  if (stat === 'Minimum') return l.min;
  if (stat === 'Maximum') return l.max;
  const p = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(stat);
  if (!p) return undefined;
  return percentile(l, Number(p[1]) / 100);
}

/** The q-quantile of a latency aggregate (nearest rank over its histogram), clamped to [min, max]. */
export function percentile(l: LatencyAggregate, q: number): number {
  const rank = Math.max(1, Math.ceil(q * l.count));
  const buckets = Object.entries(l.hist)
    .map(([b, n]) => [Number(b), n] as const)
    .sort((a, b) => a[0] - b[0]);
  let seen = 0;
  for (const [b, n] of buckets) {
    seen += n;
    if (seen >= rank) return Math.min(l.max, Math.max(l.min, bucketValue(b)));
  }
  return l.max;
}

const STATS = /^(Sum|SampleCount|Average|Minimum|Maximum|p(\d{1,2}(\.\d+)?|100))$/;

/**
 * The metrics a local endpoint's router recorded, read as CloudWatch's GetMetricData answers:
 * per query, one value per period that has data in [StartTime, EndTime), newest first unless
 * `ScanBy: TimestampAscending`. Periods start at multiples of the period since the epoch.
 */
export class LocalMetricsStore implements MetricsSource {
  constructor(
    /** The endpoint's name (the EndpointName dimension). */
    readonly endpoint: string,
    /** The router's metrics file. */
    readonly file: string,
  ) {}

  async lines(): Promise<MetricsLine[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return [];
      throw err;
    }
    const out: MetricsLine[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as MetricsLine);
      } catch {
        // a line cut short by a crash mid-write: the rest of the file is still good
      }
    }
    return out;
  }

  async getMetricData(input: GetMetricDataInput): Promise<GetMetricDataOutput> {
    const lines = await this.lines();
    const start = input.StartTime.getTime() / 1000;
    const end = input.EndTime.getTime() / 1000;
    const results: MetricDataResult[] = [];
    for (const q of input.MetricDataQueries) {
      if (q.Expression !== undefined || !q.MetricStat)
        throw new Error(`query ${q.Id}: the local metrics store answers MetricStat queries only`);
      const { Metric, Period, Stat } = q.MetricStat;
      if ((Metric.Namespace ?? METRIC_NAMESPACE) !== METRIC_NAMESPACE)
        throw new Error(`query ${q.Id}: namespace ${Metric.Namespace} is not ${METRIC_NAMESPACE}`);
      if (!VARIANT_METRICS.includes(Metric.MetricName as VariantMetric))
        throw new Error(`query ${q.Id}: metric ${Metric.MetricName} is not one the local router records`);
      if (!STATS.test(Stat)) throw new Error(`query ${q.Id}: unknown statistic ${Stat}`);
      if (!(Period > 0)) throw new Error(`query ${q.Id}: the period must be positive`);
      const dims = Object.fromEntries((Metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      if (dims.EndpointName !== undefined && dims.EndpointName !== this.endpoint) {
        results.push({
          Id: q.Id,
          Label: q.Label ?? Metric.MetricName!,
          Timestamps: [],
          Values: [],
          StatusCode: 'Complete',
        });
        continue;
      }
      const variant = dims.VariantName;
      const buckets = new Map<number, Bucket>();
      for (const l of lines) {
        if (l.t < start || l.t >= end) continue;
        if (variant !== undefined && l.variant !== variant) continue;
        const p = Math.floor(l.t / Period) * Period;
        let b = buckets.get(p);
        if (!b) buckets.set(p, (b = { invocations: 0, errors4xx: 0, errors5xx: 0, latency: {} }));
        b.invocations += l.invocations;
        b.errors4xx += l.errors4xx;
        b.errors5xx += l.errors5xx;
        for (const m of LATENCIES) {
          const from = l[m];
          if (from) mergeLatency((b.latency[m] ??= emptyLatency()), from);
        }
      }
      const periods = [...buckets.keys()].sort((a, b) =>
        input.ScanBy === 'TimestampAscending' ? a - b : b - a,
      );
      const Timestamps: Date[] = [];
      const Values: number[] = [];
      for (const p of periods) {
        const v = statistic(Metric.MetricName!, Stat, buckets.get(p)!);
        if (v === undefined) continue;
        Timestamps.push(new Date(p * 1000));
        Values.push(v);
      }
      if (q.ReturnData === false) continue;
      results.push({
        Id: q.Id,
        Label: q.Label ?? Metric.MetricName!,
        Timestamps,
        Values,
        StatusCode: 'Complete',
      });
    }
    return { MetricDataResults: results, Messages: [] };
  }
}
