/**
 * The canary judge: challenger against champion on live per-variant metrics, at every look of a
 * ramp step, with decisions that stay valid however often it looks.
 *
 * Each metric has an allowed degradation `maxIncrease` (m). The judge keeps, per metric, an
 * anytime-valid confidence sequence for the challenger's difference from the champion, δ, and at
 * each look decides:
 *   - fail         when the interval excludes 0 on the worse side (worse than the champion beyond
 *                  doubt) and the estimate is worse than m (worse than allowed);
 *   - pass         when the whole interval is within m (the challenger is within tolerance);
 *   - inconclusive otherwise, and whenever a variant has fewer than `minSamples` (never a pass).
 * The interval is the fixed-sample interval with the normal quantile replaced by the two-sided
 * normal-mixture boundary (packages/stats/src/sequential.ts: Robbins 1970; Howard et al. 2021),
 * tuned to be tightest at the planned information (by default the end of the step's bake). So the
 * chance that any look of a step fails a challenger no worse than the champion, or passes one
 * worse than allowed, is at most α/2 each per metric, with no correction for the number of looks;
 * across metrics and ramp steps the judge splits α evenly (Bonferroni):
 * α_each = (1 − confidence) / (metrics × steps).
 *
 * The estimators:
 *   - latency (and any positive metric judged in relative terms: kind latency, rate, kpi): on
 *     the logs of the per-period values (CloudWatch datapoints, one per period and variant), the
 *     Hodges–Lehmann shift with its rank interval: from the per-period differences (Walsh
 *     averages, the signed-rank interval) when both variants have a datapoint for the same
 *     periods, which cancels what they share in a period (load, time of day); else between the two
 *     samples (the Mann–Whitney interval). δ is relative, exp(shift) − 1; the fixed-sample
 *     one-sided Wilcoxon / Mann–Whitney p-value is reported beside it;
 *   - error-rate: errors out of invocations per variant, the difference of proportions with the
 *     Agresti–Caffo interval; δ and m are absolute (0.005 = half a percentage point).
 */
import {
  hodgesLehmann,
  hodgesLehmannPaired,
  mannWhitneyU,
  mixtureBoundary,
  proportionDifference,
  wilcoxonSignedRank,
} from '@modelship/stats';

/** A metric as the judge sees it. */
export interface JudgedMetric {
  name: string;
  kind: 'latency' | 'error-rate' | 'rate' | 'kpi';
  /** Which way is better: 'lower' (latency, errors; the default) or 'higher' (a business KPI). */
  direction?: 'lower' | 'higher';
  /**
   * Allowed degradation: relative for latency, rate and kpi (0.1 = 10% worse), absolute for
   * error-rate (0.005 = half a percentage point more errors). >= 0.
   */
  maxIncrease: number;
  /** Absolute limit on the challenger (an SLO): its median period value, or its error rate. */
  max?: number;
  /** A failing critical metric rolls back at once. */
  critical?: boolean;
}

/** The data of one metric so far in the step, per variant. */
export type MetricData =
  | {
      kind: 'periods';
      champion: readonly number[];
      challenger: readonly number[];
      /**
       * The i-th values of both variants are from the same period (CloudWatch datapoints with the
       * same timestamp): judged on the per-period differences, which cancels what both variants
       * share in a period (load, time of day).
       */
      paired?: boolean;
    }
  | {
      kind: 'counts';
      champion: { events: number; trials: number };
      challenger: { events: number; trials: number };
    };

/** Options of {@link judgeMetric}. */
export interface JudgeOptions {
  /** Error probability of this metric's confidence sequence (already split across metrics and steps). */
  alpha: number;
  /**
   * Information at which the boundary is tightest, in the unit of {@link MetricVerdict.information}
   * (periods m n / (m + n) for period data, invocations m n / (m + n) for counts).
   */
  planned: number;
  /** Fewest periods (period data) or invocations (counts) per variant before judging. */
  minSamples: number;
}

