/**
 * The CodePipeline template and its buildspecs (workflows/codepipeline/): cfn-lint finds nothing in
 * the template, and the Build buildspec's commands run here, on the local backend, with the
 * variables CodeBuild sets, exporting every variable the template's approval and deploy read.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, renameSync } from 'node:fs';
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
 * A buildspec's `phases` (install left out: the repository's npm ci) as one shell, as CodeBuild
 * runs them, with the committed CLI as $MODELSHIP; then the exported variables' values, parsed.
 */
function runBuildspec(name: string, phases: string[], ws: string, env: Record<string, string>) {
  const b = buildspec(name);
  const exported = b.env['exported-variables'];
  const script = [
    'set -e',
    ...phases.flatMap((p) => b.phases[p]!.commands),
    ...exported.map((v) => `printf '%s=%s\\n' ${v} "$${v}"`),
  ].join('\n');
  const r = spawnSync('sh', ['-c', script], {
    cwd: ws,
    encoding: 'utf8',
    timeout: 240_000,
    env: {
      PATH: process.env.PATH,
      HOME: ws,
      ...b.env.variables,
      // The committed CLI instead of the repository's installed one.
      MODELSHIP: `${process.execPath} ${join(ROOT, 'dist/cli/index.js')}`,
      ...env,
    },
  });
  const vars = Object.fromEntries(
    r.stdout
      .split('\n')
      .filter((l) => /^MODELSHIP_[A-Z_]+=/.test(l))
      .map((l) => l.split(/=(.*)/s, 2) as [string, string]),
  );
  return { ...r, vars };
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

  it("the Build buildspec's commands run on the local backend as CodeBuild runs them", () => {
    const ws = churnWorkspace();
    const r = runBuildspec('buildspec-build.yml', ['build'], ws, codebuildEnv(ws, 'churn-build'));
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

  it("the Deploy buildspec's commands approve and deploy the package the Build half registered (a first release)", () => {
    const ws = churnWorkspace();
    const build = runBuildspec('buildspec-build.yml', ['build'], ws, codebuildEnv(ws, 'churn-build'));
    expect(build.status).toBe(0);
    const pkg = build.vars.MODELSHIP_REGISTER_MODEL_PACKAGE_ARN!;
    // The BuildOutput artefact: the build's .modelship, in its own folder as CodePipeline gives it;
    // the Deploy action's source is the repository without it.
    const artefact = tempDir('modelship-buildoutput-');
    renameSync(join(ws, '.modelship'), join(artefact, '.modelship'));
    try {
      const r = runBuildspec('buildspec-deploy.yml', ['pre_build', 'build'], ws, {
        ...codebuildEnv(ws, 'churn-deploy'),
        CODEBUILD_SRC_DIR_BuildOutput: artefact,
        MODELSHIP_PACKAGE: pkg,
      });
      expect(r.stderr).toContain('✔ register: approved churn version 1');
      expect(r.stderr).toContain(
        '✔ deploy-canary: created local endpoint churn with the challenger churn-v1 alone',
      );
      // No champion yet: nothing to judge the canary against, so promote-on-metrics is not run.
      expect(r.stdout).toContain('first release: churn-v1 serves churn alone; nothing to promote');
      expect(r.status).toBe(0);
      expect(r.vars).toMatchObject({ MODELSHIP_ENDPOINT_NAME: 'churn', MODELSHIP_DECISION: 'first-release' });
      const manifest = JSON.parse(readFileSync(join(ws, '.modelship/manifest.json'), 'utf8')) as {
        registration: { arn: string; status: string; approval: { description: string } };
        deployment: { endpoint: string; status: string };
        history: { step: string; ok: boolean }[];
        source: Record<string, string>;
      };
      expect(manifest.registration).toMatchObject({ arn: pkg, status: 'Approved' });
      expect(manifest.registration.approval.description).toContain(
        'approved in CodePipeline by codepipeline/churn-release',
      );
      expect(manifest.deployment).toMatchObject({ endpoint: 'churn', status: 'created' });
      expect(manifest.history.slice(-2).map((h) => [h.step, h.ok])).toEqual([
        ['register', true],
        ['deploy-canary', true],
      ]);
    } finally {
      spawnSync(process.execPath, [join(ROOT, 'dist/cli/index.js'), 'endpoint', 'stop', 'churn'], {
        cwd: ws,
      });
    }
  });
});
