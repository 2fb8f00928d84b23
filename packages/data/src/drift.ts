/**
 * Drift between two dataset profiles: a pure function of the recorded baseline and current profiles,
 * so every verdict can be replayed from the files. The rule (also in docs/drift.md):
 *
 * Each feature gets one verdict: `drift`, `no drift` or `insufficient data` (or `ignored` by
 * configuration), with the statistic, threshold and n of each check made.
 *
 * 1. Schema. Drift when a baseline feature is missing from the current data, its kind changed, or
 *    the current data hold no usable value (all missing, non-finite or of another type) where the
 *    baseline had some. A feature with no usable baseline value is `insufficient data`.
 * 2. Distribution (`auto`): a significance test AND an effect-size floor.
 *    - numeric: two-sample Kolmogorov–Smirnov on the KLL sketches. The p-value is that of
 *      D - allowance (the sketches' rank-error bound, 0 while they are exact), so sketch error alone
 *      never rejects; drift when p < alpha / m and D >= 0.05.
 *    - categorical: Pearson's chi-square test of homogeneity on exact counts (up to 10,000 levels
 *      per profile, the rest pooled), rarer categories pooled in order of their total count until
 *      each group expects >= 5 values on both sides (Cochran's rule); drift when p < alpha / m and
 *      the total variation distance (half the L1 distance of the shares) >= 0.05.
 *    `insufficient data` when the test cannot reject at its threshold whatever the data (KS: even
 *    D = 1 gives p >= alpha / m; chi-square: fewer than two groups survive the pooling), or for an
 *    identifier-like categorical (every one of > 100 baseline values distinct).
 * 3. Missing rate. Chi-square test on the 2 x 2 table (missing, present) x (baseline, current);
 *    drift when p < alpha / m and the rates differ by >= 0.05 (skipped when an expected cell < 5).
 *
 * m = 2 x the number of features compared (a distribution and a missing-rate test each: Bonferroni),
 * so the family-wise false-alarm rate stays <= alpha whatever the number of features and rows, while
 * power grows with n. The floors keep huge samples from flagging trivial differences: 0.05 is a
 * 0.125-standard-deviation mean shift of a normal feature (KS D = 0.0498), a quarter of the
 * 0.25-sigma shift the rule is built to catch.
 *
 * Explicit methods: `ks` and `chi-square` (the tests above without the floor), `psi`, `js`, `linf`
 * (on categories, or on numeric baseline-decile bins) and `wasserstein` (Wasserstein-1 divided by the
 * baseline's standard deviation, or IQR), each against a threshold (defaults 0.2 PSI, 0.1 others).
 *
 * This module is the policy; the statistics are in @modelship/stats.
 */
import { ConfigError, formatNumber } from '@modelship/core';
import {
  binShares,
  chiSquareTest,
  decileEdges,
  jsDistance,
  distributionOf,
  IDENTIFIER_MIN,
  ksFromSketches,
  ReferenceBins,
  ksPValue,
  linfDistance,
  psi,
  PSI_EPSILON,
  sum,
  wassersteinFromSketches,
  type CategoricalSummary,
  type ColumnKind,
  type ColumnProfile,
  type DatasetProfile,
  type Distribution,
} from '@modelship/stats';

export type DriftMethod = 'auto' | 'psi' | 'ks' | 'wasserstein' | 'js' | 'chi-square' | 'linf';

export interface DriftOptions {
  /** Threshold of the distance methods (psi, wasserstein, js, linf), replacing their defaults. */
  defaultThreshold?: number;
  /** Significance level of the tests before the Bonferroni correction (default 0.05). */
  alpha?: number;
  numeric?: DriftMethod;
  categorical?: DriftMethod;
  features?: Record<string, { method?: DriftMethod; threshold?: number; ignore?: boolean }>;
}

export type DriftStatus = 'drift' | 'no drift' | 'insufficient data' | 'ignored';

