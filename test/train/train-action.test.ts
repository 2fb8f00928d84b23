/**
 * The committed train bundle, run the way the runner runs it: Node 24, INPUT_* variables, the
 * GITHUB_* file commands, SIGINT on cancel, and the `post:` entry with the saved state.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runActionBundle, runPostStep } from '../support/action-runner.js';
import { startMoto, type Moto } from '../support/moto.js';
import { REPO_ROOT } from '../support/tools.js';
import { isAlive, until } from '../lib/process.js';
import { sageMakerTrainBlock } from '../lib/aws.js';

// The action folder, as `uses: owner/modelship/actions/train@v1` names it: the runner reads its
// action.yml and runs `runs.main` / `runs.post` (which point into the one build, dist/).
const MAIN = 'actions/train';
const POST = 'actions/train';
/** The job names the runner's GITHUB_SHA / GITHUB_RUN_ID / GITHUB_RUN_ATTEMPT give, with the request digest. */
const JOB = /^churn-a3f1c2d-4242424242-1-[0-9a-f]{8}$/;
const NODE = process.execPath;

let ws: string;
let data: string;
beforeAll(async () => {
  for (const f of ['dist/train/index.js', 'dist/train/post.js']) {
    if (!existsSync(join(REPO_ROOT, f)))
      throw new Error(`${f} is missing: build the bundles with \`npm run bundle\``);
  }
  data = await mkdtemp(join(tmpdir(), 'modelship-train-data-'));
  execFileSync(NODE, [join(REPO_ROOT, 'examples', 'churn', 'generate.mjs'), '--out', data, '--rows', '2000']);
});
afterAll(async () => {
  if (data) await rm(data, { recursive: true, force: true });
});

async function workspace(yaml: string): Promise<string> {
  ws = await mkdtemp(join(tmpdir(), 'modelship-train-action-'));
  await writeFile(join(ws, 'modelship.yml'), yaml);
  return ws;
}

const list = (items: string[]) => `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;

function localYaml(entrypoint: string[]): string {
  return `model: churn
backend: local
train:
  entrypoint: ${list(entrypoint)}
  channels: { train: ${join(data, 'train.csv')}, validation: ${join(data, 'validation.csv')} }
  metrics: [{ name: auc, regex: "validation:auc=([0-9.]+)" }]
