// The bake loop and its policy with a simulated endpoint and clock: ramp, promote, roll back,
// hold, inconclusive on no data, cancel; the GetMetricData reader's paging; replay.
import { describe, expect, it } from '@jest/globals';
import { Xoshiro128 } from '@modelship/stats';
import {
  alphaEach,
  buildQueries,
  fetchSeries,
  judgeDivergence,
  metricData,
  nextAction,
  replay,
  runCanary,
  summarisePairs,
  type CanaryEndpoint,
  type DecisionAudit,
  type LookDecision,
  type MetricPage,
  type MetricPageInput,
  type PromoteSettings,
} from '../src/index.js';
import { DEFAULT_METRICS } from '../src/plan.js';

const SETTINGS: PromoteSettings = {
  steps: [10, 50],
  intervalSeconds: 300,
  bakeSeconds: 900,
  maxBakeSeconds: 1800,
  periodSeconds: 60,
  metrics: [
    {
      name: 'ModelLatency',
      kind: 'latency',
      direction: 'lower',
      maxIncrease: 0.1,
      critical: false,
      namespace: 'AWS/SageMaker',
      dimensions: {},
      stat: 'Average',
    },
    {
      name: 'Invocation5XXErrors',
      kind: 'error-rate',
      direction: 'lower',
      maxIncrease: 0.005,
      critical: true,
      namespace: 'AWS/SageMaker',
      dimensions: {},
      stat: 'Average',
    },
  ],
  minSamples: 5,
  minInvocations: 100,
  confidence: 0.95,
  onFail: 'rollback',
  onInconclusive: 'extend',
  afterMaxBake: 'rollback',
  rejectOnRollback: true,
};

const look = (decision: LookDecision['decision'], critical = false): LookDecision => ({
  decision,
  critical,
  reason: 'r',
});

describe('nextAction (the policy after a look)', () => {
  it('rolls back on a fail, at once on a critical one whatever on-fail says', () => {
    expect(nextAction(look('fail'), 60, 0, SETTINGS)).toMatchObject({
      action: 'rollback',
      decision: 'rolled-back',
      reject: true,
    });
    const hold = { ...SETTINGS, onFail: 'hold' as const };
    expect(nextAction(look('fail'), 60, 0, hold)).toMatchObject({
      action: 'hold',
      decision: 'held',
      reject: false,
    });
    expect(nextAction(look('fail', true), 60, 0, hold)).toMatchObject({
      action: 'rollback',
      decision: 'rolled-back',
    });
    expect(nextAction(look('fail'), 60, 0, { ...SETTINGS, rejectOnRollback: false })).toMatchObject({
      reject: false,
    });
  });

  it('ramps on a pass, promotes after the last step', () => {
    expect(nextAction(look('pass'), 900, 0, SETTINGS).action).toBe('next-step');
    expect(nextAction(look('pass'), 900, 1, SETTINGS).action).toBe('promote');
  });

  it('waits during the bake, extends up to max-bake, then does what after-max-bake says', () => {
    expect(nextAction(look('continue'), 300, 0, SETTINGS).action).toBe('wait');
    expect(nextAction(look('continue'), 900, 0, SETTINGS).action).toBe('wait');
    expect(nextAction(look('continue'), 1500, 0, SETTINGS).action).toBe('wait');
    expect(nextAction(look('continue'), 1800, 0, SETTINGS)).toMatchObject({
      action: 'rollback',
      decision: 'inconclusive',
      reject: false,
    });
    expect(nextAction(look('continue'), 1800, 0, { ...SETTINGS, afterMaxBake: 'hold' })).toMatchObject({
      action: 'hold',
      decision: 'held',
    });
    expect(nextAction(look('continue'), 900, 0, { ...SETTINGS, onInconclusive: 'rollback' })).toMatchObject({
      action: 'rollback',
      decision: 'inconclusive',
    });
    expect(nextAction(look('continue'), 900, 0, { ...SETTINGS, onInconclusive: 'hold' })).toMatchObject({
      action: 'hold',
      decision: 'held',
    });
  });

  it('splits α over metrics and steps (Bonferroni)', () => {
    expect(alphaEach(SETTINGS)).toBeCloseTo(0.05 / 4, 15);
    expect(alphaEach({ ...SETTINGS, shadow: { maxLabelDifference: 0.05 } })).toBeCloseTo(0.05 / 6, 15);
  });
});

