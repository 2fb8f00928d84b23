/**
 * The bootstrap's resampled sums of 1, 2 or 4 columns on WebAssembly (gather.wat, compiled by `npm
 * run gen` into gather-wasm.ts): four generator streams at once, one resample each, so four
 * resamples share every pass over a block of rows, and the generator and the row indices of the
 * four are computed in SIMD lanes. Each sum equals resampleSums' for the same stream bit for bit:
 * the per-block draw counts are the same binomials drawn here in JS, and the kernel draws the rows
 * and adds the values in the JS loop's order. Where WebAssembly (or its SIMD) is not available,
 * callers fall back to the JS loop.
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
const LANE_BYTES = 32; // a lane's totals: up to 4 columns
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

/** Resampled sums of k columns, several generator streams at once. */
export interface LaneGather {
  /**
   * One resample per generator (1 to {@link GATHER_LANES} of them): out[k i + j] gets the sum of
   * column j over resample i, equal to resampleSums(rngs[i], x, k, ...)[j], and rngs[i] ends where
   * that call leaves it.
   */
  sums(rngs: readonly Xoshiro128[], out: Float64Array): void;
}

/**
 * The WebAssembly kernel for the values `x` (copied into its memory), k = 1, 2 or 4 columns stored
 * row-major as resampleSums takes them; undefined when WebAssembly with SIMD is not available
 * here, x has fewer rows than a block (1,024), or x does not fit in 2 GiB.
 */
export function wasmGather(x: Float64Array, k = 1): LaneGather | undefined {
  if (k !== 1 && k !== 2 && k !== 4) throw new RangeError(`wasmGather: k = ${k} is not 1, 2 or 4`);
  const n = x.length / k;
  const wasm = wasmApi();
  if (!wasm || n < BLOCK || VALUES + 8 * x.length > MAX_BYTES) return undefined;
  let memory: WasmMemory;
  let block: (base: number, q: number) => void;
  try {
    compiled ??= new wasm.Module(Uint8Array.from(atob(GATHER_WASM), (ch) => ch.charCodeAt(0)));
    const { exports } = new wasm.Instance(compiled, {});
    memory = exports['memory'] as WasmMemory;
    block = exports[`block${k}`] as typeof block;
    const need = VALUES + 8 * x.length - memory.buffer.byteLength;
    if (need > 0) memory.grow(Math.ceil(need / PAGE));
  } catch {
    compiled ??= null;
    return undefined;
  }
  const buf = memory.buffer;
  new Float64Array(buf, VALUES, x.length).set(x);
  const st = new Int32Array(buf, STATES, 4 * GATHER_LANES);
  const counts = new Int32Array(buf, COUNTS, GATHER_LANES);
  const stride = LANE_BYTES / 8;
  const totals = new Float64Array(buf, TOTALS, stride * GATHER_LANES);
  const acc = new Float64Array(k);
  const left = new Float64Array(GATHER_LANES);
  const drawn = new Int32Array(GATHER_LANES);
  // The generator of lane l to and from the kernel's memory (word i of lane l at i * 4 + l).
  const load = (g: Xoshiro128, l: number): void => {
    g.s0 = st[l]!;
    g.s1 = st[GATHER_LANES + l]!;
    g.s2 = st[2 * GATHER_LANES + l]!;
    g.s3 = st[3 * GATHER_LANES + l]!;
  };
  const store = (g: Xoshiro128, l: number): void => {
    st[l] = g.s0;
    st[GATHER_LANES + l] = g.s1;
    st[2 * GATHER_LANES + l] = g.s2;
    st[3 * GATHER_LANES + l] = g.s3;
  };
  return {
    sums(rngs, out) {
      const lanes = rngs.length;
      if (lanes < 1 || lanes > GATHER_LANES)
        throw new RangeError(`${lanes} streams: the kernel draws 1 to ${GATHER_LANES} at once`);
      counts.fill(0);
      totals.fill(0);
      for (let l = 0; l < lanes; l++) {
        store(rngs[l]!, l);
        left[l] = n;
      }
      let rowsLeft = n;
      for (let start = 0; start < n; start += BLOCK) {
        const size = Math.min(BLOCK, n - start);
        const last = rowsLeft === size;
        let q = 0x7fffffff;
        for (let l = 0; l < lanes; l++) {
          const g = rngs[l]!;
          // The draws of this block: as resampleSums, by the sequential conditional binomials.
          let c = left[l]!;
          if (!last) {
            load(g, l);
            c = binomial(g, c, size / rowsLeft);
            store(g, l);
          }
          left[l]! -= c;
          if (size === BLOCK) {
            drawn[l] = c;
            q = Math.min(q, Math.floor(c / 3));
          } else {
            // The short last block, here as in resampleSums.
            load(g, l);
            acc.fill(0);
            for (; c > 0; c--) {
              const i = (start + g.nextBelow(size)) * k;
              for (let j = 0; j < k; j++) acc[j]! += x[i + j]!;
            }
            for (let j = 0; j < k; j++) totals[stride * l + j]! += acc[j]!;
            store(g, l);
          }
        }
        if (size === BLOCK) {
          for (let l = 0; l < lanes; l++) counts[l] = drawn[l]! - 3 * q;
          block(VALUES + 8 * k * start, q);
        }
        rowsLeft -= size;
      }
      for (let l = 0; l < lanes; l++) {
        load(rngs[l]!, l);
        for (let j = 0; j < k; j++) out[k * l + j] = totals[stride * l + j]!;
      }
    },
  };
}
