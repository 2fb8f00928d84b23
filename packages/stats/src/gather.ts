/**
 * The bootstrap's resampled sums of one column on WebAssembly (gather.wat, compiled by `npm run
 * gen` into gather-wasm.ts): four generator streams at once, one resample each, so four resamples
 * share every pass over a block of rows, and the generator and the row indices of the four are
 * computed in SIMD lanes. Each sum equals resampleSum1's for the same stream bit for bit: the
 * per-block draw counts are the same binomials drawn here in JS, and the kernel draws the rows and
 * adds the values in the JS loop's order. Where WebAssembly (or its SIMD) is not available, callers
 * fall back to the JS loop.
 */
import { GATHER_WASM } from './gather-wasm.js';
import { binomial, type Xoshiro128 } from './random.js';

/** Generator streams (so resamples) drawn at once by {@link LaneGather.sums}. */
export const GATHER_LANES = 4;

const BLOCK = 1024;
// The kernel's memory layout (see gather.wat).
const STATES = 0;
const COUNTS = 64;
const TOTALS = 128;
const VALUES = 1024;
const PAGE = 65536;
const MAX_BYTES = 2 ** 31;

// The part of the WebAssembly global used here (the ES2023 library does not declare it).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

let compiled: object | null | undefined;

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** Resampled sums of one column, several generator streams at once. */
export interface LaneGather {
  /**
   * One resample per generator (1 to {@link GATHER_LANES} of them): out[k] gets the sum of the
   * values over resample k, equal to resampleSum1(rngs[k], x), and rngs[k] ends where that
   * call leaves it.
   */
  sums(rngs: readonly Xoshiro128[], out: Float64Array): void;
}

/**
 * The WebAssembly kernel for the values `x` (copied into its memory), or undefined when
 * WebAssembly with SIMD is not available here, x has fewer rows than a block (1,024), or x does
 * not fit in 2 GiB.
 */
export function wasmGather(x: Float64Array): LaneGather | undefined {
  const n = x.length;
  const wasm = wasmApi();
  if (!wasm || n < BLOCK || VALUES + 8 * n > MAX_BYTES) return undefined;
  let memory: WasmMemory;
  let block: (base: number, q: number) => void;
  try {
    compiled ??= new wasm.Module(Uint8Array.from(atob(GATHER_WASM), (ch) => ch.charCodeAt(0)));
    const { exports } = new wasm.Instance(compiled, {});
    memory = exports['memory'] as WasmMemory;
    block = exports['block'] as typeof block;
    const need = VALUES + 8 * n - memory.buffer.byteLength;
    if (need > 0) memory.grow(Math.ceil(need / PAGE));
  } catch {
    compiled ??= null;
    return undefined;
  }
  const buf = memory.buffer;
  new Float64Array(buf, VALUES, n).set(x);
  const st = new Int32Array(buf, STATES, 4 * GATHER_LANES);
  const counts = new Int32Array(buf, COUNTS, GATHER_LANES);
  const totals = new Float64Array(buf, TOTALS, GATHER_LANES);
  const left = new Float64Array(GATHER_LANES);
  const drawn = new Int32Array(GATHER_LANES);
  // The generator of lane k to and from the kernel's memory (word i of lane k at i * 4 + k).
  const load = (g: Xoshiro128, k: number): void => {
    g.s0 = st[k]!;
    g.s1 = st[GATHER_LANES + k]!;
    g.s2 = st[2 * GATHER_LANES + k]!;
    g.s3 = st[3 * GATHER_LANES + k]!;
  };
  const store = (g: Xoshiro128, k: number): void => {
    st[k] = g.s0;
    st[GATHER_LANES + k] = g.s1;
    st[2 * GATHER_LANES + k] = g.s2;
    st[3 * GATHER_LANES + k] = g.s3;
  };
  return {
    sums(rngs, out) {
      const lanes = rngs.length;
      if (lanes < 1 || lanes > GATHER_LANES)
        throw new RangeError(`${lanes} streams: the kernel draws 1 to ${GATHER_LANES} at once`);
      counts.fill(0);
      totals.fill(0);
      for (let k = 0; k < lanes; k++) {
        store(rngs[k]!, k);
        left[k] = n;
      }
      let rowsLeft = n;
      for (let start = 0; start < n; start += BLOCK) {
        const size = Math.min(BLOCK, n - start);
        const last = rowsLeft === size;
        let q = 0x7fffffff;
        for (let k = 0; k < lanes; k++) {
          const g = rngs[k]!;
          // The draws of this block: as resampleSum1, by the sequential conditional binomials.
          let c = left[k]!;
          if (!last) {
            load(g, k);
            c = binomial(g, c, size / rowsLeft);
            store(g, k);
          }
          left[k]! -= c;
          if (size === BLOCK) {
            drawn[k] = c;
            q = Math.min(q, Math.floor(c / 3));
          } else {
            // The short last block, here as in resampleSum1.
            load(g, k);
            let acc = 0;
            for (; c > 0; c--) acc += x[start + g.nextBelow(size)]!;
            totals[k]! += acc;
            store(g, k);
          }
        }
        if (size === BLOCK) {
          for (let k = 0; k < lanes; k++) counts[k] = drawn[k]! - 3 * q;
          block(VALUES + 8 * start, q);
        }
        rowsLeft -= size;
      }
      for (let k = 0; k < lanes; k++) {
        load(rngs[k]!, k);
        out[k] = totals[k]!;
      }
    },
  };
}
