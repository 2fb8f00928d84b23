// The verdict as a person reads it: the job summary and the pull-request comment. A table of
// every judged condition (failing rows first), a chart of each change check's interval against
// its threshold, and what was not applied and why.
import { formatNumber, table } from '@modelship/core';
import type { CheckResult, EvaluationSection } from './definition.js';
import { blocks, rowName } from './judge.js';

const fmt = (v: number | undefined): string => formatNumber(v, 4);

function thresholdText(r: CheckResult): string {
  switch (r.condition) {
    case 'min':
      return `≥ ${fmt(r.threshold)}`;
    case 'max':
      return `≤ ${fmt(r.threshold)}`;
    default: {
      const written = r.thresholdAsWritten ? ` (${r.thresholdAsWritten} of the champion)` : '';
      const lower = r.direction === 'lower';
      const pct = Math.round((r.interval?.confidence ?? 0.95) * 100);
      const bound = r.test === 'point' ? 'Δ' : `Δ ${lower ? 'upper' : 'lower'} ${pct}%`;
      return `${bound} ${lower ? '<' : '>'} ${fmt(lower ? -r.threshold : r.threshold)}${written}`;
    }
  }
}

function deltaText(r: CheckResult): string {
  if (r.delta === undefined) return '–';
  const iv = r.interval ? ` [${fmt(r.interval.low)}, ${fmt(r.interval.high)}]` : '';
  const p =
    r.pValue === undefined
      ? ''
      : r.pValue === 0 && r.resamples
        ? ` p<${fmt(1 / r.resamples)}`
        : ` p=${fmt(r.pValue)}`;
  return `${r.delta >= 0 ? '+' : ''}${fmt(r.delta)}${iv}${p}`;
}

function verdictText(r: CheckResult): string {
  if (r.status === 'pass') return '✅ pass';
  if (r.status === 'fail') return '❌ fail';
  return r.critical ? '❌ insufficient (critical)' : '⚠️ insufficient';
}

const ORDER = (r: CheckResult): number => (blocks(r) ? 0 : r.status === 'insufficient' ? 1 : 2);

/** The rows in reading order: what fails the gate first, then insufficient, then passes. */
export function orderedRows(rows: readonly CheckResult[]): CheckResult[] {
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => ORDER(a.r) - ORDER(b.r) || a.i - b.i)
    .map(({ r }) => r);
}

function label(s: string): string {
  return s.replace(/"/g, "'");
}

/**
 * A Mermaid chart of each change check: its lower confidence bound of the improvement (bars) and
 * its threshold (line), on the direction-adjusted scale — a bar above the line passes.
 */
export function intervalChart(rows: readonly CheckResult[]): string | undefined {
  const changes = rows.filter(
    (r) => r.interval && !r.slice && (r.condition === 'max-regression' || r.condition === 'min-improvement'),
  );
  if (changes.length === 0) return undefined;
  const adj = changes.map((r) => {
    const sign = r.direction === 'lower' ? -1 : 1;
    const lo = sign > 0 ? r.interval!.low : -r.interval!.high;
    const hi = sign > 0 ? r.interval!.high : -r.interval!.low;
    return { name: `${r.check} (${r.condition})`, lo, hi, est: sign * r.delta!, threshold: r.threshold };
  });
  const all = adj.flatMap((a) => [a.lo, a.hi, a.threshold, 0]);
  const pad = (Math.max(...all) - Math.min(...all)) * 0.1 || 0.01;
  const lo = Number((Math.min(...all) - pad).toPrecision(2));
  const hi = Number((Math.max(...all) + pad).toPrecision(2));
  const n4 = (v: number) => Number(v.toFixed(4));
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Change checks: interval of the improvement vs threshold"',
    `  x-axis [${adj.map((a) => `"${label(a.name)}"`).join(', ')}]`,
    `  y-axis "improvement over the champion" ${lo} --> ${hi}`,
    `  bar [${adj.map((a) => n4(a.hi)).join(', ')}]`,
    `  bar [${adj.map((a) => n4(a.lo)).join(', ')}]`,
    `  line [${adj.map((a) => n4(a.threshold)).join(', ')}]`,
    '```',
    `<sub>per check: the upper and lower confidence bounds of the improvement (bars; higher is better after adjusting for direction) and the threshold (line): a check passes when its lower bound is above the line. ${adj
      .map((a) => `${a.name}: [${fmt(a.lo)}, ${fmt(a.hi)}] vs ${fmt(a.threshold)}`)
      .join('; ')}</sub>`,
  ].join('\n');
}

/** Markdown of a verdict (job summary; the PR comment adds its marker). */
export function renderVerdict(v: EvaluationSection, opts: { title?: string } = {}): string {
  const icon = v.passed ? '✅' : '❌';
  const lines: string[] = [`## ${icon} ${opts.title ?? 'evaluate-gate'}: ${v.headline}`, ''];
  const champ =
    v.champion.kind === 'none'
      ? `none${v.champion.note ? ` (${v.champion.note})` : ''}`
      : `\`${v.champion.identity ?? v.champion.kind}\``;
  lines.push(
    `Candidate: ${v.candidate.jobName ? `\`${v.candidate.jobName}\` · ` : ''}${v.candidate.source} · champion: ${champ}`,
    '',
  );
  if (v.checks.length > 0) {
    lines.push(
      table(
        ['check', 'threshold', 'candidate', 'champion', 'delta [interval]', 'n', 'verdict'],
        orderedRows(v.checks).map((r) => [
          `${rowName(r)} · ${r.condition}`,
          thresholdText(r),
          fmt(r.candidate),
          fmt(r.champion),
          deltaText(r),
          r.n === undefined ? '–' : fmt(r.n),
          verdictText(r),
        ]),
      ),
      '',
    );
  }
  const chart = intervalChart(v.checks);
  if (chart) lines.push(chart, '');
  for (const note of v.notes) lines.push(`> ⚠️ ${note}`, '');
  const why = orderedRows(v.checks).filter((r) => r.status !== 'pass');
  if (why.length > 0) {
    lines.push('<details><summary>Why</summary>', '');
    for (const r of why) lines.push(`- **${rowName(r)}** (${r.condition}): ${r.reason}`);
    lines.push('', '</details>', '');
  }
  if (v.predictions.length > 0)
    lines.push(
      `Predictions: ${v.predictions.map((p) => `\`${p.path}\` (${p.role}, ${fmt(p.rows)} rows, sha256 \`${p.sha256.slice(0, 12)}…\`)`).join(' · ')}`,
      '',
    );
  if (v.report)
    lines.push(`Verdict: \`${v.report}\`${v.statistics ? ` · model quality: \`${v.statistics}\`` : ''}`);
  return lines.join('\n').trimEnd() + '\n';
}
