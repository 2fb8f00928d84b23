// validate-data on the data people really have: JavaScript-isms that are not numbers, integers
// beyond 2^53, money and multipleOf, nullable and $ref'd types, duplicate or mis-delimited headers,
// Latin-1 bytes, R's NA, JSON nulls — and the same verdict whatever the file format.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { AnyStep, JsonSchema } from '@modelship/core';
import { schemaColumns, validateDataStep } from '@modelship/data';
import { isDecimalMultiple } from '../../packages/data/src/record-schema.js';
import { configErrorLine, runStep, tempDir } from '../lib/step.js';

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
  numeric?: { min: number; max: number };
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
  await runStep(step, { data, 'infer-schema': 'inferred.json', force: 'true', ...inputs }, { cwd: dir });
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

describe('JSON Lines literals beyond a double', () => {
  it.each(['1e400', '-1e400', '1E+999', '2.5e308', `1${'0'.repeat(400)}`])(
    'a number literal %j that JSON.parse would overflow to infinity is an invalid row, shown as written',
    async (literal) => {
      const dir = workspace({
        'schema.json': numbers,
        'data.jsonl': `{"id":"A","amount":1.5}\n{"id":"B","amount":${literal}}\n{"id":"C","amount":1e-400}\n`,
      });
      const { report, column, reasons } = await validate(dir, { data: 'data.jsonl' });
      expect(report.invalidRows).toBe(1);
      expect(reasons(2)).toEqual([`amount: must be number (got ${literal})`]);
      // Not profiled as a number (1e-400 is a decimal number that rounds to 0, in CSV too).
      expect(column('amount').numeric?.max).toBe(1.5);
      expect(column('amount').numeric?.min).toBe(0);
    },
  );
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

describe('CSV headers', () => {
  it('a column named twice is an error naming it', async () => {
    const dir = workspace({ 'schema.json': numbers, 'data.csv': 'id,balance,amount,balance\nA,1,2,3\n' });
    expect(await configErrorLine(validate(dir, { data: 'data.csv' }))).toBe(
      "data.csv: the header names column 'balance' twice (columns 2 and 4): every column needs a distinct name",
    );
  });

  it.each([
    ['id;amount;count\nA;1;2\n', ';'],
    ['id\tamount\tcount\nA\t1\t2\n', 'tab'],
    ['id|amount|count\nA|1|2\n', '|'],
  ])('a one-column header holding another delimiter says which: %j', async (text, name) => {
    const dir = workspace({ 'schema.json': numbers, 'data.csv': text });
    expect(await configErrorLine(validate(dir, { data: 'data.csv' }))).toMatch(
      new RegExp(
        `^data\\.csv: the header is one column \\(.*\\): if its delimiter is '${name.replace('|', '\\|')}', set the delimiter input \\(or data\\.delimiter\\) to '.*' or 'auto'$`,
      ),
    );
  });

  it.each([
    [';', 'id;amount;count\nA;1,5;2\nB;"x;y";3\n', ';'],
    ['\t', 'id\tamount\tcount\nA\t1\t2\nB\t3\t4\n', 'tab'],
    ['\t', 'id\tamount\tcount\nA\t1\t2\nB\t3\t4\n', '\\t'],
    ['|', 'id|amount|count\nA|1|2\nB|3|4\n', '|'],
    [';', 'id;amount;count\nA;1;2\nB;3;4\n', 'auto'],
    ['\t', 'id\tamount\tcount\nA\t1\t2\nB\t3\t4\n', 'auto'],
    [',', 'id,amount,count\nA,1,2\nB,3,4\n', 'auto'],
    // auto decides from the header line, so short files and quoted delimiters do not fool it
    ['|', 'id|amount|count\nA|1|2\nB|3|4\n', 'auto'],
    [';', 'id;"amount, in EUR";count\nA;1;2\nB;3;4\n', 'auto'],
    ['\t', 'id\tamount\tcount\r\nA\t1\t2\r\nB\t3\t4\r\n', 'auto'],
  ])('reads %j-delimited text with delimiter %j', async (_d, text, delimiter) => {
    const dir = workspace({ 'schema.json': numbers, 'data.csv': text });
    const { report, column } = await validate(dir, { data: 'data.csv', delimiter });
    expect(report.rows).toBe(2);
    expect(column('count').count).toBe(2);
    expect(column('id').count).toBe(2);
  });

  it.each([
    ['a;b\n1;2\n', ';'],
    ['a\tb\n1\t2\n', '\t'],
    ['a|b\n1|2', '|'],
    ['a\n1\n', ','],
  ])('auto reads a file of one or two lines: %j', async (text, expected) => {
    const dir = workspace({ 'schema.json': { type: 'object' }, 'data.csv': text });
    const { report, profile } = await validate(dir, { data: 'data.csv', delimiter: 'auto' });
    expect(report.invalidRows).toBe(0);
    expect(profile.columns.map((c) => c.name)).toEqual(expected === ',' ? ['a'] : ['a', 'b']);
  });

  it('takes the delimiter, encoding and missing-value tokens from modelship.yml', async () => {
    const dir = workspace({
      'schema.json': numbers,
      'data.csv': Buffer.from('id\tamount\tcount\nZ\xfcrich\t-\t2\n', 'latin1'),
      'modelship.yml': 'data:\n  delimiter: "\\t"\n  encoding: iso-8859-1\n  null-values: ["-"]\n',
    });
    const { report, column } = await validate(dir, { data: 'data.csv' });
    expect(report.invalidRows).toBe(0);
    expect(column('id').categorical?.top).toEqual([['Zürich', 1]]);
    expect(column('amount').missing).toBe(1);
  });

  it('rejects a delimiter it does not know, naming the input', async () => {
    const dir = workspace({ 'schema.json': numbers, 'data.csv': 'id\nA\n' });
    expect(await configErrorLine(validate(dir, { data: 'data.csv', delimiter: ':' }))).toBe(
      `input 'delimiter': must be one of ",", ";", "|", "tab", "\\\\t", "auto"`,
    );
  });
});

describe('encoding', () => {
  const latin1 = Buffer.from('id,city\nA,Oslo\nB,Z\xfcrich\n', 'latin1');

  it('bytes that are not UTF-8 stop the run with the file and line, never U+FFFD', async () => {
    const dir = workspace({
      'schema.json': numbers,
      'data.csv': latin1,
      'data.jsonl': Buffer.from('{"id": "A"}\n{"id": "Z\xfcrich"}\n', 'latin1'),
    });
    expect(await configErrorLine(validate(dir, { data: 'data.csv' }))).toBe(
      'data.csv: line 3 is not valid UTF-8 (byte 0xFC): if the file is Latin-1 or Windows-1252, set the encoding input (or data.encoding) to latin1',
    );
    expect(await configErrorLine(validate(dir, { data: 'data.jsonl' }))).toMatch(
      /^data\.jsonl: line 2 is not valid UTF-8 \(byte 0xFC\)/,
    );
  });

  it('finds the line far into a large file, in a gzip file, and at a cut multi-byte character', async () => {
    const rows = Array.from({ length: 60000 }, (_, i) => `R${i},Tromsø`);
    const at = 45678;
    const bytes = Buffer.from(`id,city\n${rows.join('\n')}\n`);
    const bad = Buffer.concat([
      Buffer.from(`id,city\n${rows.slice(0, at).join('\n')}\nX,`),
      Buffer.from([0xe2, 0x82]), // the start of a three-byte character, cut short
      Buffer.from(`\n${rows.slice(at).join('\n')}\n`),
    ]);
    const dir = workspace({
      'schema.json': numbers,
      'good.csv': bytes,
      'bad.csv': bad,
      'bad.csv.gz': gzipSync(bad),
      'end.csv': Buffer.concat([Buffer.from('id,city\nA,x'), Buffer.from([0xc3])]),
    });
    expect((await validate(dir, { data: 'good.csv' })).report.invalidRows).toBe(0);
    for (const f of ['bad.csv', 'bad.csv.gz'])
      expect(await configErrorLine(validate(dir, { data: f }))).toMatch(
        new RegExp(`^${f.replace(/\./g, '\\.')}: line ${at + 2} is not valid UTF-8 \\(byte 0xE2\\)`),
      );
    expect(await configErrorLine(validate(dir, { data: 'end.csv' }))).toMatch(
      /^end\.csv: line 2 is not valid UTF-8 \(byte 0xC3\)/,
    );
  });

  it.each(['latin1', 'iso-8859-1', 'windows-1252'])(
    'encoding %s reads Latin-1 on purpose',
    async (encoding) => {
      const dir = workspace({ 'schema.json': numbers, 'data.csv': latin1 });
      const { report, column } = await validate(dir, { data: 'data.csv', encoding });
      expect(report.invalidRows).toBe(0);
      expect(column('city').categorical?.top).toEqual(expect.arrayContaining([['Zürich', 1]]));
    },
  );

  it('a UTF-8 byte-order mark and a real U+FFFD pass', async () => {
    const dir = workspace({ 'schema.json': numbers, 'data.csv': '\ufeffid,city\nA,\ufffd\n' });
    const { report, column } = await validate(dir, { data: 'data.csv' });
    expect(report.invalidRows).toBe(0);
    expect(column('city').categorical?.top).toEqual([['\ufffd', 1]]);
  });
});

describe('missing-value tokens', () => {
  const rows = Array.from(
    { length: 300 },
    (_, i) => `C${i},${i % 9 === 0 ? 'NA' : (i * 1.37).toFixed(2)},${['NA', 'SE', 'NO'][i % 3]}`,
  );
  const data = `id,income,country\n${rows.join('\n')}\n`;
  const schema: JsonSchema = {
    type: 'object',
    required: ['id', 'income'],
    properties: {
      id: { type: 'string' },
      income: { type: ['number', 'null'] },
      country: { type: 'string' },
    },
  };

  it("R's NA in a number column is a missing value; --infer keeps the column numeric and nullable", async () => {
    const dir = workspace({ 'schema.json': schema, 'data.csv': data });
    const { report, column } = await validate(dir, { data: 'data.csv' });
    expect(report.invalidRows).toBe(0);
    expect(column('income')).toMatchObject({ kind: 'numeric', count: 266, missing: 34 });
    const inferred = await infer(dir, 'data.csv');
    expect(inferred.properties.income!.type).toEqual(['number', 'null']);
    expect(inferred.required).toEqual(['id']);
  });

  it('every default token is missing; null-values replaces them; none keeps only the empty cell', async () => {
    const tokens = ['NA', 'N/A', 'n/a', '#N/A', '<NA>', 'NULL', 'null', 'NaN', 'nan', '-NaN', '-nan', ''];
    const dir = workspace({
      'schema.json': numbers,
      'data.csv': `id,amount\n${tokens.map((t, i) => `R${i},${t}`).join('\n')}\nX,?\n`,
    });
    const defaults = await validate(dir, { data: 'data.csv' });
    expect(defaults.column('amount').missing).toBe(tokens.length);
    expect(defaults.report.invalidRows).toBe(1);
    const custom = await validate(dir, { data: 'data.csv', 'null-values': '?, NA' });
    expect(custom.column('amount').missing).toBe(3);
    expect(custom.report.invalidRows).toBe(tokens.length - 2);
    const none = await validate(dir, { data: 'data.csv', 'null-values': 'none' });
    expect(none.column('amount').missing).toBe(1);
    expect(none.report.invalidRows).toBe(tokens.length);
  });

  it('a value the schema lists (Namibia, NA) stays a value; null-values: "" in the config keeps it everywhere', async () => {
    const dir = workspace({
      'schema.json': {
        ...schema,
        properties: { ...(schema.properties as JsonSchema), country: { enum: ['NA', 'SE', 'NO'] } },
      },
      'data.csv': data,
    });
    const listed = await validate(dir, { data: 'data.csv' });
    expect(listed.column('country')).toMatchObject({ count: 300, missing: 0 });
    expect(listed.column('income').missing).toBe(34);

    writeFileSync(join(dir, 'schema.json'), JSON.stringify(schema));
    const plain = await validate(dir, { data: 'data.csv' });
    expect(plain.column('country').missing).toBe(100); // the documented trade-off
    writeFileSync(join(dir, 'modelship.yml'), 'data:\n  null-values: ""\n');
    const off = await validate(dir, { data: 'data.csv' });
    expect(off.column('country').missing).toBe(0);
    expect(off.report.invalidRows).toBe(34); // income: NA is text again
  });
});

describe('the same records get the same verdict in every format', () => {
  const schema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'age'],
    properties: {
      id: { type: 'string' },
      age: { type: 'integer', minimum: 0 },
      income: { type: 'number' },
      score: { type: ['number', 'null'], maximum: 1 },
      segment: { type: 'string', enum: ['a', 'b'] },
    },
  };
  type Rec = {
    id: string;
    age: number | null;
    income: number | null;
    score: number | null;
    segment: string | null;
  };
  const recs: Rec[] = Array.from({ length: 60 }, (_, i) => ({
    id: `C${i}`,
    age: i % 17 === 0 ? null : i % 13 === 0 ? -1 : 20 + (i % 50),
    income: i % 5 === 0 ? null : 1000 + i * 10.5,
    score: i % 4 === 0 ? null : i % 11 === 0 ? 1.5 : (i % 10) / 10,
    segment: i % 6 === 0 ? null : i % 19 === 0 ? 'c' : i % 2 ? 'a' : 'b',
  }));
  const names = ['id', 'age', 'income', 'score', 'segment'] as const;

  it('CSV, JSON Lines and Parquet: identical invalid-row counts and profile counts', async () => {
    const csv = `${names.join(',')}\n${recs.map((r) => names.map((n) => (r[n] === null ? '' : String(r[n]))).join(',')).join('\n')}\n`;
    const jsonl = recs.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const pq = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: recs.map((r) => r.id), type: 'STRING' },
        { name: 'age', data: recs.map((r) => r.age), type: 'INT32' },
        { name: 'income', data: recs.map((r) => r.income), type: 'DOUBLE' },
        { name: 'score', data: recs.map((r) => r.score), type: 'DOUBLE' },
        { name: 'segment', data: recs.map((r) => r.segment), type: 'STRING' },
      ],
    });
    const dir = workspace({
      'schema.json': schema,
      'data.csv': csv,
      'data.jsonl': jsonl,
      'data.parquet': Buffer.from(pq),
    });
    const counts = async (data: string) => {
      const { report, profile } = await validate(dir, { data });
      return {
        invalid: report.invalidRows,
        errors: report.errors.map((e) => `${e.line - (data === 'data.csv' ? 1 : 0)} ${e.field}: ${e.reason}`),
        columns: profile.columns.map((c) => [c.name, c.count, c.missing, c.types]),
      };
    };
    const fromCsv = await counts('data.csv');
    expect(fromCsv.invalid).toBeGreaterThan(5);
    expect(await counts('data.jsonl')).toEqual(fromCsv);
    expect(await counts('data.parquet')).toEqual(fromCsv);
  });

  it('--infer writes nullable types where it saw missing values, from CSV and JSON Lines alike', async () => {
    const many = [...recs, ...recs, ...recs];
    const dir = workspace({
      'data.csv': `${names.join(',')}\n${many.map((r) => names.map((n) => (r[n] === null ? '' : String(r[n]))).join(',')).join('\n')}\n`,
      'data.jsonl': many.map((r) => JSON.stringify(r)).join('\n') + '\n',
    });
    const fromCsv = await infer(dir, 'data.csv');
    const fromJsonl = await infer(dir, 'data.jsonl');
    expect(fromJsonl).toEqual(fromCsv);
    expect(fromCsv.properties).toEqual({
      id: { type: 'string' },
      age: { type: ['integer', 'null'] },
      income: { type: ['number', 'null'] },
      score: { type: ['number', 'null'] },
      segment: { type: ['string', 'null'], enum: ['a', 'b', 'c', null] },
    });
    expect(fromCsv.required).toEqual(['id']);
  });
});

