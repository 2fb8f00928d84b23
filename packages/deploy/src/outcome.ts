import type { DeploymentSection, DeployedVariant } from './definition.js';

/** What a backend did, for the step to report and record. */
export interface DeployOutcome {
  ok: boolean;
  headline: string;
  section: DeploymentSection;
  /** Extra rows of the job summary (name → value). */
  rows: [string, string][];
  /** Dry run: every request that would be made, in order. */
  requests?: { call: string; request: unknown }[];
  /** Links for the job summary. */
  links?: { title: string; url: string }[];
  notes?: string[];
}

/** `weight` of `variant` in a list of variants (0 when absent). */
export function weightOf(
  variants: readonly { name: string; weight: number }[],
  name: string | undefined,
): number {
  return variants.find((v) => v.name === name)?.weight ?? 0;
}

/** Weights as percentages of their total (a lone variant is 100). */
export function percentages<T extends { weight: number }>(variants: readonly T[]): number[] {
  const total = variants.reduce((s, v) => s + v.weight, 0);
  return variants.map((v) => (total > 0 ? Math.round((v.weight / total) * 1000) / 10 : 0));
}

export type { DeployedVariant };
