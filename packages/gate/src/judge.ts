// The checks, judged: value checks on the candidate's metric, change checks on the paired
// difference from the champion (the lower confidence bound of the direction-adjusted difference
// against the threshold), per slice value. Pure: the numbers in, the results out.
import { ConfigError, formatNumber } from '@modelship/core';
import type { CheckResult, Condition } from './definition.js';
import { metricNames, type Bound, type Check } from './checks.js';
import type { Paired, Side } from './predictions.js';
import { parallelBootstrap } from './bootstrap-parallel.js';
import {
  computeMetric,
  delong,
  mcnemar,
  type IntervalResult,
  type MetricName,
  type PredictionColumns,
} from '@modelship/stats';

/** The champion as the gate knows it. */
export type Champion =
  | { kind: 'none'; why: string }
  | { kind: 'columns' | 'predictions'; identity: string }
  | { kind: 'metrics'; identity: string; values: Record<string, number> };

/** The numbers a verdict is judged from. */
export type Evidence =
  | { mode: 'predictions'; paired: Paired; champion: Champion; predictionsFile: string }
  | { mode: 'metrics'; candidate: Record<string, number>; candidateSource: string; champion: Champion };

export interface Judged {
  results: CheckResult[];
  notes: string[];
}

const fmt = (v: number | undefined): string => formatNumber(v, 4);

function pick(s: Side, rows: Uint32Array | undefined): Side {
  if (!rows) return s;
  const sub = (a?: Float64Array) => (a ? Float64Array.from(rows, (i) => a[i]!) : undefined);
  return { score: sub(s.score), prediction: sub(s.prediction) };
}

function columns(label: Float64Array, s: Side): PredictionColumns {
  return { label, score: s.score, prediction: s.prediction };
}

/** A metric of predictions; a RangeError from the statistics is a fault of the predictions file. */
async function statsCall<T>(fn: () => Promise<T>, file: string, what: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RangeError) throw new ConfigError(`${what}: ${err.message}`, file, { cause: err });
    throw err;
  }
}

function thresholdOf(b: Bound, champion: number | undefined, condition: Condition): number {
  const size = b.percent ? b.value * Math.abs(champion ?? NaN) : b.value;
  return condition === 'max-regression' ? -size : size;
}

/** Base fields of every result row of a check. */
function base(
  check: Check,
  condition: Condition,
  slice?: { column: string; value: string },
): Omit<CheckResult, 'threshold' | 'status' | 'reason'> {
  const r: Omit<CheckResult, 'threshold' | 'status' | 'reason'> = {
    check: check.name,
    metric: check.metric,
    condition,
    critical: check.critical,
  };
  if (check.direction) r.direction = check.direction;
  if (slice) r.slice = slice;
  return r;
}

function valueRows(
  check: Check,
  value: number | undefined,
  extra: Partial<CheckResult>,
  slice?: { column: string; value: string },
  missing?: string,
): CheckResult[] {
  const out: CheckResult[] = [];
  for (const [condition, bound] of [
    ['min', check.min],
    ['max', check.max],
  ] as const) {
    if (bound === undefined) continue;
    const row: CheckResult = {
      ...base(check, condition, slice),
      ...extra,
      threshold: bound,
      status: 'fail',
      reason: '',
    };
    if (value === undefined) {
      row.reason = missing ?? `no value for ${check.metric}`;
    } else {
      row.candidate = value;
      const ok = condition === 'min' ? value >= bound : value <= bound;
      row.status = ok ? 'pass' : 'fail';
      row.reason = `${check.metric} ${fmt(value)} is ${ok ? '' : 'not '}${condition === 'min' ? '≥' : '≤'} ${fmt(bound)}`;
    }
    out.push(row);
  }
  return out;
}

function changeConditions(check: Check): [Condition, Bound][] {
  const out: [Condition, Bound][] = [];
  if (check.maxRegression) out.push(['max-regression', check.maxRegression]);
  if (check.minImprovement) out.push(['min-improvement', check.minImprovement]);
  return out;
}

