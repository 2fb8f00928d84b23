// The decision audit on disk, and replay: recompute every look of a recorded canary from its
// datapoints with the same judge and policy, and say whether the decision comes out the same.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '@modelship/core';
import { alphaEach, judgeLook, nextAction, stepVerdict, type DecisionAudit } from './canary.js';
import type { Decision } from './definition.js';

/** Write the audit atomically (a temporary file renamed over the target). */
export async function writeAudit(file: string, audit: DecisionAudit): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(audit, null, 2) + '\n');
  await rename(tmp, file);
}

/**
 * Read a decision audit.
 * @throws ConfigError naming the file when it is missing, not JSON, or not a decision audit.
 */
export async function readAudit(file: string, shown: string): Promise<DecisionAudit> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT')
      throw new ConfigError('does not exist', `replay file ${shown}`, {
        hint: 'give the decision audit a promote-on-metrics run wrote (its `report` output)',
      });
    throw err;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`is not JSON (${(err as Error).message})`, `replay file ${shown}`);
  }
  const a = doc as Partial<DecisionAudit> | null;
  if (!a || typeof a !== 'object' || a.kind !== 'modelship.promote-audit')
    throw new ConfigError(
      'is not a promote-on-metrics decision audit (kind modelship.promote-audit)',
      `replay file ${shown}`,
    );
  if (a.schemaVersion !== 1)
    throw new ConfigError(
      `has schemaVersion ${String(a.schemaVersion)}; this version reads 1`,
      `replay file ${shown}`,
    );
  if (!Array.isArray(a.steps) || !a.settings || !Array.isArray(a.settings.metrics))
    throw new ConfigError('has no steps or settings: it is cut short or was edited', `replay file ${shown}`);
  return a as DecisionAudit;
}

export interface ReplayResult {
  decision: Decision;
  reason: string;
  /** Looks whose recomputed verdicts or action differ from the record (empty: the same). */
  mismatches: string[];
  looks: number;
}

/**
 * Recompute a recorded canary: every look judged again from its series with the recorded
 * settings, planned information and elapsed time, and the policy applied again. The decision is
 * the recomputed one; `mismatches` lists where it parts from the record.
 */
export function replay(audit: DecisionAudit): ReplayResult {
  const alpha = alphaEach(audit.settings);
  const mismatches: string[] = [];
  if (Math.abs(alpha - audit.alphaEach) > 1e-15)
    mismatches.push(`alpha per metric ${alpha} is not the recorded ${audit.alphaEach}`);
  let decision: Decision | undefined;
  let reason = '';
  let looks = 0;
  audit.steps.forEach((step, i) => {
    for (const [k, look] of step.looks.entries()) {
      looks++;
      const where = `step ${i + 1} look ${k + 1}`;
      const j = judgeLook(audit.settings, look.series, look.planned, look.elapsed, alpha, look.shadow);
      const next = nextAction(j.decision, look.elapsed, i, audit.settings);
      const got = [...j.verdicts, ...(j.divergence ?? [])].map((v) => `${v.metric}=${v.status}`).join(', ');
      const had = [...look.verdicts, ...(look.divergence ?? [])]
        .map((v) => `${v.metric}=${v.status}`)
        .join(', ');
      if (got !== had) mismatches.push(`${where}: verdicts ${got}, recorded ${had}`);
      if (next.action !== look.action.action)
        mismatches.push(`${where}: action ${next.action}, recorded ${look.action.action}`);
      if (k === step.looks.length - 1 && step.verdict !== 'cancelled' && next.action !== 'wait') {
        const v = stepVerdict(next, j.decision);
        if (v !== step.verdict) mismatches.push(`step ${i + 1}: verdict ${v}, recorded ${step.verdict}`);
        // A dry run stops at its first decision and changes nothing: held.
        if (audit.dryRun) {
          decision = 'held';
          reason = next.reason;
        } else if (next.action === 'promote') {
          decision = 'promoted';
          reason = next.reason;
        } else if (next.action === 'rollback' || next.action === 'hold') {
          decision = next.decision;
          reason = next.reason;
        }
      }
    }
    if (step.verdict === 'cancelled') {
      decision = 'held';
      reason = 'cancelled mid-bake';
    }
  });
  if (decision === undefined) {
    decision = 'inconclusive';
    reason = 'the audit records no decision (the run ended before one)';
  }
  if (decision !== audit.decision) mismatches.push(`decision ${decision}, recorded ${audit.decision}`);
  return { decision, reason, mismatches, looks };
}
