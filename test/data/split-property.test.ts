import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import type { FileMetaData } from 'hyparquet';
import type { JsonSchema } from '@modelship/core';
import { profileDifferences } from '../lib/profiles.js';
import { schemaColumns } from '../../packages/data/src/columns.js';
import { RecordProcessor, type RowError } from '../../packages/data/src/processor.js';
import { compileRecordSchema } from '../../packages/data/src/record-schema.js';
import { readCsv } from '../../packages/data/src/readers/csv.js';
import type { DataSource } from '../../packages/data/src/readers/source.js';
import { readParquet } from '../../packages/data/src/readers/parquet.js';
import { cutRow, readParquetSplit } from '../../packages/data/src/readers/parquet-split.js';
import { cutHolds, readCsvSplit } from '../../packages/data/src/readers/split.js';
import { paths } from '../support/tools.js';
import { tempDir } from '../lib/step.js';

// The two-thread read of one file must give exactly the one-thread answer on every file. Random
// CSV files, with quotes where people really put them (a stray `"` inside an unquoted field, quoted
// fields holding commas, doubled quotes and line breaks, CRLF line ends, short rows, blank lines),
// are read both ways from the sources, the second half on a worker running a bundle of
// csv-worker.ts built like the shipped one, and everything is compared; so are Parquet files written
// by pyarrow.

const ROOT = process.cwd();
let dir: string;
let worker: string;

const schema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    score: { type: 'number', minimum: 0 },
    ok: { type: 'boolean' },
  },
  required: ['id'],
  additionalProperties: false,
};
// Compiled as validate-data compiles it: every error of a row (up to MAX_ERRORS_PER_ROW).
const validate = compileRecordSchema(schema, 'schema.json');

