/**
 * End to end on SageMaker: the reusable workflows model-pr.yml and model-release.yml, called the
 * way a user's repository calls them with `backend: sagemaker` and `aws-role-arn`, run under act
 * (steps on the host, the committed action bundles under Node 24) against moto in server mode.
 * The steps reach moto through AWS_ENDPOINT_URL only: act passes no credentials, so every AWS
 * call depends on the jobs' configure-aws-credentials step (its stand-in exports the test
 * credentials for the role, as the real one exports the role's session).
 *
 * - model-pr.yml: validate-data → train (a SageMaker training job) → evaluate-gate (a Processing
 *   job scoring the candidate); the candidate artifact's manifest names the training job and
 *   its model.tar.gz in S3.
 * - model-release.yml, first release: train → gate (no Approved package yet: no champion) →
 *   register (a model package, PendingManualApproval) → approve (the environment's approval is
 *   simulated: act does not wait for reviewers) → deploy-canary (a first deploy: a new endpoint
 *   with the package alone; promote-on-metrics is skipped).
 * - model-release.yml, second release with other hyperparameters: gated against the first package
 *   (a Processing job scores the champion too), registered, approved, deployed as a canary beside
 *   it (a new endpoint config with two weighted variants) and promoted on the CloudWatch metrics
 *   this test writes with PutMetricData while the workflow runs, each second, split by the weights
 *   moto reports for the endpoint (the same latency for both variants, no errors).
 *
 * What moto cannot do is stood in for by a proxy in front of it (test/support/sagemaker-shim.ts),
 * which forwards every other request unchanged:
 * - moto runs no containers and reports every job Completed at once: when moto accepts
 *   CreateTrainingJob, the proxy puts the job's model.tar.gz (a small archive, not a trained
 *   model) where SageMaker uploads it; when moto accepts CreateProcessingJob, it puts the
 *   predictions.csv the evaluation script would write (fixed rows from test/lib/gate.ts: the
 *   candidate's scores for a job evaluating the candidate, better than the champion's for one
 *   evaluating the champion), so the gate's verdict is computed from them, not stood in for.
 * - moto has no UpdateEndpoint: the proxy does what a successful update leaves behind (the
 *   endpoint, of the same name, on the new config: DeleteEndpoint + CreateEndpoint on moto).
 *   deploy-canary (the canary config) and promote-on-metrics (the challenger alone) both call it.
 *
 * Where moto differs and the test goes around it, without a stand-in: moto's GetMetricData
 * computes no percentiles (the request fails), so the latency is judged on its Average; its
 * ListTags knows no model-package ARNs, so the tags are read on the model package group (register
 * puts the same ones on both); its training jobs report a fixed FinalMetricDataList
 * (`train:progress`), not the config's metric regexes over a log.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  ListModelPackagesCommand,
  ListProcessingJobsCommand,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { packDir } from '@modelship/local';
import { runActionBundle } from '../support/action-runner.js';
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
import { startMoto, type Moto } from '../support/moto.js';
import { startSageMakerShim, type SageMakerShim } from '../support/sagemaker-shim.js';
import { predictionRows, toCsv } from '../lib/gate.js';
import { fastPromote } from '../lib/promote.js';
import { ECR_IMAGE_MANIFEST } from '../lib/aws.js';
import { CHURN_DATA, CHURN_GATE, prCaller, releaseCaller } from '../lib/workflows.js';

const ACT_TIMEOUT_MS = 300_000;
const CONFIG = 'examples/churn/release-sagemaker.yml';
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/modelship-release`;
const BUCKET = 'acme-ml';
const SERVE_REPO = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/churn-serve`;
const SKLEARN = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const PKG = (v: number): string => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/churn/${v}`;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** The caller's config: the churn example on SageMaker, with a promote plan that bakes in seconds. */
const CONFIG_YAML = `model: churn
backend: sagemaker
${CHURN_DATA}train:
  source: .
  program: train_sklearn.py
  image: ${SKLEARN}
  role: arn:aws:iam::${ACCOUNT}:role/ModelshipTraining
  instance-type: ml.m5.large
  max-runtime-minutes: 30
  channels: { train: 's3://${BUCKET}/churn/data/train/', validation: 's3://${BUCKET}/churn/data/validation/' }
  hyperparameters: { c: 1.0, max_iter: 300 }
  metrics:
    - { name: auc, regex: 'validation:auc=([0-9.]+)' }
  output: s3://${BUCKET}/churn/models/
  tags: { project: churn, owner: ml-platform, environment: ci }
evaluate:
  source: .
  program: evaluate_sklearn.py
  image: ${SKLEARN}
  role: arn:aws:iam::${ACCOUNT}:role/ModelshipEvaluation
  instance-type: ml.m5.large
  max-runtime-minutes: 30
${CHURN_GATE}registry:
  inference-image: ${SERVE_REPO}:1.0
  instance-types: [ml.m5.large]
deploy:
  instance-type: ml.m5.large
  role: arn:aws:iam::${ACCOUNT}:role/ModelshipServe
  canary-percent: 20
${fastPromote({ steps: [50], latency: '50%', stat: 'Average' })}`;

