// The job summary of register: the package, its status, its lineage and the gate's checks.
import { table } from '@modelship/core';
import { METADATA, type ModelPackage } from '@modelship/registry';
import type { EvaluationView } from './lineage.js';

/** The package's page in the SageMaker console (the model registry's group, at that version). */
export function consoleUrl(region: string, group: string, version: number): string {
  return `https://${region}.console.aws.amazon.com/sagemaker/home?region=${region}#/model-registry/model-package-groups/${encodeURIComponent(group)}/versions/${version}`;
}

const STATUS_ICON: Record<string, string> = {
  Approved: '✅',
  Rejected: '⛔',
  PendingManualApproval: '⏳',
};

export function renderRegistration(o: {
  headline: string;
  pkg: ModelPackage;
  registry: string;
  consoleUrl?: string;
  champion?: ModelPackage;
  evaluation?: EvaluationView;
  reused: boolean;
}): string {
  const p = o.pkg;
  const c = p.InferenceSpecification?.Containers[0];
  const stats = p.ModelMetrics?.ModelQuality?.Statistics;
  const rows: [string, string][] = [
    ['package', o.consoleUrl ? `[${p.ModelPackageArn}](${o.consoleUrl})` : `\`${p.ModelPackageArn}\``],
    ['version', String(p.ModelPackageVersion)],
    ['status', `${STATUS_ICON[p.ModelApprovalStatus] ?? ''} ${p.ModelApprovalStatus}`],
    ['registry', o.registry],
    ['created', p.CreationTime],
  ];
  if (p.ApprovalDescription) rows.push(['approval', p.ApprovalDescription]);
  if (c?.ModelDataUrl) rows.push(['model', `\`${c.ModelDataUrl}\``]);
  if (c?.Image) rows.push(['image', `\`${c.Image}\``]);
  if (stats) rows.push(['model quality', `\`${stats.S3Uri}\` (${stats.ContentDigest ?? 'no digest'})`]);
  rows.push([
    'champion',
    o.champion
      ? `version ${o.champion.ModelPackageVersion} (\`${o.champion.ModelPackageArn}\`)`
      : 'none (no Approved package)',
  ]);
  const parts = [
    `## ${STATUS_ICON[p.ModelApprovalStatus] ?? ''} register: ${o.headline}`,
    '',
    o.reused ? '_Nothing changed: the package already existed._\n' : '',
    table(['', 'package'], rows),
    '',
    '### Lineage',
    '',
    table(
      ['metadata', 'value'],
      Object.entries(p.CustomerMetadataProperties).map(([k, v]) => [k.replace(/^modelship:/, ''), v]),
    ),
  ];
  const checks = o.evaluation?.checks ?? [];
  if (checks.length > 0) {
    parts.push(
      '',
      `### The gate's checks (${o.evaluation?.verdict ?? 'no verdict'})`,
      '',
      table(
        ['check', 'condition', 'slice', 'result'],
        checks.map((r) => [
          r.check,
          r.condition,
          r.slice ? `${r.slice.column}=${r.slice.value}` : 'all rows',
          r.status === 'pass' ? '✅ pass' : r.status === 'fail' ? '❌ fail' : '⚠️ insufficient',
        ]),
      ),
    );
  } else if (p.CustomerMetadataProperties[METADATA.gate] === 'none') {
    parts.push('', '### The gate', '', 'No gate verdict: registered by force.');
  }
  return parts.filter((x, i, a) => !(x === '' && a[i - 1] === '')).join('\n') + '\n';
}
