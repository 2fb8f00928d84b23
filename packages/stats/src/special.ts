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

/**
 * Complementary error function erfc(x) (scipy.special.erfc): Q(1/2, x²) with {@link gammaQ} for
 * x >= 0, and 2 - erfc(-x) below.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  return gammaQ(0.5, x * x);
}

/** Standard normal CDF Φ(x) (scipy.special.ndtr). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

const ACKLAM_A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const ACKLAM_B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
];
const ACKLAM_C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/**
 * Standard normal quantile Φ⁻¹(p) (scipy.special.ndtri): Acklam's rational approximation
 * (relative error 1.2e-9) refined by one Halley step on {@link normalCdf}. -∞ at 0, ∞ at 1, NaN
 * outside [0, 1].
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = ACKLAM_B as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = ACKLAM_D as [number, number, number, number];
  const plow = 0.02425;
  let x: number;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else if (p <= 1 - plow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
      (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x =
      -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  // One Halley step; the tail uses the upper CDF to keep relative accuracy.
  const e = x < 0 ? normalCdf(x) - p : 1 - p - normalCdf(-x);
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
