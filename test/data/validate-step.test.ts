import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { AnyStep } from '@modelship/core';
import { validateDataStep } from '@modelship/data';
import { configErrorLine, runStep, tempDir } from '../lib/step.js';

const step = validateDataStep as unknown as AnyStep;
const root = process.cwd();
let work: string;

/** A workspace with the churn example generated at a small size. */
beforeAll(() => {
  work = tempDir('modelship-churn-');
  execFileSync(process.execPath, [
    join(root, 'examples/churn/generate.mjs'),
    '--out',
    join(work, 'data'),
    '--rows',
    '4000',
  ]);
  copyFileSync(join(root, 'examples/churn/churn.schema.json'), join(work, 'churn.schema.json'));
});

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('validate-data step', () => {
  it('passes clean data, writes profile, report and the manifest data section', async () => {
    const run = await runStep(
      step,
      { data: 'data/train.csv', schema: 'churn.schema.json', 'write-profile': 'baseline.json' },
      { cwd: work },
    );
    expect(run.result.ok).toBe(true);
    expect(run.result.outputs).toMatchObject({
      passed: 'true',
      rows: '4000',
      'invalid-rows': '0',
      'drifted-features': '0',
      drifted: '',
      report: '.modelship/validate-data/report.json',
      profile: 'baseline.json',
    });
    const profile = readJson(join(work, 'baseline.json'));
    expect(profile).toMatchObject({ kind: 'modelship.profile', rows: 4000 });
    const m = run.manifest();
    expect(m.data).toMatchObject({
      passed: true,
      rows: 4000,
      invalidRows: 0,
      format: 'csv',
      profile: 'baseline.json',
    });
    expect(m.data!.files[0]!.uri).toBe('data/train.csv');
    expect(m.data!.fingerprint).toMatch(/^[a-f0-9]{64}$/);
    expect(m.data!.schema!.path).toBe('churn.schema.json');
    const { createHash } = await import('node:crypto');
    expect(m.data!.schema!.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(work, 'churn.schema.json')))
        .digest('hex'),
    );
    expect(m.history.at(-1)).toMatchObject({ step: 'validate-data', ok: true });
  });

  it('flags the shifted batch against the baseline, and fails only when fail-on is drift', async () => {
    await runStep(
      step,
      { data: 'data/train.csv', schema: 'churn.schema.json', 'write-profile': 'baseline.json' },
      { cwd: work },
    );
    const same = await runStep(
      step,
      {
        data: 'data/validation.csv',
        schema: 'churn.schema.json',
        baseline: 'baseline.json',
        'fail-on': 'drift',
      },
      { cwd: work },
    );
    expect(same.result.outputs.drifted).toBe('');
    expect(same.result.ok).toBe(true);

    const shifted = await runStep(
      step,
      { data: 'data/current.csv', schema: 'churn.schema.json', baseline: 'baseline.json' },
      { cwd: work },
    );
    expect(shifted.result.ok).toBe(true);
    expect(shifted.result.outputs.drifted!.split(',')).toEqual(
      expect.arrayContaining(['monthly_charges', 'contract']),
    );
    expect(shifted.result.summary).toContain('```mermaid');
    expect(shifted.result.summary).toContain('xychart-beta');
    expect(
      shifted.result.annotations?.filter((a) => a.title === 'data drift').every((a) => a.level === 'warning'),
    ).toBe(true);

    const strict = await runStep(
      step,
      {
        data: 'data/current.csv',
        schema: 'churn.schema.json',
        baseline: 'baseline.json',
        'fail-on': 'drift',
      },
      { cwd: work },
    );
    expect(strict.result.ok).toBe(false);
    expect(strict.result.outputs.passed).toBe('false');
    expect(strict.result.headline).toMatch(/^data failed: .*features drifted/);
    const report = readJson(join(work, '.modelship/validate-data/report.json'));
    expect((report.drift as { drifted: string[] }).drifted).toEqual(
      expect.arrayContaining(['monthly_charges']),
    );
  });

  it('reports every invalid row in the report and the first ones as annotations', async () => {
    const lines = readFileSync(join(work, 'data/validation.csv'), 'utf8').trimEnd().split('\n');
    for (let i = 10; i < 60; i++)
      lines[i] = lines[i]!.replace(/,(month-to-month|one-year|two-year),/, ',weekly,');
    lines[70] = 'C9999999,1,2';
    writeFileSync(join(work, 'data/broken.csv'), lines.join('\n') + '\n');
    const run = await runStep(
      step,
      { data: 'data/broken.csv', schema: 'churn.schema.json', 'max-annotations': '5' },
      { cwd: work },
    );
    expect(run.result.ok).toBe(false);
    expect(run.result.outputs['invalid-rows']).toBe('51');
    const errs = run.result.annotations!.filter((a) => a.level === 'error');
    expect(errs).toHaveLength(5);
    expect(errs[0]).toMatchObject({
      file: 'data/broken.csv',
      line: 11,
      message: expect.stringContaining('contract: must be one of'),
    });
    const report = readJson(join(work, '.modelship/validate-data/report.json'));
    const all = report.errors as { line: number; field: string; reason: string }[];
    expect(all).toHaveLength(51);
    expect(all.find((e) => e.line === 71)).toMatchObject({
      field: '',
      reason: 'expected 10 fields, found 3',
    });
    expect(run.result.summary).toContain('| contract | must be one of');
    expect(run.manifest().data).toMatchObject({ passed: false, invalidRows: 51 });
  });

  it('reads JSON Lines and Parquet with the same checks', async () => {
    const rows = readFileSync(join(work, 'data/validation.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1, 201)
      .map((l) => {
        const [id, tenure, monthly, total, contract, payment, internet, calls, senior, churned] =
          l.split(',');
        const rec: Record<string, unknown> = {
          customer_id: id,
          tenure_months: Number(tenure),
          monthly_charges: Number(monthly),
          contract,
          payment_method: payment,
          internet_service: internet,
          support_calls: Number(calls),
          senior: senior === 'true',
          churned: churned === 'true',
        };
        if (total) rec.total_charges = Number(total);
        return rec;
      });
    mkdirSync(join(work, 'mixed'), { recursive: true });
    writeFileSync(
      join(work, 'mixed/a.jsonl'),
      rows
        .slice(0, 100)
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n{not json}\n[1,2]\n',
    );
    const cols = Object.keys(rows[0]!).filter((k) => k !== 'total_charges');
    const pq = parquetWriteBuffer({
      columnData: cols.map((name) => ({
        name,
        data: rows
          .slice(100)
          .map((r) =>
            name === 'tenure_months' || name === 'support_calls' ? BigInt(r[name] as number) : r[name],
          ),
        type: name === 'tenure_months' || name === 'support_calls' ? 'INT64' : undefined,
      })),
      rowGroupSize: 40,
    });
    writeFileSync(join(work, 'mixed/b.parquet'), Buffer.from(pq));
    const run = await runStep(step, { data: 'mixed', schema: 'churn.schema.json' }, { cwd: work });
    expect(run.result.outputs.rows).toBe('202');
    expect(run.result.outputs['invalid-rows']).toBe('2');
    const report = readJson(join(work, '.modelship/validate-data/report.json'));
    expect(
      (report.errors as { file: string; line: number; reason: string }[]).map((e) => [
        e.file,
        e.line,
        e.reason.split(':')[0],
      ]),
    ).toEqual([
      ['mixed/a.jsonl', 101, 'invalid JSON'],
      ['mixed/a.jsonl', 102, 'not a JSON object'],
    ]);
    expect(run.manifest().data!.format).toBe('jsonl,parquet');
  });

  it('reads gzip-compressed CSV and JSON Lines, fingerprinting the file as stored', async () => {
    const { gzipSync } = await import('node:zlib');
    const { createHash } = await import('node:crypto');
    mkdirSync(join(work, 'gz'), { recursive: true });
    const csv = gzipSync(readFileSync(join(work, 'data/validation.csv')));
    writeFileSync(join(work, 'gz/part.csv.gz'), csv);
    writeFileSync(join(work, 'gz/part.jsonl.gz'), gzipSync('{"customer_id": "C0000001"}\n{oops}\n'));
    const run = await runStep(step, { data: 'gz', schema: 'churn.schema.json' }, { cwd: work });
    expect(run.result.outputs.rows).toBe('1002');
    const files = run.manifest().data!.files;
    expect(files.map((f) => f.uri)).toEqual(['gz/part.csv.gz', 'gz/part.jsonl.gz']);
    expect(files[0]!.sha256).toBe(createHash('sha256').update(csv).digest('hex'));
    expect(files[0]!.bytes).toBe(csv.length);
    const report = readJson(join(work, '.modelship/validate-data/report.json'));
    // Line 1 lacks eight required fields (each reported); line 2 is not JSON.
    expect((report.errors as { file: string; line: number }[]).map((e) => [e.file, e.line])).toEqual([
      ...Array.from({ length: 8 }, () => ['gz/part.jsonl.gz', 1]),
      ['gz/part.jsonl.gz', 2],
    ]);
    expect(report.invalidRows).toBe(2);
  });

  it('names a file that is not really gzip', async () => {
    writeFileSync(join(work, 'fake.csv.gz'), 'customer_id\nC1\n');
    expect(
      await configErrorLine(
        runStep(step, { data: 'fake.csv.gz', schema: 'churn.schema.json' }, { cwd: work }),
      ),
    ).toMatch(/^fake\.csv\.gz: not readable as gzip \(/);
  });

  it('infers a schema and a baseline from reference data', async () => {
    const run = await runStep(
      step,
      { data: 'data/train.csv', 'infer-schema': 'inferred/schema.json' },
      { cwd: work },
    );
    expect(run.result.ok).toBe(true);
    const schema = readJson(join(work, 'inferred/schema.json')) as {
      properties: Record<string, { type: string; enum?: string[] }>;
      required: string[];
    };
    expect(schema.properties.tenure_months!.type).toBe('integer');
    expect(schema.properties.monthly_charges!.type).toBe('number');
    expect(schema.properties.senior!.type).toBe('boolean');
    expect(schema.properties.contract!.enum).toEqual(['month-to-month', 'one-year', 'two-year']);
    expect(schema.required).not.toContain('total_charges');
    expect(schema.required).toContain('customer_id');
    expect(run.result.outputs.profile).toBe('inferred/baseline-profile.json');
    // The inferred contract accepts data from the same population.
    const check = await runStep(
      step,
      {
        data: 'data/validation.csv',
        schema: 'inferred/schema.json',
        baseline: 'inferred/baseline-profile.json',
      },
      { cwd: work },
    );
    expect(check.result.outputs['invalid-rows']).toBe('0');
  });

  it('takes the schema, baseline and policy from modelship.yml, relative to the config', async () => {
    mkdirSync(join(work, 'cfg'), { recursive: true });
    copyFileSync(join(work, 'churn.schema.json'), join(work, 'cfg/contract.json'));
    writeFileSync(
      join(work, 'cfg/modelship.yml'),
      'model: churn\ndata:\n  schema: contract.json\n  fail-on: never\n',
    );
    const run = await runStep(step, { data: 'data/current.csv', config: 'cfg/modelship.yml' }, { cwd: work });
    expect(run.result.ok).toBe(true);
    expect(run.manifest().data!.schema!.path).toBe('cfg/contract.json');
    expect(run.manifest().model).toBe('churn');
  });

  it.each([
    [{ data: 'nope.csv', schema: 'churn.schema.json' }, 'nope.csv: data not found'],
    [{ data: 'data/train.csv', schema: 'missing.json' }, 'missing.json: schema not found'],
    [
      { data: 'data/train.csv' },
      "input 'schema': no schema given: set the schema input or data.schema in modelship.yml (or derive one with infer-schema)",
    ],
    [
      { data: 'data/train.csv', schema: 'churn.schema.json', format: 'xlsx' },
      `input 'format': must be one of "auto", "csv", "jsonl", "parquet"`,
    ],
    [
      { data: 'data/train.csv', schema: 'churn.schema.json', baseline: 'nope.json' },
      'nope.json: baseline profile not found',
    ],
  ])('fails with one clear line: %j', async (inputs, expected) => {
    expect(await configErrorLine(runStep(step, inputs, { cwd: work }))).toBe(expected);
  });

  it('rejects a schema that is not valid JSON Schema, or not JSON', async () => {
    writeFileSync(
      join(work, 'bad-schema.json'),
      JSON.stringify({ type: 'object', properties: { a: { type: 'integr' } } }),
    );
    expect(
      await configErrorLine(
        runStep(step, { data: 'data/train.csv', schema: 'bad-schema.json' }, { cwd: work }),
      ),
    ).toMatch(/^bad-schema\.json: not a valid JSON Schema: /);
    writeFileSync(join(work, 'not-json.json'), '{"type": "object",');
    expect(
      await configErrorLine(
        runStep(step, { data: 'data/train.csv', schema: 'not-json.json' }, { cwd: work }),
      ),
    ).toMatch(/^not-json\.json: schema is not valid JSON/);
  });
});

describe('validate-data fingerprint and fail-on: never', () => {
  it('the same files give the same fingerprint whatever the path they are read by', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'x.csv'), 'id\n1\n');
    writeFileSync(
      join(dir, 's.json'),
      JSON.stringify({ type: 'object', properties: { id: { type: 'integer' } } }),
    );
    const one = await runStep(step, { data: 'a/x.csv', schema: 's.json' }, { cwd: dir });
    const two = await runStep(step, { data: 'x.csv', schema: '../s.json' }, { cwd: join(dir, 'a') });
    expect(one.manifest().data!.fingerprint).toBe(two.manifest().data!.fingerprint);
  });

  it('fail-on: never reports invalid rows as warnings, since the step passes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.csv'), 'id\nnope\n');
    writeFileSync(
      join(dir, 's.json'),
      JSON.stringify({ type: 'object', properties: { id: { type: 'integer' } } }),
    );
    const run = await runStep(step, { data: 'x.csv', schema: 's.json', 'fail-on': 'never' }, { cwd: dir });
    expect(run.result.ok).toBe(true);
    expect(run.result.annotations?.filter((a) => a.title === 'invalid row').map((a) => a.level)).toEqual([
      'warning',
    ]);
  });
});

describe('validate-data job summary', () => {
  it('lists at most 200 files, says how many more the report holds, and stays far under 1 MiB', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'parts'));
    for (let i = 0; i < 1200; i++)
      writeFileSync(join(dir, 'parts', `part-${String(i).padStart(5, '0')}.csv`), `id,amount\n${i},1.5\n`);
    writeFileSync(
      join(dir, 's.json'),
      JSON.stringify({ type: 'object', properties: { id: { type: 'integer' }, amount: { type: 'number' } } }),
    );
    const run = await runStep(step, { data: 'parts', schema: 's.json' }, { cwd: dir });
    expect(run.result.ok).toBe(true);
    expect(run.result.summary).toContain('1,000 more files: every file is listed in the report.');
    expect(run.result.summary.match(/part-\d{5}\.csv/g)).toHaveLength(200);
    expect(Buffer.byteLength(run.result.summary)).toBeLessThan(100_000);
    const report = readJson(join(dir, run.result.outputs.report!)) as { files: unknown[] };
    expect(report.files).toHaveLength(1200);
  });
});
