/**
 * Static checks of the workflows: actionlint (with shellcheck on `run:` scripts), zizmor (security
 * audits, offline), and this project's own references (an action or reusable workflow of
 * modelship-dev/modelship used with inputs it declares, and outputs it sets).
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PROJECT_REPOSITORY } from '../support/act.js';
import { paths, REPO_ROOT } from '../support/tools.js';
import { actionFiles, EXPECTED_WORKFLOWS, workflowFiles } from '../support/workflow-files.js';

function run(cmd: string, args: string[]): { code: number; output: string } {
  if (!fs.existsSync(cmd)) throw new Error(`${cmd} is missing: run \`npx tsx test/support/tools.ts\``);
  const res = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: lintEnv() });
  if (res.error) throw res.error;
  return { code: res.status ?? 1, output: `${res.stdout}${res.stderr}`.trim() };
}

function lintEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  // zizmor audits online when it finds a GitHub token; keep these checks offline and repeatable
  delete env.GH_TOKEN;
  delete env.GITHUB_TOKEN;
  delete env.ZIZMOR_GITHUB_TOKEN;
  return env;
}

const files = workflowFiles();

describe('workflow lint', () => {
  it('has workflows to check', () => {
    expect(files).toEqual(expect.arrayContaining(EXPECTED_WORKFLOWS));
  });

  it('passes actionlint (with shellcheck)', () => {
    const { code, output } = run(paths.actionlint, [
      '-no-color',
      '-shellcheck',
      paths.shellcheck,
      '-pyflakes',
      '',
      ...files,
    ]);
    if (code !== 0) throw new Error(`actionlint found problems:\n${output}`);
  });

  it('passes zizmor (workflows and action.yml files)', () => {
    const { code, output } = run(paths.zizmor, [
      '--offline',
      '--no-progress',
      '--persona',
      'regular',
      '--config',
      'test/workflows/zizmor.yml',
      ...files,
      ...actionFiles(),
    ]);
    if (code !== 0) throw new Error(`zizmor found problems (exit ${code}):\n${output}`);
  });

  it('passes shellcheck on .ci/run', () => {
    const { code, output } = run(paths.shellcheck, ['--shell=bash', '.ci/run']);
    if (code !== 0) throw new Error(`shellcheck found problems in .ci/run:\n${output}`);
  });
});

// ---------------------------------------------------------------------------------------------

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  uses?: string;
  with?: Record<string, unknown>;
  steps?: Step[];
  outputs?: Record<string, string>;
}
interface Workflow {
  on?: {
    workflow_call?: { inputs?: Record<string, { required?: boolean }>; outputs?: Record<string, unknown> };
  };
  jobs?: Record<string, Job>;
}
interface ActionManifest {
  inputs?: Record<string, { required?: boolean; default?: unknown } | null>;
  outputs?: Record<string, unknown>;
}

function loadYaml<T>(file: string): T {
  return parseYaml(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as T;
}

/** `modelship-dev/modelship/<sub>@ref` → `<sub>`, else undefined. */
function projectPath(uses: string | undefined): string | undefined {
  const prefix = `${PROJECT_REPOSITORY}/`;
  if (!uses?.startsWith(prefix)) return undefined;
  return uses.slice(prefix.length).replace(/@.*$/, '');
}

describe("workflows use this project's actions and reusable workflows as declared", () => {
  for (const file of files) {
    const wf = loadYaml<Workflow>(file);
    for (const [jobId, job] of Object.entries(wf.jobs ?? {})) {
      const calledWorkflow = projectPath(job.uses);
      if (calledWorkflow) {
        it(`${file}: job ${jobId} calls ${calledWorkflow} with its declared inputs`, () => {
          expect(fs.existsSync(path.join(REPO_ROOT, calledWorkflow))).toBe(true);
          const called = loadYaml<Workflow>(calledWorkflow).on?.workflow_call;
          expect(called).toBeDefined();
          const declared = called?.inputs ?? {};
          expect(Object.keys(job.with ?? {}).filter((k) => !(k in declared))).toEqual([]);
          const required = Object.entries(declared)
            .filter(([, spec]) => spec.required)
            .map(([name]) => name);
          expect(required.filter((k) => !(k in (job.with ?? {})))).toEqual([]);
        });
      }
      for (const step of job.steps ?? []) {
        const actionDir = projectPath(step.uses);
        if (!actionDir) continue;
        it(`${file}: ${jobId}/${step.id ?? step.uses} uses ${actionDir} with declared inputs and outputs`, () => {
          const manifestFile = ['action.yml', 'action.yaml']
            .map((n) => path.posix.join(actionDir, n))
            .find((f) => fs.existsSync(path.join(REPO_ROOT, f)));
          if (!manifestFile)
            throw new Error(`${file} uses ${step.uses}, but ${actionDir}/action.yml does not exist`);
          const action = loadYaml<ActionManifest>(manifestFile);
          const inputs = action.inputs ?? {};
          expect(Object.keys(step.with ?? {}).filter((k) => !(k in inputs))).toEqual([]);
          const required = Object.entries(inputs)
            .filter(([, spec]) => spec?.required && spec.default === undefined)
            .map(([name]) => name);
          expect(required.filter((k) => !(k in (step.with ?? {})))).toEqual([]);
          if (step.id) {
            const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
            const used = [
              ...text.matchAll(new RegExp(`steps\\.${step.id}\\.outputs\\.([A-Za-z0-9_-]+)`, 'g')),
            ].map((m) => m[1]!);
            expect([...new Set(used)].filter((o) => !(o in (action.outputs ?? {})))).toEqual([]);
          }
        });
      }
    }
  }
});