/** Judge a change condition on the direction-adjusted difference (`adj`, and its lower bound). */
function changeRow(
  check: Check,
  condition: Condition,
  b: Bound,
  nums: { candidate?: number; champion?: number; interval?: IntervalResult; test: CheckResult['test'] },
  extra: Partial<CheckResult>,
  slice?: { column: string; value: string },
): CheckResult {
  const threshold = thresholdOf(b, nums.champion, condition);
  const row: CheckResult = {
    ...base(check, condition, slice),
    ...extra,
    threshold,
    status: 'fail',
    reason: '',
    test: nums.test,
  };
  if (b.percent) row.thresholdAsWritten = b.written;
  if (nums.candidate !== undefined) row.candidate = nums.candidate;
  if (nums.champion !== undefined) row.champion = nums.champion;
  const sign = check.direction === 'lower' ? -1 : 1;
  const iv = nums.interval;
  if (iv) {
    row.delta = iv.estimate;
    row.interval = { low: iv.low, high: iv.high, confidence: iv.confidence, method: iv.method };
    if (iv.pValue !== undefined) row.pValue = iv.pValue;
    if (iv.resamples !== undefined) row.resamples = iv.resamples;
    if (iv.seed !== undefined) row.seed = iv.seed;
    row.n = iv.n;
  } else if (nums.candidate !== undefined && nums.champion !== undefined) {
    row.delta = nums.candidate - nums.champion;
  }
  if (row.delta === undefined || !Number.isFinite(threshold)) {
    row.reason = `no value to compare (${nums.candidate === undefined ? 'candidate' : 'champion'} ${check.metric} missing)`;
    return row;
  }
  // Judged on the direction-adjusted difference; said in the metric's own units: for a metric
  // where lower is better, the upper bound of candidate − champion must be below −threshold.
  const lower = check.direction === 'lower';
  const limit = lower ? -threshold : threshold;
  const side = lower ? 'below' : 'above';
  const tail = lower ? ' (lower is better)' : '';
  if (iv) {
    const pct = Math.round(iv.confidence * 100);
    const bound = lower ? iv.high : iv.low;
    const ok = sign * bound > threshold;
    row.status = ok ? 'pass' : 'fail';
    row.reason = `${lower ? 'upper' : 'lower'} ${pct}% bound of Δ ${check.metric} (${fmt(bound)}) is ${ok ? '' : 'not '}${side} ${fmt(limit)}${tail}`;
  } else {
    const ok = sign * row.delta > threshold;
    row.status = ok ? 'pass' : 'fail';
    row.reason = `point values only, no interval: Δ ${check.metric} ${fmt(row.delta)} is ${ok ? '' : 'not '}${side} ${fmt(limit)}${tail}`;
  }
  return row;
}

function insufficient(rows: CheckResult[], n: number, min: number, why?: string): CheckResult[] {
  return rows.map((r) => ({
    ...r,
    n,
    status: 'insufficient' as const,
    reason: why ?? `${n} rows, fewer than min-samples ${min}: not judged`,
  }));
}

async function interval(
  check: Check,
  m: MetricName,
  label: Float64Array,
  cand: Side,
  champ: Side,
  signal: AbortSignal | undefined,
): Promise<IntervalResult> {
  if (check.test === 'mcnemar') {
    const hard = (s: Side) =>
      s.prediction ?? Float64Array.from(s.score!, (v) => (v >= check.threshold ? 1 : 0));
    return mcnemar(label, hard(cand), hard(champ), { confidence: check.confidence });
  }
  if (check.test === 'delong') {
    if (!cand.score || !champ.score) throw new RangeError('delong needs the score of both models');
    return delong(label, cand.score, champ.score, { confidence: check.confidence });
  }
  return parallelBootstrap(
    m,
    columns(label, cand),
    columns(label, champ),
    {
      resamples: check.resamples,
      confidence: check.confidence,
      seed: check.seed,
      threshold: check.threshold,
    },
    signal ? { signal } : {},
  );
}

