// deploy-canary on the local backend and its commands, from a user trial: what each fix of the
// trial holds to. Real processes, real HTTP, and the committed CLI where a signal is sent.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { httpCall, readEndpointState, stopTree, treeAlive } from '@modelship/local';
import {
  BARE_ENV as ENV,
  CHURN_REQUEST,
  churnModel,
  deployHarness,
  deployWorkspace,
  pidFile,
  registerLocal,
  until,
} from '../lib/deploy.js';
import { configErrorLine, runStep } from '../lib/step.js';

const { step, started, deploy, startCli } = deployHarness();

function workspace(deploy: string): string {
  const dir = deployWorkspace(deploy);
  started.push(dir);
  return dir;
}

/** A workspace serving with `serve` and a registry holding versions 1 and 2 of churn. */
async function twoVersions(serve = 'serve.mjs') {
  const dir = workspace(`  serve: [node, ${serve}]\n`);
  const reg = join(dir, '.modelship/registry');
  const v1 = await registerLocal(reg, 'churn', 1, churnModel(-1));
  const v2 = await registerLocal(reg, 'churn', 2, churnModel(1));
  return { dir, reg, v1, v2 };
}

function useServe(dir: string, script: string): void {
  const file = join(dir, 'modelship.yml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(/serve: \[node, [^\]]+\]/, `serve: [node, ${script}]`),
  );
}

/** A serve script that takes a minute before it serves: a deploy is mid-start for that long. */
function slowServe(dir: string): void {
  writeFileSync(
    join(dir, 'slow.mjs'),
    "await new Promise((r) => setTimeout(r, 60_000));\nawait import('./serve.mjs');\n",
  );
}

/** Kill -9 a CLI deploy once its challenger's process is spawned; the orphan's pid. */
async function killDeployMidStart(dir: string, arn: string): Promise<number> {
  const cli = startCli(dir, ['deploy-canary', '--model-package-arn', arn]);
  const file = pidFile(dir, `churn-v${arn.split('/').pop()}`);
  const pid = await until(
    () => existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid,
  );
  cli.child.kill('SIGKILL');
  await cli.exited;
  expect(treeAlive(pid)).toBe(true); // orphaned: outside the endpoint's state
  return pid;
}

describe('from a trial: a deploy killed outright (kill -9) while the challenger starts', () => {
  it('leaves a process that the next deploy stops, saying so in one line', async () => {
    const { dir, v1, v2 } = await twoVersions();
    expect((await deploy(dir, { 'model-package-arn': v1 })).result.outputs.status).toBe('created');
    slowServe(dir);
    useServe(dir, 'slow.mjs');
    const orphan = await killDeployMidStart(dir, v2);
    const state = (await readEndpointState(join(dir, '.modelship/endpoints'), 'churn'))!;
    expect(state.variants.map((v) => v.pid)).not.toContain(orphan);

    useServe(dir, 'serve.mjs');
    const next = await deploy(dir, { 'model-package-arn': v2 });
    expect(next.result.ok).toBe(true);
    expect(next.log.lines.filter((l) => l.includes('interrupted deploy'))).toEqual([
      `warning: stopped what an interrupted deploy of churn left running outside its state: variant churn-v2 (pid ${orphan})`,
    ]);
    expect(treeAlive(orphan)).toBe(false);
    // The state records the new challenger, and no pid file is left once it does.
    expect(existsSync(pidFile(dir, 'churn-v2'))).toBe(false);
  });

  it('of a first deploy (no state yet): `modelship endpoint stop` stops it and names it', async () => {
    const dir = workspace('  serve: [node, slow.mjs]\n');
    slowServe(dir);
    const v1 = await registerLocal(join(dir, '.modelship/registry'), 'churn', 1, churnModel(-1));
    const orphan = await killDeployMidStart(dir, v1);
    expect(await readEndpointState(join(dir, '.modelship/endpoints'), 'churn')).toBeUndefined();
    const stop = startCli(dir, ['endpoint', 'stop', 'churn']);
    expect(await stop.exited).toBe(0);
    expect(stop.stderr()).toBe(
      `stopped what an interrupted deploy of churn left running outside its state: variant churn-v1 (pid ${orphan})\n`,
    );
    expect(treeAlive(orphan)).toBe(false);
  });
});

