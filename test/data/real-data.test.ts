// validate-data on the data people really have: JavaScript-isms that are not numbers, integers
// beyond 2^53, money and multipleOf, nullable and $ref'd types, rows with many errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { AnyStep, JsonSchema } from '@modelship/core';
import { schemaColumns, validateDataStep } from '@modelship/data';
import { isDecimalMultiple } from '../../packages/data/src/record-schema.js';
import { runStep, tempDir } from '../lib/step.js';

const step = validateDataStep as unknown as AnyStep;

interface RowError {
  file: string;
  line: number;
  field: string;
  reason: string;
}

interface ColumnProfile {
  name: string;
  kind: string;
  count: number;
  missing: number;
  types: Record<string, number>;
  categorical?: { top: [string, number][] };
}

/** A workspace holding these files (a schema given as an object is written as JSON). */
function workspace(files: Record<string, string | Buffer | JsonSchema>): string {
  const dir = tempDir('modelship-real-');
  for (const [name, body] of Object.entries(files)) {
    writeFileSync(
      join(dir, name),
      typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    );
  }
  return dir;
}

async function validate(dir: string, inputs: Record<string, string>) {
  const run = await runStep(step, { schema: 'schema.json', ...inputs }, { cwd: dir });
  const read = (f: string): unknown =>
    JSON.parse(readFileSync(join(dir, '.modelship/validate-data', f), 'utf8'));
  const report = read('report.json') as { rows: number; invalidRows: number; errors: RowError[] };
  const profile = read('profile.json') as { columns: ColumnProfile[] };
  const column = (name: string): ColumnProfile => profile.columns.find((c) => c.name === name)!;
  const reasons = (line: number): string[] =>
    report.errors.filter((e) => e.line === line).map((e) => `${e.field}: ${e.reason}`);
  return { run, report, profile, column, reasons };
}

async function infer(dir: string, data: string, inputs: Record<string, string> = {}) {
  await runStep(step, { data, 'infer-schema': 'inferred.json', ...inputs }, { cwd: dir });
  return JSON.parse(readFileSync(join(dir, 'inferred.json'), 'utf8')) as {
    properties: Record<string, { type?: string | string[]; enum?: unknown[] }>;
    required: string[];
  };
}

/** The type --infer gives each column of a CSV file of these rows. */
async function inferredTypes(header: string, rows: readonly string[]): Promise<Record<string, unknown>> {
  const dir = workspace({ 'data.csv': `${header}\n${rows.join('\n')}\n` });
  const schema = await infer(dir, 'data.csv');
  return Object.fromEntries(Object.entries(schema.properties).map(([name, p]) => [name, p.type]));
}

const numbers: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string' },
    amount: { type: 'number' },
    count: { type: 'integer' },
  },
};

describe('numbers: only decimal numbers are numbers', () => {
  it.each(['Infinity', '-Infinity', '0x1F', '1e', '+-1', '1_000', ' 12 ', 'NaN ', '1e999', '1,5'])(
    'a number or integer cell %j is an invalid row, not a number in the profile',
    async (text) => {
      const cell = text.includes(',') || text.startsWith(' ') ? `"${text}"` : text;
      const dir = workspace({
        'schema.json': numbers,
        'data.csv': `id,amount,count\nA,1.5,1\nB,${cell},${cell}\nC,2,3\n`,
      });
      const { report, column, reasons } = await validate(dir, { data: 'data.csv' });
      expect(report.invalidRows).toBe(1);
      expect(reasons(3)).toEqual([
        `amount: must be number (got ${JSON.stringify(text)})`,
        `count: must be integer (got ${JSON.stringify(text)})`,
      ]);
      expect(column('amount').types).toEqual({ number: 1, integer: 1, string: 1 });
      expect(column('count').types).toEqual({ integer: 2, string: 1 });
    },
  );

  it.each([
    ['+7', 7],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['2.5E-3', 0.0025],
    ['007', 7],
  ])('accepts the decimal %j', async (text, value) => {
    const dir = workspace({ 'schema.json': numbers, 'data.csv': `id,amount\nA,${text}\n` });
    const { report, column } = await validate(dir, { data: 'data.csv' });
    expect(report.invalidRows).toBe(0);
    expect(column('amount').count).toBe(1);
    expect(column('amount').types).toEqual(Number.isInteger(value) ? { integer: 1 } : { number: 1 });
  });

  it('infers with the same grammar: JavaScript-isms make a column text', async () => {
    const rows = Array.from(
      { length: 30 },
      (_, i) => `${i},${i}.5,${i === 7 ? 'Infinity' : i},${i === 3 ? '0x1F' : i}`,
    );
    expect(await inferredTypes('a,b,c,d', rows)).toEqual({
      a: 'integer',
      b: 'number',
      c: 'string',
      d: 'string',
    });
  });

  it("JSON Lines NaN and Infinity (Python's json) are invalid rows that show the value as written", async () => {
    const dir = workspace({
      'schema.json': { ...numbers, properties: { ...(numbers.properties as JsonSchema), note: {} } },
      'data.jsonl': [
        '{"id": "A", "amount": NaN}',
        '{"id": "B", "amount": Infinity, "count": -Infinity}',
        '{"id": "C", "amount": 1, "note": NaN}',
        '{"id": "NaN Infinity", "amount": 2, "note": "Infinity"}',
        '{"id": "D", "amount": NaNa}',
      ].join('\n'),
    });
    const { report, reasons } = await validate(dir, { data: 'data.jsonl' });
    expect(report.invalidRows).toBe(4);
    expect(reasons(1)).toEqual(['amount: must be number (got NaN)']);
    expect(reasons(2)).toEqual([
      'amount: must be number (got Infinity)',
      'count: must be integer (got -Infinity)',
    ]);
    expect(reasons(3)).toEqual(['note: is not valid JSON (got NaN)']);
    expect(reasons(4)).toEqual([]);
    expect(reasons(5)[0]).toMatch(/^: invalid JSON: /);
  });
});