`;
}

describe('train bundle, local backend', () => {
  it('trains and sets outputs, summary, state and manifest', async () => {
    const cwd = await workspace(localYaml([NODE, join(REPO_ROOT, 'examples', 'churn', 'train.mjs')]));
    try {
      const run = await runActionBundle(MAIN, { cwd });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const job = run.outputs['job-name']!;
      expect(job).toMatch(JOB);
      expect(run.outputs.status).toBe('Completed');
      expect(JSON.parse(run.outputs.metrics!).auc).toBeGreaterThan(0.7);
      const file = fileURLToPath(run.outputs['model-artifact']!);
      expect(run.outputs['model-sha256']).toBe(
        createHash('sha256')
          .update(await readFile(file))
          .digest('hex'),
      );
      expect(
        run.commands.some((c) => c.command === 'group' && c.message === `local training job ${job}`),
      ).toBe(true);
      expect(run.summary).toContain(`### Train: \`${job}\``);
      expect(run.state).toMatchObject({ 'job-name': job, 'job-backend': 'local', 'job-settled': 'finished' });
      const manifest = JSON.parse(await readFile(join(cwd, '.modelship', 'manifest.json'), 'utf8'));
      expect(manifest.training.modelSha256).toBe(run.outputs['model-sha256']);

      const post = await runPostStep(POST, run.state, { cwd });
      expect(post.code).toBe(0);
      expect(post.stdout).toContain('nothing to stop');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('a config error is one ::error:: line and exit 1', async () => {
    const cwd = await workspace(
      'model: churn\nbackend: sagemaker\ntrain:\n  max-runtime-minutes: 10\n  tags: { project: p, environment: e }\n',
    );
    try {
      const run = await runActionBundle(MAIN, { cwd });
      expect(run.code).toBe(1);
      const errors = run.commands.filter((c) => c.command === 'error').map((c) => c.message);
      expect(errors).toEqual([
        'modelship.yml: train.tags.owner: tag is required (cost guardrail: project, owner, environment)',
      ]);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('SIGINT kills the training process tree and the step reports a cancellation', async () => {
    const cwd = await workspace('');
    const hang = join(cwd, 'hang.mjs');
    await writeFile(
      hang,
      `import { spawn } from 'node:child_process';
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log('grandchild ' + child.pid);
setInterval(() => {}, 1000);
`,
    );
    await writeFile(join(cwd, 'modelship.yml'), localYaml([NODE, hang]));
    try {
      const run = await runActionBundle(MAIN, { cwd, signal: 'SIGINT', signalAfterMs: 2_500 });
      expect(run.code).toBe(1);
      expect(run.outputs.status).toBe('Stopped');
      expect(run.state['job-name']).toMatch(JOB);
      expect(run.commands.find((c) => c.command === 'error')?.message).toBe(
        `cancelled: stopped training job ${run.state['job-name']} (Stopped)`,
      );
      const grandchild = Number(/grandchild (\d+)/.exec(run.stdout)?.[1]);
      expect(grandchild).toBeGreaterThan(0);
      await until(() => !isAlive(grandchild));
      expect(run.state['job-settled']).toBe('stopped');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('post stops a local job the main step could not settle (killed)', async () => {
    const JOB = 'churn-a3f1c2d-4242424242-1-0123abcd';
    const cwd = await workspace(localYaml([NODE, 'x.mjs']));
    const proc = spawn(NODE, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
    proc.unref();
    const root = join(cwd, '.modelship', 'training');
    await mkdir(join(root, JOB), { recursive: true });
    const record = {
      backend: 'local',
      jobName: JOB,
      status: 'InProgress',
      pid: proc.pid,
      metrics: {},
      transitions: [],
    };
    await writeFile(
      join(root, JOB, 'job.json'),
      JSON.stringify({ ...record, lastLines: [], hyperparameters: {}, channels: {} }),
    );
    try {
      const post = await runPostStep(
        POST,
        { 'job-name': JOB, 'job-backend': 'local', 'job-root': root },
        { cwd },
      );
      expect(post.code).toBe(0);
      expect(post.commands.some((c) => c.command === 'warning' && c.message.includes('stopped it'))).toBe(
        true,
      );
      await until(() => !isAlive(proc.pid!));
    } finally {
      if (isAlive(proc.pid!)) process.kill(proc.pid!, 'SIGKILL');
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

describe('train bundle, SageMaker backend (moto)', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());

  it('creates the job, reads the artefact back, and re-runs attach', async () => {
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-ml' }));
    const cwd = await workspace(
      `model: churn\nbackend: sagemaker\n${sageMakerTrainBlock('{ train: s3://acme-ml/churn/train/ }')}`,
    );
    try {
      // the dry run names the job the real run starts: put the model moto will report for it
      const dry = await runActionBundle(MAIN, { cwd, env: moto.env, inputs: { 'dry-run': 'true' } });
      const JOB = dry.outputs['job-name']!;
      expect(JOB).toMatch(/^churn-a3f1c2d-4242424242-1-[0-9a-f]{8}$/);
      const body = Buffer.from('a model');
      await s3.send(
        new PutObjectCommand({
          Bucket: 'acme-ml',
          Key: `churn/models/${JOB}/output/model.tar.gz`,
          Body: body,
        }),
      );
      const run = await runActionBundle(MAIN, { cwd, env: moto.env });
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({
        'job-name': JOB,
        status: 'Completed',
        'model-artifact': `s3://acme-ml/churn/models/${JOB}/output/model.tar.gz`,
        'model-sha256': createHash('sha256').update(body).digest('hex'),
      });
      expect(run.state['job-name']).toBe(JOB);
      const again = await runActionBundle(MAIN, { cwd, env: moto.env });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('already exists (Completed): attaching to it');
      expect(again.state['job-name']).toBeUndefined();
      const post = await runPostStep(POST, run.state, { cwd, env: moto.env });
      expect(post.code).toBe(0);
      expect(post.stdout).toContain('nothing to stop');
    } finally {
      s3.destroy();
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
