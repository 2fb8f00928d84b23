/**
 * The WebAssembly kernel of the mean-type bootstrap (gather.wat): its resampled sums equal the JS
 * loop's (resampleSum1) bit for bit on the same streams, for every metric that uses it, and the JS
 * loop takes over, with the same answer, where WebAssembly is not available.
 */
import { afterEach, describe, expect, it } from '@jest/globals';

import { GATHER_LANES, wasmGather } from '../src/gather.js';
import { drawChunks, pairedBootstrap, planBootstrap, resampleSum1 } from '../src/paired.js';
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
  // One block exactly (no binomial), a short last block, several whole blocks.
  it.each([1024, 5000, 8192])('%i rows: the sums of 1 to 4 streams equal resampleSum1 bit for bit', (n) => {
    const x = values(n, n);
    const kernel = wasmGather(x)!;
    expect(kernel).toBeDefined();
    const out = new Float64Array(GATHER_LANES);
    for (let lanes = 1; lanes <= GATHER_LANES; lanes++) {
      const wasm = Array.from({ length: lanes }, (_, j) => Xoshiro128.stream(99, j + 10 * lanes));
      const js = Array.from({ length: lanes }, (_, j) => Xoshiro128.stream(99, j + 10 * lanes));
      // Consecutive resamples: each stream goes on where the previous resample left it.
      for (let b = 0; b < 5; b++) {
        kernel.sums(wasm, out);
        for (let k = 0; k < lanes; k++) expect(out[k]).toBe(resampleSum1(js[k]!, x));
      }
      for (let k = 0; k < lanes; k++) expect(wasm[k]!.nextU32()).toBe(js[k]!.nextU32());
    }
    expect(() => kernel.sums([], out)).toThrow(RangeError);
  });

  it('is not used below one block of rows, nor without WebAssembly', () => {
    expect(wasmGather(values(1, 1023))).toBeUndefined();
    expect(withoutWasm(() => wasmGather(values(1, 4096)))).toBeUndefined();
  });
});

describe('the bootstrap of a mean on the kernel', () => {
  const n = 6000;
  const r = mulberry32(21);
  const label = Float64Array.from({ length: n }, () => (r() < 0.35 ? 1 : 0));
  const score = (s: number) => label.map((y) => 1 / (1 + Math.exp(-((y ? 1 : -1) + s * normal(r)))));
  const sa = score(1.2);
  const sb = score(1.4);
  const y = values(4, n).map((v) => 20 + v);
  const pa = y.map((v) => v + normal(r));
  const pb = y.map((v) => v + 1.2 * normal(r));
  const columns = {
    brier: [
      { label, score: sa },
      { label, score: sb },
    ],
    log_loss: [
      { label, score: sa },
      { label, score: sb },
    ],
    mae: [
      { label: y, prediction: pa },
      { label: y, prediction: pb },
    ],
    mape: [
      { label: y, prediction: pa },
      { label: y, prediction: pb },
    ],
  } as const;

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