describe('integers beyond 2^53 are never rounded', () => {
  const big = '9007199254740993';
  const exact = `must be integer within ±9007199254740991 to be held exactly`;

  it('is an invalid row naming the value, in CSV and in JSON Lines', async () => {
    const dir = workspace({
      'schema.json': numbers,
      'data.csv': `id,count\nA,${big}\nB,-${big}\nC,9007199254740991\nD,1e20\n`,
      'data.jsonl': [
        `{"id": "A", "count": ${big}}`,
        `{"id": "B", "count": -${big}}`,
        '{"id": "C", "count": 9007199254740991}',
        '{"id": "D", "count": 1e20}',
      ].join('\n'),
    });
    const csv = await validate(dir, { data: 'data.csv' });
    expect(csv.report.invalidRows).toBe(3);
    expect(csv.reasons(2)).toEqual([`count: ${exact} (got "${big}")`]);
    expect(csv.reasons(3)).toEqual([`count: ${exact} (got "-${big}")`]);
    expect(csv.reasons(5)).toEqual([`count: ${exact} (got "1e20")`]);
    const jsonl = await validate(dir, { data: 'data.jsonl' });
    expect(jsonl.report.invalidRows).toBe(3);
    expect(jsonl.reasons(1)).toEqual([`count: ${exact} (got ${big})`]);
    expect(jsonl.reasons(2)).toEqual([`count: ${exact} (got -${big})`]);
    expect(jsonl.reasons(4)).toEqual([`count: ${exact} (got 100000000000000000000)`]);
  });

  it('a big JSON integer in a string column shows the digits as written; a number column takes it', async () => {
    const dir = workspace({
      'schema.json': numbers,
      'data.jsonl': `{"id": ${big}}\n{"id": "${big}", "amount": ${big}}\n`,
    });
    const { report, reasons } = await validate(dir, { data: 'data.jsonl' });
    expect(report.invalidRows).toBe(1);
    expect(reasons(1)).toEqual([`id: must be string (got ${big})`]);
  });

  it('--infer types long digit strings and leading zeros as text (IDs)', async () => {
    const rows = Array.from(
      { length: 30 },
      (_, i) => `${String(i).padStart(5, '0')},${10n ** 16n + BigInt(i)},${i},${1234567890123 + i}`,
    );
    expect(await inferredTypes('zip,account,n,ms', rows)).toEqual({
      zip: 'string',
      account: 'string',
      n: 'integer',
      ms: 'integer',
    });
  });
});

