import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { tempDir } from './lib/step.js';

// The CLI as users install it: the package npm packs from this repository (the committed build,
// nothing to build or download), installed into an empty project outside the checkout.
describe('the packed CLI', () => {
  it('installs into an empty folder and runs `npx modelship`', () => {
    const out = tempDir('modelship-pack-');
    execFileSync('npm', ['pack', process.cwd(), '--silent', '--pack-destination', out], { cwd: out });
    const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'))!;
    const app = tempDir('modelship-app-');
    writeFileSync(join(app, 'package.json'), '{"name": "app", "private": true}\n');
    execFileSync('npm', ['install', join(out, tarball), '--no-audit', '--no-fund', '--offline'], {
      cwd: app,
    });
    const npx = (args: string[]) =>
      spawnSync('npx', ['--no-install', 'modelship', ...args], { cwd: app, encoding: 'utf8' });
    const version = npx(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    writeFileSync(join(app, 'd.csv'), 'id,amount\n1,2.5\n2,3.5\n');
    const infer = npx(['validate-data', '--data', 'd.csv', '--infer', 'd.schema.json', '--quiet']);
    expect(infer.status).toBe(0);
    const check = npx(['validate-data', '--data', 'd.csv', '--schema', 'd.schema.json', '--quiet']);
    expect(check.status).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ passed: 'true', rows: '2' });
    // The pipeline template ships in the package: `codepipeline install` reads its Parameters
    // (an unknown one is refused before any AWS call).
    const install = npx(['codepipeline', 'install', '--stack-name', 's', '--parameter', 'Nope=1']);
    expect(install.status).toBe(1);
    expect(install.stderr).toContain(
      'error: --parameter Nope: is not a parameter of node_modules/modelship/workflows/codepipeline/pipeline.yml (its parameters: ModelName,',
    );
  });
});
