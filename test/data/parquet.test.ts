import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyStep, ValidateFunction } from '@modelship/core';
import { validateDataStep } from '@modelship/data';
import { RecordProcessor } from '../../packages/data/src/processor.js';
import { readParquet } from '../../packages/data/src/readers/parquet.js';
import { decimalText, timestampText } from '../../packages/data/src/readers/parquet-values.js';
import type { DataSource } from '../../packages/data/src/readers/source.js';
import { paths } from '../support/tools.js';
import { configErrorLine, runStep, tempDir } from '../lib/step.js';

// Parquet files written by pyarrow (test/data/fixtures/parquet_fixtures.py), read as validate-data
// reads them: values arrive as what they mean, in bounded memory, page by page.
const step = validateDataStep as unknown as AnyStep;
let dir: string;

beforeAll(() => {
  dir = tempDir('modelship-parquet-');
  execFileSync(paths.python, [join(process.cwd(), 'test/data/fixtures/parquet_fixtures.py'), dir]);
}, 120_000);

/** Every record of a Parquet file, as the processor receives it (missing values left out). */
async function records(
  file: string,
  rows?: { start: number; end: number },
): Promise<Record<string, unknown>[]> {
  const path = join(dir, file);
  const out: Record<string, unknown>[] = [];
  const keep = ((rec: Record<string, unknown>) => {
    out.push(JSON.parse(JSON.stringify(rec)) as Record<string, unknown>);
    return true;
  }) as unknown as ValidateFunction;
  const proc = new RecordProcessor(keep, [], { keepErrors: 0 });
  const source: DataSource = {
    uri: path,
    format: 'parquet',
    size: statSync(path).size,
    localPath: path,
    open: () => Promise.reject(new Error('read by ranges')),
  };
  await readParquet(source, proc, { maxRecordLength: 1 << 20, rows });
  return out;
}

function report(cwd: string): { errors: { line: number; field: string; reason: string }[] } {
  return JSON.parse(readFileSync(join(cwd, '.modelship/validate-data/report.json'), 'utf8')) as {
    errors: { line: number; field: string; reason: string }[];
  };
}

