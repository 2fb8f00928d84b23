/**
 * Anytime-valid confidence sequences from Robbins' normal mixture (Robbins 1970, "Statistical
 * methods related to the law of the iterated logarithm", Ann. Math. Statist. 41(5); in the form of
 * Howard, Ramdas, McAuliffe & Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic confidence
 * sequences", Ann. Statist. 49(2), §3.1 and Table 1).
 *
 * For a sum S_V of increments with variance process V (the information), mixing the exponential
 * martingale exp(λ S − λ² V / 2) over λ ~ N(0, 1/ρ) gives the martingale
 *   M_V = sqrt(ρ / (ρ + V)) exp(S² / (2 (ρ + V))),
 * and Ville's inequality bounds P(M_V ≥ 1/α at ANY V) by α. So |S_V| < sqrt((V + ρ) ln((V + ρ) /
 * (ρ α²))) holds at every look at once with probability ≥ 1 − α, however often one looks and
 * whenever one stops. Written for the standardised statistic Z = S / sqrt(V), the boundary is
 *   b(V) = sqrt((1 + ρ/V) ln((1 + V/ρ) / α²)).
 * For a statistic that is asymptotically normal with information V (a rank statistic, a difference
 * of rates), b(V) replaces the fixed-sample quantile z_(1−α/2): the interval estimate ± b SE is
 * then (asymptotically) valid at every look. The price is a wider interval at any one look.
 *
 * ρ tunes where the boundary is tightest: b depends on V only through r = ρ/V, and
 * (1 + r) ln((1 + r)/(r α²)) has one minimum r*(α); taking ρ = r* V_plan makes the boundary
 * tightest at the planned information V_plan (e.g. after three judging intervals).
 */

const cache = new Map<number, number>();

/**
 * The ratio r* = ρ / V at which the normal-mixture boundary of level α is tightest (minimising
 * (1 + r) ln((1 + r) / (r α²)) by golden-section search on ln r).
 * @throws RangeError unless 0 < alpha < 1.
 */
export function mixtureOptimalRatio(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha ${alpha} is not between 0 and 1 (exclusive)`);
  const hit = cache.get(alpha);
  if (hit !== undefined) return hit;
  const f = (lr: number) => {
    const r = Math.exp(lr);
    return (1 + r) * Math.log((1 + r) / (r * alpha * alpha));
  };
  let a = -20;
  let b = 5;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  for (let i = 0; i < 200; i++) {
    if (f(c) < f(d)) b = d;
    else a = c;
    c = b - g * (b - a);
    d = a + g * (b - a);
  }
  const r = Math.exp((a + b) / 2);
  cache.set(alpha, r);
  return r;
}

/**
 * The two-sided normal-mixture boundary for a standardised statistic at information `v`, with the
 * mixture tuned to be tightest at information `planned` (same unit as v): the critical value that
 * replaces z_(1−α/2) so that the intervals estimate ± b(v) SE hold at every look at once with
 * probability ≥ 1 − α (Robbins 1970; Howard et al. 2021). At v = planned and α = 0.05, b = 3.04
 * (z = 1.96 for one look); b grows like sqrt(ln v) as v → ∞.
 *
 * @param v information so far (> 0), e.g. observations, or m n / (m + n) for two samples.
 * @param planned information at which the boundary should be tightest (> 0).
 * @param alpha total error probability over all looks, in (0, 1).
 * @throws RangeError on v or planned not positive and finite, or alpha outside (0, 1).
 */
export function mixtureBoundary(v: number, planned: number, alpha: number): number {
  if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`information ${v} is not a positive number`);
  if (!(planned > 0 && Number.isFinite(planned)))
    throw new RangeError(`planned information ${planned} is not a positive number`);
  const rho = mixtureOptimalRatio(alpha) * planned;
  return Math.sqrt((1 + rho / v) * Math.log((1 + v / rho) / (alpha * alpha)));
}
