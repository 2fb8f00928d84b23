import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@modelship/core';
import {
  createAccumulator,
  profileFromAccumulators,
  KllSketch,
  referenceEdgesOf,
  type DatasetProfile,
} from '@modelship/stats';

import { checkProfile } from '../src/baseline.js';
import { categorical, mulberry32, normal } from '../../stats/test/prng.js';

function sampleProfile(seed: number, rows = 2000): DatasetProfile {
  const rand = mulberry32(seed);
  const income = createAccumulator('income', 'numeric');
  const age = createAccumulator('age', 'numeric');
  const plan = createAccumulator('plan', 'categorical');
  const churned = createAccumulator('churned', 'categorical');
  for (let i = 0; i < rows; i++) {
    income.add(Math.exp(10 + 0.5 * normal(rand)));
    if (i % 50 === 0) age.addMissing();
    else age.add(18 + Math.floor(rand() * 60));
    plan.add(categorical(rand, ['basic', 'plus', 'pro'], [0.6, 0.3, 0.1]));
    churned.add(rand() < 0.2);
  }
  return profileFromAccumulators([income, age, plan, churned], {
    rows,
    sources: [{ uri: 'data/train.csv', sha256: 'a'.repeat(64), rows }],
    createdAt: '2026-11-22T00:00:00.000Z',
  });
}

describe('profile JSON', () => {
  it('round-trips through JSON and passes checkProfile', () => {
    const p = sampleProfile(1);
    const back = checkProfile(JSON.parse(JSON.stringify(p)), 'baseline.json');
    expect(back).toEqual(p);
    const income = back.columns[0]!.numeric!;
    const sketch = KllSketch.fromJSON(income.sketch!);
    expect(sketch.count).toBe(2000);
    expect(sketch.quantile(0.5)).toBe(income.quantiles.p50);
    expect(back.columns[1]).toMatchObject({ count: 1960, missing: 40, types: { integer: 1960 } });
    expect(back.columns[3]!.categorical!.top.map(([k]) => k)).toEqual(['false', 'true']);
  });

  it('rejects a malformed profile naming the field', () => {
    const bad = (mutate: (p: Record<string, unknown>) => void): unknown => {
      const p = JSON.parse(JSON.stringify(sampleProfile(2))) as Record<string, unknown>;
      mutate(p);
      return p;
    };
    const cases: [unknown, RegExp][] = [
      [
        bad((p) => {
          const top = (p.columns as { categorical?: { top: [string, number][] } }[])[2]!.categorical!.top;
          top[1]![0] = top[0]![0];
        }),
        /^columns\[2\]\.categorical\.top: lists '.*' twice/,
      ],
      [bad((p) => (p.kind = 'something')), /^kind: must be 'modelship.profile'/],
      [bad((p) => (p.schemaVersion = 3)), /^schemaVersion: an unsupported profile version 3/],
      [bad((p) => delete p.columns), /^columns: is required$/],
      [bad((p) => (p.columns = {})), /^columns: must be an array$/],
      [
        bad((p) => {
          const cols = p.columns as { numeric: { quantiles: Record<string, unknown> } }[];
          cols[0]!.numeric.quantiles.p50 = 'x';
        }),
        /^columns\[0\]\.numeric\.quantiles\.p50: must be a finite number/,
      ],
      [
        bad((p) => {
          const cols = p.columns as { numeric: { sketch: { levels: unknown[][] } } }[];
          cols[0]!.numeric.sketch.levels[0]![0] = 'x';
        }),
        /^columns\[0\]\.numeric\.sketch\.levels\[0\]\[0\]: must be a finite number/,
      ],
      [
        bad((p) => ((p.columns as Record<string, unknown>[])[2]!.kind = 'text')),
        /^columns\[2\]\.kind: must be one of "numeric", "categorical", got "text"$/,
      ],
      [
        bad((p) => ((p.columns as { categorical: { top: unknown[] } }[])[2]!.categorical.top[0] = ['a'])),
        /^columns\[2\]\.categorical\.top\[0\]: must be a \[value, count\] pair/,
      ],
      [
        bad((p) => ((p.columns as Record<string, unknown>[])[3]!.name = 'income')),
        /duplicate column 'income'/,
      ],
      [
        bad((p) => ((p.sources as Record<string, unknown>[])[0]!.rows = -1)),
        /^sources\[0\]\.rows: must be >= 0/,
      ],
      [
        bad((p) => delete (p.columns as Record<string, unknown>[])[2]!.categorical),
        /^columns\[2\]\.categorical: is required$/,
      ],
      [
        bad((p) =>
          (
            p.columns as { numeric: { histogram: { counts: number[] } } }[]
          )[0]!.numeric.histogram.counts.pop(),
        ),
        /^columns\[0\]\.numeric\.histogram\.edges: must have one more entry than counts \(21 vs 19\)$/,
      ],
      [
        bad((p) => ((p.columns as { categorical: { hll: string } }[])[2]!.categorical.hll = 'AAAA')),
        /^columns\[2\]\.categorical\.hll: HyperLogLog registers must decode to 4096 bytes, got 3$/,
      ],
      [
        bad((p) => ((p.columns as { numeric: { sketch: { k: number } } }[])[0]!.numeric.sketch.k = 4)),
        /^columns\[0\]\.numeric\.sketch\.k: must be >= 16$/,
      ],
      // Internal consistency: counts that contradict each other.
      [
        bad((p) => ((p.columns as { numeric: { sketch: { n: number } } }[])[0]!.numeric.sketch.n += 1)),
        /^columns\[0\]\.numeric\.sketch: sketch items weigh \d+, but n is \d+ .*: the counts contradict each other$/,
      ],
      [
        bad(
          (p) => ((p.columns as { categorical: { otherCount: number } }[])[2]!.categorical.otherCount += 5),
        ),
        /^columns\[2\]\.categorical\.otherCount: top \(\d+\) \+ otherCount \(\d+\) is not the \d+ values tallied in types/,
      ],
      [
        bad((p) => ((p.columns as { count: number }[])[0]!.count += 1)),
        /^columns\[0\]\.types: tally \d+ values, but count is \d+/,
      ],
      [
        bad(
          (p) =>
            ((
              p.columns as { numeric: { histogram: { counts: number[] } } }[]
            )[0]!.numeric.histogram.counts[0]! += 1),
        ),
        /^columns\[0\]\.numeric\.histogram\.counts: sum to \d+, but the sketch holds \d+ values/,
      ],
      [
        bad(
          (p) => ((p.columns as { categorical: { top: unknown[] } }[])[2]!.categorical.top[0] = ['a', 1, 2]),
        ),
        /^columns\[2\]\.categorical\.top\[0\]: must be a \[value, count\] pair$/,
      ],
      // JSON.parse reads 1e999 as Infinity.
      [
        JSON.parse(JSON.stringify(sampleProfile(2)).replace(/"mean":[^,]+/, '"mean":1e999')),
        /^columns\[0\]\.numeric\.mean: must be a finite number$/,
      ],
      [
        bad((p) => delete p.kind),
        /^kind: must be 'modelship.profile' \(is this a modelship profile\?\), got undefined$/,
      ],
      [null, /^\(profile\): must be an object$/],
      [
        bad((p) => (p.schemaVersion = 1)),
        /^schemaVersion: an older profile version 1 \(this modelship reads version 2\)$/,
      ],
    ];
    for (const [doc, message] of cases) {
      let err: unknown;
      try {
        checkProfile(doc, 'baseline.json');
      } catch (e) {
        err = e;
      }
      expect([String(message), err]).toEqual([String(message), expect.any(ConfigError)]);
      expect((err as ConfigError).message).toMatch(message);
      expect((err as ConfigError).where).toBe('baseline.json');
      if (/schemaVersion/.test((err as ConfigError).message))
        expect((err as ConfigError).hint).toMatch(
          /modelship validate-data --data <reference data> --schema <schema> --write-profile <path>/,
        );
    }
  });
});

