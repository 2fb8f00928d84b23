// Reading the canary's metrics: one batched GetMetricData request for every metric of both
// variants over the same window (paged with NextToken), and turning the answers into what the
// judge takes. The same code reads CloudWatch and the local endpoint's metrics store.
import type { MetricData } from './judge.js';
import { SAGEMAKER_NAMESPACE, type MetricSpec } from './plan.js';

/** One query of GetMetricData, as CloudWatch's API and the local store take it. */
export interface MetricQuery {
  Id: string;
  ReturnData?: boolean;
  MetricStat: {
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
    Period: number;
    Stat: string;
  };
}

export interface MetricPageInput {
  MetricDataQueries: MetricQuery[];
  StartTime: Date;
  EndTime: Date;
  ScanBy: 'TimestampAscending';
  NextToken?: string;
}

export interface MetricPage {
  MetricDataResults?: { Id?: string; Timestamps?: Date[]; Values?: number[]; StatusCode?: string }[];
  NextToken?: string;
  Messages?: { Code?: string; Value?: string }[];
}

/** One GetMetricData page: CloudWatch's client, or the local metrics store. */
export type GetMetricDataPage = (input: MetricPageInput) => Promise<MetricPage>;

/** A series as the audit records it: ISO timestamps (period starts) and values, ascending. */
export interface Series {
  t: string[];
  v: number[];
}

export type Role = 'champion' | 'challenger';
export const ROLES: readonly Role[] = ['champion', 'challenger'];

/** The query id of metric `i` for a role (`m0_champion`), its errors (`m0e_…`) and exposure (`inv_…`). */
export function queryId(i: number, role: Role, part: 'value' | 'exposure' = 'value'): string {
  return part === 'exposure' ? `inv_${role}` : `m${i}_${role}`;
}

/**
 * The queries of one look: per metric and variant, the per-period statistic (latency, rate, kpi)
 * or the per-period Sum of errors (error-rate); and, when any metric is an error-rate, each
 * variant's Invocations Sum as the exposure.
 */
export function buildQueries(
  metrics: readonly MetricSpec[],
  endpoint: string,
  variants: Record<Role, string>,
  period: number,
): MetricQuery[] {
  const queries: MetricQuery[] = [];
  const dims = (m: Pick<MetricSpec, 'dimensions'>, variant: string) => {
    const d = { EndpointName: endpoint, ...m.dimensions, VariantName: variant };
    return Object.entries(d)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([Name, Value]) => ({ Name, Value }));
  };
  metrics.forEach((m, i) => {
    for (const role of ROLES)
      queries.push({
        Id: queryId(i, role),
        MetricStat: {
          Metric: { Namespace: m.namespace, MetricName: m.name, Dimensions: dims(m, variants[role]) },
          Period: period,
          Stat: m.kind === 'error-rate' ? 'Sum' : m.stat,
        },
      });
  });
  if (metrics.some((m) => m.kind === 'error-rate'))
    for (const role of ROLES)
      queries.push({
        Id: queryId(0, role, 'exposure'),
        MetricStat: {
          Metric: {
            Namespace: SAGEMAKER_NAMESPACE,
            MetricName: 'Invocations',
            Dimensions: dims({ dimensions: {} }, variants[role]),
          },
          Period: period,
          Stat: 'Sum',
        },
      });
  return queries;
}

/** CloudWatch's limit of queries per GetMetricData request. */
export const MAX_QUERIES = 500;

/**
 * Every series of a window: one request (CloudWatch takes up to 500 queries in one), followed
 * through its NextToken pages, the pages' values joined per query in ascending time.
 *
 * @throws Error naming the query when CloudWatch answers a StatusCode other than Complete after
 *   its last page, or a message of its own (e.g. an unknown metric).
 */
export async function fetchSeries(
  get: GetMetricDataPage,
  queries: readonly MetricQuery[],
  window: { start: Date; end: Date },
  opts: { maxPages?: number } = {},
): Promise<Record<string, Series>> {
  if (queries.length > MAX_QUERIES)
    throw new Error(`${queries.length} queries are more than GetMetricData takes (${MAX_QUERIES})`);
  const out: Record<string, Map<number, number>> = Object.fromEntries(queries.map((q) => [q.Id, new Map()]));
  const status = new Map<string, string>();
  let token: string | undefined;
  const maxPages = opts.maxPages ?? 100;
  for (let page = 0; ; page++) {
    if (page >= maxPages) throw new Error(`GetMetricData gave more than ${maxPages} pages for one window`);
    const answer = await get({
      MetricDataQueries: [...queries],
      StartTime: window.start,
      EndTime: window.end,
      ScanBy: 'TimestampAscending',
      ...(token ? { NextToken: token } : {}),
    });
    for (const r of answer.MetricDataResults ?? []) {
      const series = r.Id === undefined ? undefined : out[r.Id];
      if (!series) continue;
      const ts = r.Timestamps ?? [];
      const vs = r.Values ?? [];
      for (let i = 0; i < Math.min(ts.length, vs.length); i++)
        series.set(new Date(ts[i]!).getTime(), (series.get(new Date(ts[i]!).getTime()) ?? 0) + vs[i]!);
      if (r.StatusCode) status.set(r.Id!, r.StatusCode);
    }
    token = answer.NextToken;
    if (!token) break;
  }
  for (const [id, s] of status)
    if (s !== 'Complete') throw new Error(`GetMetricData left query ${id} ${s} after its last page`);
  return Object.fromEntries(
    Object.entries(out).map(([id, m]) => {
      const keys = [...m.keys()].sort((a, b) => a - b);
      return [id, { t: keys.map((k) => new Date(k).toISOString()), v: keys.map((k) => m.get(k)!) }];
    }),
  );
}

const total = (s: Series | undefined) => (s ? s.v.reduce((a, b) => a + b, 0) : 0);

/**
 * What the judge takes for metric `i` from a window's series: per-period values (paired on the
 * periods both variants have, when there are at least `minSamples` of them) or errors out of
 * invocations summed over the window.
 */
export function metricData(
  metric: MetricSpec,
  i: number,
  series: Record<string, Series>,
  minSamples: number,
): MetricData {
  const of = (role: Role, part: 'value' | 'exposure' = 'value') => series[queryId(i, role, part)];
  if (metric.kind === 'error-rate')
    return {
      kind: 'counts',
      champion: { events: total(of('champion')), trials: total(of('champion', 'exposure')) },
      challenger: { events: total(of('challenger')), trials: total(of('challenger', 'exposure')) },
    };
  const c = of('champion') ?? { t: [], v: [] };
  const h = of('challenger') ?? { t: [], v: [] };
  const at = new Map(h.t.map((t, k) => [t, h.v[k]!]));
  const common = c.t.filter((t) => at.has(t));
  if (common.length >= minSamples) {
    const byT = new Map(c.t.map((t, k) => [t, c.v[k]!]));
    return {
      kind: 'periods',
      champion: common.map((t) => byT.get(t)!),
      challenger: common.map((t) => at.get(t)!),
      paired: true,
    };
  }
  return { kind: 'periods', champion: [...c.v], challenger: [...h.v] };
}

/** Invocations per variant in a window (0 when none were recorded). */
export function invocations(series: Record<string, Series>): Record<Role, number> | undefined {
  if (!series[queryId(0, 'champion', 'exposure')]) return undefined;
  return {
    champion: total(series[queryId(0, 'champion', 'exposure')]),
    challenger: total(series[queryId(0, 'challenger', 'exposure')]),
  };
}
