import { table as mdTable } from '@modelship/core';
import type { DeployOutcome } from './outcome.js';

/** The job summary: the verdict, before/after weights, names, links. */
export function renderSummary(o: DeployOutcome): string {
  const s = o.section;
  const out: string[] = [`## ${o.ok ? '✅' : '❌'} deploy-canary: ${s.endpoint}`, '', o.headline, ''];
  if (s.variants.length) {
    out.push(
      mdTable(
        ['variant', 'role', 'package', 'weight before', 'weight after'],
        s.variants.map((v) => [
          v.name,
          v.role.replace('-', ' '),
          v.modelPackageArn ?? '',
          String(v.weightBefore),
          v.shadow ? 'shadow' : String(v.weightAfter),
        ]),
      ),
      '',
    );
  }
  const rows: [string, string][] = [
    ['backend', s.backend],
    ['strategy', s.strategy],
    ['endpoint config', s.endpointConfig],
    ...(s.previousEndpointConfig
      ? [['previous endpoint config', s.previousEndpointConfig] as [string, string]]
      : []),
    ['challenger', `${s.challengerVariant} (${s.modelPackageArn})`],
    ...(s.championVariant ? [['champion', s.championVariant] as [string, string]] : []),
    ...(s.smoke
      ? [['smoke test', `${s.smoke.passed} of ${s.smoke.requests} passed`] as [string, string]]
      : []),
    ...(s.alarms?.length ? [['alarms', s.alarms.join(', ')] as [string, string]] : []),
    ...o.rows,
  ];
  out.push(mdTable(['setting', 'value'], rows), '');
  for (const l of o.links ?? []) out.push(`- [${l.title}](${l.url})`);
  for (const n of o.notes ?? []) out.push(`> ${n}`);
  if (o.requests?.length) {
    out.push('', '<details><summary>requests (dry run)</summary>', '', '```json');
    for (const r of o.requests) out.push(`// ${r.call}`, JSON.stringify(r.request, null, 2));
    out.push('```', '</details>');
  }
  return out.join('\n') + '\n';
}
