/**
 * Quality of the canary judge, by simulation: `npm run bench:judge [-- --canaries 1000 --seed 1]`.
 *
 * One endpoint, the challenger at 10% of 10, 50 or 200 requests/s. Per one-minute period each variant
 * reports CloudWatch-style datapoints: its average ModelLatency (requests' latencies lognormal,
 * median 50 ms, σ 0.5; a load factor shared by both variants, σ 3%, per period) and its
 * Invocations and Invocation5XXErrors (errors binomial, 0.5% of requests). The judge looks every
 * interval of 5 periods; the step's bake is 3 intervals, extended up to 6. Allowed degradation:
 * latency 5% (relative), errors 0.5 percentage points.
 *
 * Cases: the challenger equal to the champion; +10% latency; +1 pp errors; +2% latency (within
 * tolerance). The same streams go through three rules:
 *   - modelship: the promote-on-metrics step's own bake loop (runCanary: anytime-valid
 *     confidence sequences on the step's cumulative data, latency paired by period, α 0.05 split
 *     over the two metrics, its policy and planned information) on a simulated endpoint;
 *   - fixed threshold (a CloudWatch alarm, Flagger's threshold check): each interval, fail when
 *     the challenger's mean latency is over the champion's by more than 5%, or its error rate by
 *     more than 0.5 pp; promote after 3 intervals without a failure;
 *   - per-interval Mann–Whitney (Kayenta's judge, no sequential correction): each interval, on that
 *     interval's datapoints, fail when the one-sided Mann–Whitney p < 0.05 and the Hodges–Lehmann
 *     shift is over 5%, or the rates' one-sided z test p < 0.05 and the difference over 0.5 pp;
 *     promote after 3 intervals without a failure.
 * Printed per case and rule: rolled back (by a failed check), caught within three intervals,
 * promoted, undecided at the end of the longest bake.
 */
import { binomial, hodgesLehmann, mannWhitneyU, proportionDifference, Xoshiro128 } from '@modelship/stats';
import {
  runCanary,
  type CanaryEndpoint,
  type MetricPage,
  type MetricPageInput,
  type PromoteSettings,
} from '@modelship/promote';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CANARIES = arg('canaries', 1000);
const SEED = arg('seed', 1);

let RATE = 200 * 60; // requests per minute (set per scenario below)
const RATES = [10, 50, 200]; // requests per second
const SHARE = 0.1;
const PERIODS = 5; // per interval
const BAKE = 3; // intervals
const MAX_BAKE = 6;
const SIGMA = 0.5;
const CV = Math.sqrt(Math.exp(SIGMA * SIGMA) - 1);
const MEDIAN = 50;
const LOAD = 0.03;
const ERRORS = 0.005;
const M_LAT = 0.05;
const M_ERR = 0.005;
const ALPHA = 0.05;

interface Case {
  name: string;
  latency: number;
  errors: number;
}
const CASES: Case[] = [
  { name: 'equal', latency: 0, errors: 0 },
  { name: '+10% latency', latency: 0.1, errors: 0 },
  { name: '+1 pp errors', latency: 0, errors: 0.01 },
  { name: '+2% latency (allowed)', latency: 0.02, errors: 0 },
];

interface Period {
  lat: [number, number]; // champion, challenger
  inv: [number, number];
  err: [number, number];
}

