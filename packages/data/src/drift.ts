/**
 * Drift between two dataset profiles: a pure function of the recorded baseline and current profiles,
 * so every verdict can be replayed from the files. The rule (also in docs/drift.md):
 *
 * Method per feature (`auto`, like Evidently's defaults by type and baseline size):
 *   - numeric, baseline n <= 1000: two-sample Kolmogorov–Smirnov test. D is the largest gap between
 *     the two CDFs (read from the sketches at the union of their bucket edges); the p-value is the
 *     asymptotic Kolmogorov distribution with Stephens' effective-n correction
 *     `Q_KS((sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) D)`, `ne = n m / (n + m)`.
 *   - numeric, baseline n > 1000: Population Stability Index over the baseline's deciles,
 *     `PSI = sum (c - b) ln(c / b)` with shares clamped below at 1e-4; drift when PSI >= 0.2.
 *     Rule of thumb: < 0.1 no meaningful change, 0.1–0.25 moderate, > 0.25 major. 0.2 sits in the
 *     upper half of "moderate": a half-standard-deviation mean shift scores about 0.24.
 *   - categorical, baseline n <= 1000: chi-square test of homogeneity on the 2 x k table of counts
 *     (p-value from the regularized upper incomplete gamma function).
 *   - categorical, baseline n > 1000: Jensen–Shannon distance (base 2, in [0, 1]); drift when >= 0.1.
 *   Why switch by size: with thousands of rows a test finds "significant" differences that do not
 *   matter, so large baselines are judged on an effect size; small ones on a test, which accounts for
 *   the sampling noise of a small sample.
 *
 * Explicit methods: `ks`, `psi`, `wasserstein` (Wasserstein-1 distance divided by the baseline's
 * standard deviation, or its IQR when the std is 0; drift when >= 0.1), `js`, `chi-square` and `linf`
 * (L-infinity distance between category shares, as TFDV; drift when >= 0.1). On numeric features
 * `js`, `chi-square` and `linf` use the baseline-decile bins of PSI; `ks` and `wasserstein` do not
 * apply to categorical features.
 *
 * Thresholds: p-value methods (`ks`, `chi-square`) flag drift when p < alpha / m, where alpha defaults
 * to 0.05 and m is the number of features judged by a p-value method (Bonferroni), so twenty
 * undrifted features are not flagged by chance one time in three. Distance methods flag drift when the
 * distance >= threshold: the method's default above, overridden by `defaultThreshold`. A feature's own
 * `threshold` wins over both (for a p-value method it is that feature's alpha, not divided by m).
 *
 * Categories: shares over the union of both profiles' top values plus "(other)". A value listed on
 * one side only is compared by value when the other side's list is complete (it has no other values,
 * so the count there is 0); otherwise its count on the other side is unknown and it is pooled into
 * "(other)" on both sides, which keeps the comparison unbiased.
 *
 * Skipped (never drifted, with a reason): `ignore` set; column missing from either profile; kinds
 * differ; no values on either side; identifier-like categorical (baseline distinct > 0.5 x count and
 * > 100), where shares of unique values carry no distribution.
 *
 * This module is the policy (method, threshold, skipping); the statistics and distances it applies
 * are in @modelship/stats.
 */
import { ConfigError, formatNumber } from '@modelship/core';
import {
  binShares,
  chiSquareTest,
  decileEdges,
  jsDistance,
  ksFromSketches,
  linfDistance,
  psi,
  PSI_EPSILON,
  QuantileSketch,
  sum,
  wassersteinFromSketches,
  type CategoricalSummary,
  type ColumnKind,
  type ColumnProfile,
  type DatasetProfile,
} from '@modelship/stats';

export type DriftMethod = 'auto' | 'psi' | 'ks' | 'wasserstein' | 'js' | 'chi-square' | 'linf';

export interface DriftOptions {
  /** Threshold of the distance methods (psi, wasserstein, js, linf), replacing their defaults. */
  defaultThreshold?: number;
  /** Significance level of the p-value methods before the Bonferroni correction (default 0.05). */
  alpha?: number;
  numeric?: DriftMethod;
  categorical?: DriftMethod;
  features?: Record<string, { method?: DriftMethod; threshold?: number; ignore?: boolean }>;
}

export interface FeatureDrift {
  feature: string;
  kind: ColumnKind;
  method: Exclude<DriftMethod, 'auto'>;
  statistic: number;
  /** Drift when statistic >= threshold (distances) or pValue < threshold (p-value methods). */
  threshold: number;
  pValue?: number;
  drifted: boolean;
  status: 'ok' | 'drift' | 'skipped';
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
  /** Number of features judged (not skipped). */
  checked: number;
}

type Method = Exclude<DriftMethod, 'auto'>;

