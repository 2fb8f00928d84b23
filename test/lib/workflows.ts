// The callers of the reusable workflows model-pr.yml and model-release.yml in the act tests
// (test/workflows/model-workflows*.test.ts): a user's workflow calling them, plus a `record` job
// writing the called workflow's outputs to `$MODELSHIP_TEST_OUT` (read with readOutFile).

/** The `data:` block of the churn example's config (paths relative to examples/churn). */
export const CHURN_DATA = `data:
  path: data/current.csv
  schema: churn.schema.json
  baseline: baseline-profile.json
  fail-on: error
  drift:
    features:
      customer_id: { ignore: true }
      monthly_charges: { method: psi, threshold: 0.2 }
`;

/** The `gate:` block: against the registry's champion, an AUC floor and regression bound, an accuracy floor. */
export const CHURN_GATE = `gate:
  baseline: registry
  checks:
    - { metric: roc_auc, min: 0.75, max-regression: 0.02 }
    - { metric: accuracy, min: 0.7 }
`;

/** A job writing `name=value` lines, one per output of `needs.<job>`, to `$MODELSHIP_TEST_OUT/<file>`. */
function recordJob(job: string, file: string, outputs: Record<string, string>): string {
  const entries = Object.entries(outputs);
  const variable = (name: string) => name.toUpperCase().replace(/-/g, '_');
  return `  record:
    needs: ${job}
    runs-on: ubuntu-latest
    steps:
      - run: |
          {
            echo "result=$RESULT"
${entries.map(([name]) => `            echo "${name}=$${variable(name)}"`).join('\n')}
          } >> "$MODELSHIP_TEST_OUT/${file}"
        env:
          RESULT: \${{ needs.${job}.result }}
${entries.map(([name, output]) => `          ${variable(name)}: \${{ needs.${job}.outputs.${output} }}`).join('\n')}
`;
}

/**
 * A caller of model-release.yml (job `release`) with the churn config `config`; `inputs` are more
 * `with:` lines (indented six spaces), `jobs` more jobs. Its record job writes release.txt:
 * result, gate-passed, model-package-arn, model-version, approval-status, champion-arn,
 * endpoint-name, status, decision, final-weights, manifest-artifact.
 */
export function releaseCaller(o: { name: string; config: string; inputs: string; jobs?: string }): string {
  return `name: ${o.name}
on: workflow_dispatch
permissions: {}
jobs:
  release:
    permissions:
      contents: read
      actions: read
      id-token: write
    uses: modelship-dev/modelship/.github/workflows/model-release.yml@v1
    with:
      config: ${o.config}
${o.inputs}
${recordJob('release', 'release.txt', {
  'gate-passed': 'gate-passed',
  'model-package-arn': 'model-package-arn',
  'model-version': 'model-version',
  'approval-status': 'approved-approval-status',
  'champion-arn': 'approved-champion-arn',
  'endpoint-name': 'endpoint-name',
  status: 'status',
  decision: 'decision',
  'final-weights': 'final-weights',
  'manifest-artifact': 'manifest-artifact',
})}${o.jobs ?? ''}`;
}

/**
 * A caller of model-pr.yml (job `model`) on the churn example's current data, artifact
 * `churn-candidate`; `inputs` are more `with:` lines. Its record job writes pr.txt: result,
 * passed, verdict, report, champion, train-job-name, train-model-artifact, manifest-artifact.
 */
export function prCaller(o: { config: string; inputs: string }): string {
  return `name: model pr
on: workflow_dispatch
permissions: {}
jobs:
  model:
    permissions:
      contents: read
      id-token: write
      pull-requests: write
    uses: modelship-dev/modelship/.github/workflows/model-pr.yml@v1
    with:
      config: ${o.config}
      data: examples/churn/data/current.csv
${o.inputs}
      artifact-name: churn-candidate
${recordJob('model', 'pr.txt', {
  passed: 'passed',
  verdict: 'verdict',
  report: 'report',
  champion: 'champion',
  'train-job-name': 'train-job-name',
  'train-model-artifact': 'train-model-artifact',
  'manifest-artifact': 'manifest-artifact',
})}`;
}