describe('the GetMetricData reader', () => {
  const queries = buildQueries(SETTINGS.metrics, 'ep', { champion: 'a', challenger: 'b' }, 60);

  it('asks for every metric of both variants and the invocations as exposure, in one request', () => {
    expect(queries.map((q) => q.Id)).toEqual([
      'm0_champion',
      'm0_challenger',
      'm1_champion',
      'm1_challenger',
      'inv_champion',
      'inv_challenger',
    ]);
    expect(queries[1]!.MetricStat.Metric.Dimensions).toEqual([
      { Name: 'EndpointName', Value: 'ep' },
      { Name: 'VariantName', Value: 'b' },
    ]);
    expect(queries[2]!.MetricStat.Stat).toBe('Sum');
  });

  it('follows NextToken and joins the pages per query, in time order', async () => {
    const calls: (string | undefined)[] = [];
    const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m));
    const pages: MetricPage[] = [
      {
        MetricDataResults: [
          { Id: 'm0_champion', Timestamps: [t(0), t(1)], Values: [10, 11], StatusCode: 'PartialData' },
        ],
        NextToken: 'p2',
      },
      {
        MetricDataResults: [
          { Id: 'm0_champion', Timestamps: [t(2)], Values: [12], StatusCode: 'Complete' },
          { Id: 'm0_challenger', Timestamps: [t(1), t(0)], Values: [21, 20], StatusCode: 'Complete' },
        ],
      },
    ];
    const series = await fetchSeries(
      async (input: MetricPageInput) => {
        calls.push(input.NextToken);
        expect(input.MetricDataQueries).toHaveLength(queries.length);
        return pages[calls.length - 1]!;
      },
      queries,
      { start: t(0), end: t(3) },
    );
    expect(calls).toEqual([undefined, 'p2']);
    expect(series.m0_champion!.v).toEqual([10, 11, 12]);
    expect(series.m0_challenger).toEqual({ t: [t(0).toISOString(), t(1).toISOString()], v: [20, 21] });
  });

  it('refuses a query CloudWatch left incomplete after its last page', async () => {
    await expect(
      fetchSeries(
        async () => ({
          MetricDataResults: [{ Id: 'm0_champion', Timestamps: [], Values: [], StatusCode: 'PartialData' }],
        }),
        queries,
        { start: new Date(0), end: new Date(60_000) },
      ),
    ).rejects.toThrow('GetMetricData left query m0_champion PartialData');
  });

  it('pairs periods both variants have; falls back to two samples when too few are shared', () => {
    const s = {
      m0_champion: { t: ['a', 'b', 'c', 'd', 'e', 'f'], v: [1, 2, 3, 4, 5, 6] },
      m0_challenger: { t: ['b', 'c', 'd', 'e', 'f', 'g'], v: [2, 3, 4, 5, 6, 7] },
    };
    expect(metricData(SETTINGS.metrics[0]!, 0, s, 5)).toEqual({
      kind: 'periods',
      champion: [2, 3, 4, 5, 6],
      challenger: [2, 3, 4, 5, 6],
      paired: true,
    });
    expect(metricData(SETTINGS.metrics[0]!, 0, s, 6)).toEqual({
      kind: 'periods',
      champion: [1, 2, 3, 4, 5, 6],
      challenger: [2, 3, 4, 5, 6, 7],
    });
  });
});

