// Test helpers for deploy-canary: churn models of train.mjs's format, packed and put into a local
// registry laid out as the register step writes it (<root>/<group>/versions/<n>.json, the artefact
// under <root>/<group>/artifacts/), and a workspace whose modelship.yml deploys them.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packDir, stopEndpoint, stopUnreadableEndpoint } from '@modelship/local';
import { afterEach } from '@jest/globals';
import { findStep } from '@modelship/catalog';
import { runStep, tempDir, type StepRun } from './step.js';

const FEATURES = [
  'tenure_months',
  'monthly_charges',
  'total_charges',
  'support_calls',
  'senior',
  'contract=month-to-month',
  'contract=one-year',
  'contract=two-year',
  'payment_method=electronic-check',
  'payment_method=mailed-check',
  'payment_method=bank-transfer',
  'payment_method=credit-card',
  'internet_service=fiber',
  'internet_service=dsl',
  'internet_service=none',
];

/** A model.json as train.mjs writes it; `bias` tells two versions apart by their scores. */
export function churnModel(bias: number): object {
  return {
    kind: 'logistic-regression',
    label: 'churned',
    features: FEATURES,
    scaling: {
      tenure_months: { mean: 30, sd: 20 },
      monthly_charges: { mean: 65, sd: 30 },
      total_charges: { mean: 2000, sd: 1800 },
      support_calls: { mean: 2, sd: 1.5 },
    },
    weights: [-0.9, 0.4, -0.2, 0.6, 0.2, 0.8, -0.1, -0.7, 0.5, 0, -0.2, -0.3, 0.4, 0, -0.4],
    bias,
  };
}

/**
 * Register `model` as version `version` of `group` in the local registry at `root`: model.tar.gz
 * packed and stored by content (with `files` beside model.json), and the package document.
 * Returns the package's ARN.
 */
export async function registerLocal(
  root: string,
  group: string,
  version: number,
  model: object,
  files: Record<string, Buffer> = {},
): Promise<string> {
  const src = tempDir('modelship-model-');
  writeFileSync(join(src, 'model.json'), JSON.stringify(model));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(src, name), data);
  const art = join(root, group, 'artifacts');
  mkdirSync(art, { recursive: true });
  mkdirSync(join(root, group, 'versions'), { recursive: true });
  const tmp = join(tempDir('modelship-tar-'), 'model.tar.gz');
  const packed = await packDir(src, tmp);
  copyFileSync(tmp, join(art, `${packed.sha256}.tar.gz`));
  const arn = `model-package/${group}/${version}`;
  writeFileSync(
    join(root, group, 'versions', `${version}.json`),
    JSON.stringify(
      {
        ModelPackageGroupName: group,
        ModelPackageVersion: version,
        ModelPackageArn: arn,
        ModelApprovalStatus: 'Approved',
        CreationTime: new Date().toISOString(),
        InferenceSpecification: {
          Containers: [{ Image: 'local', ModelDataUrl: `${group}/artifacts/${packed.sha256}.tar.gz` }],
        },
        CustomerMetadataProperties: {},
      },
      null,
      2,
    ),
  );
  return arn;
}

/** A workspace with the churn serving scripts and contract, and a modelship.yml with `deploy`. */
export function deployWorkspace(deploy: string, extra = ''): string {
  const dir = tempDir('modelship-deploy-');
  const ex = join(process.cwd(), 'examples/churn');
  for (const f of ['serve.mjs', 'serve.py']) copyFileSync(join(ex, f), join(dir, f));
  mkdirSync(join(dir, 'contract'));
  for (const f of ['request.schema.json', 'response.schema.json', 'smoke-requests.jsonl'])
    copyFileSync(join(ex, 'contract', f), join(dir, 'contract', f));
  writeFileSync(join(dir, 'modelship.yml'), `model: churn\nbackend: local\n${extra}deploy:\n${deploy}`);
  return dir;
}

/** A request for the churn model. */
export const CHURN_REQUEST = JSON.stringify({
  tenure_months: 5,
  monthly_charges: 80,
  total_charges: 400,
  contract: 'month-to-month',
  payment_method: 'electronic-check',
  internet_service: 'fiber',
  support_calls: 3,
  senior: false,
});

/** The committed CLI bundle. */
export const CLI = join(process.cwd(), 'dist/cli/index.js');

/** A bare environment for the processes a test starts. */
export const BARE_ENV = { PATH: process.env.PATH, HOME: process.env.HOME };

/** Poll `check` every `every` ms until it gives a truthy value, which is returned; fail after `ms`. */
export async function until<T>(check: () => T | undefined | false, ms = 30_000, every = 20): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, every));
  }
}

/** A CLI process a test started, with what it printed so far. */
export interface StartedCli {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
  stdout: () => string;
}

/** The committed CLI started in `dir` (not waited for); it is pushed on `children` for cleanup. */
export function startCli(dir: string, args: string[], children: ChildProcess[]): StartedCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: BARE_ENV });
  children.push(child);
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, exited, stderr: () => stderr, stdout: () => stdout };
}

/** The pid file of a variant of the local endpoint `churn` in workspace `dir`. */
export const pidFile = (dir: string, variant: string) =>
  join(dir, '.modelship/endpoints/churn/variants', variant, 'serve.pid');

/** After a test: kill the CLI processes it started that still run, stop the endpoint `churn` of its workspaces. */
export async function cleanUp(workspaces: string[], children: ChildProcess[]): Promise<void> {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const dir of workspaces.splice(0)) {
    const root = join(dir, '.modelship/endpoints');
    // A test that left an unreadable state.json behind still leaves no process.
    await stopEndpoint(root, 'churn', 2_000).catch(() => stopUnreadableEndpoint(root, 'churn', 2_000));
  }
}

/**
 * What a deploy-canary test file needs, cleaned up after each test: `deploy` runs the step
 * in-process in a workspace, `startCli` the committed CLI (killed if it still runs), and the
 * workspaces pushed on `started` have their endpoint `churn` stopped.
 */
export function deployHarness() {
  const step = findStep('deploy-canary')!;
  const started: string[] = [];
  const children: ChildProcess[] = [];
  afterEach(() => cleanUp(started, children));
  return {
    step,
    started,
    deploy: (dir: string, inputs: Record<string, string>): Promise<StepRun> =>
      runStep(step, inputs, { cwd: dir, env: BARE_ENV }),
    startCli: (dir: string, args: string[]): StartedCli => startCli(dir, args, children),
  };
}