export interface FeatureDrift {
  feature: string;
  kind: ColumnKind;
  /** The distribution method (`schema` when the verdict is a schema change). */
  method: Exclude<DriftMethod, 'auto'> | 'schema';
  /** The distribution statistic (KS D, chi-square, distance), 0 when not computed. */
  statistic: number;
  /** Drift when statistic >= threshold (distances) or pValue < threshold (tests). */
  threshold: number;
  pValue?: number;
  /** The effect size compared with the floor under `auto` (KS D, total variation distance). */
  effect?: number;
  /** The floor the effect must reach under `auto`. */
  effectFloor?: number;
  /** Missing-value rates and their test, when both sides have rows. */
  missing?: { baseline: number; current: number; pValue?: number; drifted: boolean };
  drifted: boolean;
  status: DriftStatus;
  /** One line per check made, joined with '; '. */
  reason: string;
  nBaseline: number;
  nCurrent: number;
  /** Shares per bin / category for a chart (numeric: 10 bins over the baseline's p01..p99). */
  histogram?: { labels: string[]; baseline: number[]; current: number[] };
}

export interface DriftReport {
  /** One-line description of the rule used. */
  method: string;
  features: FeatureDrift[];
  /** Names of the drifted features. */
  drifted: string[];
  /** Number of features compared (not ignored, present on both sides). */
  checked: number;
  /** Names of the features with insufficient data. */
  insufficient: string[];
}

type Method = Exclude<DriftMethod, 'auto'>;

/** Defaults of the rule; see the top of this file. */
export const DRIFT_DEFAULTS = {
  alpha: 0.05,
  thresholds: { psi: 0.2, js: 0.1, wasserstein: 0.1, linf: 0.1 } as Record<
    'psi' | 'js' | 'wasserstein' | 'linf',
    number
  >,
  /** Effect floors of `auto`: KS D, total variation distance, missing-rate difference. */
  ksFloor: 0.05,
  tvFloor: 0.05,
  missingFloor: 0.05,
  /** Cochran's rule: pooled groups expect at least this many values on each side. */
  minExpected: 5,
  psiEpsilon: PSI_EPSILON,
  /** Identifier-like: every baseline value distinct, and more than this many. */
  idDistinctMin: IDENTIFIER_MIN,
  histogramBins: 10,
  histogramCategories: 10,
} as const;

const OTHER = '(other)';
const TEST_METHODS: ReadonlySet<Method> = new Set<Method>(['ks', 'chi-square']);
const NAMES: Record<Method, string> = {
  ks: 'KS',
  psi: 'PSI',
  wasserstein: 'normed Wasserstein',
  js: 'Jensen–Shannon distance',
  'chi-square': 'chi-square',
  linf: 'L-infinity distance',
};

interface Plan {
  feature: string;
  kind: ColumnKind;
  method: Method;
  auto: boolean;
  base?: ColumnProfile;
  cur?: ColumnProfile;
  nBaseline: number;
  nCurrent: number;
  /** Set when no distribution is compared: the verdict and why. */
  verdict?: { status: DriftStatus; reason: string };
  explicitThreshold?: number;
}

/**
 * Compare a current profile with a baseline profile, feature by feature (the rule at the top).
 *
 * @throws ConfigError when a configured method does not apply to the feature's kind.
 */
export function computeDrift(
  baseline: DatasetProfile,
  current: DatasetProfile,
  options: DriftOptions = {},
): DriftReport {
  const alpha = options.alpha ?? DRIFT_DEFAULTS.alpha;
  const baseCols = new Map(baseline.columns.map((c) => [c.name, c]));
  const curCols = new Map(current.columns.map((c) => [c.name, c]));
  const names = [...baseCols.keys()];
  for (const n of curCols.keys()) if (!baseCols.has(n)) names.push(n);

  const plans = names.map((name) => plan(name, baseCols.get(name), curCols.get(name), options));
  const compared = plans.filter((p) => p.base && p.cur && p.verdict?.status !== 'ignored').length;
  const tests = 2 * compared;
  const features = plans.map((p) => judge(p, options, alpha, tests));
  return {
    method: describeRule(options, alpha, tests),
    features,
    drifted: features.filter((f) => f.drifted).map((f) => f.feature),
    checked: compared,
    insufficient: features.filter((f) => f.status === 'insufficient data').map((f) => f.feature),
  };
}

