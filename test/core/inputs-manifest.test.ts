import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  atomicWrite,
  checkManifest,
  describeError,
  ManifestStore,
  parseInputs,
  ConfigError,
  type InputSpec,
} from '@modelship/core';
import { STEPS } from '@modelship/catalog';
import type { DataSection } from '@modelship/data';
import { configErrorLine, tempDir, type TestManifest } from '../lib/step.js';

const step = {
  name: 'demo',
  title: 'demo',
  required: ['data'],
  inputs: {
    data: { type: 'string', description: 'd' },
    count: { type: 'integer', description: 'c', default: 10, minimum: 0 },
    share: { type: 'number', description: 's', exclusiveMinimum: 0, maximum: 100 },
    wait: { type: 'boolean', description: 'w', default: true },
    mode: { type: 'string', description: 'm', enum: ['a', 'b'] },
  } satisfies Record<string, InputSpec>,
};

describe('step inputs', () => {
  it('coerces strings to the schema types and applies defaults; empty means unset', async () => {
    const v = await parseInputs<{ data: string; count: number; wait: boolean; mode?: string }>(step, {
      data: ' x.csv ',
      count: '',
      wait: 'false',
      mode: '',
    });
    expect(v).toEqual({ data: 'x.csv', count: 10, wait: false, manifest: '.modelship/manifest.json' });
    const n = await parseInputs<{ count: number; share: number }>(step, {
      data: 'x',
      count: '+7',
      share: '.5',
    });
    expect([n.count, n.share]).toEqual([7, 0.5]);
  });

  it.each([
    [{}, "input 'data': is required"],
    [{ data: 'x', count: 'ten' }, "input 'count': must be a whole number at least 0, got ten"],
    [{ data: 'x', count: '-1' }, "input 'count': must be a whole number at least 0, got -1"],
    [{ data: 'x', count: '1.5' }, "input 'count': must be a whole number at least 0, got 1.5"],
    // From a trial: numbers are plain decimal, not whatever JavaScript's Number() takes.
    [
      { data: 'x', count: '0x10' },
      "input 'count': must be a whole number at least 0, got 0x10 (write it in decimal)",
    ],
    [
      { data: 'x', count: '1e3' },
      "input 'count': must be a whole number at least 0, got 1e3 (write it in decimal)",
    ],
    [
      { data: 'x', share: '0x10' },
      "input 'share': must be a number above 0 and at most 100, got 0x10 (write it in decimal)",
    ],
    [
      { data: 'x', share: 'Infinity' },
      "input 'share': must be a number above 0 and at most 100, got Infinity",
    ],
    [{ data: 'x', share: '0' }, "input 'share': must be a number above 0 and at most 100, got 0"],
    [{ data: 'x', share: '-5' }, "input 'share': must be a number above 0 and at most 100, got -5"],
    [{ data: 'x', mode: 'c' }, `input 'mode': must be one of "a", "b"`],
    [{ data: 'x', backend: 'gcp' }, `input 'backend': must be one of "local", "sagemaker"`],
    [{ data: 'x', wait: 'maybe' }, "input 'wait': must be boolean"],
    [{ data: 'x', colour: 'red' }, "input 'colour': is not an input of this step"],
  ])('rejects %j with one line', async (raw, expected) => {
    expect(await configErrorLine(Promise.resolve().then(() => parseInputs(step, raw)))).toBe(expected);
  });

  it('spells inputs as CLI flags when the host asks', async () => {
    expect(await configErrorLine(Promise.resolve().then(() => parseInputs(step, {}, (n) => `--${n}`)))).toBe(
      '--data: is required',
    );
  });
});

describe('errors', () => {
  it('prints a ConfigError as one line and hides internal stacks unless debug', () => {
    expect(describeError(new ConfigError('is required', 'modelship.yml: model'), false)).toEqual({
      line: 'modelship.yml: model: is required',
      detail: undefined,
    });
    const internal = describeError(new Error('boom', { cause: new Error('root cause') }), true);
    expect(internal.line).toBe('internal error: boom');
    expect(internal.detail).toContain('Caused by: Error: root cause');
    expect(describeError(new Error('boom'), false).detail).toBeUndefined();
  });
});

