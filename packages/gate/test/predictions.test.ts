import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_COLUMNS, readPredictions, resolveBaseline } from '@modelship/gate';
import { configErrorLine, tempDir } from '../../../test/lib/step.js';
import { predictionRows, toCsv, toJsonl } from '../../../test/lib/gate.js';

const ROWS = predictionRows({ n: 40, candidate: 0.3, champion: 0.1 });

function ws(files: Record<string, string>): string {
  const dir = tempDir('modelship-gate-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const read = (cwd: string, path: string, championPath?: string, binary = true) =>
  readPredictions(path, {
    cwd,
    columns: DEFAULT_COLUMNS,
    championPath,
    useChampionColumns: true,
    binary,
    slices: [],
  });

describe('predictions', () => {
  it('reads one CSV file with the candidate and champion columns, with its sha256', async () => {
    const cwd = ws({ 'p.csv': toCsv(ROWS) });
    const p = await read(cwd, 'p.csv');
    expect(p.n).toBe(40);
    expect(p.championFrom).toBe('columns');
    expect(Array.from(p.candidate.score!.slice(0, 2))).toEqual([ROWS[0]!.score, ROWS[1]!.score]);
    expect(p.files).toEqual([
      {
        role: 'candidate+champion',
        path: 'p.csv',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        rows: 40,
      },
    ]);
  });

  it('pairs two files by id, whatever their order, and JSON Lines like CSV', async () => {
    const cand = ROWS.map(({ id, label, score }) => ({ id, label, score }));
    const champ = [...ROWS].reverse().map(({ id, champion_score }) => ({ id, score: champion_score }));
    const cwd = ws({ 'cand.jsonl': toJsonl(cand), 'champ.csv': toCsv(champ) });
    const p = await read(cwd, 'cand.jsonl', 'champ.csv');
    expect(p.championFrom).toBe('file');
    expect(Array.from(p.champion!.score!)).toEqual(ROWS.map((r) => r.champion_score));
    expect(p.files.map((f) => f.role)).toEqual(['candidate', 'champion']);
  });

  it.each([
    [
      'different lengths',
      { 'c.csv': toCsv(ROWS, ['label', 'score']), 'h.csv': toCsv(ROWS.slice(1), ['label', 'score']) },
      'c.csv',
      'h.csv',
      'h.csv: has 39 rows and c.csv has 40 rows: predictions paired by row order need the same rows',
    ],
    [
      'a missing label column',
      { 'c.csv': toCsv(ROWS, ['id', 'score']) },
      'c.csv',
      undefined,
      "c.csv: has no 'label' column (columns: id, score)",
    ],
    [
      'a non-numeric score',
      { 'c.csv': toCsv(ROWS, ['label', 'score']).replace(/\n(\d),[0-9.]+\n/, '\n$1,high\n') },
      'c.csv',
      undefined,
      `c.csv:2: column 'score' is not a number ("high")`,
    ],
    [
      'an empty score',
      { 'c.csv': 'label,score\n1,0.4\n0,\n' },
      'c.csv',
      undefined,
      "c.csv:3: column 'score' is not a number (empty)",
    ],
    [
      'labels not 0/1',
      { 'c.csv': 'label,score\n1,0.4\n2,0.3\n' },
      'c.csv',
      undefined,
      'c.csv:3: label must be 0 or 1 for classification metrics (got 2)',
    ],
    [
      'ids that do not match',
      { 'c.csv': 'id,label,score\na,1,0.4\nb,0,0.3\n', 'h.csv': 'id,score\na,0.4\nz,0.3\n' },
      'c.csv',
      'h.csv',
      "h.csv: has no row for id 'b' (c.csv:3)",
    ],
    [
      'an id twice',
      { 'c.csv': 'id,label,score\na,1,0.4\na,0,0.3\n', 'h.csv': 'id,score\na,0.4\nb,0.3\n' },
      'c.csv',
      'h.csv',
      "c.csv:3: id 'a' appears twice (first at line 2)",
    ],
    [
      'labels that differ between the files',
      { 'c.csv': 'label,score\n1,0.4\n0,0.3\n', 'h.csv': 'label,score\n1,0.4\n1,0.3\n' },
      'c.csv',
      'h.csv',
      "h.csv:3: label 1 differs from c.csv:3's 0: the files are not predictions on the same rows",
    ],
    [
      'no candidate column',
      { 'c.csv': 'label,p\n1,0.4\n' },
      'c.csv',
      undefined,
      "c.csv: has no 'score' or 'prediction' column for the candidate (columns: label, p)",
    ],
    [
      'a ragged row',
      { 'c.csv': 'label,score\n1,0.4,9\n' },
      'c.csv',
      undefined,
      'c.csv:2: has 3 fields where the header has 2',
    ],
    [
      'bad JSON Lines',
      { 'c.jsonl': '{"label":1,"score":0.4}\n{"label":0,\n' },
      'c.jsonl',
      undefined,
      'c.jsonl:2: is not valid JSON',
    ],
    [
      'a score outside [0, 1] (from a trial: the line, not a row index)',
      { 'c.csv': 'label,score\n1,0.4\n0,1.7\n' },
      'c.csv',
      undefined,
      "c.csv:3: column 'score' is 1.7, not a probability in [0, 1]",
    ],
    [
      'a JavaScript number literal (from a trial: decimal numbers only)',
      { 'c.csv': 'label,score\n1,0.4\n0,0x0\n' },
      'c.csv',
      undefined,
      'c.csv:3: column \'score\' is not a number ("0x0")',
    ],
    [
      'a JSON Lines score written as a string (from a trial: JSON numbers only)',
      { 'c.jsonl': '{"label":1,"score":0.4}\n{"label":0,"score":"0.3"}\n' },
      'c.jsonl',
      undefined,
      'c.jsonl:2: \'score\' is "0.3", not a JSON number',
    ],
    [
      'a JSON Lines score written as a boolean',
      { 'c.jsonl': '{"label":1,"score":true}\n' },
      'c.jsonl',
      undefined,
      "c.jsonl:1: 'score' is true, not a JSON number",
    ],
    [
      'a JSON Lines row without its label',
      { 'c.jsonl': '{"label":1,"score":0.4}\n{"score":0.3}\n' },
      'c.jsonl',
      undefined,
      "c.jsonl:2: 'label' is missing",
    ],
    [
      'the champion given two ways (from a trial: its columns and a champion file)',
      { 'c.csv': toCsv(ROWS), 'h.csv': toCsv(ROWS, ['label', 'score']) },
      'c.csv',
      'h.csv',
      "c.csv: has the champion's champion_score column, and the baseline gives the champion too (h.csv): which is the champion?",
    ],
    ['a missing file', {}, 'nope.csv', undefined, 'nope.csv: predictions file not found'],
    ['an empty file', { 'c.csv': '' }, 'c.csv', undefined, 'c.csv: predictions file is empty'],
  ])('refuses %s in one line naming the file', async (_what, files, path, champion, expected) => {
    const cwd = ws(files as Record<string, string>);
    const line = await configErrorLine(read(cwd, path, champion));
    expect(line).toBe(expected);
    expect(line).not.toContain('\n');
  });

  it('takes JSON Lines labels as true/false or 0/1', async () => {
    const cwd = ws({ 'c.jsonl': '{"label":true,"score":0.8}\n{"label":0,"score":0.3}\n' });
    expect(Array.from((await read(cwd, 'c.jsonl')).label)).toEqual([1, 0]);
  });

  it('takes regression labels as numbers', async () => {
    const cwd = ws({ 'r.csv': 'label,prediction\n3.5,3.1\n-2,0\n' });
    const p = await read(cwd, 'r.csv', undefined, false);
    expect(Array.from(p.label)).toEqual([3.5, -2]);
  });
});

describe('baseline', () => {
  it('is registry by default, none, a metrics file (flat or SageMaker format) or a predictions file', async () => {
    const cwd = ws({
      'm.json': '{"auc": 0.8}',
      'sm.json': JSON.stringify({
        version: 0,
        binary_classification_metrics: {
          auc: { value: 0.7, standard_deviation: 0.01 },
          confusion_matrix: { 0: { 0: 1 } },
        },
      }),
    });
    expect(await resolveBaseline(undefined, cwd)).toEqual({ kind: 'registry' });
    expect(await resolveBaseline('none', cwd)).toEqual({ kind: 'none' });
    expect(await resolveBaseline('m.json', cwd)).toMatchObject({ kind: 'metrics', values: { auc: 0.8 } });
    expect(await resolveBaseline('sm.json', cwd)).toMatchObject({ kind: 'metrics', values: { auc: 0.7 } });
    expect(await resolveBaseline('champ.csv', cwd)).toEqual({ kind: 'predictions', path: 'champ.csv' });
    // A model artefact: scored by the evaluate block's script (the step refuses it without one).
    expect(await resolveBaseline('champ/model.tar.gz', cwd)).toEqual({
      kind: 'model',
      uri: 'champ/model.tar.gz',
    });
    expect(await resolveBaseline('s3://b/m/model.tar.gz', cwd)).toEqual({
      kind: 'model',
      uri: 's3://b/m/model.tar.gz',
    });
  });

  it.each([
    [
      's3://b/champ.json',
      "input 'baseline': a champion metrics or predictions file on S3 is not read by this release",
    ],
    ['missing.json', 'missing.json: champion metrics file not found'],
    ['bad.json', 'bad.json: metric \'auc\' is not a number ("high")'],
  ])('refuses %s in one line', async (input, expected) => {
    const cwd = ws({ 'bad.json': '{"auc": "high"}' });
    expect(await configErrorLine(resolveBaseline(input, cwd))).toBe(expected);
  });
});
