import { ConfigError } from '@modelship/core';

/** A SageMaker MetricDefinition: the regex's first capture group is the value. */
export interface MetricDefinition {
  name: string;
  regex: string;
}

interface CompiledMetric extends MetricDefinition {
  re: RegExp;
}

/**
 * Check metric regexes once. SageMaker applies them with Python's `re`; the syntax the two share is
 * the usual one, and Python's named groups `(?P<x>…)` are accepted here too.
 */
export function compileMetrics(defs: readonly MetricDefinition[], where: string): MetricDefinition[] {
  defs.forEach((d, i) => toRegExp(d, `${where}[${i}].regex`));
  return defs.map((d) => ({ name: d.name, regex: d.regex }));
}

function toRegExp(def: MetricDefinition, where: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(def.regex.replace(/\(\?P</g, '(?<'));
  } catch (err) {
    throw new ConfigError(`invalid regular expression (${(err as Error).message})`, where, { cause: err });
  }
  if (new RegExp(`${re.source}|`).exec('')!.length < 2) {
    throw new ConfigError('needs a capture group around the value, e.g. "auc=([0-9.]+)"', where);
  }
  return re;
}

/** A decimal number as a metric value: `0.83`, `-1`, `.5`, `1e-3` (surrounding blanks allowed). */
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** The captured text as a finite number, or undefined when it is none (`n/a`, `0.8.`, `nan`, empty). */
export function metricValue(text: string | undefined): number | undefined {
  if (text === undefined || !NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Scrapes metric values from log lines; the last value seen is the final one (FinalMetricDataList).
 * A match whose group captured something that is not a number is left out and reported through
 * `onWarning`, once per metric, naming the metric, the captured text and the line.
 */
export class MetricScraper {
  private readonly compiled: CompiledMetric[];
  private readonly values = new Map<string, number>();
  private readonly warned = new Set<string>();

  constructor(
    defs: readonly MetricDefinition[],
    private readonly onWarning: (message: string) => void = () => undefined,
  ) {
    this.compiled = defs.map((d) => ({ ...d, re: toRegExp(d, d.name) }));
  }

  push(line: string): void {
    for (const m of this.compiled) {
      const hit = m.re.exec(line);
      if (!hit) continue;
      const value = metricValue(hit[1]);
      if (value !== undefined) this.values.set(m.name, value);
      else this.notANumber(m, hit[1], line);
    }
  }

  private notANumber(m: CompiledMetric, text: string | undefined, line: string): void {
    if (this.warned.has(m.name)) return;
    this.warned.add(m.name);
    const captured = text === undefined ? 'nothing' : JSON.stringify(text);
    const shown = line.length > 200 ? `${line.slice(0, 199)}…` : line;
    this.onWarning(
      `metric ${m.name}: its regex ${JSON.stringify(m.regex)} captured ${captured}, which is not a number (line: ${JSON.stringify(shown)}); the value is left out, and later ones like it are not reported`,
    );
  }

  final(): Record<string, number> {
    return Object.fromEntries(this.values);
  }
}
