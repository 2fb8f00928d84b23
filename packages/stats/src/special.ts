/**
 * Special functions behind the p-values of the tests (the names of scipy.special in brackets):
 * ln Γ (`gammaln`), the regularized upper incomplete gamma function (`gammaincc`) and the survival
 * function of the Kolmogorov distribution (`kolmogorov`).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * ln Γ(x) for x > 0 (scipy.special.gammaln). Lanczos' approximation with g = 7 and nine
 * coefficients, and the reflection formula Γ(x) Γ(1 - x) = π / sin(π x) below 0.5.
 */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), in [0, 1]
 * (scipy.special.gammaincc). Below x = a + 1 it sums the series of P(a, x) = 1 - Q(a, x); above, it
 * evaluates Q's continued fraction by the modified Lentz method (Press et al., Numerical Recipes,
 * section 6.2). Q(a, 0) = 1 and Q(a, ∞) = 0; NaN unless a > 0 and x >= 0.
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (!Number.isFinite(x)) return 0;
  const lnPre = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    // Series for P(a, x).
    let ap = a;
    let del = 1 / a;
    let s = del;
    for (let n = 0; n < 100000; n++) {
      ap += 1;
      del *= x / ap;
      s += del;
      if (Math.abs(del) < Math.abs(s) * 1e-16) break;
    }
    return Math.min(1, Math.max(0, 1 - s * Math.exp(lnPre)));
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.min(1, Math.max(0, Math.exp(lnPre) * h));
}

/**
 * Survival function of the Kolmogorov distribution, P(K > x) in [0, 1] (scipy.special.kolmogorov),
 * the limit law of sqrt(n) D_n (Kolmogorov 1933). Below x = 1.18 it uses the Jacobi theta form of the
 * CDF, sqrt(2π) / x Σ_{j odd} exp(-j² π² / (8 x²)); above, the alternating series
 * 2 Σ_{j >= 1} (-1)^(j-1) exp(-2 j² x²). Returns 1 for x <= 0 (and NaN).
 */
export function kolmogorovSurvival(x: number): number {
  if (!(x > 0)) return 1;
  if (x < 1.18) {
    // Jacobi theta form of the CDF, fast for small x.
    const w = Math.sqrt(2 * Math.PI) / x;
    const t = -(Math.PI * Math.PI) / (8 * x * x);
    let s = 0;
    for (let j = 1; j < 50; j += 2) {
      const term = Math.exp(t * j * j);
      s += term;
      if (term < 1e-17 * s) break;
    }
    return Math.min(1, Math.max(0, 1 - w * s));
  }
  let s = 0;
  for (let j = 1; j < 100; j++) {
    const term = Math.exp(-2 * j * j * x * x);
    s += j % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}
