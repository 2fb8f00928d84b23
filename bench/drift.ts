/**
 * False-alarm and detection rates of the default drift rule on seeded draws: `npm run bench:drift`
 * (REPS=<n> to change the repetitions). Each cell builds a baseline and a current profile with the
 * accumulators and judges one feature with computeDrift (alpha 0.05, m = 2 tests for one feature).
 * Evidently is not compared here yet.
 */
import { computeDrift } from '../packages/data/src/drift.js';
import { createAccumulator, profileFromAccumulators, type DatasetProfile } from '@modelship/stats';
import { categorical, mulberry32, normal } from '../packages/stats/test/prng.js';

type Draw = (rand: () => number) => number | string;

function poisson(rand: () => number, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

const LEVELS200 = Array.from({ length: 200 }, (_, i) => `l${i}`);
const W200 = LEVELS200.map((_, i) => 1 / (i + 1));
const W200_TAIL = W200.map((w, i) => (i >= 20 ? W200[219 - i]! : w));
const L5 = ['a', 'b', 'c', 'd', 'e'];
const W5 = [0.2, 0.2, 0.2, 0.2, 0.2];
const W5_MOVED = [0.3, 0.175, 0.175, 0.175, 0.175];

interface Case {
  name: string;
  kind: 'numeric' | 'categorical';
  base: Draw;
  same: Draw;
  moved: Draw;
}

const CASES: Case[] = [
  {
    name: 'normal, +0.25 sd',
    kind: 'numeric',
    base: (r) => normal(r),
    same: (r) => normal(r),
    moved: (r) => 0.25 + normal(r),
  },
  {
    name: 'normal, sd x1.5',
    kind: 'numeric',
    base: (r) => normal(r),
    same: (r) => normal(r),
    moved: (r) => 1.5 * normal(r),
  },
  {
    name: 'N(1000,1), +0.25 sd',
    kind: 'numeric',
    base: (r) => 1000 + normal(r),
    same: (r) => 1000 + normal(r),
    moved: (r) => 1000.25 + normal(r),
  },
  {
    name: 'lognormal s=2, x1.65 (+0.25 sd log)',
    kind: 'numeric',
    base: (r) => Math.exp(2 * normal(r)),
    same: (r) => Math.exp(2 * normal(r)),
    moved: (r) => Math.exp(0.5 + 2 * normal(r)),
  },
  {
    name: 'Poisson(3) -> Poisson(3.5)',
    kind: 'numeric',
    base: (r) => poisson(r, 3),
    same: (r) => poisson(r, 3),
    moved: (r) => poisson(r, 3.5),
  },
  {
    name: '5 levels, 20% -> 30%',
    kind: 'categorical',
    base: (r) => categorical(r, L5, W5),
    same: (r) => categorical(r, L5, W5),
    moved: (r) => categorical(r, L5, W5_MOVED),
  },
  {
    name: '200 levels, tail order reversed',
    kind: 'categorical',
    base: (r) => categorical(r, LEVELS200, W200),
    same: (r) => categorical(r, LEVELS200, W200),
    moved: (r) => categorical(r, LEVELS200, W200_TAIL),
  },
];

function profile(
  draw: Draw,
  n: number,
  kind: Case['kind'],
  rand: () => number,
  outlier: boolean,
): DatasetProfile {
  const acc = createAccumulator('x', kind);
  for (let i = 0; i < n; i++) acc.add(draw(rand));
  if (outlier && kind === 'numeric') acc.add(1e12);
  return profileFromAccumulators([acc], { rows: n, sources: [], createdAt: '2026-01-01T00:00:00Z' });
}

const SIZES: [number, number][] = [
  [500, 500],
  [2000, 2000],
  [5000, 500],
  [10_000, 10_000],
  [100_000, 100_000],
];
const REPS = Number(process.env.REPS ?? 40);

console.log(`default rule, ${REPS} repetitions per cell: false-alarm % / detection %`);
console.log(['case'.padEnd(40), ...SIZES.map(([a, b]) => `${a}/${b}`.padStart(16))].join(''));
for (const c of CASES) {
  for (const outlier of c.kind === 'numeric' ? [false, true] : [false]) {
    const cells: string[] = [];
    for (const [nb, nc] of SIZES) {
      const reps = nb >= 100_000 ? Math.max(5, Math.floor(REPS / 4)) : REPS;
      let fa = 0;
      let det = 0;
      for (let r = 0; r < reps; r++) {
        const rand = mulberry32(1000 * r + nb + nc);
        const base = profile(c.base, nb, c.kind, rand, outlier);
        if (computeDrift(base, profile(c.same, nc, c.kind, rand, false)).drifted.length) fa++;
        if (computeDrift(base, profile(c.moved, nc, c.kind, rand, false)).drifted.length) det++;
      }
      cells.push(`${((100 * fa) / reps).toFixed(0)} / ${((100 * det) / reps).toFixed(0)}`.padStart(16));
    }
    console.log([(c.name + (outlier ? ' +1e12' : '')).padEnd(40), ...cells].join(''));
  }
}