/** A small seeded generator (xorshift32), so a failing case can be replayed from its seed. */
function generator(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

const WORDS = ['alpha', 'beta', 'gamma', 'x y', '', '12" monitor', 'a "quoted" word', 'it"s', '"'];

/** One field as it would be written, with quotes of every kind now and then. */
function field(pick: (n: number) => number, kind: number, nl: string): string {
  const r = pick(100);
  if (r < 6) return `"${WORDS[pick(WORDS.length)]!.replace(/"/g, '""')},${nl}more ""text"""`;
  if (r < 9) return `"line one${nl}line two"`;
  if (r < 12) return `"${WORDS[pick(WORDS.length)]!}"`; // maybe malformed: an inner quote not doubled
  if (r < 16) return WORDS[pick(WORDS.length)]!; // may hold a stray quote
  if (r < 18) return 'maybe';
  if (kind === 0) return String(pick(100000));
  if (kind === 1) return WORDS[pick(5)]!;
  if (kind === 2) return (pick(100000) / 100 - (pick(10) === 0 ? 1000 : 0)).toFixed(2);
  return pick(2) ? 'true' : 'false';
}

function randomCsv(seed: number): string {
  const pick = generator(seed);
  const nl = pick(3) === 0 ? '\r\n' : '\n';
  const lines = ['id,name,score,ok'];
  const rows = 40 + pick(400);
  for (let i = 0; i < rows; i++) {
    const r = pick(100);
    if (r < 2) lines.push('');
    else if (r < 4) lines.push(`${i},short`);
    else lines.push([0, 1, 2, 3].map((k) => field(pick, k, nl)).join(','));
  }
  // Now and then a lone `\n` in a CRLF file, or the other way round.
  let text = lines.join(nl) + nl;
  if (pick(8) === 0)
    text = text.replace(nl === '\n' ? /\n(?=[0-9])/ : /\r\n(?=[0-9])/, nl === '\n' ? '\r\n' : '\n');
  return text;
}

function source(path: string, size: number): DataSource {
  return {
    uri: path,
    workspacePath: 'data.csv',
    format: 'csv',
    size,
    localPath: path,
    open: async () => createReadStream(path, { highWaterMark: 1 << 18 }),
  };
}

interface Answer {
  split: boolean;
  rows: number;
  invalid: number;
  sha256: string;
  errors: RowError[];
  profile: unknown;
}

const parquetSchema: JsonSchema = {
  type: 'object',
  properties: {
    i: { type: 'integer', minimum: 0 },
    f: { type: 'number', maximum: 9e5 },
    s: { type: 'string', enum: ['red', 'green', 'blue'] },
    l: { type: 'array', maxItems: 50, items: { type: ['integer', 'null'] } },
    st: { type: 'object', required: ['a'] },
    ll: { type: 'array' },
  },
  required: ['i', 'l'],
  additionalProperties: false,
};

/** Read a file as validate-data does: two threads when the split takes, else one. */
async function read(
  path: string,
  two: boolean,
  tag: string,
  format: 'csv' | 'parquet' = 'csv',
): Promise<Answer> {
  const src = { ...source(path, readFileSync(path).length), format };
  const errorLog = join(dir, `${tag}.errors.jsonl`);
  const contract = format === 'csv' ? schema : parquetSchema;
  const check = format === 'csv' ? validate : compileRecordSchema(contract, 's');
  const cols = schemaColumns(contract);
  const proc = new RecordProcessor(check, cols, { keepErrors: 0, errorLog });
  proc.file = src.workspacePath!;
  const opts = { maxRecordLength: 1 << 20 };
  const splitOptions = {
    schema: contract,
    schemaWhere: 'schema.json',
    keepErrors: 0,
    maxRecordLength: opts.maxRecordLength,
    workDir: dir,
    minBytes: 1,
    workerScript: worker,
  };
  const split = !two
    ? undefined
    : format === 'csv'
      ? await readCsvSplit(src, proc, splitOptions)
      : await readParquetSplit(src, proc, splitOptions);
  const stats =
    split ?? (format === 'csv' ? await readCsv(src, proc, cols, opts) : await readParquet(src, proc, opts));
  proc.finish();
  const errors = readFileSync(errorLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RowError);
  return {
    split: split !== undefined,
    rows: proc.rows,
    invalid: proc.invalid,
    sha256: stats.sha256,
    errors,
    profile: JSON.parse(JSON.stringify(proc.profiles())) as unknown,
  };
}

function expectSame(two: Answer, one: Answer, seed?: number): void {
  const { split: _a, ...got } = two;
  const { split: _b, ...want } = one;
  expect({ seed, differences: profileDifferences(got, want) }).toEqual({ seed, differences: [] });
}

beforeAll(async () => {
  dir = tempDir('modelship-split-');
  // The worker entry built from the sources the way the shipped build builds it (an ES module).
  worker = join(dir, 'csv-worker.mjs');
  await build({
    entryPoints: [join(ROOT, 'packages/data/src/readers/csv-worker.ts')],
    outfile: worker,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    banner: {
      js: `import { createRequire as __modelshipRequire } from 'node:module';\nconst require = __modelshipRequire(import.meta.url);`,
    },
    logLevel: 'warning',
  });
  execFileSync(paths.python, [join(ROOT, 'test/data/fixtures/parquet_fixtures.py'), dir]);
}, 120_000);

describe('two threads give the one-thread answer', () => {
  it('on random CSV files with quotes, line breaks in fields, CRLF and short rows', async () => {
    let splits = 0;
    let fallbacks = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const path = join(dir, `random-${seed}.csv`);
      writeFileSync(path, randomCsv(seed));
      const one = await read(path, false, `one-${seed}`);
      const two = await read(path, true, `two-${seed}`);
      if (two.split) splits++;
      else fallbacks++;
      expectSame(two, one, seed);
    }
    // Both paths were taken: the comparison above covered real two-thread reads.
    expect(splits).toBeGreaterThan(10);
    expect(fallbacks).toBeGreaterThan(5);
  }, 180_000);

  it('a stray quote early in the file does not hide a quoted field across the cut', async () => {
    // `12" monitor` leaves the first half with an even number of quotes although the cut is inside
    // a quoted field: only the parser's own state tells.
    const rows = ['id,name,score,ok', '1,12" monitor,3.5,true'];
    for (let i = 2; i < 200; i++) rows.push(`${i},item ${i},${i}.5,false`);
    rows.push(`200,"${Array.from({ length: 400 }, (_, i) => `note ${i}`).join('\n')}",1,true`);
    for (let i = 201; i < 260; i++) rows.push(`${i},item ${i},${i}.5,false`);
    const path = join(dir, 'stray.csv');
    writeFileSync(path, rows.join('\n') + '\n');
    const one = await read(path, false, 'stray-one');
    const two = await read(path, true, 'stray-two');
    expect(two.split).toBe(false);
    expect(one.invalid).toBe(0);
    expectSame(two, one);
  });

  it('splits a clean file, and both halves report where their parsers ended', async () => {
    const rows = ['id,name,score,ok'];
    for (let i = 1; i < 500; i++) rows.push(`${i},"name, ${i}",${i}.25,${i % 2 === 0}`);
    rows[250] = '250,maybe,-1,maybe';
    const path = join(dir, 'clean.csv');
    writeFileSync(path, rows.join('\r\n') + '\r\n');
    const one = await read(path, false, 'clean-one');
    const two = await read(path, true, 'clean-two');
    expect(two.split).toBe(true);
    // Every error of the row: its score and its `ok`.
    expect(two.errors.map((e) => [e.line, e.field])).toEqual([
      [251, 'score'],
      [251, 'ok'],
    ]);
    expectSame(two, one);
  });

  it('does not cut at a lone line feed in a CRLF file, nor where the halves would see different line ends', async () => {
    const rows = (from: number, to: number): string[] =>
      Array.from({ length: to - from }, (_, i) => `${from + i},item,${i}.5,true`);
    // A CRLF file whose middle is a field with a lone line feed in it: data to the parser, not a line end.
    const lone = [
      'id,name,score,ok',
      ...rows(1, 200),
      `200,${'a'.repeat(6000)}\nb,1,true`,
      ...rows(201, 400),
    ];
    writeFileSync(join(dir, 'lone.csv'), lone.join('\r\n') + '\r\n');
    // Line feeds in the first half, CRLF in the second: one parser reading it all splits at `\n`.
    const mixed =
      ['id,name,score,ok', ...rows(1, 300)].join('\n') + '\n' + rows(300, 600).join('\r\n') + '\r\n';
    writeFileSync(join(dir, 'mixed.csv'), mixed);
    for (const name of ['lone', 'mixed']) {
      const one = await read(join(dir, `${name}.csv`), false, `${name}-one`);
      const two = await read(join(dir, `${name}.csv`), true, `${name}-two`);
      expect(two.split).toBe(false);
      expectSame(two, one);
    }
  });
});

