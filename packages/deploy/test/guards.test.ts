import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@modelship/core';
import { refuseServedChampion, refuseUnapproved } from '../src/guards.js';

describe('refuseServedChampion (both backends)', () => {
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1';
  const call =
    (variants: { name: string; weight: number; shadow?: boolean }[], rerun = false) =>
    () =>
      refuseServedChampion(variants, 'churn-v1', arn, 'endpoint churn-prod', rerun, 'delete the endpoint');

  it("refuses the endpoint's sole production variant (its true champion), unless the run changes nothing", () => {
    expect(call([{ name: 'churn-v1', weight: 1 }])).toThrow(ConfigError);
    expect(
      call([
        { name: 'churn-v1', weight: 1 },
        { name: 'churn-v2', weight: 1, shadow: true },
      ]),
    ).toThrow(
      /already serves .*churn\/1 as its champion \(variant churn-v1, its sole production variant\): there is nothing to canary it against/,
    );
    // A re-run of its creation: the backend reports it unchanged.
    expect(call([{ name: 'churn-v1', weight: 1 }], true)).not.toThrow();
  });

  it('from a trial: re-weights a canary beside another production variant, at whatever weight it has', () => {
    // canary-percent 100 left the old champion at 0%: the canary is still a canary.
    expect(
      call([
        { name: 'churn-v0', weight: 0 },
        { name: 'churn-v1', weight: 100 },
      ]),
    ).not.toThrow();
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
  });
});

describe('refuseUnapproved (both backends)', () => {
  it.each([
    [
      'PendingManualApproval',
      `approve it first: modelship register --operation approve --model-package-arn model-package/churn/3`,
    ],
    // register refuses to approve a Rejected package: the hint names what does make one deployable.
    [
      'Rejected',
      'a rejected package stays rejected (register refuses to approve it): deploy an Approved package (modelship registry list shows them), or register a new candidate (retrain, or gate it on other data) and approve that',
    ],
  ])('from a trial: refuses a %s package, naming it, with a hint that would work', (status, hint) => {
    const arn = 'model-package/churn/3';
    let err: unknown;
    try {
      refuseUnapproved({ arn, status });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).line).toBe(
      `model package ${arn}: is ${status}, not Approved: only an Approved package is deployed (as SageMaker does)`,
    );
    expect((err as ConfigError).hint).toBe(hint);
    expect(() => refuseUnapproved({ arn, status: 'Approved' })).not.toThrow();
  });
});
