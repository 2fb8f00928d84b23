/**
 * The WebAssembly kernel of the bootstrap of means (gather.wat): its resampled sums equal the JS
 * loops' (resampleSum1, resampleSums) bit for bit on the same streams, for every metric that uses
 * it, and the JS loops take over, with the same answer, where WebAssembly is not available.
 */
import { afterEach, describe, expect, it } from '@jest/globals';

import { GATHER_LANES, wasmGather } from '../src/gather.js';
import { drawChunks, pairedBootstrap, planBootstrap, resampleSum1, resampleSums } from '../src/paired.js';
import { Xoshiro128 } from '../src/random.js';
import { mulberry32, normal } from './prng.js';

// The global as a property bag (the ES2023 library does not declare WebAssembly).
const global = globalThis as { WebAssembly?: unknown };
const realWasm = global.WebAssembly;
function withoutWasm<T>(run: () => T): T {
  global.WebAssembly = undefined;
  try {
    return run();
  } finally {
    global.WebAssembly = realWasm;
  }
}
afterEach(() => {
  global.WebAssembly = realWasm;
});

function values(seed: number, n: number): Float64Array {
  const r = mulberry32(seed);
  return Float64Array.from({ length: n }, () => normal(r) * 3 + 0.25);
}

describe('wasmGather', () => {
  // One block exactly (no binomial), a short last block, several whole blocks; 1, 2, 4 columns.
  it.each([1024, 5000, 8192].flatMap((n) => [1, 2, 4].map((k) => [n, k])))(
    '%i rows, %i columns: the sums of 1 to 4 streams equal the JS loop bit for bit',
    (n, k) => {
      const x = values(n + k, n * k);
      const kernel = wasmGather(x, k)!;
      expect(kernel).toBeDefined();
      const out = new Float64Array(GATHER_LANES * k);
      const want = new Float64Array(k);
      for (let lanes = 1; lanes <= GATHER_LANES; lanes++) {
        const wasm = Array.from({ length: lanes }, (_, j) => Xoshiro128.stream(99, j + 10 * lanes));
        const js = Array.from({ length: lanes }, (_, j) => Xoshiro128.stream(99, j + 10 * lanes));
        // Consecutive resamples: each stream goes on where the previous resample left it.
        for (let b = 0; b < 4; b++) {
          kernel.sums(wasm, out);
          for (let l = 0; l < lanes; l++) {
            if (k === 1) want[0] = resampleSum1(js[l]!, x);
            else resampleSums(js[l]!, x, k, want);
            expect(Array.from(out.subarray(k * l, k * l + k))).toEqual(Array.from(want));
          }
        }
        for (let l = 0; l < lanes; l++) expect(wasm[l]!.nextU32()).toBe(js[l]!.nextU32());
      }
      expect(() => kernel.sums([], out)).toThrow(RangeError);
    },
  );

  it('is not used below one block of rows, nor without WebAssembly', () => {
    expect(wasmGather(values(1, 1023))).toBeUndefined();
    expect(wasmGather(values(1, 2 * 1023), 2)).toBeUndefined();
    expect(() => wasmGather(values(1, 3 * 2000), 3)).toThrow(RangeError);
    expect(withoutWasm(() => wasmGather(values(1, 4096)))).toBeUndefined();
  });
});

describe('the bootstrap of the means on the kernel', () => {
  const n = 6000;
  const r = mulberry32(21);
  const label = Float64Array.from({ length: n }, () => (r() < 0.35 ? 1 : 0));
  const score = (s: number) => label.map((y) => 1 / (1 + Math.exp(-((y ? 1 : -1) + s * normal(r)))));
  const sa = score(1.2);
  const sb = score(1.4);
  const y = values(4, n).map((v) => 20 + v);
  const pa = y.map((v) => v + normal(r));
  const pb = y.map((v) => v + 1.2 * normal(r));
  const scores = [
    { label, score: sa },
    { label, score: sb },
  ] as const;
  const predictions = [
    { label: y, prediction: pa },
    { label: y, prediction: pb },
  ] as const;
  const columns = {
    brier: scores,
    log_loss: scores,
    mae: predictions,
    mape: predictions,
    rmse: predictions,
    r2: predictions,
  };

  it.each(Object.keys(columns) as (keyof typeof columns)[])(
    '%s: every resample, and the interval, equal the JS loop bit for bit',
    (metric) => {
      const [cand, champ] = columns[metric];
      const opts = { resamples: 330, seed: 5 }; // 6 chunks, the last short: groups of 4 and 2
      const chunks = [5, 0, 3, 1, 4, 2];
      const wasm = drawChunks(planBootstrap(metric, cand, champ, opts), chunks);
      const js = withoutWasm(() => drawChunks(planBootstrap(metric, cand, champ, opts), chunks));
      expect(Array.from(wasm)).toEqual(Array.from(js));
      // And the values of the one-chunk-at-a-time loop (Engine.resample).
      const plan = planBootstrap(metric, cand, champ, opts);
      const rng = Xoshiro128.stream(5, 5);
      const first = Array.from({ length: 330 - 5 * 64 }, () => plan.engine.resample(rng));
      expect(Array.from(wasm.subarray(0, first.length))).toEqual(first);
      const one = pairedBootstrap(metric, cand, champ, opts);
      expect(withoutWasm(() => pairedBootstrap(metric, cand, champ, opts))).toEqual(one);
    },
  );
});