/** A simulated endpoint: per minute, each variant's average latency, invocations and errors. */
function simulated(opts: {
  latency?: number;
  errors?: number;
  rate?: number;
  silent?: boolean;
  seed?: number;
}): CanaryEndpoint & { shares: number[]; promoted: boolean; rolledBack: boolean } {
  const rng = new Xoshiro128(opts.seed ?? 7);
  const cache = new Map<number, { lat: [number, number]; inv: [number, number]; err: [number, number] }>();
  const rate = opts.rate ?? 3000; // requests per minute
  const ep = {
    backend: 'local' as const,
    endpoint: 'ep',
    champion: { name: 'ep-v1', modelPackageArn: 'model-package/ep/1' },
    challenger: { name: 'ep-v2', modelPackageArn: 'model-package/ep/2' },
    shadow: false,
    share: 10,
    shares: [] as number[],
    promoted: false,
    rolledBack: false,
    minute(m: number) {
      let p = cache.get(m);
      if (!p) {
        const g = () => {
          const u = 1 - rng.nextDouble();
          return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
        };
        const load = Math.exp(0.03 * g());
        const share = ep.share / 100;
        const inv: [number, number] = [Math.round(rate * (1 - share)), Math.round(rate * share)];
        const lat: [number, number] = [0, 1].map(
          (v) =>
            56 * load * (v === 1 ? 1 + (opts.latency ?? 0) : 1) * (1 + (0.53 / Math.sqrt(inv[v]!)) * g()),
        ) as [number, number];
        const err: [number, number] = [0, 1]
          .map((v) =>
            Math.round(
              inv[v]! * (0.005 + (v === 1 ? (opts.errors ?? 0) : 0)) + Math.sqrt(inv[v]! * 0.005) * g() * 0.5,
            ),
          )
          .map((e) => Math.max(0, e)) as [number, number];
        p = { lat, inv, err };
        cache.set(m, p);
      }
      return p;
    },
    async getMetricData(input: MetricPageInput): Promise<MetricPage> {
      const from = input.StartTime.getTime() / 60_000;
      const to = input.EndTime.getTime() / 60_000;
      return {
        MetricDataResults: input.MetricDataQueries.map((q) => {
          const role = q.Id.endsWith('challenger') ? 1 : 0;
          const ts: Date[] = [];
          const vs: number[] = [];
          if (!opts.silent)
            for (let m = from; m < to; m++) {
              const p = ep.minute(m);
              ts.push(new Date(m * 60_000));
              vs.push(
                q.Id.startsWith('inv') ? p.inv[role] : q.Id.startsWith('m1') ? p.err[role] : p.lat[role],
              );
            }
          return { Id: q.Id, Timestamps: ts, Values: vs, StatusCode: 'Complete' };
        }),
      };
    },
    async setShare(p: number) {
      ep.shares.push(p);
      ep.share = p;
    },
    async promote() {
      ep.promoted = true;
      return { endpointConfig: 'ep-single', notes: [] };
    },
    async rollback() {
      ep.rolledBack = true;
      return { endpointConfig: 'ep-champion', notes: [] };
    },
  };
  return ep;
}

function clock(startMs = Date.UTC(2026, 10, 30, 10, 0, 0)) {
  let t = startMs;
  return {
    now: () => new Date(t),
    sleep: async (ms: number) => {
      t += ms;
    },
    signal: new AbortController().signal,
    log: { info: () => undefined, warn: () => undefined },
  };
}