describe('a Parquet file on two threads gives the one-thread answer', () => {
  it('many row groups and pages, nested columns, errors in both halves', async () => {
    for (const file of ['pages.parquet', 'pages-v2.parquet', 'types.parquet']) {
      const one = await read(join(dir, file), false, `${file}-one`, 'parquet');
      const two = await read(join(dir, file), true, `${file}-two`, 'parquet');
      expect({ file, split: two.split }).toEqual({ file, split: true });
      expect(one.invalid).toBeGreaterThan(0);
      expectSame(two, one);
    }
  });

  it('cuts at the row group boundary nearest the middle, else at the middle row', () => {
    const groups = (...rows: number[]) =>
      ({
        num_rows: BigInt(rows.reduce((a, b) => a + b, 0)),
        row_groups: rows.map((n) => ({ num_rows: BigInt(n) })),
      }) as unknown as FileMetaData;
    expect(cutRow(groups(1000000))).toBe(500000);
    expect(cutRow(groups(1700, 1700, 1600))).toBe(2500);
    expect(cutRow(groups(2400, 2600))).toBe(2400);
    expect(cutRow(groups(900, 100))).toBe(500);
  });
});

describe('cutHolds', () => {
  const end = (openQuote: boolean, linebreak: string) => ({ openQuote, linebreak });
  it('accepts only a parser that ended outside quotes at a line break both halves use', () => {
    expect(cutHolds(end(false, '\n'), end(false, '\n'), false)).toBe(true);
    expect(cutHolds(end(false, '\n'), end(true, '\n'), true)).toBe(true);
    expect(cutHolds(end(false, '\r\n'), end(false, '\r\n'), true)).toBe(true);
    expect(cutHolds(end(true, '\n'), end(false, '\n'), false)).toBe(false);
    expect(cutHolds(end(false, '\r\n'), end(false, '\r\n'), false)).toBe(false);
    expect(cutHolds(end(false, '\n'), end(false, '\r\n'), false)).toBe(false);
    expect(cutHolds(end(false, '\r'), end(false, '\r'), false)).toBe(false);
  });
});
