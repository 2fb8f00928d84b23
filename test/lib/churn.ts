import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './step.js';

/** A workspace holding the churn example (generated at `rows`), its schema and the committed baseline. */
export function churnWorkspace(rows = 4000): string {
  const root = process.cwd();
  const dir = tempDir('modelship-ws-');
  execFileSync(process.execPath, [
    join(root, 'examples/churn/generate.mjs'),
    '--out',
    join(dir, 'data'),
    '--rows',
    String(rows),
  ]);
  copyFileSync(join(root, 'examples/churn/churn.schema.json'), join(dir, 'churn.schema.json'));
  copyFileSync(join(root, 'examples/churn/baseline-profile.json'), join(dir, 'baseline.json'));
  return dir;
}

/** Copy a CSV, replacing the contract value of rows [from, to) with an invalid one. */
export function breakContracts(dir: string, src: string, dest: string, from: number, to: number): void {
  const lines = readFileSync(join(dir, src), 'utf8').trimEnd().split('\n');
  for (let i = from; i < to; i++)
    lines[i] = lines[i]!.replace(/,(month-to-month|one-year|two-year),/, ',weekly,');
  writeFileSync(join(dir, dest), lines.join('\n') + '\n');
}
