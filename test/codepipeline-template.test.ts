/**
 * The CodePipeline template and its buildspecs (workflows/codepipeline/): cfn-lint finds nothing in
 * the template, and the Build buildspec's commands run here, on the local backend, with the
 * variables CodeBuild sets, exporting every variable the template's approval and deploy read.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { paths } from './support/tools.js';
import { tempDir } from './lib/step.js';

const ROOT = process.cwd();
const DIR = join(ROOT, 'workflows/codepipeline');

interface Buildspec {
  env: { variables: Record<string, string>; 'exported-variables': string[] };
  phases: Record<string, { commands: string[]; 'runtime-versions'?: Record<string, number> }>;
  artifacts: { files: string[] };
}
const buildspec = (name: string) => parse(readFileSync(join(DIR, name), 'utf8')) as Buildspec;

/** CodeBuild's variables for a build of `project` started by the pipeline. */
const codebuildEnv = (ws: string, project: string): Record<string, string> => ({
  CODEBUILD_BUILD_ID: `${project}:7f3c2a1e-0000-4000-8000-000000000042`,
  CODEBUILD_BUILD_ARN: `arn:aws:codebuild:us-east-1:123456789012:build/${project}:7f3c2a1e`,
  CODEBUILD_BUILD_NUMBER: '42',
  CODEBUILD_INITIATOR: 'codepipeline/churn-release',
  CODEBUILD_RESOLVED_SOURCE_VERSION: '3b1f0c9d2e4a5b6c7d8e9f00112233445566778',
  CODEBUILD_SOURCE_VERSION: 'arn:aws:s3:::artefacts/churn-release/SourceOutput/abc.zip',
  CODEBUILD_SRC_DIR: ws,
});

/**
 * A buildspec's `phases` (install left out: the repository's npm ci) as one `sh`, as CodeBuild
 * runs them, with the committed CLI as $MODELSHIP; then the exported variables' values, parsed.
 * `onStderr` sees the error stream as it grows (e.g. to start traffic once a step is done).
 */
async function runBuildspec(
  name: string,
  phases: string[],
  ws: string,
  env: Record<string, string>,
  onStderr?: (text: string) => void,
) {
  const b = buildspec(name);
  const exported = b.env['exported-variables'];
  const script = [
    'set -e',
    ...phases.flatMap((p) => b.phases[p]!.commands),
    ...exported.map((v) => `printf '%s=%s\\n' ${v} "$${v}"`),
  ].join('\n');
  const child = spawn('sh', ['-c', script], {
    cwd: ws,
    env: {
      PATH: process.env.PATH,
      HOME: ws,
      ...b.env.variables,
      // The committed CLI instead of the repository's installed one.
      MODELSHIP: `${process.execPath} ${join(ROOT, 'dist/cli/index.js')}`,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr);
  });
  const status = await new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const vars = Object.fromEntries(
    stdout
      .split('\n')
      .filter((l) => /^MODELSHIP_[A-Z_]+=/.test(l))
      .map((l) => l.split(/=(.*)/s, 2) as [string, string]),
  );
  return { status, stdout, stderr, vars };
}

/** The churn example with its data, as the pipeline's source. */
function churnWorkspace(): string {
  const ws = tempDir('modelship-codebuild-');
  cpSync(join(ROOT, 'examples/churn'), ws, { recursive: true });
  spawnSync(process.execPath, [join(ws, 'generate.mjs'), '--out', join(ws, 'data'), '--rows', '2000']);
  return ws;
}

