/**
 * The shadow judge: how far a shadow challenger's answers diverge from the champion's on the same
 * requests (the recorded pairs), against the allowed divergence, with the same anytime-valid
 * boundary as the metrics (packages/stats/src/sequential.ts) in place of the normal quantile:
 *   - label difference: the share of pairs whose answers differ (after JSON normalisation), with
 *     Wilson's score interval (Wilson 1927; statsmodels `proportion_confint(method='wilson')`);
 *   - mean absolute difference of numeric answers (or of one field of a JSON answer): the mean
 *     with the normal interval mean ± b · sd / √n.
 * pass when the whole interval is within the allowed maximum; fail when all of it is above;
 * inconclusive otherwise and with fewer than `minPairs` pairs.
 */
import { mixtureBoundary, wilsonInterval } from '@modelship/stats';
import type { MetricVerdict } from './judge.js';

/** One request's two answers: the shadow challenger's and the champion's (production) body. */
export interface ShadowPair {
  challenger: string;
  champion: string;
  challengerStatus: number;
  championStatus: number;
}

/**
 * What a backend read of the shadow answers in a window: the pairs, and what could not be paired
 * (a request one variant answered and the other did not record) or decoded, for the report.
 */
export interface ShadowRead {
  pairs: ShadowPair[];
  /** Records of one side with no record of the same request on the other. */
  unpaired?: { champion: number; challenger: number };
  /** Records or outputs that could not be read (not JSON, no id, an unknown encoding, binary). */
  undecodable?: number;
}

/** The pairs' summary the divergence judge takes (and the audit records). */
export interface ShadowSummary {
  pairs: number;
  differing: number;
  absoluteDifferences: number[];
  /** Pairs whose answers lack the compared field. */
  missing?: number;
  unpaired?: { champion: number; challenger: number };
  undecodable?: number;
}

export type DivergenceVerdict = MetricVerdict;

/** Fewest pairs before a divergence is judged. */
export const MIN_PAIRS = 30;

/**
 * Judge the divergence of one look (pure).
 * @param summary pairs seen, how many differ, and the absolute differences of numeric answers.
 * @param planned the planned information per check (pairs at the end of the bake), in order
 *   label difference, mean absolute difference; the metrics' entries come first and are skipped.
 */
export function judgeDivergence(
  limits: { maxLabelDifference?: number; maxMeanAbsoluteDifference?: number },
  summary: Readonly<ShadowSummary>,
  alpha: number,
  planned: readonly number[],
): DivergenceVerdict[] {
  const out: DivergenceVerdict[] = [];
  const plan = planned.at(-1) ?? summary.pairs;
  const n = summary.pairs;
  if (limits.maxLabelDifference !== undefined) {
    const limit = limits.maxLabelDifference;
    const base = {
      metric: 'shadow label difference',
      limit,
      n: { champion: n, challenger: n },
      critical: false,
    };
    if (n < MIN_PAIRS)
      out.push({
        ...base,
        status: 'inconclusive',
        reason: `${n} comparable shadow pairs, fewer than ${MIN_PAIRS}: not judged${left(summary)}`,
      });
    else {
      const b = mixtureBoundary(n, Math.max(plan, 1), alpha);
      const [low, high] = wilsonInterval(summary.differing, n, b);
      const estimate = summary.differing / n;
      const iv = `${pct(estimate)} [${pct(low)}, ${pct(high)}]`;
      out.push({
        ...base,
        estimate,
        low,
        high,
        boundary: b,
        information: n,
        status: low > limit ? 'fail' : high <= limit ? 'pass' : 'inconclusive',
        reason:
          low > limit
            ? `${iv} of answers differ from the champion's, more than the allowed ${pct(limit)}`
            : high <= limit
              ? `${iv} of answers differ, within the allowed ${pct(limit)}`
              : `${iv} of answers differ, still straddling the allowed ${pct(limit)}`,
      });
    }
  }
  if (limits.maxMeanAbsoluteDifference !== undefined) {
    const limit = limits.maxMeanAbsoluteDifference;
    const d = summary.absoluteDifferences;
    const k = d.length;
    const base = {
      metric: 'shadow mean absolute difference',
      limit,
      n: { champion: k, challenger: k },
      critical: false,
    };
    if (k < MIN_PAIRS)
      out.push({
        ...base,
        status: 'inconclusive',
        reason: `${k} shadow pairs with numeric answers, fewer than ${MIN_PAIRS}: not judged${left(summary)}`,
      });
    else {
      const mean = d.reduce((a, b) => a + b, 0) / k;
      const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1));
      const b = mixtureBoundary(k, Math.max(plan, 1), alpha);
      const low = Math.max(0, mean - (b * sd) / Math.sqrt(k));
      const high = mean + (b * sd) / Math.sqrt(k);
      const iv = `${mean.toPrecision(4)} [${low.toPrecision(4)}, ${high.toPrecision(4)}]`;
      out.push({
        ...base,
        estimate: mean,
        low,
        high,
        boundary: b,
        information: k,
        status: low > limit ? 'fail' : high <= limit ? 'pass' : 'inconclusive',
        reason:
          low > limit
            ? `mean absolute difference ${iv}, more than the allowed ${limit}`
            : high <= limit
              ? `mean absolute difference ${iv}, within the allowed ${limit}`
              : `mean absolute difference ${iv}, still straddling the allowed ${limit}`,
      });
    }
  }
  return out;
}

/** What was left out of the pairs, for an inconclusive reason: ` (3 pair(s) lack …; 5 unpaired …)`. */
function left(s: Readonly<ShadowSummary>): string {
  const parts: string[] = [];
  if (s.missing) parts.push(`${s.missing} pair(s) lack the compared field`);
  if (s.unpaired && (s.unpaired.champion || s.unpaired.challenger))
    parts.push(`${s.unpaired.challenger} shadow and ${s.unpaired.champion} production record(s) unpaired`);
  if (s.undecodable) parts.push(`${s.undecodable} record(s) undecodable`);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