const WITH_AWS = `      backend: sagemaker
      aws-role-arn: ${ROLE}
      aws-region: ${REGION}`;

const releaseInputs = (extra: string): string => `${WITH_AWS}
      approval-environment: e2e-approval
      deploy-environment: e2e${extra}`;

/** The predictions an evaluation script writes: the candidate's scores, or the (weaker) champion's. */
const PREDICTIONS = predictionRows({ n: 600, candidate: 0.32, champion: 0.28, seed: 7 });
function predictionsCsv(evaluating: string | undefined): string {
  const rows = PREDICTIONS.map((r) => ({
    id: r.id,
    label: r.label,
    score: evaluating === 'champion' ? r.champion_score : r.score,
  }));
  return toCsv(rows, ['id', 'label', 'score']);
}

/** A model.tar.gz as a training container leaves it (a small archive holding the hyperparameters). */
async function modelArchive(hyperparameters: Record<string, string> | undefined): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelship-sm-model-'));
  try {
    fs.mkdirSync(path.join(dir, 'model'));
    fs.writeFileSync(path.join(dir, 'model', 'model.json'), JSON.stringify({ hyperparameters }));
    await packDir(path.join(dir, 'model'), path.join(dir, 'model.tar.gz'));
    return fs.readFileSync(path.join(dir, 'model.tar.gz'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The one file named `name` under `dir`. */
function findFile(dir: string, name: string): string {
  const found = (fs.readdirSync(dir, { recursive: true }) as string[]).filter(
    (f) => path.basename(f) === name,
  );
  if (found.length !== 1) throw new Error(`${found.length} files named ${name} under ${dir}`);
  return path.join(dir, found[0]!);
}

/**
 * Writes one second of per-variant endpoint metrics to moto's CloudWatch whenever the endpoint
 * serves two variants: 100 invocations split by the variants' current weights, no errors, and the
 * same latency (µs, with a little noise) for both.
 */
function startMetrics(sagemaker: SageMakerClient, cloudwatch: CloudWatchClient, endpoint: string) {
  let stopped = false;
  let tick = 0;
  const errors: string[] = [];
  const loop = (async () => {
    while (!stopped) {
      const second = Math.floor(Date.now() / 1000) * 1000;
      try {
        const ep = await sagemaker
          .send(new DescribeEndpointCommand({ EndpointName: endpoint }))
          .catch(() => undefined);
        const variants = (ep?.ProductionVariants ?? []).filter((v) => v.VariantName);
        if (variants.length >= 2) {
          const total = variants.reduce((s, v) => s + (v.CurrentWeight ?? 0), 0) || 1;
          const MetricData: MetricDatum[] = variants.flatMap((v) => {
            const Dimensions = [
              { Name: 'EndpointName', Value: endpoint },
              { Name: 'VariantName', Value: v.VariantName! },
            ];
            const Timestamp = new Date(second - 500);
            const invocations = Math.round((100 * (v.CurrentWeight ?? 0)) / total);
            const latency = 20_000 * (1 + 0.05 * Math.sin(tick + v.VariantName!.length));
            return [
              {
                MetricName: 'Invocations',
                Dimensions,
                Timestamp,
                Value: invocations,
                Unit: 'None',
                StorageResolution: 1,
              },
              {
                MetricName: 'Invocation5XXErrors',
                Dimensions,
                Timestamp,
                Value: 0,
                Unit: 'None',
                StorageResolution: 1,
              },
              {
                MetricName: 'ModelLatency',
                Dimensions,
                Timestamp,
                Value: latency,
                Unit: 'Microseconds',
                StorageResolution: 1,
              },
            ];
          });
          await cloudwatch.send(new PutMetricDataCommand({ Namespace: 'AWS/SageMaker', MetricData }));
          tick++;
        }
      } catch (err) {
        errors.push((err as Error).message);
      }
      await new Promise((r) => setTimeout(r, Math.max(50, second + 1000 - Date.now())));
    }
  })();
  return {
    errors,
    written: () => tick,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

// What the workflows' jobs can observe of the credentials step is the real action's: this is what
// makes the runs below depend on it (act passes the steps no credentials of its own).
describe('the configure-aws-credentials stand-in', () => {
  const STUB = 'test/workflows/stubs/configure-aws-credentials';
  it('exports credentials for the role and the region to the later steps, masked', async () => {
    const run = await runActionBundle(STUB, {
      inputs: { 'role-to-assume': ROLE, 'aws-region': 'eu-west-1' },
    });
    expect(run.code).toBe(0);
    expect(run.exportedEnv).toEqual({
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SESSION_TOKEN: 'testing',
    });
    expect(run.commands.filter((c) => c.command === 'add-mask')).toHaveLength(3);
  });

  it('fails without a role when the environment has no credentials, and keeps those it has', async () => {
    const none = await runActionBundle(STUB, { inputs: { 'aws-region': REGION } });
    expect(none.code).toBe(1);
    expect(none.commands.find((c) => c.command === 'error')?.message).toMatch(
      /^Credentials could not be loaded/,
    );
    expect(none.exportedEnv).toEqual({});
    const kept = await runActionBundle(STUB, {
      inputs: { 'aws-region': REGION },
      env: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
    });
    expect(kept.code).toBe(0);
    expect(kept.exportedEnv).toEqual({ AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION });
  });

  it('fails without a region', async () => {
    const run = await runActionBundle(STUB, { inputs: { 'role-to-assume': ROLE } });
    expect(run.code).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toBe(
      'Input required and not supplied: aws-region',
    );
  });
});

describe('reusable workflows model-pr.yml and model-release.yml under act (backend sagemaker, moto)', () => {
  let moto: Moto;
  let shim: SageMakerShim;
  let sm: SageMakerClient;
  let s3: S3Client;
  let cw: CloudWatchClient;
  let ecr: ECRClient;
  let metrics: ReturnType<typeof startMetrics>;
  let repo: string;
  const runs: ActRun[] = [];

  /** A failed run, told with what moto refused (a missing API shows here). */
  const explain = (run: ActRun): string =>
    `${explainRun(run)}\nrequests moto refused:\n${shim.refused.join('\n') || '(none)'}`;

  const act = async (workflow: string): Promise<ActRun> => {
    const run = await runAct({
      repoDir: repo,
      workflow,
      timeoutMs: ACT_TIMEOUT_MS,
      // the endpoint only: the credentials come from the jobs' configure-aws-credentials step
      env: {
        AWS_ENDPOINT_URL: shim.endpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    runs.push(run);
    return run;
  };

  const endpointVariants = async () => {
    const ep = await sm.send(new DescribeEndpointCommand({ EndpointName: 'churn' }));
    const cfg = await sm.send(
      new DescribeEndpointConfigCommand({ EndpointConfigName: ep.EndpointConfigName }),
    );
    const variants = [];
    for (const v of cfg.ProductionVariants ?? []) {
      const model = await sm.send(new DescribeModelCommand({ ModelName: v.ModelName }));
      const live = ep.ProductionVariants?.find((p) => p.VariantName === v.VariantName);
      variants.push({
        package: model.Containers?.[0]?.ModelPackageName ?? model.PrimaryContainer?.ModelPackageName,
        weight: live?.CurrentWeight,
        instanceType: v.InstanceType,
      });
    }
    return { status: ep.EndpointStatus, variants };
  };

  const packages = async () => {
    const list = await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'churn' }));
    return (list.ModelPackageSummaryList ?? [])
      .map((p) => [p.ModelPackageVersion, p.ModelApprovalStatus] as const)
      .sort((a, b) => (b[0] ?? 0) - (a[0] ?? 0));
  };

  beforeAll(async () => {
    moto = await startMoto();
    const clientOpts = { endpoint: moto.endpoint, region: REGION, credentials };
    sm = new SageMakerClient(clientOpts);
    s3 = new S3Client({ ...clientOpts, forcePathStyle: true });
    cw = new CloudWatchClient(clientOpts);
    ecr = new ECRClient(clientOpts);
    shim = await startSageMakerShim({
      moto: moto.endpoint,
      model: (r) => modelArchive(r.HyperParameters),
      outputs: (r) => ({
        output: { 'predictions.csv': predictionsCsv(r.Environment?.MODELSHIP_EVALUATING) },
      }),
    });

    repo = makeRepoCopy();
    const gen = spawnSync(process.execPath, ['examples/churn/generate.mjs', '--rows', '4000'], {
      cwd: repo,
      encoding: 'utf8',
    });
    if (gen.status !== 0) throw new Error(`generate.mjs failed:\n${gen.stderr}`);
    // what the account holds before the first run: the bucket with the training data, the
    // serving image in ECR
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const channel of ['train', 'validation'])
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `churn/data/${channel}/${channel}.csv`,
          Body: fs.readFileSync(path.join(repo, `examples/churn/data/${channel}.csv`)),
        }),
      );
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'churn-serve' }));
    await ecr.send(
      new PutImageCommand({
        repositoryName: 'churn-serve',
        imageTag: '1.0',
        imageManifest: ECR_IMAGE_MANIFEST,
      }),
    );
    writeFiles(repo, {
      [CONFIG]: CONFIG_YAML,
      '.github/workflows/pr.yml': prCaller({ config: CONFIG, inputs: WITH_AWS }),
      '.github/workflows/release-first.yml': releaseCaller({
        name: 'first release',
        config: CONFIG,
        inputs: releaseInputs(''),
      }),
      '.github/workflows/release-canary.yml': releaseCaller({
        name: 'canary release',
        config: CONFIG,
        inputs: releaseInputs(`\n      hyperparameters: '{"c": 0.3}'`),
      }),
    });
    commitAll(repo, 'churn data, config and callers');
    metrics = startMetrics(sm, cw, 'churn');
  }, 120_000);

  afterAll(async () => {
    await metrics?.stop();
    await shim?.close();
    for (const c of [sm, s3, cw, ecr]) c?.destroy();
    await moto?.stop();
    cleanupAct(...runs, repo);
    expect(shim?.errors ?? []).toEqual([]);
    expect(metrics?.errors ?? []).toEqual([]);
  }, 30_000);

  describe('model-pr.yml', () => {
    let run: ActRun;
    beforeAll(async () => {
      run = await act('.github/workflows/pr.yml');
    }, ACT_TIMEOUT_MS + 10_000);

    it('trains on SageMaker, passes the gate and hands the verdict and the model to the caller', async () => {
      if (run.code !== 0) throw new Error(explain(run));
      const out = readOutFile(run, 'pr.txt');
      const job = out['train-job-name']!;
      expect(job).toMatch(/^churn-[0-9a-f]{7}-.+-1-[0-9a-f]{8}$/);
      expect(out).toMatchObject({
        result: 'success',
        passed: 'true',
        verdict: 'pass',
        champion: '',
        'train-model-artifact': `s3://${BUCKET}/churn/models/${job}/output/model.tar.gz`,
        'manifest-artifact': 'churn-candidate',
      });
      const d = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: job }));
      expect(d.TrainingJobStatus).toBe('Completed');
      expect(d.HyperParameters).toMatchObject({ c: '1', max_iter: '300' });
    });

    it('uploads the candidate: its manifest names the training job, its artefact in S3 and the evaluation job', async () => {
      const artifact = path.join(run.artifactsDir, 'churn-candidate');
      const manifest = JSON.parse(fs.readFileSync(path.join(artifact, 'manifest.json'), 'utf8'));
      const job = readOutFile(run, 'pr.txt')['train-job-name'];
      expect(manifest.training).toMatchObject({
        backend: 'sagemaker',
        jobName: job,
        jobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${job}`,
        status: 'Completed',
        modelArtifact: `s3://${BUCKET}/churn/models/${job}/output/model.tar.gz`,
      });
      expect(manifest.evaluation.passed).toBe(true);
      const jobs = await sm.send(new ListProcessingJobsCommand({}));
      const names = (jobs.ProcessingJobSummaries ?? []).map((j) => j.ProcessingJobName!);
      expect(names).toHaveLength(1);
      expect(names[0]).toMatch(/^churn-eval-candidate-/);
      const p = await sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: names[0] }));
      expect(p.ProcessingInputs?.find((i) => i.InputName === 'model')?.S3Input?.S3Uri).toBe(
        manifest.training.modelArtifact,
      );
      expect(fs.existsSync(path.join(artifact, 'evaluate-gate', 'verdict.json'))).toBe(true);
      expect(shim.calls).not.toContain('SageMaker.CreateModelPackage');
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
        'model-package-arn': PKG(1),
        'model-version': '1',
        'approval-status': 'Approved',
        'champion-arn': PKG(1),
        'endpoint-name': 'churn',
        status: 'created',
        decision: '',
        'manifest-artifact': 'modelship-release',
      });
    });

    it('leaves the package Approved in the Model Registry, with the approver, the run and its tags', async () => {
      expect(await packages()).toEqual([[1, 'Approved']]);
      const d = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: PKG(1) }));
      expect(d.ApprovalDescription).toMatch(/^approved by nektos\/act from .*actions\/runs\//);
      expect(d.ApprovalDescription).toContain('the GitHub environment e2e-approval');
      expect(d.InferenceSpecification?.Containers?.[0]?.Image).toMatch(new RegExp(`^${SERVE_REPO}@sha256:`));
      // the lineage: the training job of this run and the sha256 of the model.tar.gz in S3
      const release = path.join(run.artifactsDir, 'modelship-release', 'manifest.json');
      const training = JSON.parse(fs.readFileSync(release, 'utf8')).training;
      const model = await s3.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: `churn/models/${training.jobName}/output/model.tar.gz` }),
      );
      const sha256 = createHash('sha256')
        .update(await model.Body!.transformToByteArray())
        .digest('hex');
      expect(d.CustomerMetadataProperties).toMatchObject({
        'modelship:training-job': training.jobName,
        'modelship:model-sha256': sha256,
        'modelship:gate-verdict': 'pass',
        'modelship:approval-by': 'nektos/act',
      });
      // moto's ListTags knows no model-package ARNs: the group's tags (register tags both alike)
      const tags = await sm.send(
        new ListTagsCommand({
          ResourceArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package-group/churn`,
        }),
      );
      expect(Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
        project: 'churn',
        owner: 'ml-platform',
        environment: 'ci',
      });
    });

    it('leaves the endpoint InService with the package alone', async () => {
      expect(await endpointVariants()).toEqual({
        status: 'InService',
        variants: [{ package: PKG(1), weight: expect.any(Number), instanceType: 'ml.m5.large' }],
      });
      expect(shim.calls).not.toContain('SageMaker.UpdateEndpoint');
    });
  });

  describe('model-release.yml, a second release as a canary judged on CloudWatch metrics', () => {
    let run: ActRun;
    let before: number;
    beforeAll(async () => {
      before = metrics.written();
      run = await act('.github/workflows/release-canary.yml');
    }, ACT_TIMEOUT_MS + 10_000);

    it('gates against the champion, deploys a canary beside it and promotes it', () => {
      if (run.code !== 0) throw new Error(explain(run));
      const out = readOutFile(run, 'release.txt');
      expect(out).toMatchObject({
        result: 'success',
        'gate-passed': 'true',
        'model-package-arn': PKG(2),
        'model-version': '2',
        'approval-status': 'Approved',
        status: 'deployed',
        decision: 'promoted',
      });
      expect(JSON.parse(out['final-weights']!)).toEqual({ 'churn-v2': 100 });
    });

    it('scored the champion too, and changed the endpoint with UpdateEndpoint and the weights in between', async () => {
      const jobs = await sm.send(new ListProcessingJobsCommand({}));
      const names = (jobs.ProcessingJobSummaries ?? []).map((j) => j.ProcessingJobName!);
      expect(names.filter((n) => n.startsWith('churn-eval-champion-'))).toHaveLength(1);
      const updates = shim.calls.filter((c) => c === 'SageMaker.UpdateEndpoint');
      expect(updates).toHaveLength(2); // the canary config, then the challenger alone
      expect(shim.calls).toContain('SageMaker.UpdateEndpointWeightsAndCapacities');
    });

    it('leaves both packages Approved and the endpoint serving version 2 alone', async () => {
      expect(await packages()).toEqual([
        [2, 'Approved'],
        [1, 'Approved'],
      ]);
      expect(await endpointVariants()).toEqual({
        status: 'InService',
        variants: [{ package: PKG(2), weight: expect.any(Number), instanceType: 'ml.m5.large' }],
      });
    });

    it('uploads the decision and its audit: the metrics written to CloudWatch, read back by the judge', () => {
      const artifact = path.join(run.artifactsDir, 'modelship-release');
      const manifest = JSON.parse(fs.readFileSync(path.join(artifact, 'manifest.json'), 'utf8'));
      expect(manifest.promotion).toMatchObject({
        backend: 'sagemaker',
        endpoint: 'churn',
        decision: 'promoted',
        championVariant: 'churn-v1',
        challengerVariant: 'churn-v2',
        modelPackageArn: PKG(2),
        replacedModelPackageArn: PKG(1),
        steps: [{ weight: 50, verdict: 'pass' }],
      });
      const report = findFile(artifact, path.basename(manifest.promotion.report));
      const audit = JSON.parse(fs.readFileSync(report, 'utf8'));
      const last = audit.steps.at(-1).looks.at(-1);
      expect(last.verdicts.map((v: { metric: string; status: string }) => [v.metric, v.status])).toEqual([
        ['ModelLatency', 'pass'],
        ['Invocation5XXErrors', 'pass'],
      ]);
      // paired one-second periods of both variants, as this test wrote them
      expect(last.verdicts[0].n.champion).toBeGreaterThanOrEqual(4);
      expect(last.verdicts[0].n.challenger).toBe(last.verdicts[0].n.champion);
      expect(metrics.written()).toBeGreaterThan(before);
    });
  });
});
