/**
 * The bootstrap's chunked streams: resample values that do not depend on how the chunks are shared
 * out, and the multi-column resampling loops drawing the same rows as the one-column loop.
 */
import { describe, expect, it } from '@jest/globals';

import {
  BOOTSTRAP_CHUNK,
  drawChunks,
  intervalFromDraws,
  pairedBootstrap,
  planBootstrap,
  resampleSum1,
  resampleSums,
} from '../src/paired.js';
import { Xoshiro128 } from '../src/random.js';
import { mulberry32, normal } from './prng.js';

function data(seed: number, n: number) {
  const r = mulberry32(seed);
  const label = Float64Array.from({ length: n }, () => 10 + 2 * normal(r));
  const a = label.map((y) => y + normal(r));
  const b = label.map((y) => y + 1.1 * normal(r));
  return { label, a, b };
}

describe('Xoshiro128.stream', () => {
  const take = (g: Xoshiro128, k: number) => Array.from({ length: k }, () => g.nextU32());

  it('stream 0 is the seed generator; other streams, and other seeds, differ', () => {
    expect(take(Xoshiro128.stream(42, 0), 8)).toEqual(take(new Xoshiro128(42), 8));
    const seen = new Set<string>();
    for (const seed of [42, 43])
      for (let j = 0; j < 50; j++) seen.add(take(Xoshiro128.stream(seed, j), 4).join(','));
    expect(seen.size).toBe(100);
  });
});

describe('chunked resampling', () => {
  const { label, a, b } = data(5, 3000);
  const cand = { label, prediction: a };
  const champ = { label, prediction: b };

  it.each(['mae', 'rmse', 'r2'] as const)(
    '%s: chunks drawn in any order or grouping give the one-thread interval bit for bit',
    (metric) => {
      const opts = { resamples: 300, seed: 11 };
      const plan = planBootstrap(metric, cand, champ, opts);
      const chunks = Math.ceil(300 / BOOTSTRAP_CHUNK);
      // Dealt to three "threads" round-robin, drawn in reverse, put back in order.
      const all = new Float64Array(300);
      for (let w = 2; w >= 0; w--) {
        const mine = [];
        for (let j = w; j < chunks; j += 3) mine.push(j);
        mine.reverse();
        const draws = drawChunks(plan, mine);
        let at = 0;
        for (const j of mine) {
          const size = Math.min(BOOTSTRAP_CHUNK, 300 - j * BOOTSTRAP_CHUNK);
          all.set(draws.subarray(at, at + size), j * BOOTSTRAP_CHUNK);
          at += size;
        }
      }
      expect(intervalFromDraws(plan, all)).toEqual(pairedBootstrap(metric, cand, champ, opts));
    },
  );

  it('the first chunk of a longer run is the first chunk of a shorter one', () => {
    const short = planBootstrap('mae', cand, champ, { resamples: 64, seed: 3 });
    const long = planBootstrap('mae', cand, champ, { resamples: 2000, seed: 3 });
    expect(drawChunks(long, [0])).toEqual(drawChunks(short, [0]));
    expect(drawChunks(long, [1])).not.toEqual(drawChunks(long, [0]));
  });

  it('refuses a chunk outside the resamples and draws of the wrong length', () => {
    const plan = planBootstrap('mae', cand, champ, { resamples: 100, seed: 3 });
    expect(() => drawChunks(plan, [2])).toThrow(/chunk 2 is outside the 100 resamples/);
    expect(() => drawChunks(plan, [-1])).toThrow(RangeError);
    expect(() => intervalFromDraws(plan, new Float64Array(99))).toThrow(/99 bootstrap values for 100/);
  });
});

describe('multi-column resampling', () => {
  it.each([2, 4])('k = %i: each column sums the rows the one-column loop draws', (k) => {
    // 2,500 rows: two full blocks of 1,024 and a partial one.
    const n = 2500;
    const r = mulberry32(k);
    const cols = Array.from({ length: k }, () => Float64Array.from({ length: n }, () => normal(r)));
    const x = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) x[i * k + j] = cols[j]![i]!;
    for (const seed of [1, 2, 3]) {
      const out = new Float64Array(k);
      resampleSums(new Xoshiro128(seed), x, k, out);
      for (let j = 0; j < k; j++) expect(out[j]).toBe(resampleSum1(new Xoshiro128(seed), cols[j]!));
    }
    expect(() => resampleSums(new Xoshiro128(1), x, 3, new Float64Array(3))).toThrow(/k = 3/);
  });
});