describe('workflows/codepipeline', () => {
  it('pipeline.yml passes cfn-lint with no findings', () => {
    // cfn-lint's own runner, through the venv's Python (its console script may name another path).
    const r = spawnSync(
      paths.python,
      [
        '-c',
        'import sys; from cfnlint.runner import main; sys.argv[0] = "cfn-lint"; sys.exit(main())',
        join(DIR, 'pipeline.yml'),
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the template reads only variables the Build buildspec exports, and runs Node 22 builds', () => {
    const template = readFileSync(join(DIR, 'pipeline.yml'), 'utf8');
    const exported = buildspec('buildspec-build.yml').env['exported-variables'];
    const read = [...template.matchAll(/#\{BuildVariables\.([A-Z0-9_]+)\}/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(0);
    for (const v of read) expect(exported).toContain(v);
    // Both ways to the deploy half name the package in MODELSHIP_PACKAGE, which the buildspec reads:
    // the pipeline's Deploy action and the registry-approval rule's StartBuild input.
    expect(template).toContain(
      '"name":"MODELSHIP_PACKAGE","value":"#{BuildVariables.MODELSHIP_REGISTER_MODEL_PACKAGE_ARN}"',
    );
    expect(template).toContain('"name": "MODELSHIP_PACKAGE", "value": <arn>');
    expect(template).toMatch(/detail-type: \[SageMaker Model Package State Change\]/);
    const deploy = buildspec('buildspec-deploy.yml').phases.build!.commands.join('\n');
    expect(deploy.match(/--model-package-arn "\$MODELSHIP_PACKAGE"/g)).toHaveLength(2);
    for (const name of ['buildspec-build.yml', 'buildspec-deploy.yml']) {
      const b = buildspec(name);
      expect(b.phases.install!['runtime-versions']!.nodejs).toBeGreaterThanOrEqual(22);
      expect(b.artifacts.files).toEqual(['.modelship/**/*']);
    }
  });

  it('every CodeBuild project runs the steps on SageMaker: MODELSHIP_BACKEND reaches every command as --backend', () => {
    const template = readFileSync(join(DIR, 'pipeline.yml'), 'utf8');
    // The short-form intrinsics (!Ref, !Sub, …) stay unresolved: only the projects' shape is read here.
    const doc = parse(template, {
      customTags: [{ tag: '!Ref', resolve: (v: string) => v }],
      logLevel: 'silent',
    }) as {
      Resources: Record<
        string,
        {
          Type: string;
          Properties: { Environment?: { EnvironmentVariables?: { Name: string; Value: string }[] } };
        }
      >;
    };
    const projects = Object.entries(doc.Resources).filter(([, r]) => r.Type === 'AWS::CodeBuild::Project');
    expect(projects.length).toBe(3);
    for (const [name, r] of projects)
      expect([name, r.Properties.Environment?.EnvironmentVariables]).toEqual([
        name,
        expect.arrayContaining([{ Name: 'MODELSHIP_BACKEND', Value: 'sagemaker' }]),
      ]);
    for (const name of ['buildspec-build.yml', 'buildspec-deploy.yml']) {
      const commands = Object.values(buildspec(name).phases).flatMap((p) => p.commands ?? []);
      const steps = commands.flatMap((c) => [...c.matchAll(/\$MODELSHIP ([a-z-]+)([^\n]*)/g)]);
      expect(steps.length).toBeGreaterThan(0);
      for (const m of steps)
        expect(`${name}: ${m[1]}${m[2]}`).toContain('${MODELSHIP_BACKEND:+--backend "$MODELSHIP_BACKEND"}');
    }
    // sh expands it to the flag when set, to nothing when not (the local runs below).
    const sh = (env: Record<string, string>) =>
      spawnSync('sh', ['-c', 'printf "%s|" run ${MODELSHIP_BACKEND:+--backend "$MODELSHIP_BACKEND"}'], {
        env,
        encoding: 'utf8',
      }).stdout;
    expect(sh({ MODELSHIP_BACKEND: 'sagemaker' })).toBe('run|--backend|sagemaker|');
    expect(sh({})).toBe('run|');
  });

  it("the Build buildspec's commands run on the local backend as CodeBuild runs them", async () => {
    const ws = churnWorkspace();
    const r = await runBuildspec('buildspec-build.yml', ['build'], ws, codebuildEnv(ws, 'churn-build'));
    const vars = r.vars;
    expect(r.stderr).toContain('main job: passed (validate-data, train, evaluate-gate, register)');
    expect(r.status).toBe(0);
    expect(vars).toMatchObject({
      MODELSHIP_VALIDATE_DATA_PASSED: 'true',
      MODELSHIP_EVALUATE_GATE_VERDICT: 'pass',
      MODELSHIP_REGISTER_MODEL_PACKAGE_ARN: 'model-package/churn/1',
      MODELSHIP_REGISTER_APPROVAL_STATUS: 'PendingManualApproval',
    });
    const manifest = JSON.parse(readFileSync(join(ws, '.modelship/manifest.json'), 'utf8')) as {
      source: Record<string, string>;
    };
    expect(manifest.source).toMatchObject({
      system: 'codebuild',
      buildId: 'churn-build:7f3c2a1e-0000-4000-8000-000000000042',
      runId: '42',
      actor: 'codepipeline/churn-release',
      commit: '3b1f0c9d2e4a5b6c7d8e9f00112233445566778',
    });
  });

  it("the Deploy buildspec's commands approve, deploy and decide each package the Build half registered", async () => {
    const ws = churnWorkspace();
    // As in the demo, both models take 5 ms to answer, so the canary's latency is judged on more than noise.
    const config = (c: string) =>
      writeFileSync(
        join(ws, 'modelship.yml'),
        readFileSync(join(ROOT, 'examples/churn/modelship.yml'), 'utf8').replace(
          'hyperparameters: { c: 1.0, max_iter: 300 }',
          `hyperparameters: { c: ${c}, max_iter: 300, serve_delay_ms: 5 }`,
        ),
      );
    config('1.0');
    const manifestAt = (dir: string) =>
      JSON.parse(readFileSync(join(dir, '.modelship/manifest.json'), 'utf8')) as {
        registration: { arn: string; status: string; approval: { description: string } };
        deployment: { endpoint: string; status: string; championVariant?: string };
        promotion?: { decision: string };
        history: { step: string; ok: boolean }[];
      };
    /** The Build half, then the Deploy half from its BuildOutput artefact (a copy of its .modelship). */
    const release = async (onDeployStderr?: (text: string) => void) => {
      rmSync(join(ws, '.modelship/manifest.json'), { force: true }); // each build starts a candidate
      const build = await runBuildspec('buildspec-build.yml', ['build'], ws, codebuildEnv(ws, 'churn-build'));
      expect(build.status).toBe(0);
      const artefact = tempDir('modelship-buildoutput-');
      cpSync(join(ws, '.modelship'), join(artefact, '.modelship'), { recursive: true });
      rmSync(join(ws, '.modelship/manifest.json'));
      const pkg = build.vars.MODELSHIP_REGISTER_MODEL_PACKAGE_ARN!;
      const deploy = await runBuildspec(
        'buildspec-deploy.yml',
        ['pre_build', 'build'],
        ws,
        {
          ...codebuildEnv(ws, 'churn-deploy'),
          CODEBUILD_SRC_DIR_BuildOutput: artefact,
          MODELSHIP_PACKAGE: pkg,
        },
        onDeployStderr,
      );
      return { pkg, deploy, manifest: manifestAt(ws) };
    };
    let load: ReturnType<typeof spawn> | undefined;
    try {
      // A first release: approved, deployed alone; no champion to judge it against.
      const first = await release();
      expect(first.deploy.stderr).toContain('✔ register: approved churn version 1');
      expect(first.deploy.stderr).toContain(
        '✔ deploy-canary: created local endpoint churn with the challenger churn-v1 alone',
      );
      expect(first.deploy.stdout).toContain('first release: churn-v1 serves churn alone; nothing to promote');
      expect(first.deploy.status).toBe(0);
      expect(first.deploy.vars).toMatchObject({
        MODELSHIP_ENDPOINT_NAME: 'churn',
        MODELSHIP_DECISION: 'first-release',
      });
      expect(first.manifest.registration).toMatchObject({ arn: first.pkg, status: 'Approved' });
      expect(first.manifest.registration.approval.description).toContain(
        'approved in CodePipeline by codepipeline/churn-release',
      );
      expect(first.manifest.deployment).toMatchObject({ endpoint: 'churn', status: 'created' });

      // A new commit retrains with other hyperparameters: a canary beside v1, judged under traffic
      // (started once deploy-canary is done, as users' requests would be).
      config('0.3');
      const second = await release((text) => {
        if (!load && text.includes('✔ deploy-canary:'))
          load = spawn(
            process.execPath,
            [
              join(ROOT, 'dist/cli/index.js'),
              'traffic',
              '--endpoint',
              'churn',
              '--requests',
              join(ws, 'contract/smoke-requests.jsonl'),
              '--rate',
              '150',
              '--duration',
              '60',
            ],
            { cwd: ws, stdio: 'ignore' },
          );
      });
      expect(second.pkg).toBe('model-package/churn/2');
      expect(second.deploy.stderr).toContain('✔ register: approved churn version 2');
      expect(second.deploy.stderr).toContain('churn-v2 serves 25% of churn beside churn-v1 at 75%');
      // The judge decides on live metrics: promoted (the build succeeds) or not (the build fails,
      // as the Deploy action should); either way the manifest records the decision.
      const decision = second.manifest.promotion?.decision;
      expect(['promoted', 'rolled-back', 'held', 'inconclusive']).toContain(decision);
      expect(second.manifest.registration).toMatchObject({ arn: second.pkg, status: 'Approved' });
      const last = second.manifest.history.slice(-3).map((h) => [h.step, h.ok]);
      if (decision === 'promoted') {
        expect(second.deploy.status).toBe(0);
        expect(second.deploy.vars.MODELSHIP_DECISION).toBe('promoted');
        expect(last).toEqual([
          ['register', true],
          ['deploy-canary', true],
          ['promote-on-metrics', true],
        ]);
      } else {
        expect(second.deploy.status).toBe(1);
        expect(second.deploy.stderr).toMatch(/✖ promote-on-metrics: /);
        expect(last).toEqual([
          ['register', true],
          ['deploy-canary', true],
          ['promote-on-metrics', false],
        ]);
      }
    } finally {
      load?.kill('SIGTERM');
      spawnSync(process.execPath, [join(ROOT, 'dist/cli/index.js'), 'endpoint', 'stop', 'churn'], {
        cwd: ws,
      });
    }
  });
});