describe('a profile counted into reference bins (a run against a baseline)', () => {
  function binnedProfile(): DatasetProfile {
    const base = sampleProfile(5);
    const rand = mulberry32(6);
    const reference = referenceEdgesOf(base);
    const income = createAccumulator('income', 'numeric', { reference: reference.get('income') });
    for (let i = 0; i < 3000; i++) income.add(Math.exp(10 + 0.5 * normal(rand)));
    return profileFromAccumulators([income], {
      rows: 3000,
      sources: [],
      createdAt: '2026-11-22T00:00:00.000Z',
    });
  }

  it('passes checkProfile with bins and no sketch past 2,047 values', () => {
    const p = JSON.parse(JSON.stringify(binnedProfile())) as DatasetProfile;
    const num = checkProfile(p, 'profile.json').columns[0]!.numeric!;
    expect(num.bins!.counts.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(num.sketch).toBeUndefined();
  });

  it('rejects bins whose counts contradict each other, naming numeric.bins', () => {
    const bad = (mutate: (bins: { counts: number[]; sums: number[]; min?: number }) => void): unknown => {
      const p = JSON.parse(JSON.stringify(binnedProfile())) as {
        columns: { numeric: { bins: { counts: number[]; sums: number[]; min?: number } } }[];
      };
      mutate(p.columns[0]!.numeric.bins);
      return p;
    };
    const cases: [unknown, RegExp][] = [
      [bad((b) => b.counts.pop()), /^columns\[0\]\.numeric\.bins: .*one more count than edges/],
      [
        bad((b) => (b.counts[3] = 0.5)),
        /^columns\[0\]\.numeric\.bins: bin 3 count 0\.5 is not a whole number/,
      ],
      [bad((b) => (b.min = 1e30)), /^columns\[0\]\.numeric\.bins: min 1e\+30/],
      [
        bad((b) => {
          const i = b.counts.findIndex((c) => c > 0);
          b.sums[i] = -1e30;
        }),
        /^columns\[0\]\.numeric\.bins: bin \d+ sum -1e\+30 does not fit/,
      ],
    ];
    cases.forEach(([doc, pattern], i) => {
      let message = 'did not throw';
      try {
        checkProfile(doc, 'profile.json');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect({ i, message }).toEqual({ i, message: expect.stringMatching(pattern) });
    });
  });
});
