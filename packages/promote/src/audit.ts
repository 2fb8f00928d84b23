// The decision audit on disk, and replay: recompute every look of a recorded canary from its
// datapoints with the same judge and policy, and say whether the decision comes out the same.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '@modelship/core';
import {
  alphaEach,
  dryRunDecision,
  judgeLook,
  nextAction,
  stepVerdict,
  type DecisionAudit,
} from './canary.js';
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
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES')
      throw new ConfigError(
        code === 'ENOENT'
          ? 'does not exist'
          : code === 'EISDIR'
            ? 'is a folder, not a file'
            : 'cannot be read',
        `replay file ${shown}`,
        { hint: 'give the decision audit a promote-on-metrics run wrote (its `report` output)' },
      );
    throw err;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      `is not JSON (${(err as Error).message.replace(/\s+/g, ' ')})`,
      `replay file ${shown}`,
      {
        hint: 'give the decision audit a promote-on-metrics run wrote (its `report` output)',
      },
    );
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
      const got = [...j.verdicts, ...(j.divergence ?? [])];
      const had = [...look.verdicts, ...(look.divergence ?? [])];
      const brief = (vs: typeof got) => vs.map((v) => `${v.metric}=${v.status}`).join(', ');
      if (brief(got) !== brief(had))
        mismatches.push(`${where}: verdicts ${brief(got)}, recorded ${brief(had)}`);
      else
        // Every number of every verdict (estimate, interval, boundary, p-value, n), recomputed
        // from the series, must be the recorded one: an edited datapoint or verdict is found.
        got.forEach((v, n) => {
          const a = JSON.stringify(v);
          const b = JSON.stringify(had[n]);
          if (a !== b) mismatches.push(`${where}: ${v.metric}: recomputed ${a}, recorded ${b}`);
        });
      if (next.action !== look.action.action)
        mismatches.push(`${where}: action ${next.action}, recorded ${look.action.action}`);
      if (k === step.looks.length - 1 && step.verdict !== 'cancelled' && next.action !== 'wait') {
        const v = stepVerdict(next, j.decision);
        if (v !== step.verdict) mismatches.push(`step ${i + 1}: verdict ${v}, recorded ${step.verdict}`);
        // A dry run stops at its first decision and changes nothing; it reports the one it would take.
        if (audit.dryRun) {
          decision = dryRunDecision(next);
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
      // A cancel's outcome is what it could undo (see runCanary), not a judgement of the data.
      decision = audit.decision === 'held' ? 'held' : 'inconclusive';
      reason = audit.reason || 'cancelled mid-bake';
    }
  });
  if (decision === undefined) {
    decision = 'inconclusive';
    reason = 'the audit records no decision (the run ended before one)';
  }
  if (decision !== audit.decision) mismatches.push(`decision ${decision}, recorded ${audit.decision}`);
  // The weights the record ends with follow from the decision.
  const w = audit.finalWeights ?? {};
  const expect =
    audit.dryRun || decision === 'held' || audit.cancelled
      ? undefined
      : decision === 'promoted'
        ? { [audit.challenger.name]: 100 }
        : { [audit.champion.name]: 100 };
  if (expect && JSON.stringify(w) !== JSON.stringify(expect))
    mismatches.push(
      `final weights ${JSON.stringify(w)} do not follow from ${decision} (${JSON.stringify(expect)})`,
    );
  return { decision, reason, mismatches, looks };
}
