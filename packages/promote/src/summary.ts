import { table as mdTable } from '@modelship/core';
import type { DecisionAudit } from './canary.js';
import type { MetricVerdict } from './judge.js';

const ICON: Record<DecisionAudit['decision'], string> = {
  promoted: '✅',
  'rolled-back': '❌',
  held: '⏸️',
  inconclusive: '❔',
};

function shownDelta(v: MetricVerdict): string {
  if (v.estimate === undefined) return '–';
  const abs = v.metric.includes('mean absolute');
  const f = (x: number) => (abs ? x.toPrecision(3) : `${(x * 100).toFixed(2)}%`);
  return `${f(v.estimate)} [${f(v.low!)}, ${f(v.high!)}]`;
}

/** The job summary: the decision, each step's looks, the last look's verdicts, the actions taken. */
export function renderSummary(
  a: DecisionAudit,
  o: { report: string; headline: string; registry?: { arn: string; status: string } },
): string {
  const out: string[] = [
    `## ${a.dryRun ? '🔎' : ICON[a.decision]} promote-on-metrics: ${a.endpoint}`,
    '',
    o.headline,
    '',
  ];
  out.push(
    mdTable(
      ['step', 'challenger share', 'looks', 'verdict'],
      a.steps.map((s, i) => [
        String(i + 1),
        a.shadow ? 'shadow' : `${s.weight}%`,
        String(s.looks.length),
        s.verdict,
      ]),
    ),
    '',
  );
  const last = a.steps.at(-1)?.looks.at(-1);
  if (last) {
    out.push(
      `Last look (${Math.round(last.elapsed)} s into step ${a.steps.length}; α per metric ${a.alphaEach.toPrecision(3)}):`,
      '',
      mdTable(
        [
          'metric',
          'verdict',
          'Δ challenger − champion [interval]',
          'allowed',
          'n (champion / challenger)',
          'p (fixed-sample)',
        ],
        [...last.verdicts, ...(last.divergence ?? [])].map((v) => [
          `${v.metric}${v.critical ? ' (critical)' : ''}`,
          v.status,
          shownDelta(v),
          v.metric.includes('mean absolute') ? String(v.limit) : `${(v.limit * 100).toFixed(2)}%`,
          `${v.n.champion} / ${v.n.challenger}`,
          v.pValue === undefined ? '–' : v.pValue.toPrecision(3),
        ]),
      ),
      '',
    );
  }
  out.push(
    mdTable(
      ['setting', 'value'],
      [
        [
          'champion',
          `${a.champion.name}${a.champion.modelPackageArn ? ` (${a.champion.modelPackageArn})` : ''}`,
        ],
        [
          'challenger',
          `${a.challenger.name}${a.challenger.modelPackageArn ? ` (${a.challenger.modelPackageArn})` : ''}`,
        ],
        [
          'final weights',
          Object.entries(a.finalWeights)
            .map(([k, v]) => `${k} ${v}%`)
            .join(', '),
        ],
        ['decision audit', o.report],
        ...(o.registry ? [['registry', `${o.registry.arn}: ${o.registry.status}`] as [string, string]] : []),
      ],
    ),
    '',
  );
  if (a.actions.length) {
    out.push('Actions:', '');
    for (const x of a.actions) out.push(`- ${x.at} **${x.action}**: ${x.detail}`);
    out.push('');
  }
  return out.join('\n') + '\n';
}
