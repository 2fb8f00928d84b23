/**
 * Micro-benchmark of the profile accumulators' hot paths: `npx tsx bench/stats.ts`.
 * Prints nanoseconds per value for the quantile sketch, the numeric accumulator and the categorical
 * accumulator (low cardinality, and high cardinality past the exact-count cap).
 */
import { createAccumulator, KllSketch } from '@modelship/stats';
import { mulberry32 as rng } from '../packages/stats/test/prng.js';

const N = 1_000_000;
const ROUNDS = 10;

/** Prints wall-clock and CPU time per value (CPU time is steadier on a busy machine). */
function time(label: string, values: number, run: () => void): void {
  run(); // warm up
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let r = 0; r < ROUNDS; r++) run();
  const c = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - t0) / (ROUNDS * values);
  const cpu = ((c.user + c.system) * 1000) / (ROUNDS * values);
  console.log(`${label.padEnd(50)} ${wall.toFixed(1).padStart(6)} ns/value (cpu ${cpu.toFixed(1)})`);
}

const r = rng(42);
const lognormal = new Float64Array(N);
const mixed = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  lognormal[i] = Math.exp(3 + z);
  mixed[i] = i % 3 === 0 ? Math.round(z * 50) : z * 1000;
}
// Fresh string objects per row, as a parser produces them.
const lowCard: string[] = [];
const highCard: string[] = [];
for (let i = 0; i < N; i++) {
  lowCard.push(`cat_${Math.floor(r() ** 2 * 20)}`.slice(0));
  highCard.push(`user-${Math.floor(r() * 200_000)}`);
}

time('KllSketch.add (lognormal)', N, () => {
  const s = new KllSketch();
  for (let i = 0; i < N; i++) s.add(lognormal[i]!);
});
time('KllSketch.add (mixed signs, integers)', N, () => {
  const s = new KllSketch();
  for (let i = 0; i < N; i++) s.add(mixed[i]!);
});
time('numeric accumulator add', N, () => {
  const a = createAccumulator('x', 'numeric');
  for (let i = 0; i < N; i++) a.add(mixed[i]);
});
time('categorical accumulator add (20 values)', N, () => {
  const a = createAccumulator('c', 'categorical');
  for (let i = 0; i < N; i++) a.add(lowCard[i]);
});
time('categorical accumulator add (200k values, cap 10k)', N, () => {
  const a = createAccumulator('c', 'categorical');
  for (let i = 0; i < N; i++) a.add(highCard[i]);
});
// A row loop like the validate step's: 20 columns (10 numeric, 10 categorical), one call site.
const ROWS = 200_000;
const rowValues: unknown[][] = [];
for (let i = 0; i < ROWS; i++) {
  const row: unknown[] = [];
  for (let c = 0; c < 10; c++) row.push(mixed[(i * 10 + c) % N]);
  for (let c = 0; c < 10; c++) row.push(lowCard[(i * 10 + c) % N]);
  rowValues.push(row);
}
time('row loop, 10 numeric + 10 categorical columns', ROWS * 20, () => {
  const accs = [
    ...Array.from({ length: 10 }, (_, c) => createAccumulator(`n${c}`, 'numeric')),
    ...Array.from({ length: 10 }, (_, c) => createAccumulator(`c${c}`, 'categorical')),
  ];
  for (let i = 0; i < ROWS; i++) {
    const row = rowValues[i]!;
    for (let c = 0; c < 20; c++) accs[c]!.add(row[c]);
  }
});

const accNum = createAccumulator('x', 'numeric');
const accCat = createAccumulator('c', 'categorical');
for (let i = 0; i < N; i++) {
  accNum.add(mixed[i]);
  accCat.add(highCard[i]);
}
const t0 = process.hrtime.bigint();
const json = JSON.stringify([accNum.toJSON(), accCat.toJSON()]);
console.log(
  `toJSON of both: ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms, ${(json.length / 1024).toFixed(1)} KiB`,
);