describe('from a trial: modelship traffic', () => {
  async function endpoint(): Promise<{ dir: string; port: number }> {
    const dir = workspace('  serve: [node, serve.mjs]\n');
    const v1 = await registerLocal(join(dir, '.modelship/registry'), 'churn', 1, churnModel(-1));
    const run = await deploy(dir, { 'model-package-arn': v1 });
    return { dir, port: Number(run.result.outputs['endpoint-url']!.split(':').pop()) };
  }
  const traffic = (rate: string, duration: string) => [
    'traffic',
    '--endpoint',
    'churn',
    '--requests',
    'contract/smoke-requests.jsonl',
    '--rate',
    rate,
    '--duration',
    duration,
  ];

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'at a rate the machine cannot reach stops promptly on %s: exit 1, cancelled, the rate achieved beside the one asked',
    async (signal) => {
      const { dir } = await endpoint();
      const cli = startCli(dir, traffic('1000000', '60'));
      await until(() => cli.stderr().includes('sent'), 15_000);
      const at = Date.now();
      cli.child.kill(signal);
      expect(await cli.exited).toBe(1);
      expect(Date.now() - at).toBeLessThan(5_000);
      expect(cli.stderr()).toMatch(
        /\ncancelled: \d+ sent in [\d.]+ s \([\d.]+ requests\/s achieved of 1000000 asked\)\n/,
      );
      expect(cli.stderr()).toMatch(new RegExp(`\\nerror: cancelled by ${signal}\\n$`));
      const out = JSON.parse(cli.stdout()) as {
        cancelled: boolean;
        rate: { asked: number; achieved: number };
      };
      expect(out.cancelled).toBe(true);
      expect(out.rate.asked).toBe(1_000_000);
      expect(out.rate.achieved).toBeGreaterThan(0);
      expect(out.rate.achieved).toBeLessThan(1_000_000);
    },
  );

  it('says when the rate asked was not reached, and reports it at the end', async () => {
    const { dir } = await endpoint();
    const cli = startCli(dir, traffic('1000000', '1'));
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toMatch(
      /\nwarning: the rate asked was not reached: [\d.]+ requests\/s achieved of 1000000 asked/,
    );
  });

  it('exits 1 with one line when no request was answered (router gone), or none with a 2xx (variant gone)', async () => {
    const { dir } = await endpoint();
    const root = join(dir, '.modelship/endpoints');
    const state = (await readEndpointState(root, 'churn'))!;
    await stopTree(state.variants[0]!.pid, 2_000);
    const failed = startCli(dir, traffic('50', '1'));
    expect(await failed.exited).toBe(1);
    expect(failed.stderr()).toContain(
      'error: endpoint churn: no request was answered with a 2xx (50 sent: 0 no answer, 0 4xx, 50 5xx)\n',
    );
    await stopTree(state.router.pid, 2_000);
    const none = startCli(dir, traffic('50', '1'));
    expect(await none.exited).toBe(1);
    expect(none.stderr()).toContain(
      'error: endpoint churn: no request was answered with a 2xx (50 sent: 50 no answer, 0 4xx, 0 5xx)\n',
    );
  });
});

