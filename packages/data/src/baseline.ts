/**
 * The baseline profile read back from disk: a later run compares its data with it for drift.
 */
import { ConfigError } from '@modelship/core/errors';
import { HyperLogLog, QUANTILE_KEYS, type DatasetProfile } from '@modelship/stats';

type Obj = Record<string, unknown>;

class Checker {
  constructor(private readonly where: string) {}

  fail(path: string, message: string): never {
    throw new ConfigError(`${path}: ${message}`, this.where);
  }

  obj(v: unknown, path: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'must be an object');
    return v as Obj;
  }

  arr(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, 'must be an array');
    return v;
  }

  num(v: unknown, path: string, opts: { min?: number; integer?: boolean } = {}): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'must be a finite number');
    if (opts.integer && !Number.isInteger(v)) this.fail(path, 'must be an integer');
    if (opts.min !== undefined && v < opts.min) this.fail(path, `must be >= ${opts.min}`);
    return v;
  }

  count(v: unknown, path: string): number {
    return this.num(v, path, { min: 0 });
  }

  str(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, 'must be a string');
    return v;
  }

  numbers(v: unknown, path: string, min?: number): number[] {
    const a = this.arr(v, path);
    a.forEach((x, i) => this.num(x, `${path}[${i}]`, min === undefined ? {} : { min }));
    return a as number[];
  }
}

/**
 * Check the structure of a baseline profile read from disk and return it typed. Throws a
 * {@link ConfigError} at `where` (the file) whose message names the first bad field, e.g.
 * `columns[2].numeric.quantiles.p50: must be a finite number`.
 */
export function checkProfile(doc: unknown, where: string): DatasetProfile {
  const c = new Checker(where);
  const root = c.obj(doc, '(profile)');
  if (root.kind !== 'modelship.profile') {
    c.fail(
      'kind',
      `must be 'modelship.profile' (is this a modelship profile?), got ${JSON.stringify(root.kind)}`,
    );
  }
  if (root.schemaVersion !== 1) {
    c.fail(
      'schemaVersion',
      `unsupported profile schema version ${JSON.stringify(root.schemaVersion)} (expected 1)`,
    );
  }
  c.str(root.createdAt, 'createdAt');
  c.count(root.rows, 'rows');
  c.arr(root.sources, 'sources').forEach((s, i) => {
    const o = c.obj(s, `sources[${i}]`);
    c.str(o.uri, `sources[${i}].uri`);
    c.str(o.sha256, `sources[${i}].sha256`);
    c.count(o.rows, `sources[${i}].rows`);
  });
  const names = new Set<string>();
  c.arr(root.columns, 'columns').forEach((col, i) => {
    const p = `columns[${i}]`;
    const o = c.obj(col, p);
    const name = c.str(o.name, `${p}.name`);
    if (names.has(name)) c.fail(`${p}.name`, `duplicate column '${name}'`);
    names.add(name);
    if (o.kind !== 'numeric' && o.kind !== 'categorical') {
      c.fail(`${p}.kind`, `must be 'numeric' or 'categorical', got ${JSON.stringify(o.kind)}`);
    }
    c.count(o.count, `${p}.count`);
    c.count(o.missing, `${p}.missing`);
    const types = c.obj(o.types, `${p}.types`);
    for (const [k, v] of Object.entries(types)) c.count(v, `${p}.types.${k}`);
    if (o.numeric !== undefined) checkNumeric(c, o.numeric, `${p}.numeric`);
    if (o.categorical !== undefined) checkCategorical(c, o.categorical, `${p}.categorical`);
    if (o.kind === 'categorical' && o.categorical === undefined) c.fail(`${p}.categorical`, 'is required');
  });
  return doc as DatasetProfile;
}

function checkNumeric(c: Checker, v: unknown, p: string): void {
  const o = c.obj(v, p);
  for (const k of ['min', 'max', 'mean'] as const) c.num(o[k], `${p}.${k}`);
  c.count(o.std, `${p}.std`);
  const q = c.obj(o.quantiles, `${p}.quantiles`);
  for (const k of QUANTILE_KEYS) c.num(q[k], `${p}.quantiles.${k}`);
  const h = c.obj(o.histogram, `${p}.histogram`);
  const edges = c.numbers(h.edges, `${p}.histogram.edges`);
  const counts = c.numbers(h.counts, `${p}.histogram.counts`, 0);
  if (edges.length !== counts.length + 1) {
    c.fail(
      `${p}.histogram.edges`,
      `must have one more entry than counts (${edges.length} vs ${counts.length})`,
    );
  }
  checkSketch(c, o.sketch, `${p}.sketch`);
}

function checkSketch(c: Checker, v: unknown, p: string): void {
  const o = c.obj(v, p);
  const alpha = c.num(o.alpha, `${p}.alpha`);
  if (!(alpha > 0 && alpha < 1)) c.fail(`${p}.alpha`, 'must be between 0 and 1');
  c.count(o.zero, `${p}.zero`);
  for (const side of ['pos', 'neg'] as const) {
    const s = c.obj(o[side], `${p}.${side}`);
    c.num(s.offset, `${p}.${side}.offset`, { integer: true });
    c.numbers(s.counts, `${p}.${side}.counts`, 0);
  }
  if (o.min !== undefined) c.num(o.min, `${p}.min`);
  if (o.max !== undefined) c.num(o.max, `${p}.max`);
}

function checkCategorical(c: Checker, v: unknown, p: string): void {
  const o = c.obj(v, p);
  c.count(o.distinct, `${p}.distinct`);
  if (typeof o.distinctExact !== 'boolean') c.fail(`${p}.distinctExact`, 'must be a boolean');
  c.arr(o.top, `${p}.top`).forEach((e, i) => {
    const pair = c.arr(e, `${p}.top[${i}]`);
    if (pair.length !== 2) c.fail(`${p}.top[${i}]`, 'must be a [value, count] pair');
    c.str(pair[0], `${p}.top[${i}][0]`);
    c.count(pair[1], `${p}.top[${i}][1]`);
  });
  c.count(o.otherCount, `${p}.otherCount`);
  if (o.hll !== undefined) {
    const s = c.str(o.hll, `${p}.hll`);
    try {
      HyperLogLog.fromJSON(s);
    } catch (err) {
      c.fail(`${p}.hll`, err instanceof Error ? err.message : String(err));
    }
  }
}
