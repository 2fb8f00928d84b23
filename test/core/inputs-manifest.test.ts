import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  checkManifest,
  describeError,
  ManifestStore,
  parseInputs,
  ConfigError,
  type InputSpec,
} from '@modelship/core';
import { STEPS } from '@modelship/catalog';
import type { DataSection } from '@modelship/data';
import { configErrorLine, tempDir } from '../lib/step.js';

const step = {
  name: 'demo',
  title: 'demo',
  required: ['data'],
  inputs: {
    data: { type: 'string', description: 'd' },
    count: { type: 'integer', description: 'c', default: 10, minimum: 0 },
    wait: { type: 'boolean', description: 'w', default: true },
    mode: { type: 'string', description: 'm', enum: ['a', 'b'] },
  } satisfies Record<string, InputSpec>,
};

describe('step inputs', () => {
  it('coerces strings to the schema types and applies defaults; empty means unset', () => {
    const v = parseInputs<{ data: string; count: number; wait: boolean; mode?: string }>(step, {
      data: ' x.csv ',
      count: '',
      wait: 'false',
      mode: '',
    });
    expect(v).toEqual({ data: 'x.csv', count: 10, wait: false, manifest: '.modelship/manifest.json' });
  });

  it.each([
    [{}, "input 'data': is required"],
    [{ data: 'x', count: 'ten' }, "input 'count': must be integer"],
    [{ data: 'x', count: '-1' }, "input 'count': must be >= 0"],
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
    expect(() => checkManifest(doc, 'm.json', STEPS)).not.toThrow();

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
