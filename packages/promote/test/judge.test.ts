/**
 * The canary judge's decisions on constructed data: each rule of judgeMetric and combine.
 * (Its error rates under repeated looks are measured by the simulation in bench/canary-judge.ts.)
 */
import { describe, expect, it } from '@jest/globals';
import { combine, judgeMetric, type JudgedMetric, type MetricVerdict } from '../src/judge.js';

const LATENCY: JudgedMetric = { name: 'ModelLatency', kind: 'latency', maxIncrease: 0.05 };
const ERRORS: JudgedMetric = { name: 'Invocation5XXErrors', kind: 'error-rate', maxIncrease: 0.005 };
const OPTS = { alpha: 0.025, planned: 15, minSamples: 3 };

/** Per-period latencies around `base` with a deterministic ±1% wobble, shared by both variants. */
function periods(n: number, base: number, factor: number) {
  const champion = Array.from({ length: n }, (_, i) => base * (1 + 0.01 * Math.sin(i * 1.7)));
  const challenger = champion.map((v, i) => v * factor * (1 + 0.004 * Math.cos(i * 2.3)));
  return { champion, challenger };
}

describe('judgeMetric: latency', () => {
  it('passes a challenger equal to the champion once the interval is within the allowed 5%', () => {
    const v = judgeMetric(LATENCY, { kind: 'periods', ...periods(30, 50, 1), paired: true }, OPTS);
    expect(v.status).toBe('pass');
    expect(v.high!).toBeLessThan(0.05);
    expect(v.test).toBe('wilcoxon-signed-rank');
    expect(v.reason).toMatch(/entirely within the allowed 5.00%/);
  });

  it('fails a challenger 20% slower, worse beyond doubt', () => {
    const v = judgeMetric(LATENCY, { kind: 'periods', ...periods(15, 50, 1.2), paired: true }, OPTS);
    expect(v.status).toBe('fail');
    expect(v.estimate!).toBeCloseTo(0.2, 2);
    expect(v.low!).toBeGreaterThan(0);
    expect(v.pValue!).toBeLessThan(0.001);
  });

  it('is inconclusive while the interval straddles the limit, and below min-samples', () => {
    const few = judgeMetric(LATENCY, { kind: 'periods', ...periods(2, 50, 1.2), paired: true }, OPTS);
    expect(few.status).toBe('inconclusive');
    expect(few.reason).toMatch(/fewer than min-samples 3: not judged/);
    const close = judgeMetric(LATENCY, { kind: 'periods', ...periods(4, 50, 1.04), paired: true }, OPTS);
    expect(close.status).toBe('inconclusive');
  });

  it('without pairing, compares the two samples (Mann–Whitney), wider than the paired interval', () => {
    const data = periods(15, 50, 1);
    const paired = judgeMetric(LATENCY, { kind: 'periods', ...data, paired: true }, OPTS);
    const apart = judgeMetric(LATENCY, { kind: 'periods', ...data }, OPTS);
    expect(apart.test).toBe('mann-whitney');
    expect(apart.high! - apart.low!).toBeGreaterThan(paired.high! - paired.low!);
  });

  it('an absolute limit (max) on the challenger fails it whatever the champion does', () => {
    const v = judgeMetric(
      { ...LATENCY, max: 40 },
      { kind: 'periods', ...periods(15, 50, 1), paired: true },
      OPTS,
    );
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/above its absolute limit 40/);
  });

  it('a higher-is-better KPI fails when it drops beyond doubt by more than allowed', () => {
    const kpi: JudgedMetric = { name: 'Conversions', kind: 'kpi', direction: 'higher', maxIncrease: 0.05 };
    expect(judgeMetric(kpi, { kind: 'periods', ...periods(15, 100, 0.8), paired: true }, OPTS).status).toBe(
      'fail',
    );
    expect(judgeMetric(kpi, { kind: 'periods', ...periods(30, 100, 1.2), paired: true }, OPTS).status).toBe(
      'pass',
    );
  });

  it('refuses non-positive datapoints and paired data of unequal length', () => {
    expect(() =>
      judgeMetric(LATENCY, { kind: 'periods', champion: [1, 2, 0], challenger: [1, 2, 3] }, OPTS),
    ).toThrow(/champion datapoint 0 is not a positive number/);
    expect(() =>
      judgeMetric(
        LATENCY,
        { kind: 'periods', champion: [1, 2, 3], challenger: [1, 2, 3, 4], paired: true },
        OPTS,
      ),
    ).toThrow(/unequal counts \(3 and 4\)/);
  });
});

describe('judgeMetric: error rate', () => {
  const counts = (ce: number, ct: number, he: number, ht: number) =>
    ({
      kind: 'counts',
      champion: { events: ce, trials: ct },
      challenger: { events: he, trials: ht },
    }) as const;
  const opts = { alpha: 0.025, planned: 9000, minSamples: 100 };

  it('fails 2% errors against 0.5% on thousands of invocations', () => {
    const v = judgeMetric(ERRORS, counts(450, 90_000, 200, 10_000), opts);
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/beyond doubt/);
  });

  it('passes equal rates, and no errors on either side is a pass with enough invocations, not certainty', () => {
    expect(judgeMetric(ERRORS, counts(450, 90_000, 50, 10_000), opts).status).toBe('pass');
    const none = judgeMetric(ERRORS, counts(0, 90_000, 0, 10_000), opts);
    expect(none.status).toBe('pass');
    expect(none.high!).toBeGreaterThan(0);
  });

  it('zero invocations on a variant is inconclusive, never a pass', () => {
    const v = judgeMetric(ERRORS, counts(0, 90_000, 0, 0), opts);
    expect(v.status).toBe('inconclusive');
    expect(v.reason).toMatch(/0 challenger invocations/);
  });
});

describe('combine', () => {
  const v = (metric: string, status: MetricVerdict['status'], critical = false): MetricVerdict => ({
    metric,
    status,
    reason: status,
    limit: 0.05,
    n: { champion: 10, challenger: 10 },
    critical,
  });

  it('fails on any failed metric, saying whether a critical one failed', () => {
    expect(combine([v('a', 'pass'), v('b', 'fail')], false)).toMatchObject({
      decision: 'fail',
      critical: false,
    });
    expect(combine([v('a', 'fail'), v('b', 'fail', true)], false)).toMatchObject({
      decision: 'fail',
      critical: true,
      reason: 'critical b: fail',
    });
  });

  it('passes only when every metric passes and the bake is over', () => {
    expect(combine([v('a', 'pass'), v('b', 'pass')], true).decision).toBe('pass');
    expect(combine([v('a', 'pass'), v('b', 'pass')], false).decision).toBe('continue');
    expect(combine([v('a', 'pass'), v('b', 'inconclusive')], true).decision).toBe('continue');
    expect(combine([], true).decision).toBe('continue');
  });
});
