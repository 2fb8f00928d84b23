/** Small Markdown builders for job summaries and PR comments. */

export function escapeCell(v: unknown): string {
  return String(v ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const head = `| ${header.map(escapeCell).join(' | ')} |`;
  const sep = `|${header.map(() => ' --- ').join('|')}|`;
  return [head, sep, ...rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`)].join('\n');
}

export function formatNumber(v: number | undefined | null, digits = 4): string {
  if (v === undefined || v === null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0'; // and -0
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(digits)));
}

/** A Mermaid xychart of two series over shared categories (bars for the first, a line for the second). */
export function mermaidBarsVsLine(opts: {
  title: string;
  labels: readonly string[];
  bars: { name: string; values: readonly number[] };
  line: { name: string; values: readonly number[] };
  yLabel?: string;
}): string {
  const fmt = (xs: readonly number[]) => xs.map((x) => Number(x.toFixed(4))).join(', ');
  const max = Math.max(0, ...opts.bars.values, ...opts.line.values);
  const yTop = Number((max * 1.1 || 1).toPrecision(2));
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${opts.title.replace(/"/g, "'")}"`,
    `  x-axis [${opts.labels.map((l) => `"${l.replace(/"/g, "'")}"`).join(', ')}]`,
    `  y-axis "${(opts.yLabel ?? 'share of rows').replace(/"/g, "'")}" 0 --> ${yTop}`,
    `  bar [${fmt(opts.bars.values)}]`,
    `  line [${fmt(opts.line.values)}]`,
    '```',
    `<sub>bars: ${opts.bars.name} · line: ${opts.line.name}</sub>`,
  ].join('\n');
}
