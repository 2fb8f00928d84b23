import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { churnWorkspace } from './lib/churn.js';
import { tempDir } from './lib/step.js';

const CLI = join(process.cwd(), 'dist/cli/index.js');
let ws: string;

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ws,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  ws = churnWorkspace(2000);
});

describe('modelship CLI (committed bundle)', () => {
  it('runs a step with the same input names as the action, outputs JSON on stdout', () => {
    const r = cli([
      'validate-data',
      '--data',
      'data/current.csv',
      '--schema=churn.schema.json',
      '--baseline',
      'baseline.json',
      '--outputs-file',
      'out.json',
      '--outputs-env',
      'out.env',
    ]);
    expect(r.code).toBe(0);
    const outputs = JSON.parse(r.stdout);
    expect(outputs).toMatchObject({ passed: 'true', rows: '500', 'invalid-rows': '0' });
    expect(JSON.parse(readFileSync(join(ws, 'out.json'), 'utf8'))).toEqual(outputs);
    const env = readFileSync(join(ws, 'out.env'), 'utf8');
    expect(env).toContain("export MODELSHIP_PASSED='true'");
    expect(env).toContain("export MODELSHIP_INVALID_ROWS='0'");
    expect(r.stderr).toContain('validate-data: data passed: 500 rows');
    expect(r.stderr).toMatch(/monthly_charges +numeric +ks/);
  });

  it('exits 1 with the verdict when the data fails', () => {
    const lines = readFileSync(join(ws, 'data/current.csv'), 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/,(true|false),(true|false)$/, ',maybe,$2');
    writeFileSync(join(ws, 'bad.csv'), lines.join('\n'));
    const r = cli(['validate-data', '--data', 'bad.csv', '--schema', 'churn.schema.json', '--quiet']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)['invalid-rows']).toBe('1');
    expect(r.stderr).toContain('error: bad.csv:4: senior: must be boolean (got "maybe")');
  });

  it.each([
    [
      ['validate-data', '--data', 'data/current.csv', '--colour', 'red'],
      'error: --colour: unknown option (see --help for the options)',
    ],
    [['validate-data', '--schema', 'churn.schema.json'], 'error: --data: is required'],
    [
      ['validate-data', '--data', 'none.csv', '--schema', 'churn.schema.json'],
      'error: none.csv: data not found',
    ],
    [
      ['deploy-all'],
      'error: deploy-all: unknown command (try: run, steps, registry, endpoint, traffic, validate-data',
    ],
    [['run', '--config', 'missing.yml'], 'error: missing.yml: config file not found'],
  ])('prints one error line and exits 1: %j', (args, expected) => {
    const r = cli(args);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)!.startsWith(expected)).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('shows stack traces with --debug', () => {
    const r = cli(['validate-data', '--data', 'none.csv', '--schema', 'churn.schema.json', '--debug']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ConfigError: data not found\n\s+at /);
  });

  it('documents each step from its schema', () => {
    const r = cli(['validate-data', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--data',
      '--format',
      '--schema',
      '--baseline',
      '--write-profile',
      '--fail-on',
      '--max-annotations',
      '--infer-schema',
      '--config',
      '--manifest',
      '--backend',
    ]) {
      expect(r.stdout).toContain(flag);
    }
    expect(cli(['--help']).stdout).toContain('modelship run');
    expect(cli(['steps']).stdout).toMatch(/^validate-data /m);
  });

  it('infers a schema with --infer', () => {
    const r = cli([
      'validate-data',
      '--data',
      'data/train.csv',
      '--infer',
      'inferred.schema.json',
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    expect(
      JSON.parse(readFileSync(join(ws, 'inferred.schema.json'), 'utf8')).properties.contract.enum,
    ).toHaveLength(3);
  });

  it('runs the main job from a config (the README demo, on a copy of the example)', () => {
    cpSync(join(process.cwd(), 'examples/churn/modelship.yml'), join(ws, 'modelship.yml'));
    copyFileSync(join(ws, 'churn.schema.json'), join(ws, 'churn.schema.json'));
    copyFileSync(join(ws, 'baseline.json'), join(ws, 'baseline-profile.json'));
    copyFileSync(join(process.cwd(), 'examples/churn/train.mjs'), join(ws, 'train.mjs'));
    copyFileSync(join(process.cwd(), 'examples/churn/evaluate.mjs'), join(ws, 'evaluate.mjs'));
    const r = cli(['run', '--manifest', '.modelship/run.json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // The gate ran after train on the evaluation run's predictions (value checks: no champion yet).
    expect(out['evaluate-gate']).toMatchObject({ passed: 'true', verdict: 'pass', champion: '' });
    expect(out['validate-data']).toMatchObject({ passed: 'true', rows: '500' });
    expect(out['validate-data'].drifted).toContain('monthly_charges');
    expect(out.train).toMatchObject({
      status: 'Completed',
      'model-sha256': expect.stringMatching(/^[a-f0-9]{64}$/),
    });
    expect(JSON.parse(out.train.metrics).auc).toBeGreaterThan(0.7);
    expect(out.register).toEqual({
      'model-package-arn': 'model-package/churn/1',
      'model-version': '1',
      'approval-status': 'PendingManualApproval',
      'champion-arn': '',
    });
    expect(r.stderr).toContain('main job: passed (validate-data, train, evaluate-gate, register)');
    // The example sets up deploy-canary and promote-on-metrics too: the run stops at the approval gate.
    expect(r.stderr).toContain(
      'main job: stops at the approval gate: model-package/churn/1 is PendingManualApproval. Approve it (modelship register --operation approve --manifest .modelship/run.json), then run modelship deploy-canary --manifest .modelship/run.json, then modelship promote-on-metrics --manifest .modelship/run.json',
    );
    expect(r.stderr).toContain('monthly_charges: baseline vs current');
    const manifest = JSON.parse(readFileSync(join(ws, '.modelship/run.json'), 'utf8'));
    expect(manifest.source).toEqual({ system: 'local' });
    expect(manifest.history.map((h: { step: string }) => h.step)).toEqual([
      'validate-data',
      'train',
      'evaluate-gate',
      'register',
    ]);
    expect(manifest.training.channels.train).toContain('data/train.csv');
    expect(manifest.registration).toMatchObject({ backend: 'local', group: 'churn', version: 1 });
    // The registry of the embedded default: one JSON document per version, the artefact copied.
    const pkg = JSON.parse(readFileSync(join(ws, '.modelship/registry/churn/versions/1.json'), 'utf8'));
    expect(pkg.CustomerMetadataProperties['modelship:model-sha256']).toBe(out.train['model-sha256']);
    expect(pkg.InferenceSpecification.Containers[0].ModelDataUrl).toBe(
      `churn/artifacts/${out.train['model-sha256']}.tar.gz`,
    );
  });

  it('records CodeBuild provenance when run inside CodeBuild', () => {
    const r = cli(
      [
        'validate-data',
        '--data',
        'data/train.csv',
        '--schema',
        'churn.schema.json',
        '--manifest',
        'cb.json',
        '--quiet',
      ],
      {
        CODEBUILD_BUILD_ID: 'modelship-train:8d6a7c1e',
        CODEBUILD_RESOLVED_SOURCE_VERSION: 'f'.repeat(40),
        CODEBUILD_BUILD_NUMBER: '17',
      },
    );
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(ws, 'cb.json'), 'utf8'));
    expect(manifest.source).toMatchObject({ system: 'codebuild', commit: 'f'.repeat(40), runId: '17' });
  });
});

describe('the committed example baseline', () => {
  it('is what npm run example:baseline makes from the generator (apart from its timestamp)', () => {
    const dir = churnWorkspace(20000);
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'validate-data',
        '--data',
        'data/train.csv',
        '--schema',
        'churn.schema.json',
        '--write-profile',
        'fresh.json',
        '--quiet',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    // The same bytes (sha256) read from another folder: only the timestamp and the path differ.
    const strip = (p: string) => {
      const doc = JSON.parse(readFileSync(p, 'utf8')) as { sources: { uri?: string }[] };
      return { ...doc, createdAt: undefined, sources: doc.sources.map((s) => ({ ...s, uri: undefined })) };
    };
    expect(strip(join(dir, 'fresh.json'))).toEqual(
      strip(join(process.cwd(), 'examples/churn/baseline-profile.json')),
    );
  });
});

describe('modelship CLI: runs sharing one manifest', () => {
  it('four runs at once all land in the history, and leave no temporary file or lock', async () => {
    const { spawn } = await import('node:child_process');
    const { readdirSync } = await import('node:fs');
    const one = (i: number) =>
      new Promise<number | null>((resolve) => {
        const p = spawn(
          process.execPath,
          [
            CLI,
            'validate-data',
            '--data',
            'data/current.csv',
            '--schema',
            'churn.schema.json',
            '--manifest',
            'shared/m.json',
            '--write-profile',
            `p${i}.json`,
            '--quiet',
          ],
          { cwd: ws, stdio: 'ignore', env: { PATH: process.env.PATH, HOME: process.env.HOME } },
        );
        p.on('exit', resolve);
      });
    expect(await Promise.all([0, 1, 2, 3].map(one))).toEqual([0, 0, 0, 0]);
    const doc = JSON.parse(readFileSync(join(ws, 'shared/m.json'), 'utf8')) as {
      history: { step: string }[];
    };
    expect(doc.history.map((h) => h.step)).toEqual([
      'validate-data',
      'validate-data',
      'validate-data',
      'validate-data',
    ]);
    expect(readdirSync(join(ws, 'shared')).filter((f) => f.startsWith('m.json'))).toEqual(['m.json']);
  });
});

describe('modelship CLI: --quiet', () => {
  it('run --quiet prints no banners when the main job passes', () => {
    const r = cli(['run', '--manifest', '.modelship/quiet.json', '--quiet']);
    expect(r.stderr).toBe('');
    expect(Object.keys(JSON.parse(r.stdout))).toContain('validate-data');
  });

  it('prints only the outputs when the step passes, and the verdict when it fails', () => {
    const ok = cli([
      'validate-data',
      '--data',
      'data/current.csv',
      '--schema',
      'churn.schema.json',
      '--quiet',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout)).toMatchObject({ passed: 'true' });
    writeFileSync(join(ws, 'bad.csv'), 'customer_id,tenure_months\nx,notanumber\n');
    const bad = cli(['validate-data', '--data', 'bad.csv', '--schema', 'churn.schema.json', '--quiet']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/✖ validate-data: data failed/);
    expect(bad.stderr).not.toMatch(/Validating|━━/);
  });
});

describe('modelship CLI: --infer keeps what exists', () => {
  it('refuses to overwrite a schema or baseline without --force, and overwrites with it', () => {
    writeFileSync(join(ws, 'keep.schema.json'), '{"edited": "by hand"}\n');
    const refused = cli(['validate-data', '--data', 'data/current.csv', '--infer', 'keep.schema.json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'error: keep.schema.json: schema already exists; inferring would overwrite it\nhint: pass force (--force)',
    );
    expect(readFileSync(join(ws, 'keep.schema.json'), 'utf8')).toBe('{"edited": "by hand"}\n');

    writeFileSync(join(ws, 'mine-profile.json'), '{}\n');
    const profile = cli([
      'validate-data',
      '--data',
      'data/current.csv',
      '--infer',
      'fresh.schema.json',
      '--write-profile',
      'mine-profile.json',
    ]);
    expect(profile.code).toBe(1);
    expect(profile.stderr).toContain('error: mine-profile.json: baseline profile already exists');

    const forced = cli([
      'validate-data',
      '--data',
      'data/current.csv',
      '--infer',
      'keep.schema.json',
      '--force',
      '--quiet',
    ]);
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(ws, 'keep.schema.json'), 'utf8')).properties).toBeDefined();
  });
});

describe('modelship CLI: run with nothing to run', () => {
  it('says there is no modelship.yml (and names none) when none exists; names the file when it sets up nothing', () => {
    const empty = tempDir('modelship-empty-');
    const none = spawnSync(process.execPath, [CLI, 'run'], {
      cwd: empty,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(none.status).toBe(1);
    expect(none.stderr).toContain(
      `error: modelship run: nothing to run: there is no modelship.yml in ${empty}\nhint: create modelship.yml`,
    );
    writeFileSync(join(empty, 'modelship.yml'), 'model: churn\n');
    const idle = spawnSync(process.execPath, [CLI, 'run'], {
      cwd: empty,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(idle.status).toBe(1);
    expect(idle.stderr).toContain(
      'error: modelship.yml: nothing to run: the config sets up no step\nhint: set up a step',
    );
  });
});