function gauss(rng: Xoshiro128): number {
  // Box–Muller on the generator's doubles.
  const u = 1 - rng.nextDouble();
  const v = rng.nextDouble();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function stream(rng: Xoshiro128, c: Case): Period[] {
  const out: Period[] = [];
  for (let t = 0; t < PERIODS * MAX_BAKE; t++) {
    const load = Math.exp(LOAD * gauss(rng));
    const n: [number, number] = [0, 0];
    const lat: [number, number] = [0, 0];
    const err: [number, number] = [0, 0];
    for (const v of [0, 1] as const) {
      n[v] = binomial(rng, RATE, v === 1 ? SHARE : 1 - SHARE);
      const mean = MEDIAN * Math.exp((SIGMA * SIGMA) / 2) * load * (v === 1 ? 1 + c.latency : 1);
      lat[v] = mean * (1 + (CV / Math.sqrt(n[v])) * gauss(rng));
      err[v] = binomial(rng, n[v], ERRORS + (v === 1 ? c.errors : 0));
    }
    out.push({ lat, inv: n, err });
  }
  return out;
}

type Outcome = { kind: 'rollback' | 'promote' | 'undecided'; interval: number };

// modelship: the step's own bake loop (runCanary, its policy and planned information) on a
// simulated endpoint that answers GetMetricData from the stream; one step at the canary share.
const SPEC = {
  namespace: 'AWS/SageMaker',
  dimensions: {},
  stat: 'Average',
  direction: 'lower' as const,
  critical: false,
};
const SETTINGS: PromoteSettings = {
  steps: [SHARE * 100],
  periodSeconds: 60,
  intervalSeconds: PERIODS * 60,
  bakeSeconds: BAKE * PERIODS * 60,
  maxBakeSeconds: MAX_BAKE * PERIODS * 60,
  metrics: [
    { ...SPEC, name: 'ModelLatency', kind: 'latency', maxIncrease: M_LAT },
    { ...SPEC, name: 'Invocation5XXErrors', kind: 'error-rate', maxIncrease: M_ERR },
  ],
  minSamples: 3,
  minInvocations: 100,
  confidence: 1 - ALPHA,
  onFail: 'rollback',
  onInconclusive: 'extend',
  afterMaxBake: 'hold',
  rejectOnRollback: true,
};
const T0 = Date.UTC(2026, 0, 1);
const quiet = { info: () => undefined, warn: () => undefined };
const never = new AbortController().signal;

async function ours(s: Period[]): Promise<Outcome> {
  let t = T0;
  const ep: CanaryEndpoint = {
    backend: 'local',
    endpoint: 'ep',
    champion: { name: 'champion' },
    challenger: { name: 'challenger' },
    shadow: false,
    share: SHARE * 100,
    getMetricData: async (input: MetricPageInput): Promise<MetricPage> => {
      const from = (input.StartTime.getTime() - T0) / 60_000;
      const to = (input.EndTime.getTime() - T0) / 60_000;
      return {
        MetricDataResults: input.MetricDataQueries.map((q) => {
          const v = q.Id.endsWith('challenger') ? 1 : 0;
          const Timestamps: Date[] = [];
          const Values: number[] = [];
          for (let k = from; k < to && k < s.length; k++) {
            Timestamps.push(new Date(T0 + k * 60_000));
            Values.push(
              q.Id.startsWith('inv') ? s[k]!.inv[v] : q.Id.startsWith('m1') ? s[k]!.err[v] : s[k]!.lat[v],
            );
          }
          return { Id: q.Id, Timestamps, Values, StatusCode: 'Complete' };
        }),
      };
    },
    setShare: async () => undefined,
    promote: async () => ({ endpointConfig: 'single', notes: [] }),
    rollback: async () => ({ endpointConfig: 'champion', notes: [] }),
  };
  const audit = await runCanary(
    ep,
    SETTINGS,
    { now: () => new Date(t), sleep: async (ms) => void (t += ms), signal: never, log: quiet },
    false,
  );
  const interval = audit.steps[0]!.looks.length;
  const kind =
    audit.decision === 'promoted' ? 'promote' : audit.decision === 'rolled-back' ? 'rollback' : 'undecided';
  return { kind, interval };
}

function fixedThreshold(s: Period[]): Outcome {
  for (let k = 1; k <= BAKE; k++) {
    const ps = s.slice((k - 1) * PERIODS, k * PERIODS);
    const mean = (v: 0 | 1) => ps.reduce((a, p) => a + p.lat[v], 0) / ps.length;
    const rate = (v: 0 | 1) => ps.reduce((a, p) => a + p.err[v], 0) / ps.reduce((a, p) => a + p.inv[v], 0);
    if (mean(1) > mean(0) * (1 + M_LAT) || rate(1) > rate(0) + M_ERR)
      return { kind: 'rollback', interval: k };
  }
  return { kind: 'promote', interval: BAKE };
}

function perIntervalMannWhitney(s: Period[]): Outcome {
  for (let k = 1; k <= BAKE; k++) {
    const ps = s.slice((k - 1) * PERIODS, k * PERIODS);
    const x = ps.map((p) => Math.log(p.lat[0]));
    const y = ps.map((p) => Math.log(p.lat[1]));
    const latencyWorse =
      mannWhitneyU(y, x, 'greater').pValue < 0.05 && Math.expm1(hodgesLehmann(x, y).estimate) > M_LAT;
    const sum = (key: 'inv' | 'err', v: 0 | 1) => ps.reduce((a, p) => a + p[key][v], 0);
    const d = proportionDifference(sum('err', 1), sum('inv', 1), sum('err', 0), sum('inv', 0));
    const errorsWorse = d.pValue / 2 < 0.05 && d.estimate > 0 && d.estimate > M_ERR;
    if (latencyWorse || errorsWorse) return { kind: 'rollback', interval: k };
  }
  return { kind: 'promote', interval: BAKE };
}

const RULES: Record<string, (s: Period[]) => Outcome | Promise<Outcome>> = {
  modelship: ours,
  'fixed threshold': fixedThreshold,
  'per-interval Mann–Whitney': perIntervalMannWhitney,
};

console.log(
  `canary judge: ${CANARIES} simulated canaries per case, challenger at ${SHARE * 100}% of the traffic, ` +
    `looks every ${PERIODS} one-minute periods, bake ${BAKE} intervals (up to ${MAX_BAKE}), seed ${SEED}`,
);
console.log(
  `${'traffic'.padEnd(9)} ${'case'.padEnd(24)} ${'rule'.padEnd(27)} ${'rolled back'.padStart(12)} ${'≤3 intervals'.padStart(13)} ${'promoted'.padStart(9)} ${'undecided'.padStart(10)}`,
);
const t0 = performance.now();
for (const rate of RATES) {
  RATE = rate * 60;
  for (const c of CASES) {
    const counts = Object.fromEntries(
      Object.keys(RULES).map((r) => [r, { rollback: 0, early: 0, promote: 0, undecided: 0 }]),
    );
    const rng = new Xoshiro128(SEED * 1_000_000 + rate * 100 + CASES.indexOf(c));
    for (let i = 0; i < CANARIES; i++) {
      const s = stream(rng, c);
      for (const [name, rule] of Object.entries(RULES)) {
        const o = await rule(s);
        const k = counts[name]!;
        k[o.kind]++;
        if (o.kind === 'rollback' && o.interval <= 3) k.early++;
      }
    }
    for (const [name, k] of Object.entries(counts)) {
      const share = (v: number) => `${((100 * v) / CANARIES).toFixed(1)}%`;
      console.log(
        `${`${rate} req/s`.padEnd(9)} ${c.name.padEnd(24)} ${name.padEnd(27)} ${share(k.rollback).padStart(12)} ${share(k.early).padStart(13)} ${share(k.promote).padStart(9)} ${share(k.undecided).padStart(10)}`,
      );
    }
  }
}
console.log(`targets: equal rolled back ≤ 1%; +10% latency and +1 pp errors caught within 3 intervals ≥ 95%`);
console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
