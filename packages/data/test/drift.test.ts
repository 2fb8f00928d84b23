import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@modelship/core';

import {
  createAccumulator,
  profileFromAccumulators,
  referenceEdgesOf,
  referencesOf,
  type DatasetProfile,
} from '@modelship/stats';
import { categoryVectors, computeDrift, type DriftOptions, type FeatureDrift } from '../src/drift.js';
import { categorical, mulberry32, normal } from '../../stats/test/prng.js';

const PLANS = ['a', 'b', 'c', 'd', 'e'];
const PLAN_SHARES = [0.3, 0.25, 0.2, 0.15, 0.1];
/** Share of 'a' moved from 30% to 50%, the rest scaled down. */
const PLAN_SHIFTED = [0.5, ...PLAN_SHARES.slice(1).map((s) => (s * 0.5) / 0.7)];
const REGIONS = Array.from({ length: 20 }, (_, i) => `region-${i}`);
const REGION_SHARES = REGIONS.map((_, i) => 1 / (i + 1));

interface Shift {
  /** Mean shift of `score`, in standard deviations. */
  score?: number;
  plan?: boolean;
}

/** A profile of a churn-like dataset: normal, lognormal, uniform-integer, skewed categorical columns. */
function makeProfile(
  seed: number,
  rows: number,
  shift: Shift = {},
  against?: DatasetProfile,
): DatasetProfile {
  const rand = mulberry32(seed);
  // A current profile is counted into the baseline's reference bins, as validate-data does.
  const edges = against ? referenceEdgesOf(against) : new Map<string, Float64Array>();
  const numeric = (name: string): ReturnType<typeof createAccumulator> =>
    createAccumulator(name, 'numeric', { reference: edges.get(name) });
  const cols = {
    score: numeric('score'),
    income: numeric('income'),
    visits: numeric('visits'),
    balance: numeric('balance'),
    plan: createAccumulator('plan', 'categorical'),
    region: createAccumulator('region', 'categorical'),
    active: createAccumulator('active', 'categorical'),
    customer: createAccumulator('customer', 'categorical'),
  };
  for (let i = 0; i < rows; i++) {
    cols.score.add(50 + 10 * ((shift.score ?? 0) + normal(rand)));
    cols.income.add(Math.exp(10 + 0.6 * normal(rand)));
    cols.visits.add(Math.floor(rand() * 31));
    if (rand() < 0.1) cols.balance.addMissing();
    else cols.balance.add(rand() < 0.3 ? 0 : 1000 * normal(rand));
    cols.plan.add(categorical(rand, PLANS, shift.plan ? PLAN_SHIFTED : PLAN_SHARES));
    cols.region.add(categorical(rand, REGIONS, REGION_SHARES));
    cols.active.add(rand() < 0.7);
    cols.customer.add(`cust-${seed}-${i}`);
  }
  return profileFromAccumulators(Object.values(cols), {
    rows,
    sources: [{ uri: `data-${seed}.csv`, sha256: '0'.repeat(64), rows }],
    createdAt: '2026-11-22T00:00:00.000Z',
  });
}

/** A baseline profile and a current one counted against it. */
function pair(
  [seed, rows]: [number, number],
  [curSeed, curRows, shift]: [number, number, Shift?],
): [DatasetProfile, DatasetProfile] {
  const base = makeProfile(seed, rows);
  return [base, makeProfile(curSeed, curRows, shift, base)];
}

function byName(features: FeatureDrift[]): Record<string, FeatureDrift> {
  return Object.fromEntries(features.map((f) => [f.feature, f]));
}