describe('from a trial: what deploy-canary refuses, in one line', () => {
  it.each([
    ['not a tar.gz at all', (f: string) => writeFileSync(f, 'not a model archive\n')],
    ['a gzip cut short', (f: string) => writeFileSync(f, readFileSync(f).subarray(0, 24))],
  ])('a model artefact that is %s: a ConfigError naming the package and the file', async (_what, spoil) => {
    const dir = workspace('  serve: [node, serve.mjs]\n');
    const reg = join(dir, '.modelship/registry');
    const v1 = await registerLocal(reg, 'churn', 1, churnModel(-1));
    const doc = JSON.parse(readFileSync(join(reg, 'churn/versions/1.json'), 'utf8')) as {
      InferenceSpecification: { Containers: { ModelDataUrl: string }[] };
    };
    const artefact = doc.InferenceSpecification.Containers[0]!.ModelDataUrl;
    const good = readFileSync(join(reg, artefact));
    spoil(join(reg, artefact));
    const err = await runStep(step, { 'model-package-arn': v1 }, { cwd: dir, env: ENV }).then(
      () => undefined,
      (e: { line: string; hint?: string; name: string }) => e,
    );
    expect(err?.name).toBe('ConfigError');
    expect(err?.line).toMatch(
      new RegExp(
        `^model package ${v1}: its model artefact \\.modelship/registry/${artefact.replace(/\./g, '\\.')} is not a valid model\\.tar\\.gz \\(`,
      ),
    );
    // Registering the same candidate again returns this package without copying the file: the
    // hint says to restore the file (the registry names it by its sha256), and doing so works.
    expect(err?.hint).toBe(
      `restore .modelship/registry/${artefact} from the training output it was registered from (the registry names it by its sha256), or deploy another Approved package (modelship registry list shows them)`,
    );
    expect(await readEndpointState(join(dir, '.modelship/endpoints'), 'churn')).toBeUndefined();
    // A failed first deploy leaves no folder behind.
    expect(existsSync(join(dir, '.modelship/endpoints/churn'))).toBe(false);
    writeFileSync(join(reg, artefact), good);
    expect((await deploy(dir, { 'model-package-arn': v1 })).result.outputs.status).toBe('created');
  });

  it.each(['Rejected', 'PendingManualApproval'])(
    'a %s package, naming it and its status, with a hint that works',
    async (status) => {
      const dir = workspace('  serve: [node, serve.mjs]\n');
      const reg = join(dir, '.modelship/registry');
      const v1 = await registerLocal(reg, 'churn', 1, churnModel(-1));
      const file = join(reg, 'churn/versions/1.json');
      // As register writes it: the digest of the manifest it registered from (approve records it).
      writeFileSync(
        file,
        readFileSync(file, 'utf8')
          .replace('"Approved"', `"${status}"`)
          .replace(
            '"CustomerMetadataProperties": {}',
            `"CustomerMetadataProperties": {"modelship:manifest-sha256": "${'a'.repeat(64)}"}`,
          ),
      );
      const err = await deploy(dir, { 'model-package-arn': v1 }).then(
        () => undefined,
        (e: { line: string; hint?: string }) => e,
      );
      expect(err?.line).toBe(
        `model package ${v1}: is ${status}, not Approved: only an Approved package is deployed (as SageMaker does)`,
      );
      expect(existsSync(join(dir, '.modelship/endpoints/churn'))).toBe(false);
      // What register really does with the package.
      const approve = startCli(dir, ['register', '--operation', 'approve', '--model-package-arn', v1]);
      const approved = await approve.exited;
      if (status === 'Rejected') {
        // register never approves a Rejected package, so the hint must not send the user there.
        expect(approved).toBe(1);
        expect(approve.stderr()).toContain(`error: ${v1}: is Rejected: a rejected package is not approved`);
        expect(err?.hint).toBe(
          'a rejected package stays rejected (register refuses to approve it): deploy an Approved package (modelship registry list shows them), or register a new candidate (retrain, or gate it on other data) and approve that',
        );
        const list = startCli(dir, ['registry', 'list']);
        expect(await list.exited).toBe(0);
        expect(list.stdout()).toContain(v1);
      } else {
        expect(err?.hint).toBe(
          `approve it first: modelship register --operation approve --model-package-arn ${v1}`,
        );
        expect(approved).toBe(0);
        expect((await deploy(dir, { 'model-package-arn': v1 })).result.outputs.status).toBe('created');
      }
    },
  );

  it.each([
    ['[node, nowhere.mjs]', 'nowhere.mjs'],
    ['[python3, app/serve.py]', 'app/serve.py'],
    ['[./bin/serve.sh]', './bin/serve.sh'],
  ])('a deploy.serve %s whose script does not exist names the field and the file', async (serve, script) => {
    const dir = workspace(`  serve: ${serve}\n`);
    const v1 = await registerLocal(join(dir, '.modelship/registry'), 'churn', 1, churnModel(-1));
    expect(await configErrorLine(deploy(dir, { 'model-package-arn': v1 }))).toBe(
      `modelship.yml: deploy.serve: the script ${script} does not exist (${join(dir, script)})`,
    );
  });
});

describe('from a trial: re-deploying and a pinned port', () => {
  it('a canary that canary-percent 100 left at 100% beside the old champion is re-weighted to 10%', async () => {
    const { dir, v1, v2 } = await twoVersions();
    await deploy(dir, { 'model-package-arn': v1 });
    expect((await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '100' })).result.ok).toBe(true);
    const root = join(dir, '.modelship/endpoints');
    const weights = async () =>
      Object.fromEntries((await readEndpointState(root, 'churn'))!.variants.map((v) => [v.name, v.weight]));
    expect(await weights()).toEqual({ 'churn-v1': 0, 'churn-v2': 100 });
    const back = await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '10' });
    expect(back.result.outputs).toMatchObject({
      status: 'deployed',
      'champion-variant': 'churn-v1',
      'challenger-variant': 'churn-v2',
    });
    expect(back.text).toContain('re-weighting churn: churn-v2 from 100% to 10%, churn-v1 from 0% to 90%');
    expect(await weights()).toEqual({ 'churn-v1': 90, 'churn-v2': 10 });
  });

  it('a pinned deploy.port the running router does not use is warned about, naming both ports', async () => {
    const dir = workspace('  serve: [node, serve.mjs]\n');
    const reg = join(dir, '.modelship/registry');
    const first = await deploy(dir, {
      'model-package-arn': await registerLocal(reg, 'churn', 1, churnModel(-1)),
    });
    const port = Number(first.result.outputs['endpoint-url']!.split(':').pop());
    const file = join(dir, 'modelship.yml');
    for (const pinned of [port === 1 ? 2 : port - 1, port + 1]) {
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(/(\n {2}port: \d+)?\n$/, `\n  port: ${pinned}\n`),
      );
      const again = await deploy(dir, { 'model-package-arn': 'model-package/churn/1' });
      expect(again.result.ok).toBe(true);
      expect(again.text).toContain(
        `warning: modelship.yml: deploy.port is ${pinned}, but the router of local endpoint churn already listens on port ${port}: it stays on ${port} (a running router keeps its port); to move it to ${pinned}, stop the endpoint (modelship endpoint stop churn) and deploy again`,
      );
    }
  });
});