describe('an absent JSON Lines field is a missing value', () => {
  it('a required column whose type allows null accepts an absent field, as an empty CSV cell or a null', async () => {
    const schema = {
      type: 'object',
      required: ['id', 'n', 'an', 'rf'],
      definitions: { maybeText: { type: ['string', 'null'] } },
      properties: {
        id: { type: 'integer' },
        n: { type: ['number', 'null'] },
        an: { anyOf: [{ type: 'number' }, { type: 'null' }] },
        rf: { $ref: '#/definitions/maybeText' },
      },
    };
    const dir = workspace({
      'schema.json': schema,
      'data.jsonl': '{"id":1,"n":1,"an":2,"rf":"x"}\n{"id":2}\n{"id":3,"n":null,"an":null,"rf":null}\n',
      'data.csv': 'id,n,an,rf\n1,1,2,x\n2,,,\n3,,,\n',
    });
    const jsonl = await validate(dir, { data: 'data.jsonl' });
    expect(jsonl.report.invalidRows).toBe(0);
    expect(jsonl.column('n').missing).toBe(2);
    const csv = await validate(dir, { data: 'data.csv' });
    expect(csv.report.invalidRows).toBe(0);
    expect(csv.column('n').missing).toBe(2);
  });

  it('a required column that does not allow null still fails an absent field', async () => {
    const dir = workspace({
      'schema.json': {
        type: 'object',
        required: ['id', 'n'],
        properties: { id: { type: 'integer' }, n: { type: 'number' } },
      },
      'data.jsonl': '{"id":1,"n":1}\n{"id":2}\n',
    });
    const { report, reasons } = await validate(dir, { data: 'data.jsonl' });
    expect(report.invalidRows).toBe(1);
    expect(reasons(2)).toEqual(["n: must have required property 'n'"]);
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

describe('a gzip file not named .gz', () => {
  it('is named as gzip with the rename to make, not taken for Latin-1', async () => {
    const { gzipSync } = await import('node:zlib');
    const dir = workspace({ 'schema.json': numbers, 'data.csv': gzipSync('id,amount,count\nA,1,2\n') });
    const line = await configErrorLine(
      runStep(step, { data: 'data.csv', schema: 'schema.json' }, { cwd: dir }),
    );
    expect(line).toBe('data.csv: is gzip-compressed, but its name does not end in .gz');
  });
});

describe('--infer on JSON Lines', () => {
  it('types arrays, objects and mixed columns as the data holds them, so the data passes its own schema', async () => {
    const dir = workspace({
      'data.jsonl':
        '{"a":[1,2],"b":{"x":1},"c":1,"d":"t","e":true}\n{"a":[3],"b":{"y":2},"c":2.5,"d":"u","e":1}\n{"a":[],"b":{},"c":"3","d":null,"e":false}\n',
    });
    const schema = await infer(dir, 'data.jsonl');
    expect(schema.properties).toEqual({
      a: { type: 'array' },
      b: { type: 'object' },
      c: { type: ['number', 'string'] },
      d: { type: ['string', 'null'] },
      e: { type: ['boolean', 'number'] },
    });
    const { report } = await validate(dir, { data: 'data.jsonl', schema: 'inferred.json' });
    expect(report.invalidRows).toBe(0);
  });
});