describe('multipleOf compares decimals', () => {
  it.each([
    [19.99, 0.01],
    [0.07, 0.01],
    [4.35, 0.01],
    [-4.35, 0.01],
    [1234567.89, 0.01],
    [123456789012.35, 0.01],
    [0.3, 0.1],
    [2.5, 0.5],
    [1e21, 0.01],
    [0.000003, 0.000001],
    [12, 3],
  ])('%p is a multiple of %p', (value, step) => expect(isDecimalMultiple(value, step)).toBe(true));

  it.each([
    [19.991, 0.01],
    [0.005, 0.01],
    [1234567.891, 0.01],
    [0.35, 0.1],
    [2.6, 0.5],
    [13, 3],
    [1.0000001, 0.01],
  ])('%p is not a multiple of %p', (value, step) => expect(isDecimalMultiple(value, step)).toBe(false));

  it('accepts money in a CSV and JSON Lines column with multipleOf: 0.01', async () => {
    const schema = { type: 'object', properties: { price: { type: 'number', multipleOf: 0.01 } } };
    const prices = ['19.99', '0.07', '4.35', '1234567.89', '0.1', '100', '19.991'];
    const dir = workspace({
      'schema.json': schema,
      'data.csv': `price\n${prices.join('\n')}\n`,
      'data.jsonl': prices.map((p) => `{"price": ${p}}`).join('\n'),
    });
    for (const data of ['data.csv', 'data.jsonl']) {
      const { report, reasons } = await validate(dir, { data });
      expect(report.invalidRows).toBe(1);
      expect(reasons(data === 'data.csv' ? 8 : 7)).toEqual(['price: must be multiple of 0.01 (got 19.991)']);
    }
  });
});

describe('CSV text is converted to the type the schema really gives', () => {
  const schema: JsonSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['a', 'b', 'c', 'd', 'e', 'f'],
    $defs: { Count: { type: 'integer', minimum: 0 } },
    definitions: { Score: { type: ['number', 'null'] } },
    properties: {
      a: { type: ['integer', 'null'] },
      b: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
      c: { oneOf: [{ $ref: '#/$defs/Count' }, { type: 'null' }] },
      d: { $ref: '#/definitions/Score' },
      e: { enum: [1, 2, 3] },
      f: { allOf: [{ $ref: '#/$defs/Count' }, { maximum: 10 }] },
      g: { const: true },
    },
  };

  it('reads the type through type lists, anyOf/oneOf/allOf, $ref, enum and const', () => {
    expect(schemaColumns(schema).map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['a', 'integer', true],
      ['b', 'integer', true],
      ['c', 'integer', true],
      ['d', 'number', true],
      ['e', 'integer', false],
      ['f', 'integer', false],
      ['g', 'boolean', false],
    ]);
  });

  it('a required nullable column with an empty cell is valid and counted as missing', async () => {
    const dir = workspace({
      'schema.json': schema,
      'data.csv': 'a,b,c,d,e,f,g\n1,2,3,0.5,1,4,true\n,,,,2,5,\n,x,-1,,7,11,false\n',
    });
    const { report, column, reasons } = await validate(dir, { data: 'data.csv' });
    expect(report.invalidRows).toBe(1);
    expect(['a', 'b', 'c', 'd'].map((name) => column(name).missing)).toEqual([2, 1, 1, 2]);
    expect(column('b').kind).toBe('numeric');
    expect(reasons(4)).toEqual([
      'b: must be integer or null (got "x")',
      'c: must be >= 0 (got -1)',
      'e: must be one of 1, 2, 3 (got 7)',
      'f: must be <= 10 (got 11)',
      'g: must be equal to constant (got false)',
    ]);
  });
});

describe('every error of a bad row', () => {
  it('is reported, up to ten per row, in the report and in one annotation per row', async () => {
    const props = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`n${i}`, { type: 'integer' }]));
    const dir = workspace({
      'schema.json': { type: 'object', properties: props },
      'data.csv': `${Object.keys(props).join(',')}\n${Object.keys(props)
        .map((_, i) => i)
        .join(',')}\n1,x,2,y,3,z,4,5,6,7,8,9,10,11\n${Object.keys(props)
        .map(() => 'q')
        .join(',')}\n`,
    });
    const { run, report, reasons } = await validate(dir, { data: 'data.csv' });
    expect(report.invalidRows).toBe(2);
    expect(reasons(3)).toEqual([
      'n1: must be integer (got "x")',
      'n3: must be integer (got "y")',
      'n5: must be integer (got "z")',
    ]);
    expect(reasons(4)).toHaveLength(10);
    const annotations = run.result.annotations!.filter((a) => a.level === 'error');
    expect(annotations.map((a) => [a.line, a.message.split('; ').length])).toEqual([
      [3, 3],
      [4, 10],
    ]);
    expect(annotations[0]!.message).toBe(
      'n1: must be integer (got "x"); n3: must be integer (got "y"); n5: must be integer (got "z")',
    );
  });
});