/** Usable values: finite numbers of a numeric column, strings/numbers/booleans of a categorical one. */
function valueCount(col: ColumnProfile | undefined): number {
  if (!col) return 0;
  if (col.kind === 'numeric') return col.numeric ? distributionOf(col.numeric).count : 0;
  if (!col.categorical) return 0;
  return categoricalTotal(col.categorical);
}

function categoricalTotal(c: CategoricalSummary): number {
  let n = c.otherCount;
  for (const [, v] of c.top) n += v;
  return n;
}

function resolveMethod(kind: ColumnKind, requested: DriftMethod): Method {
  if (requested !== 'auto') return requested;
  return kind === 'numeric' ? 'ks' : 'chi-square';
}

function plan(
  feature: string,
  base: ColumnProfile | undefined,
  cur: ColumnProfile | undefined,
  options: DriftOptions,
): Plan {
  const fo = options.features?.[feature];
  const kind: ColumnKind = (base ?? cur)!.kind;
  const requested = fo?.method ?? (kind === 'numeric' ? options.numeric : options.categorical) ?? 'auto';
  const nBaseline = valueCount(base);
  const nCurrent = valueCount(cur);
  const method = resolveMethod(kind, requested);
  const p: Plan = {
    feature,
    kind,
    method,
    auto: requested === 'auto',
    base,
    cur,
    nBaseline,
    nCurrent,
    explicitThreshold: fo?.threshold,
  };
  const set = (status: DriftStatus, reason: string): Plan => ({ ...p, verdict: { status, reason } });
  if (fo?.ignore) return set('ignored', 'ignored by configuration');
  if (kind === 'categorical' && (method === 'ks' || method === 'wasserstein')) {
    const where = fo?.method ? `data.drift.features.${feature}.method` : 'data.drift.categorical';
    throw new ConfigError(
      `method '${method}' does not apply to categorical feature '${feature}' (use chi-square, js, psi or linf)`,
      where,
    );
  }
  if (!cur) return set('drift', 'schema: missing from the current data');
  if (!base) return set('insufficient data', 'not in the baseline profile');
  if (base.kind !== cur.kind)
    return set('drift', `schema: kind changed (${base.kind} in baseline, ${cur.kind} in current data)`);
  if (nBaseline === 0) return set('insufficient data', 'no usable values in the baseline');
  if (nCurrent === 0) {
    const unusable = cur.count - nCurrent;
    return set(
      'drift',
      `schema: no usable values in the current data (${formatNumber(cur.missing)} missing, ${formatNumber(unusable)} non-finite or of another type)`,
    );
  }
  const bc = base.categorical;
  if (kind === 'categorical' && bc && bc.distinct >= nBaseline && nBaseline > DRIFT_DEFAULTS.idDistinctMin) {
    return set(
      'insufficient data',
      `identifier-like (all ${formatNumber(nBaseline)} baseline values distinct): no distribution to compare`,
    );
  }
  return p;
}

function thresholdOf(p: Plan, options: DriftOptions, alpha: number, tests: number): number {
  if (p.explicitThreshold !== undefined) return p.explicitThreshold;
  if (TEST_METHODS.has(p.method)) return alpha / Math.max(1, tests);
  return (
    options.defaultThreshold ?? DRIFT_DEFAULTS.thresholds[p.method as 'psi' | 'js' | 'wasserstein' | 'linf']
  );
}

interface Check {
  statistic: number;
  pValue?: number;
  effect?: number;
  allowance?: number;
  insufficient?: string;
}

