import { formatNumber, mermaidBarsVsLine, table } from '@modelship/core';
import type { FeatureDrift } from './drift.js';
import { relativeTo } from './paths.js';
import type { FailOn, ValidateOutcome } from './validate.js';

const MAX_CHARTS = 3;

function icon(ok: boolean, warn = false): string {
  return ok ? (warn ? '⚠️' : '✅') : '❌';
}

function driftTable(features: readonly FeatureDrift[]): string {
  const rows = features.map((f) => {
    const measured = f.pValue !== undefined || f.statistic !== 0;
    const floor = f.effectFloor !== undefined ? ` and effect ≥ ${formatNumber(f.effectFloor)}` : '';
    return [
      f.feature,
      f.kind,
      f.status === 'ignored' ? '–' : f.method,
      measured ? formatNumber(f.statistic) : '–',
      !measured
        ? '–'
        : f.pValue !== undefined
          ? `p < ${formatNumber(f.threshold)}${floor}`
          : `≥ ${formatNumber(f.threshold)}`,
      f.pValue !== undefined ? formatNumber(f.pValue) : '–',
      `${formatNumber(f.nBaseline)} / ${formatNumber(f.nCurrent)}`,
      `${f.status === 'drift' ? '⚠️ drift' : f.status}: ${f.reason}`,
    ];
  });
  return table(
    ['feature', 'type', 'method', 'statistic', 'drift when', 'p-value', 'n (baseline / current)', 'result'],
    rows,
  );
}

/**
 * How far a drifted feature is past its drift line, as a ratio comparable across methods (used to
 * pick the charts): the effect over its floor under the default rule (D and TV are both shares in
 * [0, 1]), log p over log threshold for a test with an explicit threshold, else statistic over
 * threshold. A test's raw statistic is not compared with a p-value threshold (different units).
 */
function overLine(f: FeatureDrift): number {
  if (f.effect !== undefined && f.effectFloor !== undefined && f.effectFloor > 0)
    return f.effect / f.effectFloor;
  if (f.pValue !== undefined) {
    const p = Math.max(f.pValue, Number.MIN_VALUE);
    return f.threshold > 0 && f.threshold < 1 ? Math.log(p) / Math.log(f.threshold) : 0;
  }
  return f.threshold > 0 ? f.statistic / f.threshold : 0;
}

function driftCharts(features: readonly FeatureDrift[]): string[] {
  const drifted = features
    .filter((f) => f.drifted && f.histogram && f.histogram.labels.length > 0)
    .sort((a, b) => overLine(b) - overLine(a))
    .slice(0, MAX_CHARTS);
  return drifted.map((f) =>
    [
      `#### ${f.feature}: baseline vs current`,
      '',
      mermaidBarsVsLine({
        title: `${f.feature} (${f.method} ${formatNumber(f.statistic, 3)})`,
        labels: f.histogram!.labels,
        bars: { name: 'baseline', values: f.histogram!.baseline },
        line: { name: 'current', values: f.histogram!.current },
      }),
    ].join('\n'),
  );
}

/** The job summary of a validation run. */
export function renderSummary(
  o: ValidateOutcome,
  opts: { failOn: FailOn; schemaPath: string; data: string; cwd: string },
): string {
  const drifted = o.drift?.drifted ?? [];
  const checks: string[][] = [
    [
      'records parse',
      icon(!o.errorCounts.some((e) => !e.field)),
      `${formatNumber(o.rows)} ${o.rows === 1 ? 'record' : 'records'} in ${o.files.length} ${o.files.length === 1 ? 'file' : 'files'}`,
    ],
    [
      'schema',
      icon(o.invalidRows === 0),
      o.invalidRows === 0
        ? `all rows match \`${opts.schemaPath}\``
        : `${formatNumber(o.invalidRows)} invalid rows`,
    ],
    o.drift
      ? [
          'drift',
          icon(!(drifted.length && opts.failOn === 'drift'), drifted.length > 0),
          (drifted.length
            ? `${drifted.length} of ${o.drift.checked} features drifted`
            : `no drift in ${o.drift.checked} features`) +
            (o.drift.insufficient.length ? `; insufficient data: ${o.drift.insufficient.join(', ')}` : ''),
        ]
      : ['drift', '➖', 'no baseline given'],
  ];
  const lines = [
    `## ${o.passed ? '✅' : '❌'} validate-data: ${o.passed ? 'passed' : 'failed'}`,
    '',
    `\`${opts.data}\` · fail-on \`${opts.failOn}\` · fingerprint \`${o.fingerprint.slice(0, 12)}\``,
    '',
    table(['check', 'result', 'details'], checks),
  ];
  if (o.errorCounts.length) {
    lines.push(
      '',
      '### Invalid rows',
      '',
      table(
        ['field', 'reason', 'rows', 'first at'],
        o.errorCounts
          .slice(0, 15)
          .map((e) => [
            e.field || '(row)',
            e.reason,
            formatNumber(e.count),
            `${e.example.file}:${e.example.line}`,
          ]),
      ),
    );
  }
  if (o.drift) {
    lines.push(
      '',
      `### Drift against \`${o.baseline}\``,
      '',
      `<sub>${o.drift.method}</sub>`,
      '',
      driftTable(o.drift.features),
    );
    const charts = driftCharts(o.drift.features);
    if (charts.length) lines.push('', ...charts);
  }
  lines.push(
    '',
    '<details><summary>Files</summary>',
    '',
    table(
      ['file', 'rows', 'bytes', 'sha256'],
      o.files
        .slice(0, MAX_FILE_ROWS)
        .map((f) => [f.uri, formatNumber(f.rows), formatNumber(f.bytes), `\`${f.sha256.slice(0, 16)}…\``]),
    ),
    ...(o.files.length > MAX_FILE_ROWS
      ? [
          '',
          `${formatNumber(o.files.length - MAX_FILE_ROWS)} more files: every file is listed in the report.`,
        ]
      : []),
    '',
    '</details>',
    '',
    `Report: \`${relativeTo(opts.cwd, o.reportPath)}\` · profile: \`${o.profilePath}\``,
  );
  return lines.join('\n') + '\n';
}

/** Files listed in the job summary (GitHub drops a summary over 1 MiB; the report lists them all). */
export const MAX_FILE_ROWS = 200;

export function renderInferSummary(o: ValidateOutcome, schemaPath: string): string {
  const cols = o.profile.columns.map((c) => [
    c.name,
    c.kind,
    formatNumber(c.count),
    formatNumber(c.missing),
    c.numeric
      ? `${formatNumber(c.numeric.min)} … ${formatNumber(c.numeric.max)}`
      : `${formatNumber(c.categorical?.distinct)} distinct`,
  ]);
  return [
    '## 🧭 validate-data: schema inferred',
    '',
    `Wrote \`${schemaPath}\` and the baseline profile \`${o.profilePath}\` from ${formatNumber(o.rows)} records. Review the schema before relying on it.`,
    '',
    table(['column', 'type', 'values', 'missing', 'range / distinct'], cols),
    '',
  ].join('\n');
}