/** All rows of one check on a set of rows (all, or one slice value). */
async function judgeOnRows(
  check: Check,
  ev: Extract<Evidence, { mode: 'predictions' }>,
  rows: Uint32Array | undefined,
  slice: { column: string; value: string; minSamples: number } | undefined,
  notes: Set<string>,
  signal: AbortSignal | undefined,
): Promise<CheckResult[]> {
  const m = check.known;
  if (!m)
    throw new ConfigError(
      `'${check.metric}' is not a metric computed from predictions (one of accuracy, precision, recall, f1, roc_auc, pr_auc, log_loss, brier, rmse, mae, mape, r2)`,
      `${check.file}: ${check.field}.metric`,
    );
  const p = ev.paired;
  const label = rows ? Float64Array.from(rows, (i) => p.label[i]!) : p.label;
  const n = label.length;
  const cand = pick(p.candidate, rows);
  const champ = p.champion ? pick(p.champion, rows) : undefined;
  const sliceRef = slice ? { column: slice.column, value: slice.value } : undefined;
  const extra: Partial<CheckResult> = { n, decisionThreshold: check.threshold };
  const min = slice ? slice.minSamples : check.minSamples;
  const file = ev.predictionsFile;
  const what = (s: string) => (slice ? `${s} on ${slice.column}=${slice.value}` : s);
  const compute = (s: Side): number | string => {
    try {
      return computeMetric(m, columns(label, s), { threshold: check.threshold });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      if (slice) return err.message;
      throw new ConfigError(`${check.metric}: ${err.message}`, file, { cause: err });
    }
  };
  const candValue = compute(cand);
  const champValue = champ
    ? compute(champ)
    : ev.champion.kind === 'metrics'
      ? championMetric(check, ev.champion.values)
      : undefined;
  const rowsOut: CheckResult[] = [];
  const values = valueRows(check, typeof candValue === 'number' ? candValue : undefined, extra, sliceRef);
  const changes = changeConditions(check);
  if (n < min || typeof candValue === 'string') {
    const why =
      typeof candValue === 'string'
        ? `${check.metric} is undefined here (${candValue}): not judged`
        : undefined;
    const pending = [...values];
    if (ev.champion.kind !== 'none')
      for (const [c, b] of changes)
        pending.push({
          ...base(check, c, sliceRef),
          ...extra,
          threshold: thresholdOf(b, typeof champValue === 'number' ? champValue : undefined, c),
          status: 'fail',
          reason: '',
        });
    return insufficient(pending, n, min, why).map((r) =>
      typeof candValue === 'number' ? { ...r, candidate: candValue } : r,
    );
  }
  rowsOut.push(...values);
  if (changes.length === 0) return rowsOut;
  if (ev.champion.kind === 'none') return rowsOut;
  if (champ) {
    if (typeof champValue === 'string') {
      const pending = changes.map(([c, b]) => ({
        ...base(check, c, sliceRef),
        ...extra,
        threshold: thresholdOf(b, undefined, c),
        status: 'fail' as const,
        reason: '',
      }));
      return [
        ...rowsOut,
        ...insufficient(
          pending,
          n,
          min,
          `champion's ${check.metric} is undefined here (${champValue}): not judged`,
        ),
      ];
    }
    const iv = slice
      ? await (async () => {
          try {
            return await interval(check, m, label, cand, champ, signal);
          } catch (err) {
            if (err instanceof RangeError) return err.message;
            throw err;
          }
        })()
      : await statsCall(
          () => interval(check, m, label, cand, champ, signal),
          file,
          what(`${check.test} of ${check.metric}`),
        );
    for (const [c, b] of changes) {
      if (typeof iv === 'string') {
        rowsOut.push(
          ...insufficient(
            [
              {
                ...base(check, c, sliceRef),
                ...extra,
                threshold: thresholdOf(b, champValue, c),
                status: 'fail',
                reason: '',
              },
            ],
            n,
            min,
            `no interval here (${iv}): not judged`,
          ),
        );
        continue;
      }
      rowsOut.push(
        changeRow(
          check,
          c,
          b,
          { candidate: candValue, champion: champValue, interval: iv, test: check.test },
          extra,
          sliceRef,
        ),
      );
    }
    return rowsOut;
  }
  // The champion has metrics only: point values, no interval (and no slices).
  if (slice) return rowsOut;
  notes.add(
    `The champion has metrics only (${identity(ev.champion)}): change checks compare point values, no interval was possible.`,
  );
  for (const [c, b] of changes)
    rowsOut.push(
      changeRow(
        check,
        c,
        b,
        {
          candidate: candValue,
          champion: typeof champValue === 'number' ? champValue : undefined,
          test: 'point',
        },
        extra,
        sliceRef,
      ),
    );
  return rowsOut;
}