function judge(p: Plan, options: DriftOptions, alpha: number, tests: number): FeatureDrift {
  const threshold = thresholdOf(p, options, alpha, tests);
  const out: FeatureDrift = {
    feature: p.feature,
    kind: p.kind,
    method: p.verdict?.status === 'drift' ? 'schema' : p.method,
    statistic: 0,
    threshold,
    drifted: p.verdict?.status === 'drift',
    status: p.verdict?.status ?? 'no drift',
    reason: p.verdict?.reason ?? '',
    nBaseline: p.nBaseline,
    nCurrent: p.nCurrent,
  };
  const lines: string[] = [];
  // The missing rate is compared whenever both sides have rows, even after a schema verdict.
  const missing = p.base && p.cur ? missingRate(p.base, p.cur, alpha / Math.max(1, tests)) : undefined;
  if (missing) out.missing = missing.result;
  if (p.verdict !== undefined || !p.base || !p.cur) {
    if (missing?.result.drifted && out.status !== 'ignored') {
      out.status = 'drift';
      out.drifted = true;
      out.reason = `${out.reason}; ${missing.line}`;
    }
    return out;
  }

  const check = distribution(p, threshold);
  out.statistic = check.statistic;
  if (check.pValue !== undefined) out.pValue = check.pValue;
  let drifted = false;
  if (check.insufficient !== undefined) {
    out.status = 'insufficient data';
    lines.push(check.insufficient);
  } else if (check.pValue !== undefined) {
    const how =
      p.explicitThreshold !== undefined
        ? 'feature threshold'
        : tests > 1
          ? `alpha ${formatNumber(alpha)} / ${tests} tests`
          : `alpha ${formatNumber(alpha)}`;
    const significant = check.pValue < threshold;
    const allowance = check.allowance ? ` (sketch allowance ${formatNumber(check.allowance)})` : '';
    let line = `${NAMES[p.method as Method]} ${formatNumber(check.statistic)}${allowance}, p = ${formatNumber(check.pValue)} ${significant ? '<' : '>='} ${formatNumber(threshold)} (${how})`;
    drifted = significant;
    if (p.auto && check.effect !== undefined) {
      const floor = p.kind === 'numeric' ? DRIFT_DEFAULTS.ksFloor : DRIFT_DEFAULTS.tvFloor;
      out.effect = check.effect;
      out.effectFloor = floor;
      const big = check.effect >= floor;
      const name = p.kind === 'numeric' ? (check.allowance ? 'D - allowance' : 'D') : 'TV';
      line += `, ${name} ${formatNumber(check.effect)} ${big ? '>=' : '<'} floor ${formatNumber(floor)}`;
      drifted = significant && big;
    }
    lines.push(line);
  } else {
    drifted = check.statistic >= threshold;
    lines.push(
      `${NAMES[p.method as Method]} ${formatNumber(check.statistic)} ${drifted ? '>=' : '<'} ${formatNumber(threshold)}`,
    );
  }
  if (missing) {
    lines.push(missing.line);
    if (missing.result.drifted) drifted = true;
  }
  out.drifted = drifted;
  if (drifted) out.status = 'drift';
  else if (out.status !== 'insufficient data') out.status = 'no drift';
  out.reason = lines.join('; ');
  out.histogram =
    p.kind === 'numeric'
      ? numericHistogram(p.base, sketchOf(p.base), sketchOf(p.cur))
      : categoricalHistogram(p.base.categorical!, p.cur.categorical!);
  return out;
}

function sketchOf(col: ColumnProfile): Distribution {
  return distributionOf(col.numeric!);
}

