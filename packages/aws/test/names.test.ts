import { describe, expect, it } from '@jest/globals';
import { resourceName, SAGEMAKER_NAME_MAX, SAGEMAKER_NAME_PATTERN } from '../src/names.js';

const NOW = new Date('2026-11-22T09:15:03Z');
const CI = { system: 'github-actions' as const, commit: 'abcdef0123456789', runId: '77', runAttempt: '2' };

describe('resourceName', () => {
  it('is base, short sha, run id and attempt', () => {
    expect(resourceName('churn', CI, NOW)).toBe('churn-abcdef0-77-2');
  });

  it('keeps a tag whole between the base and the run part', () => {
    expect(resourceName('churn', CI, NOW, { tag: 'eval' })).toBe('churn-eval-abcdef0-77-2');
    const long = resourceName('m'.repeat(80), CI, NOW, { tag: 'canary' });
    expect(long.length).toBe(SAGEMAKER_NAME_MAX);
    expect(long.endsWith('-canary-abcdef0-77-2')).toBe(true);
  });

  it('is the same for the same run (deterministic) and differs per attempt', () => {
    const p = { ...CI, runAttempt: '1' };
    expect(resourceName('churn', p, NOW)).toBe(resourceName('churn', p, new Date()));
    expect(resourceName('churn', { ...p, runAttempt: '2' }, NOW)).not.toBe(resourceName('churn', p, NOW));
  });

  it('falls back to dev and a UTC stamp on a workstation', () => {
    expect(resourceName('churn', { system: 'local' }, NOW)).toBe('churn-dev-20261122t091503');
  });

  it('shortens the base to fit 63 characters and keeps the pattern', () => {
    const model = 'a-very-long-model-name-that-goes-on-and-on-and-on';
    const name = resourceName(
      model,
      { system: 'codebuild', commit: 'f'.repeat(40), runId: '123456789012', runAttempt: '1' },
      NOW,
    );
    expect(name.length).toBeLessThanOrEqual(SAGEMAKER_NAME_MAX);
    expect(name).toMatch(SAGEMAKER_NAME_PATTERN);
    expect(name.endsWith('-fffffff-123456789012-1')).toBe(true);
  });

  it('cleans odd characters from every part', () => {
    const name = resourceName(
      'churn',
      { system: 'local', commit: 'zz_!x', runId: 'build:42', runAttempt: '1' },
      NOW,
    );
    expect(name).toMatch(SAGEMAKER_NAME_PATTERN);
    expect(name).toBe('churn-zz-x-build-42-1');
    expect(resourceName('__', CI, NOW)).toBe('model-abcdef0-77-2');
  });
});
