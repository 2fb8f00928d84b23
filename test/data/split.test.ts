import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { churnWorkspace } from '../lib/churn.js';
import { profileDifferences } from '../lib/profiles.js';

// The two-thread read of a large CSV file only runs from a bundle (its worker thread runs the
// bundle), so it is tested through the committed CLI, forced on small files by lowering the size
// at which it starts, against the one-thread read of the same file.
const CLI = join(process.cwd(), 'dist/cli/index.js');
let ws: string;

interface Report {
  rows: number;
  invalidRows: number;
  fingerprint: string;
  files: { sha256: string; rows: number; bytes: number }[];
  errors: { file: string; line: number; field: string; reason: string }[];
}

function validate(
  data: string,
  split: boolean,
  tag: string,
  baseline?: string,
): { code: number | null; log: string; report: Report; profile: { columns: Record<string, unknown>[] } } {
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      'validate-data',
      '--data',
      data,
      '--schema',
      'churn.schema.json',
      '--manifest',
      `${tag}/manifest.json`,
      '--quiet',
      '--debug',
      ...(baseline ? ['--baseline', baseline] : []),
    ],
    {
      cwd: ws,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, MODELSHIP_SPLIT_MIN_BYTES: split ? '1' : '1000000000000' },
    },
  );
  const read = (f: string) => JSON.parse(readFileSync(join(ws, tag, 'validate-data', f), 'utf8'));
  return {
    code: r.status,
    log: r.stderr,
    report: read('report.json') as Report,
    profile: read('profile.json'),
  };
}

beforeAll(() => {
  ws = churnWorkspace(8000);
  const lines = readFileSync(join(ws, 'data/train.csv'), 'utf8').trimEnd().split('\n');
  // Invalid rows in both halves, a short row, and a blank line.
  for (const i of [3, 1500, 4100, 6500, 7999])
    lines[i] = lines[i]!.replace(/,(true|false),(true|false)$/, ',maybe,$2');
  lines[5000] = 'C0009999,12';
  lines.splice(2000, 0, '');
  writeFileSync(join(ws, 'big.csv'), lines.join('\n') + '\n');
  // A quoted field of ~300 KB holding line breaks, across the middle of the file: a cut there
  // would land inside it.
  const long = `"${Array.from({ length: 3000 }, () => 'y'.repeat(99)).join('\n')}"`;
  const at = 2500;
  lines[at] = lines[at]!.replace(/,(month-to-month|one-year|two-year),/, `,${long},`);
  writeFileSync(join(ws, 'quoted.csv'), lines.join('\n') + '\n');
});

describe('reading one large CSV file on two threads', () => {
  it('gives the same counts, fingerprint, errors (with their line numbers) and profile as one thread', () => {
    const one = validate('big.csv', false, 'one');
    const two = validate('big.csv', true, 'two');
    expect(two.log).toMatch(/big\.csv: read in two halves on two threads \(cut at byte \d+/);
    expect(one.log).not.toContain('two threads');
    expect(two.code).toBe(1);
    expect(one.code).toBe(1);
    expect(two.report.rows).toBe(one.report.rows);
    expect(two.report.invalidRows).toBe(6);
    expect(two.report.fingerprint).toBe(one.report.fingerprint);
    expect(two.report.files).toEqual(one.report.files);
    expect(two.report.errors).toEqual(one.report.errors);
    expect(two.report.errors.map((e) => e.line)).toEqual([4, 1501, 4102, 5002, 6502, 8001]);
    expect(profileDifferences(two.profile.columns, one.profile.columns)).toEqual([]);
  });

  it('against a baseline, counts numeric columns into its reference bins identically on two threads', () => {
    validate('big.csv', false, 'base');
    const baseline = 'base/validate-data/profile.json';
    const one = validate('big.csv', false, 'b1', baseline);
    const two = validate('big.csv', true, 'b2', baseline);
    expect(two.log).toMatch(/read in two halves on two threads/);
    const numeric = one.profile.columns.filter((c) => c.kind === 'numeric');
    expect(numeric.length).toBeGreaterThan(0);
    for (const c of numeric) {
      // 8,000 rows: past the exact values kept, so only the bins (exact counts) are recorded.
      expect(c.numeric).toHaveProperty('bins');
      expect(c.numeric).not.toHaveProperty('sketch');
    }
    expect(profileDifferences(two.profile.columns, one.profile.columns)).toEqual([]);
    const drift = (tag: string): unknown =>
      JSON.parse(readFileSync(join(ws, tag, 'validate-data', 'report.json'), 'utf8')).drift;
    expect(drift('b2')).toEqual(drift('b1'));
  });

  it('falls back to one thread when the cut would land inside a quoted field', () => {
    const one = validate('quoted.csv', false, 'q1');
    const two = validate('quoted.csv', true, 'q2');
    expect(two.log).toContain(
      'quoted.csv: the middle of the file is inside a quoted field: reading it on one thread',
    );
    expect(two.report.rows).toBe(one.report.rows);
    expect(two.report.errors.find((e) => e.line > 3000)?.line).toBe(
      one.report.errors.find((e) => e.line > 3000)?.line,
    );
    expect(two.report.errors).toEqual(one.report.errors);
    expect(two.report.invalidRows).toBe(one.report.invalidRows);
    expect(profileDifferences(two.profile.columns, one.profile.columns)).toEqual([]);
  });
});
