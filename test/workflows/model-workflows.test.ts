/**
 * End to end: the reusable workflows model-pr.yml and model-release.yml, called the way a user's
 * repository calls them (`uses: modelship-dev/modelship/.github/workflows/…@v1`), run under act
 * on the churn example with the local backend and the committed action bundles under Node 24.
 *
 * - model-pr.yml: validate-data → train → evaluate-gate; the candidate artifact holds the manifest
 *   with the gate's verdict and the trained model.
 * - model-release.yml, first release: train → gate (no champion) → register (pending) → approve
 *   (the environment's approval is simulated: act does not wait for reviewers) → deploy-canary
 *   (a first deploy: the package serves alone, promote-on-metrics is skipped).
 * - model-release.yml, second release with other hyperparameters: gated against the first as
 *   champion, registered, approved, deployed as a canary beside it and promoted on live metrics
 *   while a job of the caller sends traffic through the endpoint's router.
 *
 * Each act job runs in a working directory of its own that act deletes when the job ends, as a
 * hosted runner's is. The registry (`registry.path`) and the endpoint's folder (a symlink committed in the test
 * repository) are outside them, so that the state one run leaves is the next one's champion and
 * the test can read and stop the endpoint. afterAll stops
 * the endpoint and checks that no process of it is left.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readEndpointState, stopEndpoint, treeAlive } from '@modelship/local';
import { LocalRegistry } from '@modelship/registry';
import {
  cleanupAct,
  commitAll,
  explainRun,
  makeRepoCopy,
  readOutFile,
  runAct,
  writeFiles,
  type ActRun,
} from '../support/act.js';
import { fastPromote } from '../lib/promote.js';
import { CHURN_DATA, CHURN_GATE, prCaller, releaseCaller } from '../lib/workflows.js';

const ACT_TIMEOUT_MS = 240_000;
const CONFIG = 'examples/churn/release.yml';
const CHECKOUT = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0';

/** The caller's config: the churn example with a registry outside the job and a fast promote plan. */
function releaseConfig(registry: string): string {
  return `model: churn
backend: local
${CHURN_DATA}train:
  entrypoint: [node, train.mjs]
  channels: { train: data/train.csv, validation: data/validation.csv }
  hyperparameters: { c: 1.0, max_iter: 300 }
  metrics:
    - { name: auc, regex: 'validation:auc=([0-9.]+)' }
    - { name: accuracy, regex: 'validation:accuracy=([0-9.]+)' }
evaluate:
  entrypoint: [node, evaluate.mjs]
${CHURN_GATE}registry:
  path: ${registry}
deploy:
  serve: [node, serve.mjs]
  canary-percent: 20
  contract: { request: contract/request.schema.json, response: contract/response.schema.json }
  smoke-requests: contract/smoke-requests.jsonl
${fastPromote({ steps: [50], latency: '50%' })}`;
}

const releaseInputs = (extra: string): string => `      backend: local
      approval-environment: e2e-approval
      deploy-environment: e2e${extra}`;

const release = (name: string, extra: string, traffic: boolean): string =>
  releaseCaller({
    name,
    config: CONFIG,
    inputs: releaseInputs(extra),
    jobs: traffic
      ? `  # Live traffic while the canary bakes: waits for the challenger beside the champion, then sends
  # requests through the router (the endpoint's folder is outside the jobs' working directories).
  traffic:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - run: |
          deadline=$((SECONDS + 120))
          until node dist/cli/index.js endpoint status churn --dir "$MODELSHIP_TEST_ENDPOINTS" --json |
            node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.exit(JSON.parse(s || "{}").variants?.length >= 2 ? 0 : 1))'; do
            if [ "$SECONDS" -gt "$deadline" ]; then echo "no canary came"; exit 0; fi
            sleep 0.5
          done
          node dist/cli/index.js traffic --endpoint churn --dir "$MODELSHIP_TEST_ENDPOINTS" \\
            --requests examples/churn/contract/smoke-requests.jsonl --rate 100 --duration 50
`
      : '',
  });

const PR_CALLER = prCaller({ config: CONFIG, inputs: '      backend: local' });

const explain = (run: ActRun): string => explainRun(run);