/** Defaults of the rule; see the top of this file. */
export const DRIFT_DEFAULTS = {
  alpha: 0.05,
  /** Baselines with at most this many values are judged by a test, larger ones by a distance. */
  smallSample: 1000,
  thresholds: { psi: 0.2, js: 0.1, wasserstein: 0.1, linf: 0.1 } as Record<
    'psi' | 'js' | 'wasserstein' | 'linf',
    number
  >,
  psiEpsilon: PSI_EPSILON,
  /** Identifier-like: distinct > share x count and distinct > min. */
  idDistinctShare: 0.5,
  idDistinctMin: 100,
  histogramBins: 10,
  histogramCategories: 10,
} as const;

const OTHER = '(other)';
const PVALUE_METHODS: ReadonlySet<Method> = new Set<Method>(['ks', 'chi-square']);
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
  base?: ColumnProfile;
  cur?: ColumnProfile;
  nBaseline: number;
  nCurrent: number;
  skip?: string;
  explicitThreshold?: number;
}

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
  const tests = plans.filter((p) => p.skip === undefined && PVALUE_METHODS.has(p.method)).length;
  const features = plans.map((p) => judge(p, options, alpha, tests));
  return {
    method: describeRule(options, alpha, tests),
    features,
    drifted: features.filter((f) => f.drifted).map((f) => f.feature),
    checked: features.filter((f) => f.status !== 'skipped').length,
  };
}

function valueCount(col: ColumnProfile | undefined): number {
  if (!col) return 0;
  if (col.kind === 'numeric') return col.numeric ? sketchCount(col.numeric.sketch) : 0;
  if (!col.categorical) return 0;
  return categoricalTotal(col.categorical);
}

function sketchCount(j: { zero: number; pos: { counts: number[] }; neg: { counts: number[] } }): number {
  let n = j.zero;
  for (const c of j.pos.counts) n += c;
  for (const c of j.neg.counts) n += c;
  return n;
}

function categoricalTotal(c: CategoricalSummary): number {
  let n = c.otherCount;
  for (const [, v] of c.top) n += v;
  return n;
}

function resolveMethod(kind: ColumnKind, requested: DriftMethod, nBaseline: number): Method {
  if (requested !== 'auto') return requested;
  const small = nBaseline <= DRIFT_DEFAULTS.smallSample;
  if (kind === 'numeric') return small ? 'ks' : 'psi';
  return small ? 'chi-square' : 'js';
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
  const method = resolveMethod(kind, requested, nBaseline);
  const p: Plan = { feature, kind, method, base, cur, nBaseline, nCurrent, explicitThreshold: fo?.threshold };
  if (fo?.ignore) return { ...p, skip: 'ignored by configuration' };
  if (kind === 'categorical' && (method === 'ks' || method === 'wasserstein')) {
    const where = fo?.method ? `data.drift.features.${feature}.method` : 'data.drift.categorical';
    throw new ConfigError(
      `method '${method}' does not apply to categorical feature '${feature}' (use chi-square, js, psi or linf)`,
      where,
    );
  }
  if (!cur) return { ...p, skip: 'missing from current data' };
  if (!base) return { ...p, skip: 'not in the baseline profile' };
  if (base.kind !== cur.kind)
    return { ...p, skip: `kind changed: ${base.kind} in baseline, ${cur.kind} in current data` };
  if (nBaseline === 0) return { ...p, skip: 'no values in the baseline' };
  if (nCurrent === 0) return { ...p, skip: 'no values in the current data' };
  const bc = base.categorical;
  if (
    kind === 'categorical' &&
    bc &&
    bc.distinct > DRIFT_DEFAULTS.idDistinctShare * nBaseline &&
    bc.distinct > DRIFT_DEFAULTS.idDistinctMin
  ) {
    return {
      ...p,
      skip: `identifier-like (${formatNumber(bc.distinct)} distinct in ${formatNumber(nBaseline)} values)`,
    };
  }
  return p;
}

function thresholdOf(p: Plan, options: DriftOptions, alpha: number, tests: number): number {
  if (p.explicitThreshold !== undefined) return p.explicitThreshold;
  if (PVALUE_METHODS.has(p.method)) return alpha / Math.max(1, tests);
  return (
    options.defaultThreshold ?? DRIFT_DEFAULTS.thresholds[p.method as 'psi' | 'js' | 'wasserstein' | 'linf']
  );
}

