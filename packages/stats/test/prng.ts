/**
 * Seeded random numbers for the statistics tests: mulberry32 and Box–Muller normals. The same
 * generator is written in scripts/reference/drift_reference.py, so a sample spec gives the same
 * values in both languages.
 */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (consumes two uniforms; the sine half is dropped to keep it simple). */
export function normal(rand: () => number): number {
  const u1 = rand();
  const u2 = rand();
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

export type SampleSpec =
  | { dist: 'normal'; seed: number; n: number; mean: number; sd: number }
  | { dist: 'lognormal'; seed: number; n: number; mu: number; sigma: number }
  | { dist: 'uniform-int'; seed: number; n: number; lo: number; hi: number };

/** Mirror of sample() in drift_reference.py. */
export function sample(spec: SampleSpec): number[] {
  const rand = mulberry32(spec.seed);
  const out: number[] = [];
  for (let i = 0; i < spec.n; i++) {
    switch (spec.dist) {
      case 'normal':
        out.push(spec.mean + spec.sd * normal(rand));
        break;
      case 'lognormal':
        out.push(Math.exp(spec.mu + spec.sigma * normal(rand)));
        break;
      case 'uniform-int':
        out.push(spec.lo + Math.floor(rand() * (spec.hi - spec.lo + 1)));
        break;
    }
  }
  return out;
}

/** Draw a category with the given weights (need not sum to 1). */
export function categorical(
  rand: () => number,
  labels: readonly string[],
  weights: readonly number[],
): string {
  let total = 0;
  for (const w of weights) total += w;
  let u = rand() * total;
  for (let i = 0; i < labels.length; i++) {
    u -= weights[i]!;
    if (u < 0) return labels[i]!;
  }
  return labels[labels.length - 1]!;
}