describe('computeDrift: the two key properties', () => {
  it('does not flag two samples of the same distribution (larger samples)', () => {
    for (const [s1, s2] of [
      [1, 2],
      [3, 4],
      [5, 6],
    ] as const) {
      const r = computeDrift(...pair([s1, 4000], [s2, 3000]));
      expect(r.drifted).toEqual([]);
      const f = byName(r.features);
      expect(f.score).toMatchObject({ method: 'ks', status: 'no drift', effectFloor: 0.05 });
      expect(f.score!.statistic).toBeLessThan(0.05);
      expect(f.plan).toMatchObject({ method: 'chi-square', status: 'no drift' });
      expect(f.customer).toMatchObject({ status: 'insufficient data', drifted: false });
      expect(f.customer!.reason).toMatch(/identifier-like/);
      expect(r.checked).toBe(8);
    }
  });

  it('does not flag two samples of the same distribution (smaller samples)', () => {
    for (const [s1, s2] of [
      [11, 12],
      [13, 14],
      [15, 16],
    ] as const) {
      const r = computeDrift(...pair([s1, 800], [s2, 600]));
      expect(r.drifted).toEqual([]);
      const f = byName(r.features);
      expect(f.score).toMatchObject({ method: 'ks', status: 'no drift' });
      expect(f.region).toMatchObject({ method: 'chi-square', status: 'no drift' });
      // Bonferroni over the tests: a distribution and a missing-rate test for each of 8 features.
      expect(f.score!.threshold).toBeCloseTo(0.05 / 16, 12);
      expect(f.score!.pValue).toBeGreaterThan(f.score!.threshold);
    }
  });

  it('flags a half-standard-deviation mean shift and a 30% -> 50% category share, and nothing else', () => {
    for (const [rows, numeric, cat] of [
      [4000, 'ks', 'chi-square'],
      [800, 'ks', 'chi-square'],
    ] as const) {
      const r = computeDrift(...pair([21, rows], [22, rows, { score: 0.5, plan: true }]));
      expect(r.drifted.sort()).toEqual(['plan', 'score']);
      const f = byName(r.features);
      expect(f.score).toMatchObject({ method: numeric, status: 'drift', drifted: true });
      expect(f.plan).toMatchObject({ method: cat, status: 'drift', drifted: true });
      expect(f.score!.reason).toMatch(/^KS .*, p = .* < .*, D( - allowance)? 0\.\d+ >= floor 0\.05/);
    }
  });
});

describe('computeDrift: methods and thresholds', () => {
  const base = makeProfile(31, 3000);
  const cur = makeProfile(32, 3000, { score: 0.5, plan: true }, base);

  it('supports explicit methods with their default thresholds', () => {
    const r = computeDrift(base, cur, { numeric: 'wasserstein', categorical: 'linf' });
    const f = byName(r.features);
    expect(f.score).toMatchObject({ method: 'wasserstein', threshold: 0.1, status: 'drift' });
    // A half-std shift is a normed Wasserstein distance of about 0.5.
    expect(f.score!.statistic).toBeGreaterThan(0.4);
    expect(f.score!.statistic).toBeLessThan(0.6);
    expect(f.income).toMatchObject({ method: 'wasserstein', status: 'no drift' });
    expect(f.plan).toMatchObject({ method: 'linf', threshold: 0.1, status: 'drift' });
    expect(f.plan!.statistic).toBeCloseTo(0.2, 1);
    expect(r.method).toMatch(/normed Wasserstein >= 0\.1/);
    expect(r.method).toMatch(/L-infinity distance >= 0\.1/);
  });

  it('lets defaultThreshold replace the distance defaults and a feature threshold win over both', () => {
    const options: DriftOptions = {
      defaultThreshold: 0.9,
      numeric: 'psi',
      categorical: 'js',
      features: { plan: { threshold: 0.01 }, income: { method: 'js' }, visits: { ignore: true } },
    };
    const f = byName(computeDrift(base, cur, options).features);
    expect(f.score).toMatchObject({ method: 'psi', threshold: 0.9, status: 'no drift' });
    expect(f.plan).toMatchObject({ method: 'js', threshold: 0.01, status: 'drift' });
    expect(f.income).toMatchObject({ method: 'js', threshold: 0.9, status: 'no drift' });
    expect(f.visits).toMatchObject({ status: 'ignored', reason: 'ignored by configuration', drifted: false });
  });

  it('runs p-value methods on large samples too, with alpha and the Bonferroni correction', () => {
    const r = computeDrift(base, cur, { numeric: 'ks', categorical: 'chi-square', alpha: 0.01 });
    const f = byName(r.features);
    expect(f.score).toMatchObject({ method: 'ks', status: 'drift' });
    expect(f.score!.threshold).toBeCloseTo(0.01 / 16, 12);
    expect(f.plan).toMatchObject({ method: 'chi-square', status: 'drift' });
    expect(f.income).toMatchObject({ method: 'ks', status: 'no drift' });
    expect(r.method).toMatch(/p < 0\.01 \/ 16 tests \(Bonferroni\)/);
  });

  it('bins numeric features on baseline deciles for share methods', () => {
    const f = byName(computeDrift(base, cur, { numeric: 'chi-square' }).features);
    expect(f.score).toMatchObject({ method: 'chi-square', status: 'drift' });
    expect(f.visits).toMatchObject({ method: 'chi-square', status: 'no drift' });
    const g = byName(computeDrift(base, cur, { numeric: 'linf' }).features);
    expect(g.score).toMatchObject({ method: 'linf', status: 'drift' });
  });

  it('rejects KS or Wasserstein on a categorical feature as a configuration error', () => {
    const errorOf = (options: DriftOptions): ConfigError => {
      try {
        computeDrift(base, cur, options);
      } catch (e) {
        if (e instanceof ConfigError) return e;
        throw e;
      }
      throw new Error('expected a ConfigError');
    };
    const a = errorOf({ features: { plan: { method: 'ks' } } });
    expect(a.where).toBe('data.drift.features.plan.method');
    expect(a.message).toMatch(/'ks' does not apply to categorical feature 'plan'/);
    expect(errorOf({ categorical: 'wasserstein' }).where).toBe('data.drift.categorical');
  });
});