/** The judge's answer for one metric at one look. */
export interface MetricVerdict {
  metric: string;
  status: 'pass' | 'fail' | 'inconclusive';
  reason: string;
  /** δ: relative (latency, rate, kpi) or absolute (error-rate) difference, challenger − champion. */
  estimate?: number;
  low?: number;
  high?: number;
  /** The allowed degradation as a bound on δ (m, or −m for a higher-is-better metric). */
  limit: number;
  /** The boundary that replaced the normal quantile, and the information it was taken at. */
  boundary?: number;
  information?: number;
  /** The fixed-sample test beside it (one-sided, challenger worse), and its name. */
  pValue?: number;
  test?: 'wilcoxon-signed-rank' | 'mann-whitney' | 'two-proportion-z';
  /** n per variant (periods or invocations). */
  n: { champion: number; challenger: number };
  critical: boolean;
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const pp = (v: number) => `${(v * 100).toFixed(2)} pp`;

/**
 * Judge one metric at one look (pure). See the module comment for the rule and its source.
 * @throws RangeError on a negative maxIncrease, period values that are not positive (latency and
 *   relative metrics are judged on logs), or counts that are not events out of trials.
 */
export function judgeMetric(metric: JudgedMetric, data: MetricData, opts: JudgeOptions): MetricVerdict {
  if (!(metric.maxIncrease >= 0))
    throw new RangeError(`${metric.name}: maxIncrease ${metric.maxIncrease} is not >= 0`);
  const critical = metric.critical ?? false;
  const higher = metric.direction === 'higher';
  if (data.kind === 'periods') {
    const n = { champion: data.champion.length, challenger: data.challenger.length };
    const limit = higher ? -metric.maxIncrease : metric.maxIncrease;
    const base: MetricVerdict = {
      metric: metric.name,
      status: 'inconclusive',
      reason: '',
      limit,
      n,
      critical,
    };
    if (Math.min(n.champion, n.challenger) < opts.minSamples)
      return {
        ...base,
        reason: `${n.champion} champion and ${n.challenger} challenger datapoints, fewer than min-samples ${opts.minSamples}: not judged`,
      };
    for (const [w, xs] of [
      ['champion', data.champion],
      ['challenger', data.challenger],
    ] as const)
      for (const v of xs)
        if (!(v > 0 && Number.isFinite(v)))
          throw new RangeError(`${metric.name}: a ${w} datapoint ${v} is not a positive number`);
    const x = data.champion.map(Math.log);
    const y = data.challenger.map(Math.log);
    if (data.paired && x.length !== y.length)
      throw new RangeError(
        `${metric.name}: paired datapoints of unequal counts (${x.length} and ${y.length})`,
      );
    const d = data.paired ? y.map((v, i) => v - x[i]!) : [];
    // Paired: n periods; two samples: m n / (m + n), the information of a two-sample comparison.
    const information = data.paired ? d.length : (x.length * y.length) / (x.length + y.length);
    const boundary = mixtureBoundary(information, opts.planned, opts.alpha);
    const hl = data.paired
      ? hodgesLehmannPaired(d, { critical: boundary })
      : hodgesLehmann(x, y, { critical: boundary });
    const alt = higher ? 'less' : 'greater';
    const rel = (s: number) => Math.expm1(s);
    const v: MetricVerdict = {
      ...base,
      estimate: rel(hl.estimate),
      low: rel(hl.low),
      high: rel(hl.high),
      boundary,
      information,
      pValue: data.paired
        ? d.every((e) => e === 0)
          ? 1
          : wilcoxonSignedRank(d, alt).pValue
        : mannWhitneyU(y, x, alt).pValue,
      test: data.paired ? 'wilcoxon-signed-rank' : 'mann-whitney',
    };
    const slo = sloBreach(metric, median(data.challenger), (s) => s.toPrecision(4));
    if (slo) return { ...v, status: 'fail', reason: slo };
    return decide(v, higher, pct);
  }
  const { champion: c, challenger: h } = data;
  const n = { champion: c.trials, challenger: h.trials };
  const limit = higher ? -metric.maxIncrease : metric.maxIncrease;
  const base: MetricVerdict = { metric: metric.name, status: 'inconclusive', reason: '', limit, n, critical };
  if (Math.min(c.trials, h.trials) < opts.minSamples)
    return {
      ...base,
      reason: `${c.trials} champion and ${h.trials} challenger invocations, fewer than min-samples ${opts.minSamples}: not judged`,
    };
  const information = (c.trials * h.trials) / (c.trials + h.trials);
  const boundary = mixtureBoundary(information, opts.planned, opts.alpha);
  const d = proportionDifference(h.events, h.trials, c.events, c.trials, { critical: boundary });
  const v: MetricVerdict = {
    ...base,
    estimate: d.estimate,
    low: d.low,
    high: d.high,
    boundary,
    information,
    pValue: d.pValue,
    test: 'two-proportion-z',
  };
  const slo = sloBreach(metric, d.p1, pct);
  if (slo) return { ...v, status: 'fail', reason: slo };
  return decide(v, higher, metric.kind === 'error-rate' ? pp : pct);
}

function decide(v: MetricVerdict, higher: boolean, show: (x: number) => string): MetricVerdict {
  const { low, high, limit, estimate } = v as Required<
    Pick<MetricVerdict, 'low' | 'high' | 'limit' | 'estimate'>
  >;
  const iv = `[${show(low)}, ${show(high)}]`;
  // Worse is up for lower-is-better metrics, down for higher-is-better ones: fail when the
  // challenger is worse than the champion beyond doubt (the interval excludes 0) and worse than
  // allowed on the estimate; pass when the whole interval is within the allowed degradation.
  const worse = higher ? high < 0 && estimate < limit : low > 0 && estimate > limit;
  const within = higher ? low > limit : high < limit;
  if (worse)
    return {
      ...v,
      status: 'fail',
      reason: `Δ ${show(estimate)} ${iv} is worse than the champion beyond doubt and than the allowed ${show(limit)}`,
    };
  if (within)
    return {
      ...v,
      status: 'pass',
      reason: `Δ ${show(estimate)} ${iv} is entirely within the allowed ${show(limit)}`,
    };
  return {
    ...v,
    status: 'inconclusive',
    reason: `Δ ${show(estimate)} ${iv} still straddles the allowed ${show(limit)}`,
  };
}

function sloBreach(metric: JudgedMetric, value: number, show: (x: number) => string): string | undefined {
  if (metric.max === undefined) return undefined;
  const higher = metric.direction === 'higher';
  const breach = higher ? value < metric.max : value > metric.max;
  return breach
    ? `the challenger's ${metric.name} ${show(value)} is ${higher ? 'below' : 'above'} its absolute limit ${show(metric.max)}`
    : undefined;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length;
  return k % 2 ? s[(k - 1) / 2]! : (s[k / 2 - 1]! + s[k / 2]!) / 2;
}

/** What {@link combine} decides for a look of a step. */
export interface LookDecision {
  /** fail: a metric is worse than allowed; pass: all within tolerance and the bake is over. */
  decision: 'fail' | 'pass' | 'continue';
  /** A critical metric failed: roll back at once, whatever `on-fail` says. */
  critical: boolean;
  reason: string;
}

/**
 * The step's decision at a look from its metrics' verdicts: fail when any metric fails (a fail is
 * valid at any look, so it is not waited on; `critical` says whether a critical metric failed);
 * pass when every metric passes and the bake is over (`bakeDone`); else continue (bake on, or
 * extend). Never a pass with an inconclusive metric, and never a pass with no metrics.
 */
export function combine(verdicts: readonly MetricVerdict[], bakeDone: boolean): LookDecision {
  const failed = verdicts.filter((v) => v.status === 'fail');
  if (failed.length > 0) {
    const critical = failed.some((v) => v.critical);
    const list = (critical ? failed.filter((v) => v.critical) : failed).map(
      (v) => `${v.metric}: ${v.reason}`,
    );
    return { decision: 'fail', critical, reason: `${critical ? 'critical ' : ''}${list.join('; ')}` };
  }
  const open = verdicts.filter((v) => v.status !== 'pass');
  if (verdicts.length === 0) return { decision: 'continue', critical: false, reason: 'no metrics to judge' };
  if (open.length === 0)
    return bakeDone
      ? { decision: 'pass', critical: false, reason: 'every metric is within its allowed degradation' }
      : {
          decision: 'continue',
          critical: false,
          reason: 'every metric is within tolerance so far; the bake goes on',
        };
  return {
    decision: 'continue',
    critical: false,
    reason: open.map((v) => `${v.metric}: ${v.reason}`).join('; '),
  };
}

/**
 * The fewest paired periods for which the latency judge's signed-rank interval is finite at error
 * probability `alpha` (the boundary tightest at that many periods): fewer, and the interval is
 * (−∞, ∞), so a period metric can never pass or fail. 13 at α = 0.05, 17 at α = 0.0125.
 * @throws RangeError unless 0 < alpha < 1.
 */
export function minimumPairedPeriods(alpha: number): number {
  for (let n = 2; ; n++) {
    const c = mixtureBoundary(n, n, alpha);
    if (Math.floor((n * (n + 1)) / 4 - c * Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24)) >= 1) return n;
  }
}