// On the local backend train records the model as a file:// URL of the train job's working
// directory; act gives each job a directory of its own, so the later jobs find the model under their
// own .modelship/training/ (downloaded with the artifact), checked by its sha256.
describe('reusable workflows model-pr.yml and model-release.yml under act (local backend)', () => {
  let repo: string;
  let state: string;
  let registryDir: string;
  let endpointsDir: string;
  const runs: ActRun[] = [];
  const pids = new Set<number>();

  const act = async (workflow: string): Promise<ActRun> => {
    const run = await runAct({
      repoDir: repo,
      workflow,
      timeoutMs: ACT_TIMEOUT_MS,
      env: { MODELSHIP_TEST_ENDPOINTS: endpointsDir },
    });
    runs.push(run);
    const s = await readEndpointState(endpointsDir, 'churn');
    for (const pid of [s?.router.pid, ...(s?.variants.map((v) => v.pid) ?? [])]) if (pid) pids.add(pid);
    return run;
  };

  beforeAll(() => {
    state = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-wf-state-'));
    registryDir = path.join(state, 'registry');
    endpointsDir = path.join(state, 'endpoints');
    for (const d of [registryDir, endpointsDir]) fs.mkdirSync(d);
    repo = makeRepoCopy();
    const gen = spawnSync(process.execPath, ['examples/churn/generate.mjs'], { cwd: repo, encoding: 'utf8' });
    if (gen.status !== 0) throw new Error(`generate.mjs failed:\n${gen.stderr}`);
    writeFiles(repo, {
      [CONFIG]: releaseConfig(registryDir),
      '.github/workflows/pr.yml': PR_CALLER,
      '.github/workflows/release-first.yml': release('first release', '', false),
      '.github/workflows/release-canary.yml': release(
        'canary release',
        `\n      hyperparameters: '{"c": 0.3}'`,
        true,
      ),
    });
    fs.mkdirSync(path.join(repo, '.modelship'), { recursive: true });
    fs.symlinkSync(endpointsDir, path.join(repo, '.modelship/endpoints'));
    commitAll(repo, 'churn data, config and callers');
  });

  afterAll(async () => {
    await stopEndpoint(endpointsDir, 'churn', 2_000).catch(() => undefined);
    const left = [...pids].filter((pid) => treeAlive(pid));
    cleanupAct(...runs, repo, state);
    expect(left).toEqual([]);
  }, 30_000);

  describe('model-pr.yml', () => {
    let run: ActRun;
    beforeAll(async () => {
      run = await act('.github/workflows/pr.yml');
    }, ACT_TIMEOUT_MS + 10_000);

    it('passes the gate and hands its verdict and the artifact name to the caller', () => {
      if (run.code !== 0) throw new Error(explain(run));
      const out = readOutFile(run, 'pr.txt');
      expect(out).toMatchObject({
        result: 'success',
        passed: 'true',
        champion: '',
        'manifest-artifact': 'churn-candidate',
      });
      expect(out.verdict).not.toBe('');
      expect(out['train-model-artifact']).toMatch(/model\.tar\.gz$/);
    });

    it('uploads the candidate: the manifest with the verdict, the reports and the trained model', () => {
      const artifact = path.join(run.artifactsDir, 'churn-candidate');
      const manifest = JSON.parse(fs.readFileSync(path.join(artifact, 'manifest.json'), 'utf8'));
      expect(Object.keys(manifest)).toEqual(expect.arrayContaining(['data', 'training', 'evaluation']));
      expect(manifest.evaluation.passed).toBe(true);
      expect(fs.existsSync(path.join(artifact, 'validate-data', 'report.json'))).toBe(true);
      expect(fs.existsSync(path.join(artifact, 'evaluate-gate', 'verdict.json'))).toBe(true);
      // the stages before it: the data check, then the trained model
      expect(fs.readdirSync(run.artifactsDir).sort()).toEqual([
        'churn-candidate',
        'churn-candidate-data',
        'churn-candidate-trained',
      ]);
    });
  });

  describe('model-release.yml, first release', () => {
    let run: ActRun;
    beforeAll(async () => {
      run = await act('.github/workflows/release-first.yml');
    }, ACT_TIMEOUT_MS + 10_000);

    it('registers, approves and deploys the first package alone (nothing to promote)', () => {
      if (run.code !== 0) throw new Error(explain(run));
      expect(readOutFile(run, 'release.txt')).toMatchObject({
        result: 'success',
        'gate-passed': 'true',
        'model-package-arn': 'model-package/churn/1',
        'model-version': '1',
        'approval-status': 'Approved',
        'endpoint-name': 'churn',
        status: 'created',
        decision: '',
        'manifest-artifact': 'modelship-release',
      });
    });

    it('records the approver and the run in the registry', async () => {
      const [pkg] = await new LocalRegistry(registryDir).list('churn');
      expect(pkg).toMatchObject({ ModelPackageVersion: 1, ModelApprovalStatus: 'Approved' });
      const full = await new LocalRegistry(registryDir).describe('model-package/churn/1');
      expect(full.ApprovalDescription).toMatch(/^approved by nektos\/act from .*actions\/runs\//);
      expect(full.ApprovalDescription).toContain('the GitHub environment e2e-approval');
    });

    it('leaves the endpoint serving it', async () => {
      const s = await readEndpointState(endpointsDir, 'churn');
      expect(s?.variants.map((v) => [v.modelPackageArn, v.weight])).toEqual([['model-package/churn/1', 100]]);
      expect(treeAlive(s!.router.pid)).toBe(true);
    });
  });

  describe('model-release.yml, a second release as a canary under traffic', () => {
    let run: ActRun;
    beforeAll(async () => {
      run = await act('.github/workflows/release-canary.yml');
    }, ACT_TIMEOUT_MS + 10_000);

    it('gates against the champion, deploys a canary and promotes it on live metrics', () => {
      if (run.code !== 0) throw new Error(explain(run));
      expect(readOutFile(run, 'release.txt')).toMatchObject({
        result: 'success',
        'gate-passed': 'true',
        'model-package-arn': 'model-package/churn/2',
        'approval-status': 'Approved',
        status: 'deployed',
        decision: 'promoted',
      });
    });

    it('leaves version 2 approved and the endpoint serving it alone', async () => {
      const packages = await new LocalRegistry(registryDir).list('churn');
      expect(packages.map((p) => [p.ModelPackageVersion, p.ModelApprovalStatus])).toEqual([
        [2, 'Approved'],
        [1, 'Approved'],
      ]);
      const s = await readEndpointState(endpointsDir, 'churn');
      const serving = s!.variants.filter((v) => v.weight > 0).map((v) => v.modelPackageArn);
      expect(serving).toEqual(['model-package/churn/2']);
    });

    it('uploads the decision audit with the release', () => {
      const artifact = path.join(run.artifactsDir, 'modelship-release');
      const manifest = JSON.parse(fs.readFileSync(path.join(artifact, 'manifest.json'), 'utf8'));
      expect(JSON.stringify(manifest)).toContain('promoted');
    });
  });
});
