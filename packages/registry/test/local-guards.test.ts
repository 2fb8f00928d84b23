/**
 * The local registry refuses what it cannot hold safely, each in one line naming the file or field:
 * a document of the wrong shape (or truncated, or whose version is not its file's), a model copy
 * whose bytes are not the judged ones, a group differing from another only in case, a
 * `registry.path` that is a URI; it expands `~`; and a registration waiting for another process
 * says so and stops at once when the step is cancelled.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigError, type LoadedConfig } from '@modelship/core';
import { LocalRegistry } from '../src/local.js';
import { localRegistryRoot, openRegistry } from '../src/open.js';
import type { PackageRequest } from '../src/types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelship-registry-guards-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function lineOf(p: Promise<unknown> | (() => unknown)): Promise<{ line: string; hint?: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof ConfigError) return { line: err.line, hint: err.hint };
    throw err;
  }
  throw new Error('expected a ConfigError');
}

function request(o: Partial<PackageRequest> & { digest: string }): PackageRequest {
  return {
    group: 'churn',
    status: 'PendingManualApproval',
    inference: { Containers: [{ ModelDataUrl: join(dir, 'model.tar.gz') }] },
    metadata: { 'modelship:manifest-sha256': o.digest },
    tags: {},
    ...o,
  };
}

function config(values: Record<string, unknown>, path?: string): LoadedConfig {
  return {
    path: path ?? join(dir, 'cfg-local.yml'),
    dir,
    values,
    resolvePath: (p) => (p.startsWith('/') ? p : join(dir, p)),
  };
}

describe('the local registry refuses documents it cannot read as packages', () => {
  it.each([
    [
      'valid JSON of the wrong shape',
      '{"hello":1}',
      /is not a model package document: its ModelPackageGroupName is undefined, not churn$/,
    ],
    [
      'a truncated file',
      '{"ModelPackageGroupName": "ch',
      /is not a model package document: not valid JSON, perhaps truncated/,
    ],
    ['a list', '[1,2]', /is not a model package document: is not a JSON object$/],
  ])('%s: one line naming the file, with a hint', async (_name, text, message) => {
    const registry = new LocalRegistry(join(dir, 'reg'), 'reg');
    await registry.ensureGroup('churn', {});
    writeFileSync(join(dir, 'model.tar.gz'), 'm');
    await registry.create(request({ digest: '1'.repeat(64) }));
    writeFileSync(join(dir, 'reg/churn/versions/8.json'), text);
    for (const call of [() => registry.list('churn'), () => registry.latestApproved('churn')]) {
      const { line, hint } = await lineOf(call);
      expect(line).toMatch(/^reg\/churn\/versions\/8\.json: is not a model package document: /);
      expect(line).toMatch(message);
      expect(hint).toMatch(/move it out of reg\/churn\/versions/);
    }
    // Register's look-up of an earlier package is refused the same way (not an internal error).
    expect((await lineOf(registry.findByDigest('churn', '2'.repeat(64)))).line).toMatch(
      /^reg\/churn\/versions\/8\.json: /,
    );
  });

  it('a document whose ModelPackageVersion (or ARN, or status) disagrees with its file is refused', async () => {
    const registry = new LocalRegistry(join(dir, 'reg'), 'reg');
    await registry.ensureGroup('churn', {});
    writeFileSync(join(dir, 'model.tar.gz'), 'm');
    const { pkg } = await registry.create(request({ digest: '1'.repeat(64) }));
    writeFileSync(join(dir, 'reg/churn/versions/2.json'), JSON.stringify(pkg));
    expect((await lineOf(registry.list('churn'))).line).toBe(
      'reg/churn/versions/2.json: is not a model package document: its ModelPackageVersion is 1, but the file is version 2',
    );
    writeFileSync(
      join(dir, 'reg/churn/versions/2.json'),
      JSON.stringify({
        ...pkg,
        ModelPackageVersion: 2,
        ModelPackageArn: 'model-package/churn/2',
        ModelApprovalStatus: 'OK',
      }),
    );
    expect((await lineOf(registry.describe('model-package/churn/2'))).line).toMatch(
      /^reg\/churn\/versions\/2\.json: is not a model package document: its ModelApprovalStatus is "OK"/,
    );
  });

  it('refuses a non-canonical version and a SageMaker ARN, with a hint', async () => {
    const registry = new LocalRegistry(join(dir, 'reg'), 'reg');
    expect((await lineOf(registry.describe('model-package/churn/01'))).line).toMatch(
      /^model-package\/churn\/01: is not a local model package .*without leading zeros/,
    );
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1';
    const { line, hint } = await lineOf(registry.describe(arn));
    expect(line).toBe(
      `${arn}: is a SageMaker ARN: the local registry names its packages model-package/<group>/<version>`,
    );
    expect(hint).toMatch(/--backend sagemaker/);
  });
});

describe('the local registry keeps only the judged bytes', () => {
  it('refuses a model copy whose sha256 is not the expected one, and keeps nothing of it', async () => {
    const registry = new LocalRegistry(join(dir, 'reg'), 'reg');
    await registry.ensureGroup('churn', {});
    writeFileSync(join(dir, 'model.tar.gz'), 'swapped');
    const judged = createHash('sha256').update('judged').digest('hex');
    const { line } = await lineOf(registry.create(request({ digest: '1'.repeat(64), modelSha256: judged })));
    expect(line).toMatch(
      new RegExp(
        `model\\.tar\\.gz: model artefact changed since it was judged: sha256 [a-f0-9]{12}… now, ${judged.slice(0, 12)}… in the manifest$`,
      ),
    );
    expect(existsSync(join(dir, 'reg/churn/artifacts'))).toBe(false);
    expect(existsSync(join(dir, 'reg/churn/versions'))).toBe(false);
    expect(readdirSync(join(dir, 'reg/churn/tmp'))).toEqual([]);
  });

  it('refuses a group that differs from an existing one only in case', async () => {
    const registry = new LocalRegistry(join(dir, 'reg'), 'reg');
    await registry.ensureGroup('churn', {});
    const { line, hint } = await lineOf(registry.ensureGroup('CHURN', {}));
    expect(line).toMatch(/^model package group CHURN: differs from the existing group churn only in case/);
    expect(hint).toBe('use the group churn, or a name that differs in more than case');
    expect(await registry.groups()).toEqual(['churn']);
  });
});

describe('registry.path on the local backend', () => {
  const ctx = (path: string, env: Record<string, string> = {}) => ({
    config: config({ registry: { path } }),
    cwd: dir,
    env,
  });

  it.each(['s3://bucket/reg', 'file:///tmp/reg', 'https://example.com/reg'])(
    'refuses the URI %s naming the config file given',
    async (path) => {
      const { line, hint } = await lineOf(() => localRegistryRoot(ctx(path)));
      expect(line).toBe(`cfg-local.yml: registry.path: '${path}' is a URI: the local registry is a folder`);
      expect(hint).toMatch(path.startsWith('s3') ? /backend: sagemaker/ : /give a folder/);
    },
  );

  it('expands ~ and ~/… to the home folder, and refuses ~user', async () => {
    expect(localRegistryRoot(ctx('~/reg', { HOME: join(dir, 'home') }))).toBe(join(dir, 'home/reg'));
    expect(localRegistryRoot(ctx('~', { HOME: join(dir, 'home') }))).toBe(join(dir, 'home'));
    expect((await lineOf(() => localRegistryRoot(ctx('~bob/reg')))).line).toBe(
      "cfg-local.yml: registry.path: '~bob/reg': only ~ and ~/… (your home folder) are expanded",
    );
    expect(localRegistryRoot(ctx('regs/here'))).toBe(join(dir, 'regs/here'));
  });
});

describe('a registration waiting for another process', () => {
  it('says on whom it waits, and stops at once when the step is cancelled', async () => {
    const logged: string[] = [];
    const controller = new AbortController();
    const registry = openRegistry(
      {
        config: config({ registry: { path: 'reg' } }),
        cwd: dir,
        backend: 'local',
        env: {},
        signal: controller.signal,
        now: () => new Date(),
        log: { info: (m: string) => logged.push(m) },
      },
      {},
    );
    await registry.ensureGroup('churn', {});
    writeFileSync(join(dir, 'model.tar.gz'), 'm');
    const digest = '3'.repeat(64);
    // Another live process (our parent) holds the claim of this candidate.
    mkdirSync(join(dir, 'reg/churn/claims'), { recursive: true });
    writeFileSync(join(dir, 'reg/churn/claims', digest), String(process.ppid));
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('cancelled by SIGTERM')), 300);
    await expect(registry.create(request({ digest }))).rejects.toThrow('cancelled by SIGTERM');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(logged).toEqual([
      `waiting for process ${process.ppid}, which is registering this candidate (reg/churn/claims/${digest}), for up to 120 s`,
    ]);
  });
});
