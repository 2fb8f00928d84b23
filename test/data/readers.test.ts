import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { JsonSchema } from '@modelship/core';
import { createAjv } from '@modelship/core/schema';
import { RecordProcessor, readCsv, resolveSources, schemaColumns } from '@modelship/data';
import { configErrorLine, tempDir } from '../lib/step.js';

const schema: JsonSchema = {
  type: 'object',
  required: ['id', 'age', 'score', 'active', 'city'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    age: { type: 'integer', minimum: 0 },
    score: { type: 'number' },
    active: { type: 'boolean' },
    city: { type: 'string' },
    note: { type: 'string' },
  },
};

async function readText(text: string | Buffer, name = 'data.csv', opts: { maxRecordLength?: number } = {}) {
  const dir = tempDir();
  writeFileSync(join(dir, name), text);
  const [source] = await resolveSources(name, 'auto', {
    cwd: dir,
    s3: () => {
      throw new Error('no s3');
    },
  });
  const columns = schemaColumns(schema);
  const seen: Record<string, unknown>[] = [];
  const validate = createAjv(schema, { allErrors: false }).compile(schema);
  const proc = new RecordProcessor(validate, columns, { keepErrors: 100 });
  proc.file = name;
  const origRecord = proc.record.bind(proc);
  proc.record = (rec, line) => {
    seen.push({ ...rec, _line: line });
    return origRecord(rec, line);
  };
  const stats = await readCsv(source!, proc, columns, { maxRecordLength: opts.maxRecordLength ?? 1 << 20 });
  return { stats, proc, seen, dir };
}

describe('CSV reader', () => {
  it('coerces values to the schema types; empty cells are missing', async () => {
    const { seen, proc } = await readText(
      'id,age,score,active,city,note\nA1,34,0.5,true,Oslo,\nA2,35,1e2,0,Bergen,hi\nA3,,7,FALSE,Oslo,x\n',
    );
    expect(seen).toEqual([
      { id: 'A1', age: 34, score: 0.5, active: true, city: 'Oslo', _line: 2 },
      { id: 'A2', age: 35, score: 100, active: false, city: 'Bergen', note: 'hi', _line: 3 },
      { id: 'A3', score: 7, active: false, city: 'Oslo', note: 'x', _line: 4 },
    ]);
    expect(proc.invalid).toBe(1);
    expect(proc.firstErrors[0]).toMatchObject({
      file: 'data.csv',
      line: 4,
      field: 'age',
      reason: "must have required property 'age'",
    });
  });

  it('keeps a value that does not convert, so the schema names it', async () => {
    const { proc } = await readText('id,age,score,active,city\nA1,thirty,0.5,yes,Oslo\n');
    expect(proc.firstErrors[0]).toMatchObject({
      line: 2,
      field: 'age',
      reason: 'must be integer (got "thirty")',
    });
  });

  it('counts lines inside quoted fields, CRLF endings and a byte-order mark', async () => {
    const text =
      '\ufeffid,age,score,active,city,note\r\nA1,1,1,true,Oslo,"two\r\nlines, quoted"\r\nA2,x,1,true,Oslo,\r\n';
    const { seen, proc } = await readText(text);
    expect(seen[0]).toMatchObject({ id: 'A1', note: 'two\r\nlines, quoted', _line: 2 });
    expect(proc.firstErrors[0]).toMatchObject({ line: 4, field: 'age' });
  });

  it('reports a row with the wrong number of fields and carries on', async () => {
    const { proc, stats } = await readText(
      'id,age,score,active,city\nA1,1,1,true\nA2,2,2,true,Oslo,extra\nA3,3,3,true,Oslo\n\n',
    );
    expect(stats.rows).toBe(3);
    expect(proc.invalid).toBe(2);
    expect(proc.firstErrors.map((e) => [e.line, e.reason])).toEqual([
      [2, 'expected 5 fields, found 4'],
      [3, 'expected 5 fields, found 6'],
    ]);
  });

  it('reports broken quoting as an invalid row', async () => {
    const { proc } = await readText('id,age,score,active,city\nA1,1,1,true,"Os"lo\nA2,2,2,true,Oslo\n');
    expect(proc.invalid).toBeGreaterThanOrEqual(1);
    expect(proc.firstErrors[0]!.line).toBe(2);
    expect(proc.firstErrors[0]!.reason).toMatch(/quote/i);
  });

  it('decodes multi-byte characters split across read chunks', async () => {
    const city = 'Tromsø–Škofja Loka 東京';
    const rows = Array.from({ length: 5000 }, (_, i) => `A${i},1,1,true,${city}`).join('\n');
    const { proc, seen } = await readText(`id,age,score,active,city\n${rows}\n`);
    expect(proc.invalid).toBe(0);
    expect(seen.every((r) => r.city === city)).toBe(true);
  });

  it('fingerprints the bytes it read', async () => {
    const text = 'id,age,score,active,city\nA1,1,1,true,Oslo\n';
    const { stats } = await readText(text);
    const { createHash } = await import('node:crypto');
    expect(stats.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(stats.bytes).toBe(Buffer.byteLength(text));
  });

  it('fails with one line on an empty file', async () => {
    expect(await configErrorLine(readText(''))).toBe('data.csv: file is empty');
    expect(await configErrorLine(readText('\n\n'))).toBe('data.csv: file is empty');
  });

  it('fails with one line on a 10 MB single line, without holding it all', async () => {
    const line = await configErrorLine(readText('x'.repeat(10 * 1024 * 1024)));
    expect(line).toMatch(/^data\.csv: record at line 1 is longer than 1048576 characters/);
  });

  it('stops at an unclosed quote instead of reading the rest of the file into one field', async () => {
    const rows = Array.from({ length: 100000 }, (_, i) => `A${i},1,1,true,Oslo`).join('\n');
    const line = await configErrorLine(readText(`id,age,score,active,city\nA0,1,1,true,"Oslo\n${rows}\n`));
    expect(line).toMatch(/^data\.csv: record at line 2 is longer than 1048576 characters: .*unclosed quote/);
  });
});

describe('data sources', () => {
  const noS3 = () => {
    throw new Error('no s3');
  };

  it('expands directories and globs, sorted, by extension', async () => {
    const dir = tempDir();
    for (const f of ['b.csv', 'a.jsonl', 'c.parquet', 'notes.txt']) writeFileSync(join(dir, f), 'x');
    const all = await resolveSources('.', 'auto', { cwd: dir, s3: noS3 });
    expect(all.map((s) => [s.workspacePath, s.format])).toEqual([
      ['a.jsonl', 'jsonl'],
      ['b.csv', 'csv'],
      ['c.parquet', 'parquet'],
    ]);
    const globbed = await resolveSources('*.csv', 'auto', { cwd: dir, s3: noS3 });
    expect(globbed.map((s) => s.workspacePath)).toEqual(['b.csv']);
  });

  it('names the missing path, an unknown extension, and an empty match', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data.txt'), 'x');
    expect(await configErrorLine(resolveSources('missing.csv', 'auto', { cwd: dir, s3: noS3 }))).toBe(
      'missing.csv: data not found',
    );
    expect(await configErrorLine(resolveSources('data.txt', 'auto', { cwd: dir, s3: noS3 }))).toBe(
      "data.txt: cannot tell the format from the extension '.txt': set the format input to csv, jsonl or parquet",
    );
    expect((await resolveSources('data.txt', 'csv', { cwd: dir, s3: noS3 }))[0]!.format).toBe('csv');
    expect(await configErrorLine(resolveSources('*.parquet', 'auto', { cwd: dir, s3: noS3 }))).toBe(
      '*.parquet: no .csv, .jsonl, .ndjson or .parquet files found (.gz too)',
    );
  });
});