describe('manifest', () => {
  it('starts a new manifest, records history and provenance, and writes valid JSON', async () => {
    const dir = tempDir();
    const m = await ManifestStore.open(
      '.modelship/manifest.json',
      dir,
      new Date('2026-11-22T10:00:00Z'),
      STEPS,
    );
    m.set('data', {
      validatedAt: '2026-11-22T10:00:00.000Z',
      passed: true,
      format: 'csv',
      rows: 3,
      invalidRows: 0,
      fingerprint: 'a'.repeat(64),
      files: [{ uri: 'x.csv', sha256: 'b'.repeat(64), bytes: 10, rows: 3 }],
    });
    await m.save(
      { step: 'validate-data', at: '2026-11-22T10:00:01.000Z', ok: true, headline: 'ok' },
      { system: 'github-actions', commit: 'c'.repeat(40), runId: '7' },
      'churn',
    );
    const doc = JSON.parse(readFileSync(join(dir, '.modelship/manifest.json'), 'utf8'));
    expect(doc.model).toBe('churn');
    expect(doc.history).toHaveLength(1);
    expect(doc.source).toEqual({ system: 'github-actions', commit: 'c'.repeat(40), runId: '7' });
    await expect(checkManifest(doc, 'm.json', STEPS)).resolves.toBeDefined();

    const again = await ManifestStore.open('.modelship/manifest.json', dir, new Date(), STEPS);
    expect(again.get<DataSection>('data')?.rows).toBe(3);
  });

  it('refuses to extend a manifest that is not valid, naming the file and field', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.modelship'));
    writeFileSync(join(dir, '.modelship/manifest.json'), '{"schemaVersion": 1}');
    expect(
      await configErrorLine(ManifestStore.open('.modelship/manifest.json', dir, new Date(), STEPS)),
    ).toBe('.modelship/manifest.json: not a valid modelship manifest: kind: is required');
    writeFileSync(join(dir, '.modelship/manifest.json'), '{oops');
    expect(
      await configErrorLine(ManifestStore.open('.modelship/manifest.json', dir, new Date(), STEPS)),
    ).toMatch(/^\.modelship\/manifest\.json: manifest is not valid JSON/);
  });
});

const entry = (i: number) => ({
  step: `step-${i}`,
  at: new Date(Date.UTC(2026, 10, 22, 10, 0, i)).toISOString(),
  ok: true,
});

describe('manifest: concurrent runs and leftovers', () => {
  it('runs that save one manifest at once all land in its history', async () => {
    const dir = tempDir();
    const stores = await Promise.all(
      Array.from({ length: 8 }, () => ManifestStore.open('.modelship/manifest.json', dir, new Date(), STEPS)),
    );
    await Promise.all(stores.map((m, i) => m.save(entry(i), { system: 'local' })));
    const doc = JSON.parse(readFileSync(join(dir, '.modelship/manifest.json'), 'utf8')) as {
      history: { step: string }[];
    };
    expect(doc.history.map((h) => h.step).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `step-${i}`).sort(),
    );
    expect(readdirSync(join(dir, '.modelship')).sort()).toEqual(['manifest.json']);
  });

  it("a section set by one run survives another run's save", async () => {
    const dir = tempDir();
    const a = await ManifestStore.open('.modelship/manifest.json', dir, new Date(), STEPS);
    const b = await ManifestStore.open('.modelship/manifest.json', dir, new Date(), STEPS);
    a.set('data', {
      validatedAt: '2026-11-22T10:00:00.000Z',
      passed: true,
      format: 'csv',
      rows: 3,
      invalidRows: 0,
      fingerprint: 'a'.repeat(64),
      files: [],
    });
    await a.save(entry(1), { system: 'local' });
    await b.save(entry(2), { system: 'local' });
    const doc = JSON.parse(readFileSync(join(dir, '.modelship/manifest.json'), 'utf8')) as TestManifest;
    expect(doc.data?.rows).toBe(3);
    expect(doc.history.map((h) => h.step)).toEqual(['step-1', 'step-2']);
  });

  it('a failed write leaves no temporary file; one left by a killed process is removed by the next write', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'm.json'));
    await expect(atomicWrite(join(dir, 'm.json'), '{}')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['m.json']);

    const other = tempDir();
    // pid 2^22 + 1 is above Linux's pid_max: no process has it.
    writeFileSync(join(other, 'm.json.4194305.1.tmp'), '{"half');
    writeFileSync(join(other, `m.json.${process.pid}.999.tmp`), 'a write of this process in flight');
    await atomicWrite(join(other, 'm.json'), '{}');
    expect(readdirSync(other).sort()).toEqual(['m.json', `m.json.${process.pid}.999.tmp`]);
  });
});

