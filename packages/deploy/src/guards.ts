// Guards shared by both backends: what deploy-canary refuses before it changes an endpoint.
import { ConfigError } from '@modelship/core';

/**
 * Refuse to put up as challenger the package the endpoint already serves as its champion: the
 * variant of that package carries more weight than every other production variant. (A re-run of a
 * canary, the challenger at its small weight, is not refused; nor a 50/50 split; nor an endpoint
 * that serves only this package, where a re-run changes nothing.)
 * @throws ConfigError naming the endpoint, with a hint.
 */
export function refuseServedChampion(
  variants: readonly { name: string; weight: number; shadow?: boolean }[],
  challenger: string,
  arn: string,
  where: string,
): void {
  const production = variants.filter((v) => !v.shadow);
  const mine = production.find((v) => v.name === challenger);
  if (
    mine &&
    production.length > 1 &&
    mine.weight > 0 &&
    production.every((v) => v === mine || v.weight < mine.weight)
  )
    throw new ConfigError(
      `already serves ${arn} as its champion (variant ${challenger} at weight ${mine.weight}): there is nothing to canary`,
      where,
      { hint: 'deploy a newer registered package as the challenger' },
    );
}