/** The distribution check of a compared feature. */
function distribution(p: Plan, threshold: number): Check {
  const base = p.base!;
  const cur = p.cur!;
  if (p.kind === 'numeric') {
    const b = sketchOf(base);
    const c = sketchOf(cur);
    if (p.method === 'ks') {
      const best = ksPValue(1, p.nBaseline, p.nCurrent);
      if (best >= threshold) {
        return {
          statistic: 0,
          insufficient: `too few values for KS: even D = 1 gives p = ${formatNumber(best)} >= ${formatNumber(threshold)}`,
        };
      }
      const ks = ksFromSketches(b, c);
      // The floor is met by what the sketch error cannot explain: D minus the allowance.
      return {
        statistic: ks.statistic,
        pValue: ks.pValue,
        effect: Math.max(0, ks.statistic - ks.allowance),
        allowance: ks.allowance,
      };
    }
    if (p.method === 'wasserstein') {
      const w = wassersteinFromSketches(b, c);
      const n = base.numeric!;
      const iqr = n.quantiles.p75 - n.quantiles.p25;
      const scale = n.std > 0 ? n.std : iqr > 0 ? iqr : 0;
      return { statistic: scale > 0 ? w / scale : w };
    }
    // On a binned side, cut at its edges, where its counts are exact.
    const edges = decileEdges(
      b,
      c instanceof ReferenceBins ? c.edges : b instanceof ReferenceBins ? b.edges : undefined,
    );
    const bs = binShares(b, edges).map((x) => x * p.nBaseline);
    const cs = binShares(c, edges).map((x) => x * p.nCurrent);
    return onCounts(p.method, bs, cs);
  }
  const v = categoryVectors(base.categorical!, cur.categorical!);
  return onCounts(p.method, v.baseline, v.current, v.labels);
}

/** A share-based method on counts per bin / category (chi-square pools rare ones first). */
function onCounts(method: Method, b: number[], c: number[], labels?: readonly string[]): Check {
  switch (method) {
    case 'psi':
      return { statistic: psi(b, c) };
    case 'js':
      return { statistic: jsDistance(b, c) };
    case 'linf':
      return { statistic: linfDistance(b, c) };
    case 'chi-square': {
      const pooled = poolRare(b, c, DRIFT_DEFAULTS.minExpected, labels);
      if (pooled.baseline.length < 2) {
        return {
          statistic: 0,
          insufficient: `too few values for chi-square: fewer than 2 groups expect >= ${DRIFT_DEFAULTS.minExpected} values on both sides`,
        };
      }
      const t = chiSquareTest(pooled.baseline, pooled.current);
      return { statistic: t.statistic, pValue: t.pValue, effect: totalVariation(b, c) };
    }
    default:
      throw new Error(`method ${method} does not work on counts`);
  }
}

/** Total variation distance of two count vectors' shares: half their L1 distance, in [0, 1]. */
export function totalVariation(b: readonly number[], c: readonly number[]): number {
  const sb = sum(b);
  const sc = sum(c);
  if (!(sb > 0 && sc > 0)) return 0;
  let d = 0;
  for (let i = 0; i < b.length; i++) d += Math.abs(b[i]! / sb - c[i]! / sc);
  return d / 2;
}

/**
 * Pool categories so that each group expects at least `minExpected` values on both sides under
 * homogeneity (Cochran's rule for the chi-square approximation): categories are taken in order of
 * their total count (both sides), smallest first, and merged until the group's expected count on
 * the smaller side reaches `minExpected`; a short last group joins the previous one. Pooling on the
 * totals (the table's margins) and labels keeps the test's null distribution.
 *
 * @param labels category names, to order ties (give them whenever positions depend on the side).
 *
 * @returns counts per group, baseline and current (fewer than 2 groups: the test cannot be made).
 */
export function poolRare(
  b: readonly number[],
  c: readonly number[],
  minExpected: number,
  labels?: readonly string[],
): { baseline: number[]; current: number[] } {
  const nb = sum(b);
  const nc = sum(c);
  const total = nb + nc;
  if (!(nb > 0 && nc > 0)) return { baseline: [], current: [] };
  const small = Math.min(nb, nc);
  const order = b.map((_, i) => i).filter((i) => b[i]! + c[i]! > 0);
  // Ties by label (never by position: positions tell which side listed a value first, and grouping
  // on that would group by side).
  const tie = (x: number, y: number): number =>
    labels ? (labels[x]! < labels[y]! ? -1 : labels[x]! > labels[y]! ? 1 : 0) : x - y;
  order.sort((x, y) => b[x]! + c[x]! - (b[y]! + c[y]!) || tie(x, y));
  const gb: number[] = [];
  const gc: number[] = [];
  let ab = 0;
  let ac = 0;
  for (const i of order) {
    ab += b[i]!;
    ac += c[i]!;
    if (((ab + ac) * small) / total >= minExpected) {
      gb.push(ab);
      gc.push(ac);
      ab = 0;
      ac = 0;
    }
  }
  if (ab + ac > 0) {
    if (gb.length > 0) {
      gb[gb.length - 1]! += ab;
      gc[gc.length - 1]! += ac;
    }
    // A single group below minExpected is no test at all: leave it out (fewer than 2 groups).
  }
  return { baseline: gb, current: gc };
}

