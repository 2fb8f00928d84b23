/**
 * The difference of two proportions (e.g. error rates of two endpoint variants: errors out of
 * invocations): the interval of statsmodels' `confint_proportions_2indep(compare='diff')` with
 * method 'agresti-caffo' (default: one event and one non-event added to each sample, Agresti &
 * Caffo 2000, Am. Stat. 54(4); never a zero-width interval when no errors were seen) or 'wald',
 * and the Wald z test of `test_proportions_2indep(method='wald')`.
 */
import { normalCdf, normalQuantile } from './special.js';

/** What {@link proportionDifference} returns: p1 − p2 with its Wald standard error. */
export interface ProportionDifference {
  estimate: number;
  p1: number;
  p2: number;
  standardError: number;
  /** estimate / standardError (NaN when the standard error is 0). */
  z: number;
  /** Two-sided p-value of p1 = p2 (1 when the standard error is 0). */
  pValue: number;
  low: number;
  high: number;
  /** The critical value of [low, high]: the normal quantile, or a confidence sequence's boundary. */
  critical: number;
  /** The standard error of the interval (Agresti–Caffo's, from the adjusted counts, or Wald's). */
  intervalStandardError: number;
  method: 'agresti-caffo' | 'wald';
}

/**
 * p1 − p2 for x1 events out of n1 trials and x2 out of n2, with the unpooled Wald standard error
 * sqrt(p1 (1 − p1) / n1 + p2 (1 − p2) / n2), its z statistic and two-sided p-value, and the
 * interval d ± c SE', c the normal quantile of `confidence` or `critical` when given; for
 * 'agresti-caffo' d and SE' come from the counts x + 1 of n + 2, for 'wald' they are p1 − p2 and SE.
 * @throws RangeError when counts are not integers with 0 ≤ x ≤ n and n ≥ 1.
 */
export function proportionDifference(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  opts: { confidence?: number; critical?: number; method?: 'agresti-caffo' | 'wald' } = {},
): ProportionDifference {
  for (const [x, n, w] of [
    [x1, n1, 'first'],
    [x2, n2, 'second'],
  ] as const)
    if (!Number.isInteger(x) || !Number.isInteger(n) || n < 1 || x < 0 || x > n)
      throw new RangeError(
        `the ${w} sample's counts ${x} of ${n} are not integers with 0 ≤ events ≤ trials, trials ≥ 1`,
      );
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence ${confidence} is not between 0 and 1 (exclusive)`);
  const c = opts.critical ?? normalQuantile(1 - (1 - confidence) / 2);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const estimate = p1 - p2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const z = se > 0 ? estimate / se : NaN;
  const method = opts.method ?? 'agresti-caffo';
  const add = method === 'agresti-caffo' ? 1 : 0;
  const q1 = (x1 + add) / (n1 + 2 * add);
  const q2 = (x2 + add) / (n2 + 2 * add);
  const centre = q1 - q2;
  const ise = Math.sqrt((q1 * (1 - q1)) / (n1 + 2 * add) + (q2 * (1 - q2)) / (n2 + 2 * add));
  return {
    estimate,
    p1,
    p2,
    standardError: se,
    z,
    pValue: se > 0 ? 2 * normalCdf(-Math.abs(z)) : 1,
    low: centre - c * ise,
    high: centre + c * ise,
    critical: c,
    intervalStandardError: ise,
    method,
  };
}