function identity(c: Champion): string {
  return c.kind === 'none' ? 'none' : c.identity;
}

function championMetric(check: Check, values: Record<string, number>): number | undefined {
  for (const name of metricNames(check)) if (values[name] !== undefined) return values[name];
  return undefined;
}

/** Rows of a slice column, grouped by value (in order of first appearance). */
function groups(values: readonly string[]): Map<string, Uint32Array> {
  const idx = new Map<string, number[]>();
  values.forEach((v, i) => {
    const list = idx.get(v);
    if (list) list.push(i);
    else idx.set(v, [i]);
  });
  return new Map([...idx].map(([v, list]) => [v, Uint32Array.from(list)]));
}

function judgeMetrics(
  check: Check,
  ev: Extract<Evidence, { mode: 'metrics' }>,
  notes: Set<string>,
): CheckResult[] {
  const value = championMetric(check, ev.candidate);
  const have = Object.keys(ev.candidate);
  const missing = `${check.metric} is not in the candidate's metrics (${ev.candidateSource}: ${have.length ? have.join(', ') : 'none'})`;
  const out = valueRows(check, value, {}, undefined, missing);
  if (check.slices.length > 0) notes.add('Slices need predictions: with metrics only they were not judged.');
  const changes = changeConditions(check);
  if (changes.length === 0 || ev.champion.kind === 'none') return out;
  if (ev.champion.kind !== 'metrics') return out;
  const champion = championMetric(check, ev.champion.values);
  notes.add(
    'No predictions, so no interval was possible: change checks compare point values (candidate − champion), not a confidence bound.',
  );
  for (const [c, b] of changes) {
    const row = changeRow(check, c, b, { candidate: value, champion, test: 'point' }, {});
    if (value === undefined) row.reason = missing;
    else if (champion === undefined)
      row.reason = `${check.metric} is not in the champion's metrics (${ev.champion.identity})`;
    out.push(row);
  }
  return out;
}

/**
 * Judge every check on the evidence. Intervals may run on worker threads; `signal` stops them
 * (the promise then rejects with its reason).
 */
export async function judge(checks: readonly Check[], ev: Evidence, signal?: AbortSignal): Promise<Judged> {
  const notes = new Set<string>();
  const results: CheckResult[] = [];
  const anyChange = checks.some((c) => c.maxRegression || c.minImprovement);
  if (anyChange && ev.champion.kind === 'none')
    notes.add(`Change checks (max-regression, min-improvement) were not applied: ${ev.champion.why}.`);
  for (const check of checks) {
    if (ev.mode === 'metrics') {
      results.push(...judgeMetrics(check, ev, notes));
      continue;
    }
    results.push(...(await judgeOnRows(check, ev, undefined, undefined, notes, signal)));
    for (const s of check.slices) {
      const values = ev.paired.slices.get(s.column);
      if (!values) continue;
      for (const [value, rows] of groups(values))
        results.push(
          ...(await judgeOnRows(
            check,
            ev,
            rows,
            { column: s.column, value, minSamples: s.minSamples },
            notes,
            signal,
          )),
        );
    }
  }
  return { results, notes: [...notes] };
}

/** Whether a result row fails the gate: a failure, or too few samples on a critical check. */
export function blocks(r: CheckResult): boolean {
  return r.status === 'fail' || (r.status === 'insufficient' && r.critical);
}

/** `roc_auc` or `roc_auc[region=eu]`. */
export function rowName(r: Pick<CheckResult, 'check' | 'slice'>): string {
  return r.slice ? `${r.check}[${r.slice.column}=${r.slice.value}]` : r.check;
}
