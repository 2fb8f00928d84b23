/**
 * Seeded random numbers for the resampling statistics: the xoshiro128** generator (Blackman &
 * Vigna 2018) seeded through splitmix32, uniform doubles with 53 random bits, and exact binomial
 * variates (inversion for small means, BTPE of Kachitvichyanukul & Schmeiser 1988 otherwise, the
 * split numpy uses).
 */

/** A uint32 seed drawn from Math.random, for callers that give none (record it to reproduce). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 4294967296) >>> 0;
}

/** xoshiro128**: 128 bits of state, period 2^128 - 1, 32-bit outputs. */
export class Xoshiro128 {
  s0: number;
  s1: number;
  s2: number;
  s3: number;

  /** @param seed any number; its low 32 bits seed the state through splitmix32. */
  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * The generator of stream `stream` (a uint32) of `seed`: the state of `new Xoshiro128(seed)`,
   * each word XOR-ed with a splitmix32 hash of (stream, word index); stream 0 is that generator.
   * For parallel work that must not depend on how it is shared out: stream j for chunk j.
   */
  static stream(seed: number, stream: number): Xoshiro128 {
    const g = new Xoshiro128(seed);
    const j = stream >>> 0;
    if (j === 0) return g;
    const h = (i: number): number => {
      let z = (Math.imul(j, 0x9e3779b9) + Math.imul(i + 1, 0x632be5ab)) | 0;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    g.s0 ^= h(0);
    g.s1 ^= h(1);
    g.s2 ^= h(2);
    g.s3 ^= h(3);
    if ((g.s0 | g.s1 | g.s2 | g.s3) === 0) g.s0 = 1;
    return g;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextU32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, m) for 0 < m <= 2^32 (rejection, exact). */
  nextBelow(m: number): number {
    if ((m & (m - 1)) === 0 && m <= 1073741824) return this.nextU32() & (m - 1);
    const limit = 4294967296 - (4294967296 % m);
    for (;;) {
      const r = this.nextU32();
      if (r < limit) return r % m;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * An exact Binomial(n, p) variate, n a non-negative integer and p in [0, 1]: inversion by
 * sequential search when min(p, 1 - p) n <= 30, else the BTPE acceptance–rejection algorithm
 * (Kachitvichyanukul & Schmeiser 1988, Comm. ACM 31(2)).
 */
export function binomial(rng: Xoshiro128, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const flip = p > 0.5;
  const r = flip ? 1 - p : p;
  const y = r * n <= 30 ? binomialInversion(rng, n, r) : binomialBtpe(rng, n, r);
  return flip ? n - y : y;
}

function binomialInversion(rng: Xoshiro128, n: number, p: number): number {
  const q = 1 - p;
  const q0 = Math.exp(n * Math.log1p(-p));
  const np = n * p;
  const bound = Math.min(n, Math.floor(np + 10 * Math.sqrt(np * q + 1)));
  for (;;) {
    let x = 0;
    let px = q0;
    let u = rng.nextDouble();
    while (u > px) {
      x++;
      if (x > bound) break;
      u -= px;
      px = ((n - x + 1) * p * px) / (x * q);
    }
    if (x <= bound) return x;
  }
}

/** Stirling-series correction terms of ln k! used by BTPE's final acceptance test. */
function stirlingTail(x: number): number {
  const x2 = x * x;
  return (13860 - (462 - (132 - (99 - 140 / x2) / x2) / x2) / x2) / x / 166320;
}

function binomialBtpe(rng: Xoshiro128, n: number, p: number): number {
  const q = 1 - p;
  const nrq = n * p * q;
  const fm = n * p + p;
  const m = Math.floor(fm);
  const p1 = Math.floor(2.195 * Math.sqrt(nrq) - 4.6 * q) + 0.5;
  const xm = m + 0.5;
  const xl = xm - p1;
  const xr = xm + p1;
  const c = 0.134 + 20.5 / (15.3 + m);
  let a = (fm - xl) / (fm - xl * p);
  const laml = a * (1 + a / 2);
  a = (xr - fm) / (xr * q);
  const lamr = a * (1 + a / 2);
  const p2 = p1 * (1 + 2 * c);
  const p3 = p2 + c / laml;
  const p4 = p3 + c / lamr;
  for (;;) {
    const u = rng.nextDouble() * p4;
    let v = rng.nextDouble();
    let y: number;
    if (u <= p1) {
      // Triangular region: accept at once.
      return Math.floor(xm - p1 * v + u);
    } else if (u <= p2) {
      // Parallelograms.
      const x = xl + (u - p1) / c;
      v = v * c + 1 - Math.abs(m - x + 0.5) / p1;
      if (v > 1) continue;
      y = Math.floor(x);
    } else if (u <= p3) {
      // Left exponential tail.
      if (v === 0) continue;
      y = Math.floor(xl + Math.log(v) / laml);
      if (y < 0) continue;
      v = v * (u - p2) * laml;
    } else {
      // Right exponential tail.
      if (v === 0) continue;
      y = Math.floor(xr - Math.log(v) / lamr);
      if (y > n) continue;
      v = v * (u - p3) * lamr;
    }
    const k = Math.abs(y - m);
    if (k <= 20 || k >= nrq / 2 - 1) {
      // Explicit evaluation of f(y) / f(m) by the recurrence.
      const s = p / q;
      const aa = s * (n + 1);
      let f = 1;
      if (m < y) for (let i = m + 1; i <= y; i++) f *= aa / i - s;
      else if (m > y) for (let i = y + 1; i <= m; i++) f /= aa / i - s;
      if (v <= f) return y;
      continue;
    }
    // Squeeze on ln v, then the final test with Stirling's formula.
    const rho = (k / nrq) * ((k * (k / 3 + 0.625) + 1 / 6) / nrq + 0.5);
    const t = (-k * k) / (2 * nrq);
    const lv = Math.log(v);
    if (lv < t - rho) return y;
    if (lv > t + rho) continue;
    const x1 = y + 1;
    const f1 = m + 1;
    const z = n + 1 - m;
    const w = n - y + 1;
    const bound =
      xm * Math.log(f1 / x1) +
      (n - m + 0.5) * Math.log(z / w) +
      (y - m) * Math.log((w * p) / (x1 * q)) +
      stirlingTail(f1) +
      stirlingTail(z) +
      stirlingTail(x1) +
      stirlingTail(w);
    if (lv <= bound) return y;
  }
}

/**
 * Counts of a Multinomial(n, probs) draw by sequential conditional binomials: count_k ~
 * Binomial(n - drawn, p_k / (1 - p_1 - ... - p_{k-1})). `probs` need not sum to 1 (they are
 * normalised). Exact; O(k) binomial variates.
 */
export function multinomial(
  rng: Xoshiro128,
  n: number,
  probs: ArrayLike<number>,
  out: Int32Array,
): Int32Array {
  let rest = 0;
  for (let k = 0; k < probs.length; k++) rest += probs[k]!;
  let left = n;
  for (let k = 0; k < probs.length; k++) {
    const pk = probs[k]!;
    if (left === 0 || pk <= 0) {
      out[k] = 0;
    } else if (k === probs.length - 1 || pk >= rest) {
      out[k] = left;
      left = 0;
    } else {
      const c = binomial(rng, left, pk / rest);
      out[k] = c;
      left -= c;
    }
    rest -= pk;
  }
  return out;
}