describe('Parquet values arrive as what they mean', () => {
  it('dates, timestamps, times, decimals, large integers, lists, maps, structs, NaN', async () => {
    const rows = await records('types.parquet');
    expect(rows[0]).toEqual({
      id: 1,
      day: '2024-01-15',
      ts_ms: '2024-01-15T10:30:00.123',
      ts_us_utc: '2024-01-15T10:30:00.123456Z',
      ts_ns: '2024-01-15T10:30:00.123456789',
      price: 123.45,
      amount: '12345678901234567890.123456789',
      small_dec: 1.1,
      big: '9007199254740993',
      scores: [1, 2],
      maybe: [1, null],
      point: { x: 1, label: 'a' },
      ratio: 0.5,
      tags: { k: 1 },
      at: '10:30:01.500000',
      flag: true,
      name: 'a',
      events: [{ d: '2024-01-01', v: 1.1 }],
    });
    expect(rows[1]).toEqual({
      id: 2,
      ts_ms: '2024-01-15T10:30:00.123',
      price: -0.01,
      amount: 1.5,
      small_dec: 2.2,
      big: '-9223372036854775808',
      scores: [],
      maybe: [3],
      ratio: 'NaN',
      name: 'b',
      events: [],
    });
    expect(rows[2]).toMatchObject({
      day: '1969-12-31',
      ts_us_utc: '1969-12-31T23:59:59.999999Z',
      ts_ns: '1969-12-31T23:59:59.999999999',
      big: 5,
      maybe: [null],
      point: { label: 'c' },
      ratio: 'Infinity',
      tags: {},
      at: '00:00:00.000000',
    });
    expect(rows[3]).toMatchObject({
      day: '2000-02-29',
      ts_us_utc: '2024-01-15T00:00:00.000000Z',
      ts_ns: '1970-01-01T00:00:00.000000000',
      price: 99999999.99,
      amount: -1e-9,
      ratio: '-Infinity',
      tags: { a: null },
      name: '007',
      events: [{ v: 2 }],
    });
  });

  it('more of the same kinds: decimals stored as integers, INT96, zoned and second timestamps, values in lists', async () => {
    expect(await records('more.parquet')).toEqual([
      {
        dint32: 12.34,
        dint64: 123456789012.345,
        dec256: 1.23,
        ny: '2024-01-15T10:30:00.000Z',
        sec: '2024-01-01T01:02:03.000',
        d64: '2024-03-01',
        f32: 'NaN',
        lnan: [1, 'NaN'],
        lbig: ['1152921504606846976'],
        lts: ['2024-01-01T00:00:00.000000000Z'],
        deep: { a: { b: [1, 2] } },
      },
      {
        dint32: -0.05,
        dec256: '-12345678901234567890123456789012345678.90',
        f32: 1.5,
        lnan: ['-Infinity'],
        lbig: [1],
        lts: [],
        deep: {},
      },
    ]);
    expect(await records('int96.parquet')).toEqual([{ ts: '2024-01-15T10:30:00.123456000' }, {}]);
  });

  it('many pages and row groups, lists across pages, data page v2: the rows pyarrow reads', async () => {
    const expected = JSON.parse(readFileSync(join(dir, 'pages.json'), 'utf8')) as unknown[];
    expect(await records('pages.parquet')).toEqual(expected);
    expect(await records('pages-v2.parquet')).toEqual(expected);
  });

  it('reads any range of rows, pages before it skipped (how a second thread reads its half)', async () => {
    const expected = JSON.parse(readFileSync(join(dir, 'pages.json'), 'utf8')) as unknown[];
    for (const file of ['pages.parquet', 'pages-v2.parquet'])
      for (const [start, end] of [
        [1234, 4321],
        [1700, 3400],
        [4999, 5000],
        [0, 1],
      ] as const)
        expect({ file, start, rows: await records(file, { start, end }) }).toEqual({
          file,
          start,
          rows: expected.slice(start, end),
        });
  });

  it('reads uncompressed, snappy, gzip and brotli files; zstd where Node has it', async () => {
    const want = Array.from({ length: 100 }, (_, i) => ({ a: i, b: String(i) }));
    for (const codec of ['none', 'snappy', 'gzip', 'brotli'])
      expect(await records(`codec-${codec}.parquet`)).toEqual(want);
    const zstd = records('codec-zstd.parquet');
    if ('zstdDecompressSync' in (await import('node:zlib'))) expect(await zstd).toEqual(want);
    else
      expect(await configErrorLine(zstd)).toBe(
        `${join(dir, 'codec-zstd.parquet')}: not a readable Parquet file: unsupported compression codec: ZSTD (this reader has snappy, gzip and brotli, and zstd from Node 22.15 on)`,
      );
  });

  it('formats exactly', () => {
    expect(decimalText(-1n, 3)).toBe('-0.001');
    expect(decimalText(12345n, 0)).toBe('12345');
    expect(decimalText(12n, -2)).toBe('1200');
    expect(timestampText(-1n, 'MICROS', true)).toBe('1969-12-31T23:59:59.999999Z');
    expect(timestampText(1705314600000000001n, 'NANOS', false)).toBe('2024-01-15T10:30:00.000000001');
    // Beyond what a date can say: the count itself, which no date-time format accepts.
    expect(timestampText(9223372036854775807n, 'MICROS', true)).toBe('9223372036854775807');
  });
});

