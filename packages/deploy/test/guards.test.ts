import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@modelship/core';
import { refuseServedChampion } from '../src/guards.js';

describe('refuseServedChampion (both backends)', () => {
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1';
  const call = (variants: { name: string; weight: number; shadow?: boolean }[]) => () =>
    refuseServedChampion(variants, 'churn-v1', arn, 'endpoint churn-prod');

  it('refuses the package that carries the most weight (from a trial: the canary flipped to 90%)', () => {
    expect(
      call([
        { name: 'churn-v1', weight: 90 },
        { name: 'churn-v2', weight: 10 },
      ]),
    ).toThrow(ConfigError);
    expect(
      call([
        { name: 'churn-v1', weight: 2 },
        { name: 'churn-v2', weight: 1 },
      ]),
    ).toThrow(/already serves .*churn\/1 as its champion \(variant churn-v1 at weight 2\)/);
  });

  it('lets a re-run of a canary, a 50/50 split, a shadow and a new endpoint through', () => {
    expect(
      call([
        { name: 'churn-v0', weight: 90 },
        { name: 'churn-v1', weight: 10 },
      ]),
    ).not.toThrow();
    expect(
      call([
        { name: 'churn-v0', weight: 50 },
        { name: 'churn-v1', weight: 50 },
      ]),
    ).not.toThrow();
    expect(
      call([
        { name: 'churn-v0', weight: 1 },
        { name: 'churn-v1', weight: 1, shadow: true },
      ]),
    ).not.toThrow();
    expect(call([])).not.toThrow();
    // The endpoint serves only this package (a re-run of its creation): nothing to refuse.
    expect(call([{ name: 'churn-v1', weight: 1 }])).not.toThrow();
  });
});