describe('computeDrift: skipped features', () => {
  it('skips missing columns, kind changes, empty sides and identifier-like columns with reasons', () => {
    const base = makeProfile(41, 2000);
    const cur = makeProfile(42, 2000, {}, base);
    const curCols = cur.columns.filter((c) => c.name !== 'income');
    const visits = curCols.find((c) => c.name === 'visits')!;
    const asCategorical = createAccumulator('visits', 'categorical');
    asCategorical.add('1');
    curCols[curCols.indexOf(visits)] = asCategorical.toJSON();
    const emptyBalance = createAccumulator('balance', 'numeric');
    emptyBalance.addMissing();
    curCols[curCols.findIndex((c) => c.name === 'balance')] = emptyBalance.toJSON();
    const extra = createAccumulator('extra', 'numeric');
    extra.add(1);
    curCols.push(extra.toJSON());

    const r = computeDrift(base, { ...cur, columns: curCols });
    const f = byName(r.features);
    expect(f.income).toMatchObject({
      status: 'drift',
      method: 'schema',
      reason: 'schema: missing from the current data',
      nCurrent: 0,
    });
    expect(f.visits).toMatchObject({
      status: 'drift',
      reason: 'schema: kind changed (numeric in baseline, categorical in current data)',
    });
    expect(f.balance).toMatchObject({ status: 'drift', drifted: true });
    expect(f.balance!.reason).toMatch(/^schema: no usable values in the current data \(1 missing/);
    expect(f.extra).toMatchObject({ status: 'insufficient data', reason: 'not in the baseline profile' });
    expect(f.customer).toMatchObject({ status: 'insufficient data', drifted: false });
    expect(f.customer!.reason).toMatch(/^identifier-like \(all 2,000 baseline values distinct\)/);
    expect(r.drifted.sort()).toEqual(['balance', 'income', 'visits']);
    expect(r.features.map((x) => x.feature)).toEqual([...base.columns.map((c) => c.name), 'extra']);
  });
});

describe('computeDrift: evidence', () => {
  it('is replayable from the recorded profiles', () => {
    const base = makeProfile(51, 1500);
    const cur = makeProfile(52, 1200, { score: 0.5 }, base);
    const again = computeDrift(
      JSON.parse(JSON.stringify(base)) as DatasetProfile,
      JSON.parse(JSON.stringify(cur)) as DatasetProfile,
    );
    expect(again).toEqual(computeDrift(base, cur));
  });

  it('gives chart histograms: 10 numeric bins over p01..p99, top categories plus (other)', () => {
    const f = byName(computeDrift(...pair([61, 3000], [62, 3000, { score: 0.5 }])).features);
    const h = f.score!.histogram!;
    expect(h.labels).toHaveLength(10);
    expect(h.baseline).toHaveLength(10);
    expect(h.current).toHaveLength(10);
    expect(h.baseline.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 4);
    expect(h.current.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 4);
    // The current sample sits to the right.
    expect(h.current[9]!).toBeGreaterThan(h.baseline[9]!);
    const r = f.region!.histogram!;
    expect(r.labels).toHaveLength(11);
    expect(r.labels[0]).toBe('region-0');
    expect(r.labels[10]).toBe('(other)');
    expect(r.baseline.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 4);
    expect(f.active!.histogram!.labels.sort()).toEqual(['false', 'true']);
  });

  it('records n, statistic, threshold and a reason for every judged feature', () => {
    const r = computeDrift(...pair([71, 500], [72, 400]));
    for (const f of r.features.filter((x) => x.status !== 'ignored')) {
      expect(f.nBaseline).toBeGreaterThan(0);
      expect(f.nCurrent).toBeGreaterThan(0);
      expect(Number.isFinite(f.statistic)).toBe(true);
      expect(f.reason.length).toBeGreaterThan(0);
    }
    expect(byName(r.features).balance!.nBaseline).toBeLessThan(500);
  });
});

describe('categoryVectors', () => {
  const summary = (top: [string, number][], otherCount: number) => ({
    distinct: top.length + (otherCount > 0 ? 10 : 0),
    distinctExact: true,
    top,
    otherCount,
  });

  it('compares values listed on both sides, and on one side when the other list is complete', () => {
    const v = categoryVectors(
      summary(
        [
          ['a', 5],
          ['b', 3],
        ],
        0,
      ),
      summary(
        [
          ['a', 4],
          ['c', 6],
        ],
        0,
      ),
    );
    expect(v).toEqual({ labels: ['a', 'b', 'c'], baseline: [5, 3, 0], current: [4, 0, 6] });
  });

  it('pools a value into (other) on both sides when one side cannot say how often it occurs', () => {
    const v = categoryVectors(
      summary(
        [
          ['a', 50],
          ['b', 30],
        ],
        20,
      ),
      summary(
        [
          ['a', 40],
          ['c', 35],
        ],
        25,
      ),
    );
    // 'b' is not in the current top list, which is incomplete: its current count is unknown.
    expect(v).toEqual({ labels: ['a', '(other)'], baseline: [50, 50], current: [40, 60] });
  });
});

describe('computeDrift: the issue cases', () => {
  const LEVELS = Array.from({ length: 200 }, (_, i) => `l${i}`);
  const WEIGHTS = LEVELS.map((_, i) => 1 / (i + 1));
  function catProfile(
    values: readonly (string | number)[],
    kind: 'categorical' | 'numeric',
    against?: DatasetProfile,
  ): DatasetProfile {
    const ref = against && referencesOf(against).get('x');
    const a = createAccumulator('x', kind, { reference: ref?.edges, levels: ref?.levels });
    for (const v of values) a.add(v);
    return profileFromAccumulators([a], { rows: values.length, sources: [], createdAt: 'now' });
  }

  it('does not flag unchanged 200-level samples of 500 rows (pooling never groups by side)', () => {
    let flagged = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const rand = mulberry32(seed);
      const draw = (n: number): string[] =>
        Array.from({ length: n }, () => categorical(rand, LEVELS, WEIGHTS));
      if (
        computeDrift(catProfile(draw(500), 'categorical'), catProfile(draw(500), 'categorical')).drifted
          .length
      )
        flagged++;
    }
    expect(flagged).toBeLessThanOrEqual(3);
  });

  it('a single typical row against a large baseline is insufficient data, not drift', () => {
    const rand = mulberry32(3);
    const base = Array.from({ length: 5000 }, () => normal(rand));
    const r = computeDrift(catProfile(base, 'numeric'), catProfile([0.1], 'numeric'));
    expect(r.features[0]).toMatchObject({ status: 'insufficient data', drifted: false });
    const c = computeDrift(
      catProfile(
        Array.from({ length: 5000 }, () => categorical(rand, LEVELS, WEIGHTS)),
        'categorical',
      ),
      catProfile(['l0'], 'categorical'),
    );
    expect(c.features[0]).toMatchObject({ status: 'insufficient data', drifted: false });
  });

  it('judges a real 101-level categorical in 201 rows and sees it collapse to one level', () => {
    const base = Array.from({ length: 201 }, (_, i) => `v${i % 101}`);
    const r = computeDrift(
      catProfile(base, 'categorical'),
      catProfile(new Array(201).fill('v0'), 'categorical'),
    );
    expect(r.features[0]).toMatchObject({ status: 'drift', method: 'chi-square' });
  });

  it('1,500 levels: every one listed, unchanged data gives calibrated chi-square p-values', () => {
    const levels = Array.from({ length: 1500 }, (_, i) => `v${i}`);
    const weights = levels.map((_, i) => 1 / (i + 1) ** 0.6);
    const ps: number[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const rand = mulberry32(seed);
      const draw = (): string[] => Array.from({ length: 30_000 }, () => categorical(rand, levels, weights));
      const base = catProfile(draw(), 'categorical');
      expect(base.columns[0]!.categorical!.otherCount).toBe(0);
      const f = computeDrift(base, catProfile(draw(), 'categorical', base)).features[0]!;
      ps.push(f.pValue!);
    }
    // Uniform under the null: not piled up near 1 nor near 0 (a top list cut by the baseline's own
    // counts did both).
    expect(ps.filter((p) => p > 0.99).length).toBeLessThanOrEqual(1);
    expect(ps.reduce((a, b) => a + b, 0) / ps.length).toBeLessThan(0.8);
  });

  it('one extreme value changes no verdict: 1..10 + 1e12 vs 1..10 is no drift, vs 101..110 + 1e12 drift', () => {
    const ten = Array.from({ length: 10 }, (_, i) => i + 1);
    const base = catProfile([...ten, 1e12], 'numeric');
    expect(computeDrift(base, catProfile(ten, 'numeric')).features[0]!.status).toBe('no drift');
    const moved = computeDrift(base, catProfile([...ten.map((x) => x + 100), 1e12], 'numeric')).features[0]!;
    expect(moved.status).toBe('drift');
    expect(moved.statistic).toBeCloseTo(10 / 11, 12);
  });
});

