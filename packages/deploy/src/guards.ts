// Guards shared by both backends: what deploy-canary refuses before it changes an endpoint.
import { ConfigError } from '@modelship/core';

/**
 * Refuse to put up as challenger the package the endpoint serves as its true champion: its
 * variant is the endpoint's sole production variant, so there is nothing to canary it against.
 * A variant that is on the endpoint beside another production variant (a canary, at whatever
 * weight, even 100% after `canary-percent: 100`) is re-weighted, not refused; and a re-run that
 * changes nothing (`rerun`) is reported as unchanged by the backend, not refused.
 * `startAfresh` is the backend's way to take the endpoint down (the hint names it).
 * @throws ConfigError naming the endpoint, with a hint.
 */
export function refuseServedChampion(
  variants: readonly { name: string; weight: number; shadow?: boolean }[],
  challenger: string,
  arn: string,
  where: string,
  rerun: boolean,
  startAfresh: string,
): void {
  const production = variants.filter((v) => !v.shadow);
  if (rerun || production.length !== 1 || production[0]!.name !== challenger) return;
  throw new ConfigError(
    `already serves ${arn} as its champion (variant ${challenger}, its sole production variant): there is nothing to canary it against`,
    where,
    {
      hint: `deploy a newer registered package as the challenger; to serve this one another way, ${startAfresh} and deploy it again`,
    },
  );
}

/**
 * Refuse a model package that is not Approved: SageMaker deploys Approved packages only, and the
 * local backend holds to the same rule.
 * @throws ConfigError naming the package and its status, with what makes a package deployable:
 *   the command that approves a pending one; for a Rejected one (which register never approves),
 *   another package.
 */
export function refuseUnapproved(pkg: { arn: string; status?: string }): void {
  if (pkg.status === undefined || pkg.status === 'Approved') return;
  throw new ConfigError(
    `is ${pkg.status}, not Approved: only an Approved package is deployed (as SageMaker does)`,
    `model package ${pkg.arn}`,
    {
      hint:
        pkg.status === 'Rejected'
          ? 'a rejected package stays rejected (register refuses to approve it): deploy an Approved package (modelship registry list shows them), or register a new candidate (retrain, or gate it on other data) and approve that'
          : `approve it first: modelship register --operation approve --model-package-arn ${pkg.arn}`,
    },
  );
}