/** The missing-rate check: a 2 x 2 chi-square test with the missing-rate floor. */
function missingRate(
  base: ColumnProfile,
  cur: ColumnProfile,
  threshold: number,
): { result: NonNullable<FeatureDrift['missing']>; line: string } | undefined {
  const bRows = base.count + base.missing;
  const cRows = cur.count + cur.missing;
  if (!(bRows > 0 && cRows > 0)) return undefined;
  const rb = base.missing / bRows;
  const rc = cur.missing / cRows;
  const result: NonNullable<FeatureDrift['missing']> = { baseline: rb, current: rc, drifted: false };
  if (base.missing === 0 && cur.missing === 0) return { result, line: 'no missing values' };
  const pct = (x: number): string => `${formatNumber(100 * x, 3)}%`;
  const rates = `missing ${pct(rb)} -> ${pct(rc)}`;
  const pooled = poolRare([base.missing, base.count], [cur.missing, cur.count], DRIFT_DEFAULTS.minExpected);
  if (pooled.baseline.length < 2)
    return { result, line: `${rates} (not tested: a cell of the 2 x 2 table expects fewer than 5)` };
  const t = chiSquareTest([base.missing, base.count], [cur.missing, cur.count]);
  result.pValue = t.pValue;
  const big = Math.abs(rc - rb) >= DRIFT_DEFAULTS.missingFloor;
  result.drifted = t.pValue < threshold && big;
  return {
    result,
    line: `${rates}, p = ${formatNumber(t.pValue)}${result.drifted ? ' (drift)' : ''}`,
  };
}

function describeRule(options: DriftOptions, alpha: number, tests: number): string {
  const dist = (m: 'psi' | 'js' | 'wasserstein' | 'linf'): string =>
    `${NAMES[m]} >= ${formatNumber(options.defaultThreshold ?? DRIFT_DEFAULTS.thresholds[m])}`;
  const side = (kind: ColumnKind, m: DriftMethod | undefined): string => {
    const method = m ?? 'auto';
    if (method === 'auto') {
      return kind === 'numeric'
        ? `numeric: KS test (baseline sketch against the current counts in its reference bins) and D >= ${DRIFT_DEFAULTS.ksFloor}`
        : `categorical: chi-square test (rare categories pooled) and TV >= ${DRIFT_DEFAULTS.tvFloor}`;
    }
    if (TEST_METHODS.has(method)) return `${kind}: ${NAMES[method]} test`;
    return `${kind}: ${dist(method as 'psi' | 'js' | 'wasserstein' | 'linf')}`;
  };
  const correction = tests > 1 ? ` / ${tests} tests (Bonferroni)` : '';
  return `${side('numeric', options.numeric)}; ${side('categorical', options.categorical)}; missing rate: chi-square test and a change >= ${DRIFT_DEFAULTS.missingFloor}; tests drift when p < ${formatNumber(alpha)}${correction}`;
}

// ---------------------------------------------------------------------------------------------
// Category vectors and chart histograms.

interface CategoryVectors {
  labels: string[];
  baseline: number[];
  current: number[];
}

/**
 * Counts per category over the union of both top lists plus "(other)". A value missing from one
 * side's list counts 0 there when that list is complete (otherCount 0); otherwise its count is
 * unknown and the value is pooled into "(other)" on both sides.
 */
