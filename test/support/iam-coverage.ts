/**
 * The least-privilege check: every AWS call a step made in the tests (the call log, see
 * packages/aws/src/call-log.ts) must be allowed by that step's policy (packages/aws/src/iam.ts),
 * built from the config and inputs the step ran with. Run by the summary reporter after all
 * tests (`tsx test/support/iam-coverage.ts <log dir>`): prints one JSON object
 * `{ calls, perStep, findings }` and exits 0; the reporter fails the run on any finding.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allowingStatement,
  authorizationsFor,
  policyDocument,
  POLICY_STEPS,
  scopeFromConfig,
  type PolicyStep,
  type RecordedCall,
} from '@modelship/aws';

/** The account of ARNs a call's input does not carry (the policies are built for any account). */
const ACCOUNT = '123456789012';

/** One call the step's policy does not allow. */
export interface Finding {
  step: string;
  operation: string;
  action: string;
  resource: string;
  context?: Record<string, string>;
}

export interface CoverageReport {
  /** Distinct calls checked. */
  calls: number;
  /** Distinct (operation, IAM action, resource) per step. */
  perStep: Record<string, number>;
  findings: Finding[];
  /** One line per finding ({@link describeFinding}). */
  lines: string[];
}

/** Every call of a log directory (`*.jsonl`, one call a line). */
export function readCalls(dir: string): RecordedCall[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as RecordedCall),
    );
}

/** Check calls against their steps' policies. Findings are distinct and sorted. */
export function checkCalls(calls: readonly RecordedCall[]): CoverageReport {
  const findings = new Map<string, Finding>();
  const seen = new Map<string, Set<string>>();
  for (const call of calls) {
    const place = { partition: 'aws', region: call.region, account: ACCOUNT };
    const auths = authorizationsFor(call.service, call.operation, call.input, place);
    const known = (POLICY_STEPS as readonly string[]).includes(call.step);
    const doc = known
      ? policyDocument(
          [call.step as PolicyStep],
          scopeFromConfig(call.config, { inputs: call.inputs, region: call.region }),
        )
      : undefined;
    const set = seen.get(call.step) ?? new Set<string>();
    seen.set(call.step, set);
    for (const auth of auths) {
      set.add(`${call.operation} ${auth.action} ${auth.resource}`);
      if (doc && allowingStatement(doc, auth)) continue;
      const f: Finding = {
        step: call.step,
        operation: call.operation,
        action: auth.action,
        resource: auth.resource,
      };
      if (auth.context) f.context = auth.context;
      findings.set(JSON.stringify(f), f);
    }
  }
  const sorted = [...findings.values()].sort((a, b) =>
    `${a.step} ${a.action} ${a.resource}`.localeCompare(`${b.step} ${b.action} ${b.resource}`),
  );
  return {
    calls: new Set(calls.map((c) => JSON.stringify([c.step, c.service, c.operation, c.input]))).size,
    perStep: Object.fromEntries([...seen].map(([k, v]) => [k, v.size]).sort()),
    findings: sorted,
    lines: sorted.map(describeFinding),
  };
}

/** One line per finding, for the test log. */
export function describeFinding(f: Finding): string {
  const ctx = f.context
    ? ` with ${Object.entries(f.context)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`
    : '';
  return `${f.step}: ${f.operation} needs ${f.action} on ${f.resource}${ctx}, which its policy does not allow`;
}

if (process.argv[1] && /iam-coverage\.ts$/.test(process.argv[1])) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: iam-coverage.ts <call log directory>');
  process.stdout.write(`${JSON.stringify(checkCalls(readCalls(dir)))}\n`);
}
