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

/** Scrapes metric values from log lines; the last value seen is the final one (FinalMetricDataList). */
export class MetricScraper {
  private readonly compiled: CompiledMetric[];
  private readonly values = new Map<string, number>();

  constructor(defs: readonly MetricDefinition[]) {
    this.compiled = defs.map((d) => ({ ...d, re: toRegExp(d, d.name) }));
  }

  push(line: string): void {
    for (const m of this.compiled) {
      const hit = m.re.exec(line);
      if (!hit) continue;
      const value = Number(hit[1]);
      if (hit[1] !== undefined && Number.isFinite(value)) this.values.set(m.name, value);
    }
  }

  final(): Record<string, number> {
    return Object.fromEntries(this.values);
  }
}