export function categoryVectors(b: CategoricalSummary, c: CategoricalSummary): CategoryVectors {
  const bMap = new Map(b.top);
  const cMap = new Map(c.top);
  const bComplete = b.otherCount === 0;
  const cComplete = c.otherCount === 0;
  const labels: string[] = [];
  const baseline: number[] = [];
  const current: number[] = [];
  let bKnown = 0;
  let cKnown = 0;
  const consider = (key: string): void => {
    const inB = bMap.has(key);
    const inC = cMap.has(key);
    if (!(inB || bComplete) || !(inC || cComplete)) return;
    const x = bMap.get(key) ?? 0;
    const y = cMap.get(key) ?? 0;
    labels.push(key);
    baseline.push(x);
    current.push(y);
    bKnown += x;
    cKnown += y;
  };
  for (const [key] of b.top) consider(key);
  for (const [key] of c.top) if (!bMap.has(key)) consider(key);
  const bOther = categoricalTotal(b) - bKnown;
  const cOther = categoricalTotal(c) - cKnown;
  if (bOther > 0 || cOther > 0) {
    labels.push(OTHER);
    baseline.push(Math.max(0, bOther));
    current.push(Math.max(0, cOther));
  }
  return { labels, baseline, current };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function numericHistogram(
  base: ColumnProfile,
  b: Distribution,
  c: Distribution,
): { labels: string[]; baseline: number[]; current: number[] } {
  const q = base.numeric!.quantiles;
  let lo = q.p01;
  let hi = q.p99;
  if (!(hi > lo)) {
    lo = b.min;
    hi = b.max;
  }
  if (!(hi > lo)) {
    const v = formatNumber(lo);
    return {
      labels: [`<= ${v}`, `> ${v}`],
      baseline: [round6(b.cdf(lo)), round6(1 - b.cdf(lo))],
      current: [round6(c.cdf(lo)), round6(1 - c.cdf(lo))],
    };
  }
  const bins = DRIFT_DEFAULTS.histogramBins;
  const inner: number[] = [];
  for (let i = 1; i < bins; i++) inner.push(lo + ((hi - lo) * i) / bins);
  const edges = [lo, ...inner, hi];
  // The outer bins are open: they hold everything below p01 / above p99.
  const labels = edges
    .slice(0, -1)
    .map((e, i) =>
      i === 0
        ? `≤ ${formatNumber(edges[1], 3)}`
        : i === edges.length - 2
          ? `> ${formatNumber(e, 3)}`
          : `${formatNumber(e, 3)}–${formatNumber(edges[i + 1], 3)}`,
    );
  return { labels, baseline: binShares(b, inner).map(round6), current: binShares(c, inner).map(round6) };
}

function categoricalHistogram(
  b: CategoricalSummary,
  c: CategoricalSummary,
): { labels: string[]; baseline: number[]; current: number[] } {
  const nB = categoricalTotal(b);
  const nC = categoricalTotal(c);
  const bMap = new Map(b.top);
  const cMap = new Map(c.top);
  const keys = new Set<string>([...b.top.map(([k]) => k), ...c.top.map(([k]) => k)]);
  const ranked = [...keys]
    .map((k) => ({
      k,
      s: Math.max(nB > 0 ? (bMap.get(k) ?? 0) / nB : 0, nC > 0 ? (cMap.get(k) ?? 0) / nC : 0),
    }))
    .sort((x, y) => y.s - x.s || (x.k < y.k ? -1 : x.k > y.k ? 1 : 0))
    .slice(0, DRIFT_DEFAULTS.histogramCategories)
    .map((x) => x.k);
  const bv = ranked.map((k) => bMap.get(k) ?? 0);
  const cv = ranked.map((k) => cMap.get(k) ?? 0);
  const bRest = nB - sum(bv);
  const cRest = nC - sum(cv);
  const labels = [...ranked];
  if (bRest > 0 || cRest > 0) {
    labels.push(OTHER);
    bv.push(bRest);
    cv.push(cRest);
  }
  return {
    labels,
    baseline: bv.map((x) => (nB > 0 ? round6(x / nB) : 0)),
    current: cv.map((x) => (nC > 0 ? round6(x / nC) : 0)),
  };
}
