/**
 * Render a step's Markdown summary for a terminal: aligned tables, headings as plain lines,
 * Mermaid charts replaced by a text bar chart, HTML tags dropped.
 */
export function renderForTerminal(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```mermaid')) {
      const block: string[] = [];
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('```')) block.push(lines[++i]!);
      i++;
      out.push(...mermaidAsText(block));
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) rows.push(splitRow(lines[i++]!));
      i--;
      out.push(...alignTable(rows.filter((r) => !r.every((c) => /^-+$/.test(c.trim())))));
      continue;
    }
    const text = line
      .replace(/<\/?(details|summary|sub)>/g, '')
      .replace(/^#{1,6} /, '')
      .replace(/`/g, '');
    if (text.trim() || (out.length > 0 && out[out.length - 1]!.trim())) out.push(text);
  }
  return out.join('\n').trimEnd() + '\n';
}

function splitRow(line: string): string[] {
  const cells = line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|').replace(/`/g, ''));
  return cells;
}

function width(s: string): number {
  return [...s].length;
}

function alignTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, j) => (widths[j] = Math.max(widths[j] ?? 0, width(c))));
  return rows.map((r, k) => {
    const line = '  ' + r.map((c, j) => c + ' '.repeat((widths[j] ?? 0) - width(c))).join('  ');
    return k === 0 ? `${line}\n  ${widths.map((w) => '─'.repeat(w)).join('  ')}` : line;
  });
}

function mermaidAsText(block: string[]): string[] {
  const grab = (re: RegExp): string | undefined =>
    block.map((l) => re.exec(l)?.[1]).find((x) => x !== undefined);
  const labels = (grab(/x-axis \[(.*)\]/) ?? '').split(',').map((s) => s.trim().replace(/^"|"$/g, ''));
  const bars = (grab(/^\s*bar \[(.*)\]/) ?? '').split(',').map(Number);
  const line = (grab(/^\s*line \[(.*)\]/) ?? '').split(',').map(Number);
  const title = grab(/title "(.*)"/) ?? '';
  // The text chart draws one bar series beside one line of non-negative values (shares of rows);
  // another chart (negative values, several series) is left out: its caption carries the numbers.
  const series = block.filter((l) => /^\s*(bar|line) \[/.test(l)).length;
  if (series !== 2 || [...bars, ...line].some((v) => !(v >= 0))) return [];
  const max = Math.max(...bars, ...line, 1e-9);
  const w = Math.max(...labels.map(width), 4);
  const bar = (v: number): string => '█'.repeat(Math.round((v / max) * 30));
  const out = [`  ${title}   (█ baseline, ▒ current)`];
  labels.forEach((l, j) => {
    out.push(`  ${l.padStart(w)} █ ${bar(bars[j] ?? 0)} ${(bars[j] ?? 0).toFixed(3)}`);
    out.push(`  ${''.padStart(w)} ▒ ${bar(line[j] ?? 0).replace(/█/g, '▒')} ${(line[j] ?? 0).toFixed(3)}`);
  });
  return out;
}

/** A header and rows as aligned columns (the way tables of a summary are printed). */
export function formatColumns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return alignTable([[...header], ...rows.map((r) => [...r])]).join('\n');
}
