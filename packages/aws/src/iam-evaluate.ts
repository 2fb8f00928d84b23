// A small evaluator of modelship's own policies (Allow statements with StringEquals / StringLike
// conditions): is one authorisation allowed? Enough for the least-privilege check, which asks
// it of every call the steps make in the tests; not a general IAM policy engine (no Deny, no
// NotAction, no other condition operators — modelship's policies use none).
import type { Authorization } from './iam-requests.js';
import type { PolicyDocument, PolicyStatement } from './iam.js';

/** IAM's wildcard match: `*` any run of characters, `?` one character; case-sensitive. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'is' : 's').test(value);
}

function conditionHolds(cond: PolicyStatement['Condition'], context: Record<string, string>): boolean {
  for (const [op, keys] of Object.entries(cond ?? {})) {
    for (const [key, want] of Object.entries(keys)) {
      const have = context[key];
      if (have === undefined) return false;
      const wants = Array.isArray(want) ? want : [want];
      const ok =
        op === 'StringEquals'
          ? wants.includes(have)
          : op === 'StringLike'
            ? wants.some((w) => wildcardMatch(w, have))
            : false;
      if (!ok) return false;
    }
  }
  return true;
}

/**
 * The statement of `doc` that allows `auth`, or undefined: its action matches one of the
 * statement's (IAM actions match case-insensitively, with wildcards), its resource one of the
 * statement's resource patterns (case-sensitively), and every condition holds on its context
 * (a key the request does not carry fails the condition).
 */
export function allowingStatement(doc: PolicyDocument, auth: Authorization): PolicyStatement | undefined {
  return doc.Statement.find(
    (st) =>
      st.Effect === 'Allow' &&
      st.Action.some((a) => wildcardMatch(a, auth.action, true)) &&
      st.Resource.some((r) => wildcardMatch(r, auth.resource)) &&
      conditionHolds(st.Condition, auth.context ?? {}),
  );
}