describe('runCanary', () => {
  it('ramps an equal challenger step by step and promotes it; replay gives the same decision', async () => {
    const ep = simulated({});
    const audit = await runCanary(ep, SETTINGS, clock(), false);
    expect(audit.decision).toBe('promoted');
    expect(ep.shares).toEqual([50]);
    expect(ep.promoted).toBe(true);
    expect(audit.steps.map((s) => s.verdict)).toEqual(['pass', 'pass']);
    expect(audit.finalWeights).toEqual({ 'ep-v2': 100 });
    const again = replay(JSON.parse(JSON.stringify(audit)) as DecisionAudit);
    expect(again).toMatchObject({ decision: 'promoted', mismatches: [] });
  });

  it('rolls back a slower challenger within the first step and never promotes it', async () => {
    const ep = simulated({ latency: 0.3 });
    const audit = await runCanary(ep, SETTINGS, clock(), false);
    expect(audit.decision).toBe('rolled-back');
    expect(ep.rolledBack).toBe(true);
    expect(ep.promoted).toBe(false);
    expect(audit.steps).toHaveLength(1);
    expect(audit.steps[0]!.verdict).toBe('fail');
    expect(audit.reason).toMatch(/ModelLatency/);
  });

  it('rolls back at once on a critical error rate, even with on-fail hold', async () => {
    const ep = simulated({ errors: 0.03 });
    const audit = await runCanary(ep, { ...SETTINGS, onFail: 'hold' }, clock(), false);
    expect(audit.decision).toBe('rolled-back');
    expect(audit.reason).toMatch(/critical.*Invocation5XXErrors/);
  });

  it('never promotes on no data: inconclusive after max-bake, rolled back without rejecting', async () => {
    const ep = simulated({ silent: true });
    const audit = await runCanary(ep, SETTINGS, clock(), false);
    expect(audit.decision).toBe('inconclusive');
    expect(ep.promoted).toBe(false);
    expect(ep.rolledBack).toBe(true);
    const looks = audit.steps[0]!.looks;
    expect(looks).toHaveLength(SETTINGS.maxBakeSeconds / SETTINGS.intervalSeconds);
    expect(looks.every((l) => l.verdicts.every((v) => v.status === 'inconclusive'))).toBe(true);
    expect(replay(audit).mismatches).toEqual([]);
  });

  it('holds a failing challenger with on-fail hold when the metric is not critical', async () => {
    const ep = simulated({ latency: 0.3 });
    const audit = await runCanary(ep, { ...SETTINGS, onFail: 'hold' }, clock(), false);
    expect(audit.decision).toBe('held');
    expect(ep.rolledBack).toBe(false);
    expect(audit.finalWeights).toEqual({ 'ep-v1': 90, 'ep-v2': 10 });
  });

  it('in a dry run judges the current share and changes nothing', async () => {
    const ep = simulated({});
    const audit = await runCanary(ep, SETTINGS, clock(), true);
    expect(audit.decision).toBe('held');
    expect(audit.reason).toMatch(/^dry run: would ramp to 50%/);
    expect(ep.shares).toEqual([]);
    expect(ep.promoted || ep.rolledBack).toBe(false);
    expect(replay(audit)).toMatchObject({ decision: 'held', mismatches: [] });
  });

  it('on cancel mid-bake returns the weights to the champion and says so', async () => {
    const ep = simulated({});
    const ac = new AbortController();
    const c = clock();
    let looks = 0;
    const audit = await runCanary(
      ep,
      SETTINGS,
      {
        ...c,
        signal: ac.signal,
        sleep: async (ms) => {
          await c.sleep(ms);
          if (++looks === 2) ac.abort();
        },
      },
      false,
    );
    // Not `held` (the weights stay): the weights went back, and no verdict was reached.
    expect(audit.decision).toBe('inconclusive');
    expect(audit.cancelled).toBe(true);
    expect(audit.steps[0]!.verdict).toBe('cancelled');
    expect(ep.shares).toEqual([0]);
    expect(audit.actions.at(-1)).toMatchObject({ action: 'cancelled' });
    expect(audit.finalWeights).toEqual({ 'ep-v1': 100, 'ep-v2': 0 });
  });

  it('replay finds a datapoint changed after the fact', async () => {
    const audit = await runCanary(simulated({ latency: 0.3 }), SETTINGS, clock(), false);
    const tampered = JSON.parse(JSON.stringify(audit)) as DecisionAudit;
    const last = tampered.steps[0]!.looks.at(-1)!;
    last.series.m0_challenger!.v = last.series.m0_champion!.v.slice();
    const r = replay(tampered);
    expect(r.mismatches.length).toBeGreaterThan(0);
    expect(r.mismatches.join('\n')).toMatch(/ModelLatency=/);
  });

  it('uses the default metrics when none are configured', () => {
    expect(DEFAULT_METRICS.map((m) => m.name)).toEqual(['ModelLatency', 'Invocation5XXErrors']);
  });
});

describe('runCanary when something goes wrong mid-bake', () => {
  it('holds when the champion stops serving: nothing is rolled back to a dead variant', async () => {
    const ep = simulated({});
    let looks = 0;
    const audit = await runCanary(
      { ...ep, dead: async () => (++looks >= 2 ? { champion: 'its process, pid 7, is not running' } : {}) },
      SETTINGS,
      clock(),
      false,
    );
    expect(audit.decision).toBe('held');
    expect(audit.reason).toMatch(/^the champion ep-v1 stopped serving mid-bake/);
    expect(ep.rolledBack || ep.promoted).toBe(false);
  });

  it('rolls back when the challenger stops serving', async () => {
    const ep = simulated({});
    const audit = await runCanary(
      { ...ep, dead: async () => ({ challenger: 'gone' }) },
      SETTINGS,
      clock(),
      false,
    );
    expect(audit.decision).toBe('rolled-back');
    expect(ep.rolledBack).toBe(true);
  });

  it('returns the weights to where they were when reading metrics fails after a ramp, and fails', async () => {
    const ep = simulated({});
    const broken: CanaryEndpoint = {
      ...ep,
      setShare: (p) => ep.setShare(p),
      getMetricData: async (input) => {
        // the first step passes; after the ramp the store breaks
        if (ep.shares.length > 0) throw new Error('metrics unreadable');
        return ep.getMetricData(input);
      },
    };
    await expect(runCanary(broken, SETTINGS, clock(), false)).rejects.toThrow('metrics unreadable');
    expect(ep.shares).toEqual([50, 10]);
  });

  it('reports the decision a dry run would take', async () => {
    const one = { ...SETTINGS, steps: [10] };
    expect((await runCanary(simulated({}), one, clock(), true)).decision).toBe('promoted');
    const slow = await runCanary(simulated({ latency: 0.3 }), one, clock(), true);
    expect(slow.decision).toBe('rolled-back');
    expect(slow.reason).toMatch(/^dry run: would roll back/);
    expect(replay(slow).mismatches).toEqual([]);
  });
});