describe('number coercion', () => {
  it('reads decimals exactly as the engine does, on the fast path and off it', async () => {
    const { toNumber } = await import('../../packages/data/src/columns.js');
    let seed = 1;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const cases = [
      '0',
      '-0',
      '+7',
      '00012',
      '1.',
      '.5',
      '-.5',
      '+.5',
      '12.3400',
      '999999999999999',
      '9999999999999999',
      '1e3',
      '2.5E-3',
      '-1e+300',
      '3.14159265358979',
    ];
    for (let i = 0; i < 20000; i++)
      cases.push(
        (rand() * 10 ** Math.floor(rand() * 12) * (rand() < 0.5 ? -1 : 1)).toFixed(Math.floor(rand() * 8)),
      );
    for (const c of cases) expect([c, toNumber(c)]).toEqual([c, +c]);
  });

  it.each([
    'Infinity',
    '-Infinity',
    '+Infinity',
    'NaN',
    '0x1F',
    '0b101',
    '0o17',
    '1e',
    '1e+',
    '+-1',
    '--1',
    '1_000',
    '1,000',
    ' 12 ',
    '12 ',
    '\t12',
    '1.2.3',
    '-',
    '+',
    '.',
    'e5',
    '1e999',
    '\u22121',
    '\u0661\u0662',
  ])('keeps %j as text: only decimal numbers are numbers', async (text) => {
    const { toNumber, toInteger } = await import('../../packages/data/src/columns.js');
    expect(toNumber(text)).toBe(text);
    expect(toInteger(text)).toBe(text);
  });

  it('keeps an integer beyond 2^53 as text instead of rounding it', async () => {
    const { toInteger, toNumber } = await import('../../packages/data/src/columns.js');
    expect(toInteger('9007199254740993')).toBe('9007199254740993');
    expect(toInteger('-9007199254740992')).toBe('-9007199254740992');
    expect(toInteger('1e16')).toBe('1e16');
    expect(toInteger('9007199254740991')).toBe(9007199254740991);
    expect(toInteger('-9007199254740991')).toBe(-9007199254740991);
    // A number column is a double: it rounds, as any float does.
    expect(toNumber('9007199254740993')).toBe(9007199254740992);
  });
});