describe('from a trial: SIGTERM late in a deploy (the real process)', () => {
  /** v1 the champion; the CLI deploying v2 (with `serve`) beside it. */
  async function champion(serve = 'serve.mjs', prepare: (dir: string) => void = () => undefined) {
    const { dir, reg, v1, v2 } = await twoVersions(serve);
    prepare(dir);
    const v3 = await registerLocal(reg, 'churn', 3, churnModel(2));
    expect((await deploy(dir, { 'model-package-arn': v1 })).result.ok).toBe(true);
    return { dir, root: join(dir, '.modelship/endpoints'), v2, v3 };
  }

  it('before the state is written: the challenger is removed, the router put back, and the step fails as cancelled', async () => {
    const { dir, root, v2 } = await champion();
    const before = (await readEndpointState(root, 'churn'))!;
    const routerJson = join(root, 'churn/router.json');
    const cli = startCli(dir, ['deploy-canary', '--model-package-arn', v2]);
    // The router takes the new config: the signal comes now, before the state records it.
    let challengerPid = 0;
    await until(
      () => {
        const f = pidFile(dir, 'churn-v2');
        if (!challengerPid && existsSync(f))
          try {
            challengerPid = (JSON.parse(readFileSync(f, 'utf8')) as { pid: number }).pid;
          } catch {
            // renamed away between the check and the read: look again
          }
        return readFileSync(routerJson, 'utf8').includes('churn-v2');
      },
      60_000,
      1,
    );
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(1);
    const after = (await readEndpointState(root, 'churn'))!;
    if (cli.stderr().includes('the deploy stands')) {
      // The signal came once the state was written after all: the deploy stands, and says so.
      expect(after.variants.map((v) => v.name)).toEqual(['churn-v1', 'churn-v2']);
      return;
    }
    expect(cli.stderr()).toMatch(/\nerror: cancelled by SIGTERM\n$/);
    expect(cli.stderr()).toContain(
      `cancelled: the challenger churn-v2 this run started (pid ${challengerPid}) was stopped and removed; churn serves as it did before the deploy (router and state.json as they were)`,
    );
    // Only what this run started was stopped: the champion keeps its process.
    expect(after.variants[0]!.pid).toBe(before.variants[0]!.pid);
    expect(treeAlive(before.variants[0]!.pid)).toBe(true);
    expect(existsSync(join(root, 'churn/variants/churn-v2'))).toBe(false);
    expect(after).toEqual(before);
    expect(readFileSync(routerJson, 'utf8')).not.toContain('churn-v2');
    expect(treeAlive(challengerPid)).toBe(false);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        httpCall(before.router.port, 'POST', '/invocations', { body: CHURN_REQUEST }),
      ),
    );
    expect(new Set(answers.map((a) => a.headers['x-amzn-invoked-production-variant']))).toEqual(
      new Set(['churn-v1']),
    );
  });

  it('after the change is complete: the deploy stands, the step says so and still exits 1 as cancelled', async () => {
    // The previous challenger's process sends the signal when the deploy stops it: after the state is written.
    const { dir, root, v2, v3 } = await champion('hook.mjs', (d) =>
      writeFileSync(
        join(d, 'hook.mjs'),
        "import { readFileSync } from 'node:fs';\nprocess.on('SIGTERM', () => {\n  try { process.kill(Number(readFileSync('signal-me', 'utf8')), 'SIGTERM'); } catch {}\n  process.exit(0);\n});\nawait import('./serve.mjs');\n",
      ),
    );
    expect((await deploy(dir, { 'model-package-arn': v2 })).result.ok).toBe(true);
    const cli = startCli(dir, ['deploy-canary', '--model-package-arn', v3]);
    writeFileSync(join(dir, 'signal-me'), String(cli.child.pid));
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('cancelled by SIGTERM after the change was complete: the deploy stands');
    expect(cli.stderr()).toMatch(
      /\n✖ deploy-canary: cancelled by SIGTERM after the change was complete; the deploy stands: churn-v3 serves 10% of churn/,
    );
    const state = (await readEndpointState(root, 'churn'))!;
    expect(state.variants.map((v) => [v.name, v.weight])).toEqual([
      ['churn-v1', 90],
      ['churn-v3', 10],
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, '.modelship/manifest.json'), 'utf8')) as {
      deployment: { challengerVariant: string };
      history: { ok: boolean }[];
    };
    expect(manifest.deployment.challengerVariant).toBe('churn-v3');
    expect(manifest.history.at(-1)!.ok).toBe(false);
  });
});