function judge(p: Plan, options: DriftOptions, alpha: number, tests: number): FeatureDrift {
  const threshold = thresholdOf(p, options, alpha, tests);
  const out: FeatureDrift = {
    feature: p.feature,
    kind: p.kind,
    method: p.method,
    statistic: 0,
    threshold,
    drifted: false,
    status: 'skipped',
    reason: p.skip ?? '',
    nBaseline: p.nBaseline,
    nCurrent: p.nCurrent,
  };
  if (p.skip !== undefined || !p.base || !p.cur) return out;

  let statistic: number;
  let pValue: number | undefined;
  let note = '';
  if (p.kind === 'numeric') {
    const b = QuantileSketch.fromJSON(p.base.numeric!.sketch);
    const c = QuantileSketch.fromJSON(p.cur.numeric!.sketch);
    if (p.method === 'ks') {
      ({ statistic, pValue } = ksFromSketches(b, c));
    } else if (p.method === 'wasserstein') {
      const w = wassersteinFromSketches(b, c);
      const std = p.base.numeric!.std;
      const iqr = p.base.numeric!.quantiles.p75 - p.base.numeric!.quantiles.p25;
      const scale = std > 0 ? std : iqr > 0 ? iqr : 0;
      if (scale > 0) statistic = w / scale;
      else {
        statistic = w;
        note = ' (baseline is constant: distance not normed)';
      }
    } else {
      const edges = decileEdges(b);
      const bs = binShares(b, edges);
      const cs = binShares(c, edges);
      ({ statistic, pValue } = onShares(p.method, bs, cs, p.nBaseline, p.nCurrent));
    }
    out.histogram = numericHistogram(p.base, b, c);
  } else {
    const v = categoryVectors(p.base.categorical!, p.cur.categorical!);
    ({ statistic, pValue } = onShares(p.method, v.baseline, v.current, p.nBaseline, p.nCurrent));
    out.histogram = categoricalHistogram(p.base.categorical!, p.cur.categorical!);
  }

  out.statistic = statistic;
  let drifted: boolean;
  if (pValue !== undefined) {
    out.pValue = pValue;
    drifted = pValue < threshold;
    const how =
      p.explicitThreshold !== undefined
        ? 'feature threshold'
        : tests > 1
          ? `alpha ${formatNumber(alpha)} / ${tests} tests`
          : `alpha ${formatNumber(alpha)}`;
    out.reason = `${NAMES[p.method]} ${formatNumber(statistic)}, p = ${formatNumber(pValue)} ${drifted ? '<' : '>='} ${formatNumber(threshold)} (${how})`;
  } else {
    drifted = statistic >= threshold;
    out.reason = `${NAMES[p.method]} ${formatNumber(statistic)} ${drifted ? '>=' : '<'} ${formatNumber(threshold)}${note}`;
  }
  out.drifted = drifted;
  out.status = drifted ? 'drift' : 'ok';
  return out;
}

/** Statistic (and p-value for chi-square) of a share-based method; shares are per bin / category. */
function onShares(
  method: Method,
  b: number[],
  c: number[],
  nB: number,
  nC: number,
): { statistic: number; pValue?: number } {
  switch (method) {
    case 'psi':
      return { statistic: psi(b, c) };
    case 'js':
      return { statistic: jsDistance(b, c) };
    case 'linf':
      return { statistic: linfDistance(b, c) };
    case 'chi-square': {
      const sb = sum(b);
      const sc = sum(c);
      const t = chiSquareTest(
        b.map((x) => (sb > 0 ? (x / sb) * nB : 0)),
        c.map((x) => (sc > 0 ? (x / sc) * nC : 0)),
      );
      return { statistic: t.statistic, pValue: t.pValue };
    }
    default:
      throw new Error(`method ${method} does not work on shares`);
  }
}

function describeRule(options: DriftOptions, alpha: number, tests: number): string {
  const dist = (m: 'psi' | 'js' | 'wasserstein' | 'linf'): string =>
    `${NAMES[m]} >= ${formatNumber(options.defaultThreshold ?? DRIFT_DEFAULTS.thresholds[m])}`;
  const side = (kind: ColumnKind, m: DriftMethod | undefined): string => {
    const method = m ?? 'auto';
    if (method === 'auto') {
      return kind === 'numeric'
        ? `numeric: KS test if the baseline has <= ${DRIFT_DEFAULTS.smallSample} values, else ${dist('psi')} over baseline deciles`
        : `categorical: chi-square test if the baseline has <= ${DRIFT_DEFAULTS.smallSample} values, else ${dist('js')}`;
    }
    if (PVALUE_METHODS.has(method)) return `${kind}: ${NAMES[method]} test`;
    return `${kind}: ${dist(method as 'psi' | 'js' | 'wasserstein' | 'linf')}`;
  };
  const correction = tests > 1 ? ` / ${tests} tests (Bonferroni)` : '';
  return `${side('numeric', options.numeric)}; ${side('categorical', options.categorical)}; tests drift when p < ${formatNumber(alpha)}${correction}`;
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
  b: QuantileSketch,
  c: QuantileSketch,
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
  const labels = edges.slice(0, -1).map((e, i) => `${formatNumber(e, 3)}–${formatNumber(edges[i + 1], 3)}`);
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
