import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  describeDifferences,
  requestDifferences,
  requestDigest,
  resourceName,
  SAGEMAKER_NAME_MAX,
  SAGEMAKER_NAME_PATTERN,
} from '../src/names.js';

const NOW = new Date('2026-11-22T09:15:03Z');
const CI = { system: 'github-actions' as const, commit: 'abcdef0123456789', runId: '77', runAttempt: '2' };
const REQUEST = {
  image: 'img:1',
  hyperparameters: { c: 1, solver: 'lbfgs' },
  channels: { train: 's3://b/t/' },
};
/** The first 8 hex characters of the sha256 of REQUEST's canonical JSON. */
const R8 = createHash('sha256')
  .update('{"channels":{"train":"s3://b/t/"},"hyperparameters":{"c":1,"solver":"lbfgs"},"image":"img:1"}')
  .digest('hex')
  .slice(0, 8);

describe('canonicalJson and requestDigest', () => {
  it('sort keys at every level, keep array order, drop undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: undefined, b: null } })).toBe(
      '{"a":{"b":null,"d":[3,1]},"b":1}',
    );
    expect(canonicalJson(undefined)).toBeUndefined();
  });

  it('give the same digest whatever the key order, another for any other value', () => {
    const reordered = {
      channels: { train: 's3://b/t/' },
      hyperparameters: { solver: 'lbfgs', c: 1 },
      image: 'img:1',
    };
    expect(requestDigest(reordered)).toBe(requestDigest(REQUEST));
    expect(requestDigest(REQUEST)).toMatch(/^[0-9a-f]{64}$/);
    expect(requestDigest({ ...REQUEST, hyperparameters: { c: 2, solver: 'lbfgs' } })).not.toBe(
      requestDigest(REQUEST),
    );
    // a number and its string are different requests
    expect(requestDigest({ c: 1 })).not.toBe(requestDigest({ c: '1' }));
  });
});

describe('requestDifferences', () => {
  it('names each differing field by its dotted path', () => {
    const theirs = { ...REQUEST, hyperparameters: { c: 2, solver: 'lbfgs', extra: true }, image: 'img:2' };
    expect(requestDifferences(REQUEST, theirs)).toEqual([
      { path: 'hyperparameters.c', ours: '1', theirs: '2' },
      { path: 'hyperparameters.extra', ours: undefined, theirs: 'true' },
      { path: 'image', ours: '"img:1"', theirs: '"img:2"' },
    ]);
    expect(requestDifferences(REQUEST, { ...REQUEST })).toEqual([]);
    expect(requestDifferences([1, 2], [2, 1])).toEqual([
      { path: '(request)', ours: '[1,2]', theirs: '[2,1]' },
    ]);
  });

  it('describes them on one line, the first few spelled out', () => {
    const diffs = requestDifferences({ a: 1, b: 2, c: 3, d: 'x'.repeat(60) }, { a: 2, b: 3, c: 4 });
    const line = describeDifferences(diffs);
    expect(line).toBe('a (1 here, 2 there), b (2 here, 3 there), c (3 here, 4 there) and 1 more');
    expect(describeDifferences(diffs.slice(3))).toBe(`d ("${'x'.repeat(38)}… here, absent there)`);
    expect(line).not.toContain('\n');
  });
});

describe('resourceName', () => {
  it('is base, short sha, run id, attempt and the request digest', () => {
    expect(resourceName('churn', CI, NOW, REQUEST)).toBe(`churn-abcdef0-77-2-${R8}`);
  });

  it('differs for another request in the same run, and is the same for an equal one', () => {
    const name = resourceName('churn', CI, NOW, REQUEST);
    const other = resourceName('churn', CI, NOW, {
      ...REQUEST,
      hyperparameters: { c: 0.5, solver: 'lbfgs' },
    });
    expect(other).not.toBe(name);
    expect(other.startsWith('churn-abcdef0-77-2-')).toBe(true);
    expect(resourceName('churn', CI, new Date(), JSON.parse(JSON.stringify(REQUEST)))).toBe(name);
  });

  it('keeps a tag whole between the base and the run part', () => {
    expect(resourceName('churn', CI, NOW, REQUEST, { tag: 'eval' })).toBe(`churn-eval-abcdef0-77-2-${R8}`);
    const long = resourceName('m'.repeat(80), CI, NOW, REQUEST, { tag: 'canary' });
    expect(long.length).toBe(SAGEMAKER_NAME_MAX);
    expect(long.endsWith(`-canary-abcdef0-77-2-${R8}`)).toBe(true);
  });

  it('differs per attempt', () => {
    const p = { ...CI, runAttempt: '1' };
    expect(resourceName('churn', { ...p, runAttempt: '2' }, NOW, REQUEST)).not.toBe(
      resourceName('churn', p, NOW, REQUEST),
    );
  });

  it('falls back to dev and a UTC stamp on a workstation', () => {
    expect(resourceName('churn', { system: 'local' }, NOW, REQUEST)).toBe(`churn-dev-20261122t091503-${R8}`);
  });

  it('shortens the base, then the run part, to fit 63 characters, never the digest', () => {
    const model = 'a-very-long-model-name-that-goes-on-and-on-and-on';
    const build = {
      system: 'codebuild' as const,
      commit: 'f'.repeat(40),
      runId: '123456789012',
      runAttempt: '1',
    };
    const name = resourceName(model, build, NOW, REQUEST);
    expect(name.length).toBeLessThanOrEqual(SAGEMAKER_NAME_MAX);
    expect(name).toMatch(SAGEMAKER_NAME_PATTERN);
    expect(name).toBe(`a-very-long-model-name-that-goe-fffffff-123456789012-1-${R8}`);
    const huge = resourceName(model, { ...build, runId: '9'.repeat(70) }, NOW, REQUEST, { tag: 'x' });
    expect(huge.length).toBe(SAGEMAKER_NAME_MAX);
    expect(huge).toMatch(SAGEMAKER_NAME_PATTERN);
    expect(huge).toMatch(new RegExp(`^a-x-fffffff-9+-${R8}$`));
  });

  it('cleans odd characters from every part', () => {
    const name = resourceName(
      'churn',
      { system: 'local', commit: 'zz_!x', runId: 'build:42', runAttempt: '1' },
      NOW,
      REQUEST,
    );
    expect(name).toMatch(SAGEMAKER_NAME_PATTERN);
    expect(name).toBe(`churn-zz-x-build-42-1-${R8}`);
    expect(resourceName('__', CI, NOW, REQUEST)).toBe(`model-abcdef0-77-2-${R8}`);
  });
});