describe('computeDrift: a current sample counted into the baseline reference bins (as a run makes it)', () => {
  /** One numeric feature: the baseline profiled alone, the current against it. */
  function judgeNumeric(base: readonly number[], cur: readonly number[]): FeatureDrift {
    const b = createAccumulator('x', 'numeric');
    for (const v of base) b.add(v);
    const bp = profileFromAccumulators([b], { rows: base.length, sources: [], createdAt: 'now' });
    const c = createAccumulator('x', 'numeric', { reference: referenceEdgesOf(bp).get('x') });
    for (const v of cur) c.add(v);
    const cp = profileFromAccumulators([c], { rows: cur.length, sources: [], createdAt: 'now' });
    if (cur.length > 2047) expect(cp.columns[0]!.numeric!.sketch).toBeUndefined();
    return computeDrift(bp, cp).features[0]!;
  }
  const draw = (seed: number, n: number, f: (r: () => number) => number): number[] => {
    const r = mulberry32(seed);
    return Array.from({ length: n }, () => f(r));
  };

  it('a 0.5 sd shift of N(mu, 1) at 2,000 rows a side is caught with the same D at mu = 0, 100, 300 and 1e6', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const base = draw(seed, 2000, (r) => normal(r));
      const cur = draw(seed + 100, 2000, (r) => 0.5 + normal(r));
      const ds = [0, 100, 300, 1e6].map((mu) => {
        const f = judgeNumeric(
          base.map((v) => v + mu),
          cur.map((v) => v + mu),
        );
        expect(f.status).toBe('drift');
        return f.statistic;
      });
      for (const d of ds) expect(Math.abs(d - ds[0]!)).toBeLessThan(0.002);
    }
  });

  it('+1000 on both samples, or one extreme value in either, changes no verdict (20,000 rows a side)', () => {
    for (const [seed, move] of [
      [1, 0],
      [2, 0.25],
      [3, 0.03],
    ] as const) {
      const base = draw(seed, 20_000, (r) => normal(r));
      const cur = draw(seed + 50, 20_000, (r) => move + normal(r));
      const want = judgeNumeric(base, cur).status;
      expect(want).toBe(move >= 0.25 ? 'drift' : 'no drift');
      expect(
        judgeNumeric(
          base.map((v) => v + 1000),
          cur.map((v) => v + 1000),
        ).status,
      ).toBe(want);
      expect(judgeNumeric([...base, 1e12], cur).status).toBe(want);
      expect(judgeNumeric(base, [...cur, -1e12]).status).toBe(want);
    }
  });

  it('catches 0.25 sd, sd x 1.5 and a 20% -> 30% share at 10,000 rows a side and 100,000', () => {
    for (const n of [10_000, 100_000]) {
      const base = draw(7, n, (r) => normal(r));
      expect(
        judgeNumeric(
          base,
          draw(8, n, (r) => 0.25 + normal(r)),
        ).status,
      ).toBe('drift');
      expect(
        judgeNumeric(
          base,
          draw(9, n, (r) => 1.5 * normal(r)),
        ).status,
      ).toBe('drift');
      expect(
        judgeNumeric(
          base,
          draw(10, n, (r) => normal(r)),
        ).status,
      ).toBe('no drift');
      const cat = (seed: number, w: number[]): DatasetProfile => {
        const a = createAccumulator('x', 'categorical');
        const r = mulberry32(seed);
        for (let i = 0; i < n; i++) a.add(categorical(r, ['a', 'b', 'c', 'd', 'e'], w));
        return profileFromAccumulators([a], { rows: n, sources: [], createdAt: 'now' });
      };
      const b = cat(11, [0.2, 0.2, 0.2, 0.2, 0.2]);
      expect(computeDrift(b, cat(12, [0.3, 0.175, 0.175, 0.175, 0.175])).features[0]!.status).toBe('drift');
      expect(computeDrift(b, cat(13, [0.2, 0.2, 0.2, 0.2, 0.2])).features[0]!.status).toBe('no drift');
    }
  });

  it('issue case: 40% of the mass moving among the tail levels of a 200-level column is drift', () => {
    const levels = Array.from({ length: 200 }, (_, i) => `l${i}`);
    const head = levels.map((_, i) => (i < 20 ? 0.03 : 0.4 / 180));
    // The tail's 40% moves onto a quarter of the tail levels.
    const moved = levels.map((_, i) => (i < 20 ? 0.03 : i < 65 ? 0.4 / 45 : 0));
    const cat = (seed: number, w: number[]): DatasetProfile => {
      const a = createAccumulator('x', 'categorical');
      const r = mulberry32(seed);
      for (let i = 0; i < 10_000; i++) a.add(categorical(r, levels, w));
      return profileFromAccumulators([a], { rows: 10_000, sources: [], createdAt: 'now' });
    };
    const f = computeDrift(cat(1, head), cat(2, moved)).features[0]!;
    expect(f).toMatchObject({ status: 'drift', method: 'chi-square' });
    expect(f.pValue).toBeLessThan(1e-100);
  });

  it('Wasserstein of N(1000, 1) against itself is far below its 0.1 threshold (100,000 rows)', () => {
    let flagged = 0;
    for (let seed = 1; seed <= 3; seed++) {
      const base = draw(seed, 100_000, (r) => 1000 + normal(r));
      const cur = draw(seed + 10, 100_000, (r) => 1000 + normal(r));
      const b = createAccumulator('x', 'numeric');
      for (const v of base) b.add(v);
      const bp = profileFromAccumulators([b], { rows: base.length, sources: [], createdAt: 'now' });
      const c = createAccumulator('x', 'numeric', { reference: referenceEdgesOf(bp).get('x') });
      for (const v of cur) c.add(v);
      const cp = profileFromAccumulators([c], { rows: cur.length, sources: [], createdAt: 'now' });
      const f = computeDrift(bp, cp, { numeric: 'wasserstein' }).features[0]!;
      expect(f.statistic).toBeLessThan(0.03);
      if (f.drifted) flagged++;
    }
    expect(flagged).toBe(0);
  });
});
