import { formatElapsed } from '@modelship/aws';
import { formatNumber, table } from '@modelship/core';
import type { TrainingOutcome } from './backend.js';
import { ESTIMATE_NOTE, estimateCost } from './pricing.js';

/** The cost figures shown for a job (all estimates). */
export interface CostView {
  instanceType?: string;
  instanceCount: number;
  maxRuntimeSeconds?: number;
  spot: boolean;
  billableSeconds?: number;
  /** The figure reported as the `estimated-cost-usd` output. */
  usd?: number;
}

export interface SummaryInput {
  headline: string;
  backend: 'local' | 'sagemaker';
  jobName: string;
  outcome?: TrainingOutcome;
  cost?: CostView;
  request: [string, string][];
  dryRun?: unknown;
}

function span(from?: string, to?: string): string {
  return from && to ? formatElapsed(Date.parse(to) - Date.parse(from)) : '–';
}

function statusTable(o: TrainingOutcome): string {
  const rows: [string, string][] = [
    [
      'status',
      o.secondaryStatus && o.secondaryStatus !== o.status ? `${o.status} (${o.secondaryStatus})` : o.status,
    ],
    ['backend', o.backend],
  ];
  if (o.jobArn) rows.push(['ARN', o.jobArn]);
  if (o.createdAt) rows.push(['created', o.createdAt]);
  if (o.startedAt) rows.push(['training started', o.startedAt]);
  if (o.endedAt) rows.push(['training ended', `${o.endedAt} (${span(o.startedAt, o.endedAt)} of training)`]);
  if (o.billableSeconds !== undefined) rows.push(['billable seconds', String(o.billableSeconds)]);
  if (o.failureReason) rows.push(['reason', o.failureReason]);
  return table(['', ''], rows);
}

function transitionsTable(o: TrainingOutcome): string {
  if (o.transitions.length === 0) return '';
  const origin = o.createdAt ?? o.transitions[0]!.startTime;
  const rows = o.transitions.map((t) => [
    t.status,
    t.startTime,
    `+${span(origin, t.startTime)}`,
    t.endTime ? span(t.startTime, t.endTime) : '…',
    t.message ?? '',
  ]);
  return `#### Status transitions\n\n${table(['status', 'started', 'elapsed', 'took', 'message'], rows)}`;
}

function metricsTable(o: TrainingOutcome): string {
  const entries = Object.entries(o.metrics);
  if (entries.length === 0) return '';
  return `#### Metrics\n\n${table(
    ['metric', 'final value'],
    entries.map(([k, v]) => [k, formatNumber(v, 6)]),
  )}`;
}

function usd(v: number | undefined): string {
  return v === undefined ? '–' : `$${v.toFixed(2)}`;
}

function costTable(c: CostView | undefined, backend: string): string {
  if (backend === 'local') return '#### Cost\n\nLocal backend: no cloud cost.';
  if (!c?.instanceType) return '';
  const max = c.maxRuntimeSeconds
    ? estimateCost(c.instanceType, c.instanceCount, c.maxRuntimeSeconds)
    : undefined;
  if (!max)
    return `#### Cost (estimate)\n\nNo price for \`${c.instanceType}\` in modelship's table, so no estimate.`;
  const rows = [
    [
      `at most (max runtime ${formatElapsed(c.maxRuntimeSeconds! * 1000)}, ${c.instanceCount} × ${c.instanceType})`,
      usd(max.onDemandUsd),
      usd(max.spotUsd),
    ],
  ];
  if (c.billableSeconds !== undefined) {
    rows.push([
      `this job (${c.billableSeconds} billable s per instance${c.spot ? ', spot' : ''})`,
      usd(c.usd),
      '',
    ]);
  }
  return `#### Cost (estimate)\n\n${table(['', 'on-demand', 'spot'], rows)}\n\n<sub>${ESTIMATE_NOTE}</sub>`;
}

function artefact(o: TrainingOutcome): string {
  if (!o.modelArtifact) return '';
  return `#### Model artefact\n\n\`${o.modelArtifact}\`\n\nsha256 \`${o.modelSha256 ?? '–'}\``;
}

function lastLines(o: TrainingOutcome): string {
  if (o.status === 'Completed' || o.lastLines.length === 0) return '';
  return `#### Last log lines\n\n\`\`\`text\n${o.lastLines.join('\n')}\n\`\`\``;
}

function requestSection(rows: [string, string][], dryRun: unknown): string {
  if (rows.length === 0) return '';
  const body = table(['field', 'value'], rows);
  const exact = dryRun === undefined ? '' : `\n\n\`\`\`json\n${JSON.stringify(dryRun, null, 2)}\n\`\`\``;
  return `<details${dryRun === undefined ? '' : ' open'}><summary>Request</summary>\n\n${body}${exact}\n\n</details>`;
}

/** The job summary: status, timings, metrics, cost estimate, artefact and the request. */
export function renderSummary(s: SummaryInput): string {
  const parts = [`### Train: \`${s.jobName}\``, s.headline];
  if (s.outcome) {
    parts.push(
      statusTable(s.outcome),
      transitionsTable(s.outcome),
      metricsTable(s.outcome),
      lastLines(s.outcome),
    );
  }
  parts.push(costTable(s.cost, s.backend));
  if (s.outcome) parts.push(artefact(s.outcome));
  parts.push(requestSection(s.request, s.dryRun));
  return parts.filter(Boolean).join('\n\n') + '\n';
}