describe('validate-data on Parquet', () => {
  const schema = {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      day: { type: 'string', format: 'date' },
      ts_us_utc: { type: 'string', format: 'date-time' },
      price: { type: 'number', minimum: -1 },
      small_dec: { type: 'number', maximum: 10 },
      scores: { type: 'array', items: { type: 'integer' } },
      point: { type: 'object', properties: { x: { type: 'integer' }, label: { type: 'string' } } },
      ratio: { type: 'number' },
      big: { type: 'integer' },
      events: {
        type: 'array',
        items: {
          type: 'object',
          properties: { d: { type: 'string', format: 'date' }, v: { type: 'number' } },
        },
      },
    },
    required: ['id'],
  };

  it('checks logical types against the schema; reports NaN, infinity and unrepresentable integers as written', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'schema.json'), JSON.stringify(schema));
    execFileSync('cp', [join(dir, 'types.parquet'), cwd]);
    const run = await runStep(step, { data: 'types.parquet', schema: 'schema.json' }, { cwd });
    expect(run.result.outputs).toMatchObject({ rows: '4', 'invalid-rows': '4' });
    expect(report(cwd).errors.map((e) => [e.line, e.field, e.reason])).toEqual([
      // Beyond ±(2^53 − 1) an integer column takes no value, the exact text nor a double (even
      // -2^63, which a double holds): the same rule as CSV and JSON Lines.
      [1, 'big', 'must be integer within ±9007199254740991 to be held exactly (got "9007199254740993")'],
      [2, 'ratio', 'must be number (got "NaN")'],
      [2, 'big', 'must be integer within ±9007199254740991 to be held exactly (got "-9223372036854775808")'],
      [3, 'ratio', 'must be number (got "Infinity")'],
      [4, 'ratio', 'must be number (got "-Infinity")'],
    ]);
  });

  it('names the nested field and shows its value', async () => {
    const cwd = tempDir();
    const strict = {
      ...schema,
      properties: {
        ...schema.properties,
        ratio: {},
        big: {},
        scores: { type: 'array', items: { maximum: 1 } },
      },
    };
    writeFileSync(join(cwd, 'schema.json'), JSON.stringify(strict));
    execFileSync('cp', [join(dir, 'types.parquet'), cwd]);
    await runStep(step, { data: 'types.parquet', schema: 'schema.json' }, { cwd });
    expect(report(cwd).errors.map((e) => [e.line, e.field, e.reason])).toEqual([
      [1, 'scores[1]', 'must be <= 1 (got 2)'],
      [4, 'scores[0]', 'must be <= 1 (got 7)'],
    ]);
  });

  it('--infer writes a schema its own data passes, typed as the file declares', async () => {
    for (const file of ['types.parquet', 'more.parquet', 'pages.parquet']) {
      const cwd = tempDir();
      execFileSync('cp', [join(dir, file), cwd]);
      const run = await runStep(step, { data: file, 'infer-schema': 'inferred.json' }, { cwd });
      expect({ file, ok: run.result.ok, invalid: run.result.outputs['invalid-rows'] }).toEqual({
        file,
        ok: true,
        invalid: '0',
      });
      const inferred = JSON.parse(readFileSync(join(cwd, 'inferred.json'), 'utf8')) as {
        properties: Record<string, unknown>;
        required: string[];
      };
      if (file !== 'types.parquet') continue;
      expect(inferred.properties).toMatchObject({
        day: { type: 'string', format: 'date' },
        ts_ms: { type: 'string', format: 'iso-date-time' },
        ts_us_utc: { type: 'string', format: 'date-time' },
        price: { type: 'number' },
        amount: { type: ['number', 'string'] },
        big: { type: ['integer', 'string'], pattern: '^-?[0-9]+$' },
        scores: { type: 'array', items: { type: 'integer' } },
        maybe: { type: 'array', items: { type: ['integer', 'null'] } },
        point: { type: 'object', required: ['label'] },
        ratio: { type: ['number', 'string'], pattern: '^(-Infinity|Infinity|NaN)$' },
        name: { type: 'string' },
      });
      expect([...inferred.required].sort()).toEqual(['id', 'maybe', 'ratio']);
    }
  });
});
