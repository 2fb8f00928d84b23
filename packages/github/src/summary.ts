/** GitHub drops a step's job summary larger than 1 MiB; stay well under it. */
export const SUMMARY_MAX_BYTES = 1000 * 1000;

/**
 * The summary as the runner will keep it: unchanged when under {@link SUMMARY_MAX_BYTES} (UTF-8
 * bytes), else cut at the last line break that fits, with a closing note saying how much was cut
 * (steps keep the full detail in their report files).
 */
export function fitSummary(markdown: string, max = SUMMARY_MAX_BYTES): string {
  const bytes = Buffer.byteLength(markdown, 'utf8');
  if (bytes <= max) return markdown;
  const note = (cut: number): string =>
    `\n\n> **Summary cut**: ${cut.toLocaleString('en-US')} of ${bytes.toLocaleString('en-US')} bytes left out to stay under GitHub's 1 MiB job-summary limit; the step's report file has everything.\n`;
  const budget = max - Buffer.byteLength(note(bytes), 'utf8');
  const head = Buffer.from(markdown, 'utf8').subarray(0, budget).toString('utf8');
  const cutAt = head.lastIndexOf('\n');
  const kept = (cutAt > 0 ? head.slice(0, cutAt) : head).replace(/\uFFFD$/, '');
  return kept + note(bytes - Buffer.byteLength(kept, 'utf8'));
}