describe('replay, against edits of the record', () => {
  it('finds an edited verdict number or final weights', async () => {
    const audit = await runCanary(simulated({}), SETTINGS, clock(), false);
    const a = JSON.parse(JSON.stringify(audit)) as DecisionAudit;
    a.steps[0]!.looks.at(-1)!.verdicts[0]!.estimate = 5;
    expect(replay(a).mismatches.join('\n')).toMatch(/ModelLatency: recomputed/);
    const b = JSON.parse(JSON.stringify(audit)) as DecisionAudit;
    const series = b.steps[0]!.looks.at(-1)!.series.m0_challenger!;
    series.v[0] = series.v[0]! * 1.3;
    expect(replay(b).mismatches.length).toBeGreaterThan(0);
    const c = JSON.parse(JSON.stringify(audit)) as DecisionAudit;
    c.finalWeights = { 'ep-v1': 100 };
    expect(replay(c).mismatches).toEqual([
      expect.stringMatching(/^final weights .* do not follow from promoted/),
    ]);
  });
});

describe('the shadow divergence judge', () => {
  it('passes answers that agree, fails answers that differ beyond the allowance, waits on few pairs', () => {
    const agree = summarisePairs(
      Array.from({ length: 400 }, (_, i) => ({
        challenger: JSON.stringify({ score: 0.5 + (i % 3) * 1e-3, churn: false }),
        champion: JSON.stringify({ churn: false, score: 0.5 }),
        challengerStatus: 200,
        championStatus: 200,
      })),
      'churn',
    );
    expect(agree).toMatchObject({ pairs: 400, differing: 0 });
    const [label] = judgeDivergence({ maxLabelDifference: 0.05 }, agree, 0.0125, [400]);
    expect(label!.status).toBe('pass');
    const differ = { pairs: 400, differing: 80, absoluteDifferences: [] };
    expect(judgeDivergence({ maxLabelDifference: 0.05 }, differ, 0.0125, [400])[0]!.status).toBe('fail');
    expect(
      judgeDivergence({ maxLabelDifference: 0.05 }, { ...differ, pairs: 10, differing: 0 }, 0.0125, [400])[0]!
        .status,
    ).toBe('inconclusive');
    const scores = summarisePairs(
      Array.from({ length: 200 }, () => ({
        challenger: '0.61',
        champion: '0.6',
        challengerStatus: 200,
        championStatus: 200,
      })),
    );
    const [mad] = judgeDivergence({ maxMeanAbsoluteDifference: 0.05 }, scores, 0.0125, [200]);
    expect(mad!.status).toBe('pass');
    expect(mad!.estimate).toBeCloseTo(0.01, 10);
  });
});

describe('shadow answers compared on a field', () => {
  const pair = (a: unknown, b: unknown) => ({
    challenger: JSON.stringify(a),
    champion: JSON.stringify(b),
    challengerStatus: 200,
    championStatus: 200,
  });

  it('follows a dotted path into arrays and objects', () => {
    const p = [pair({ predictions: [{ churn: true }] }, { predictions: [{ churn: false }] })];
    expect(summarisePairs(p, 'predictions.0.churn')).toMatchObject({ pairs: 1, differing: 1 });
  });

  it('never counts answers without the field as agreeing: they are left out and the check stays open', () => {
    const p = Array.from({ length: 100 }, () => pair({ a: 1 }, { a: 2 }));
    const s = summarisePairs(p, 'nosuchfield');
    expect(s).toMatchObject({ pairs: 0, differing: 0, missing: 100 });
    const [v] = judgeDivergence({ maxLabelDifference: 0.05 }, s, 0.0125, [100]);
    expect(v!.status).toBe('inconclusive');
    expect(v!.reason).toMatch(/100 pair\(s\) lack the compared field/);
  });
});