describe('system errors', () => {
  it.each([
    [
      Object.assign(new Error('EISDIR: illegal operation'), { code: 'EISDIR', path: 'out/report.json' }),
      'out/report.json: is a directory, where a file was expected (EISDIR)',
    ],
    [
      Object.assign(new Error('EEXIST'), { code: 'EEXIST', path: 'schema.json' }),
      'schema.json: already exists (EEXIST)',
    ],
    [
      new Error('request failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), {
          code: 'ECONNREFUSED',
          address: '127.0.0.1',
          port: 5999,
        }),
      }),
      '127.0.0.1:5999: connection refused (ECONNREFUSED)',
    ],
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND'), {
        code: 'ENOTFOUND',
        hostname: 's3.nowhere.invalid',
      }),
      's3.nowhere.invalid: host not found (ENOTFOUND)',
    ],
  ])('%s is one line naming the path or endpoint, with a hint', (err, line) => {
    const d = describeError(err, false);
    expect(d.line).toBe(line);
    expect(d.hint).toBeTruthy();
    expect(d.detail).toBeUndefined();
  });

  it('an error without a path stays internal', () => {
    expect(describeError(Object.assign(new Error('x'), { code: 'EISDIR' }), false).line).toMatch(
      /^internal error: x/,
    );
  });

  it('a ConfigError carries its hint apart from its line', () => {
    const d = describeError(
      new ConfigError('cannot read', 's3://b/k', { hint: "check the role's s3:GetObject" }),
      false,
    );
    expect(d).toEqual({
      line: 's3://b/k: cannot read',
      hint: "check the role's s3:GetObject",
      detail: undefined,
    });
  });
});

describe('job summary size', () => {
  it('a summary over the limit is cut at a line and says how much was left out', async () => {
    const { fitSummary } = await import('@modelship/github/summary');
    const big = Array.from({ length: 5000 }, (_, i) => `| row ${i} | ${'x'.repeat(300)} |`).join('\n');
    const fitted = fitSummary(big, 100_000);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(100_000);
    expect(fitted).toMatch(/\*\*Summary cut\*\*: [\d,]+ of [\d,]+ bytes left out/);
    expect(
      fitted
        .split('\n')
        .filter((l) => l.startsWith('| row'))
        .every((l) => l.endsWith('|')),
    ).toBe(true);
    expect(fitSummary('small', 100_000)).toBe('small');
  });
});

describe('manifest: forward compatible', () => {
  it('keeps a section this release does not know (a newer release or a step not installed here)', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.modelship'));
    const doc = {
      schemaVersion: 1,
      kind: 'modelship.manifest',
      createdAt: '2026-11-22T10:00:00.000Z',
      updatedAt: '2026-11-22T10:00:00.000Z',
      history: [],
      monitoring: { schedule: 'hourly', baseline: 'churn-profile' },
    };
    writeFileSync(join(dir, '.modelship/manifest.json'), JSON.stringify(doc));
    const m = await ManifestStore.open('.modelship/manifest.json', dir, new Date(), STEPS);
    await m.save(entry(1), { system: 'local' });
    const saved = JSON.parse(readFileSync(join(dir, '.modelship/manifest.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(saved.monitoring).toEqual({ schedule: 'hourly', baseline: 'churn-profile' });
    // A known section is still checked against its step's schema.
    writeFileSync(join(dir, '.modelship/manifest.json'), JSON.stringify({ ...doc, data: { rows: 'many' } }));
    expect(
      await configErrorLine(ManifestStore.open('.modelship/manifest.json', dir, new Date(), STEPS)),
    ).toMatch(/^\.modelship\/manifest\.json: not a valid modelship manifest: data/);
  });
});
