// deploy-canary on the local backend, from a third user trial: what it decides from is the
// endpoint as it runs now (the router's weights, the processes alive), not what a deploy recorded;
// it never changes an endpoint promote-on-metrics is judging, and a promote never starts halfway
// through a deploy; the variants table names the champion and a replaced challenger truthfully; a
// cancel during the model's extraction leaves nothing; a lone endpoint with something dead is
// restored by deploying its package again. Real processes, real HTTP, the committed CLI where two
// processes meet or a signal is sent.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  httpCall,
  readEndpointState,
  treeAlive,
  updateEndpointWeights,
  withEndpointLock,
} from '@modelship/local';
import { deployHarness, deployWorkspace, registerLocal, until } from '../lib/deploy.js';
import { fastPromote } from '../lib/promote.js';
import { configErrorLine } from '../lib/step.js';

const { started, deploy, startCli } = deployHarness();

/** A serve script; a model naming `waitFor` starts listening only once that file exists. */
const SERVE = `import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
const model = JSON.parse(readFileSync(join(process.env.SM_MODEL_DIR, 'model.json'), 'utf8'));
const server = createServer((req, res) => {
  if (req.url === '/ping') return res.end('{}');
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ score: model.score }));
  });
});
const listen = () => server.listen(Number(process.env.SAGEMAKER_BIND_TO_PORT), '127.0.0.1');
if (model.waitFor) {
  const t = setInterval(() => { if (existsSync(model.waitFor)) { clearInterval(t); listen(); } }, 20);
} else listen();
process.on('SIGTERM', () => process.exit(0));
`;

/** A workspace (stopped after the test) whose registry holds churn versions 1 to 3; v3 waits for the file `go`. */
async function workspace(extra = '') {
  const dir = deployWorkspace('  serve: [node, serve-live.mjs]\n', extra);
  started.push(dir);
  writeFileSync(join(dir, 'serve-live.mjs'), SERVE);
  const reg = join(dir, '.modelship/registry');
  const v1 = await registerLocal(reg, 'churn', 1, { score: 0.1 });
  const v2 = await registerLocal(reg, 'churn', 2, { score: 0.2 });
  const v3 = await registerLocal(reg, 'churn', 3, { score: 0.3, waitFor: join(dir, 'go') });
  return { dir, root: join(dir, '.modelship/endpoints'), reg, v1, v2, v3 };
}

/** The weights the running router serves, by variant (as it reports them). */
async function served(root: string): Promise<Record<string, number>> {
  const state = (await readEndpointState(root, 'churn'))!;
  const answer = await httpCall(state.router.port, 'GET', '/_modelship/state');
  const live = (JSON.parse(answer.body) as { variants: { name: string; weight: number }[] }).variants;
  return Object.fromEntries(live.map((v) => [v.name, v.weight]));
}

/** Poll the async `check` until it is true; fail after `ms`. */
async function untilAsync(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pidOf = async (root: string, variant: string) =>
  (await readEndpointState(root, 'churn'))!.variants.find((v) => v.name === variant)!.pid;

describe('from a third trial: "unchanged" is decided from the endpoint as it runs', () => {
  it('weights moved back to the champion (as a cancelled promote leaves them): the canary is re-weighted, saying from what to what', async () => {
    const { dir, root, v1, v2 } = await workspace();
    await deploy(dir, { 'model-package-arn': v1 });
    expect((await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '25' })).result.ok).toBe(true);
    const p2 = await pidOf(root, 'churn-v2');
    // What promote-on-metrics does when it is cancelled mid-bake.
    await updateEndpointWeights(root, 'churn', [
      { VariantName: 'churn-v1', DesiredWeight: 100 },
      { VariantName: 'churn-v2', DesiredWeight: 0 },
    ]);
    const again = await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '25' });
    expect(again.result.outputs.status).toBe('deployed');
    expect(again.result.headline).toContain(
      're-weighted churn: churn-v2 from 0% to 25%, churn-v1 from 100% to 75%',
    );
    expect(await served(root)).toEqual({ 'churn-v1': 75, 'churn-v2': 25 });
    expect(await pidOf(root, 'churn-v2')).toBe(p2); // the process is kept
    const section = again.manifest().deployment as { variants: { name: string; weightBefore: number }[] };
    expect(section.variants.map((v) => [v.name, v.weightBefore])).toEqual([
      ['churn-v1', 100],
      ['churn-v2', 0],
    ]);
    // Now it is what was asked for.
    expect(
      (await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '25' })).result.outputs.status,
    ).toBe('unchanged');
  });

  it('a router config changed by hand (state.json not): the router is put back on the asked weights', async () => {
    const { dir, root, v1, v2 } = await workspace();
    await deploy(dir, { 'model-package-arn': v1 });
    await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '25' });
    const state = (await readEndpointState(root, 'churn'))!;
    const file = join(root, 'churn/router.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as {
      generation: number;
      variants: { name: string; weight: number }[];
    };
    for (const v of config.variants) v.weight = v.name === 'churn-v1' ? 40 : 60;
    config.generation += 1;
    writeFileSync(file, JSON.stringify(config));
    process.kill(state.router.pid, 'SIGHUP');
    await untilAsync(async () => (await served(root))['churn-v2'] === 60);
    const again = await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '25' });
    expect(again.result.outputs.status).toBe('deployed');
    expect(again.result.headline).toContain('churn-v2 from 60% to 25%, churn-v1 from 40% to 75%');
    expect(await served(root)).toEqual({ 'churn-v1': 75, 'churn-v2': 25 });
  });

  it('a canary whose process died is started again, not reported unchanged', async () => {
    const { dir, root, v1, v2 } = await workspace();
    await deploy(dir, { 'model-package-arn': v1 });
    await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '25' });
    const p2 = await pidOf(root, 'churn-v2');
    process.kill(-p2, 'SIGKILL');
    await until(() => !treeAlive(p2));
    const again = await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '25' });
    expect(again.result.outputs.status).toBe('deployed');
    const now = await pidOf(root, 'churn-v2');
    expect(now).not.toBe(p2);
    expect(treeAlive(now)).toBe(true);
    expect(await served(root)).toEqual({ 'churn-v1': 75, 'churn-v2': 25 });
  });
});

describe('from a third trial: a lone endpoint with its router or process dead', () => {
  it.each([['router'], ['serving process'], ['both']])(
    'deploying its package again restores it (%s dead) and says so',
    async (what) => {
      const { dir, root, v1 } = await workspace();
      await deploy(dir, { 'model-package-arn': v1 });
      const state = (await readEndpointState(root, 'churn'))!;
      const p1 = state.variants[0]!.pid;
      const killed = [
        ...(what !== 'serving process' ? [state.router.pid] : []),
        ...(what !== 'router' ? [p1] : []),
      ];
      for (const pid of killed) process.kill(-pid, 'SIGKILL');
      await until(() => killed.every((pid) => !treeAlive(pid)));
      const again = await deploy(dir, { 'model-package-arn': v1 });
      expect(again.result.ok).toBe(true);
      expect(again.result.outputs.status).toBe('deployed');
      const dead = [
        ...(what !== 'serving process' ? [`its router (pid ${state.router.pid})`] : []),
        ...(what !== 'router' ? [`the serving process of churn-v1 (pid ${p1})`] : []),
      ];
      expect(again.result.headline).toMatch(
        new RegExp(
          `^restored local endpoint churn: started ${dead.join(' and ').replace(/[()]/g, '\\$&')} again; churn-v1 serves alone at http`,
        ),
      );
      const now = (await readEndpointState(root, 'churn'))!;
      expect(now.variants.map((v) => [v.name, v.weight])).toEqual([['churn-v1', 100]]);
      expect(treeAlive(now.router.pid) && treeAlive(now.variants[0]!.pid)).toBe(true);
      if (what === 'router') expect(now.variants[0]!.pid).toBe(p1);
      const answer = await httpCall(now.router.port, 'POST', '/invocations', { body: '{}' });
      expect(answer.status).toBe(200);
      // Restored: a further run changes nothing.
      expect((await deploy(dir, { 'model-package-arn': v1 })).result.outputs.status).toBe('unchanged');
    },
  );
});

describe('from a third trial: the variants table', () => {
  it('names the recorded champion and the replaced challenger, also when the canary outweighs the champion', async () => {
    const { dir, v1, v2, v3 } = await workspace();
    writeFileSync(join(dir, 'go'), '');
    await deploy(dir, { 'model-package-arn': v1 });
    await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '60' });
    const run = await deploy(dir, { 'model-package-arn': v3, 'canary-percent': '10' });
    expect(run.result.headline).toContain('churn-v3 serves 10% of churn beside churn-v1 at 90%');
    const section = run.manifest().deployment as {
      championVariant: string;
      variants: { name: string; role: string; weightBefore: number; weightAfter: number }[];
    };
    expect(section.championVariant).toBe('churn-v1');
    expect(section.variants.map((v) => [v.name, v.role, v.weightBefore, v.weightAfter])).toEqual([
      ['churn-v1', 'champion', 40, 90],
      ['churn-v2', 'previous-challenger', 60, 0],
      ['churn-v3', 'challenger', 0, 10],
    ]);
    expect(run.result.summary).toContain('| churn-v2 | previous challenger |');
  });
});

describe('from a third trial: deploy-canary and a running promote-on-metrics (the committed CLI)', () => {
  /** churn-v2 a canary at 25% beside churn-v1, and promote-on-metrics (the CLI) baking it at 50%. */
  async function judging() {
    const ws = await workspace(fastPromote({ steps: [50], latency: '50%' }));
    writeFileSync(join(ws.dir, 'go'), '');
    await deploy(ws.dir, { 'model-package-arn': ws.v1 });
    await deploy(ws.dir, { 'model-package-arn': ws.v2, 'canary-percent': '25' });
    const promote = startCli(ws.dir, ['promote-on-metrics']);
    await untilAsync(async () => (await served(ws.root))['churn-v2'] === 50, 60_000);
    return { ...ws, promote };
  }

  it('refuses while a promote judges the endpoint; once the promote is cancelled and the package approved again, re-weights the canary it left at 0%', async () => {
    const { dir, root, v2, v3, promote } = await judging();
    const holder = Number(readFileSync(join(root, 'churn/promote.lock/pid'), 'utf8'));
    expect(holder).toBe(promote.child.pid);

    const second = startCli(dir, ['deploy-canary', '--model-package-arn', v3, '--manifest', 'other.json']);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(
      new RegExp(
        `error: local endpoint churn: promote-on-metrics is judging its canary \\(pid ${holder}, promote-on-metrics \\(manifest [^)]+, started [^)]+\\)\\): deploy-canary does not change it meanwhile\\n`,
      ),
    );
    expect(second.stderr()).toContain(`kill -INT ${holder}`);
    expect(await served(root)).toEqual({ 'churn-v1': 50, 'churn-v2': 50 });

    promote.child.kill('SIGINT');
    expect(await promote.exited).toBe(1);
    expect(await served(root)).toEqual({ 'churn-v1': 100, 'churn-v2': 0 });
    expect(existsSync(join(root, 'churn/promote.lock'))).toBe(false);

    // The cancel sent churn-v2's package back to PendingManualApproval (docs/promote.md): it is
    // deployed again only once approved again.
    const refused = startCli(dir, ['deploy-canary', '--model-package-arn', v2, '--canary-percent', '25']);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toContain('PendingManualApproval');
    const approve = startCli(dir, [
      'register',
      '--operation',
      'approve',
      '--model-package-arn',
      v2,
      '--manifest',
      'approve.json',
    ]);
    expect(await approve.exited).toBe(0);
    const again = startCli(dir, ['deploy-canary', '--model-package-arn', v2, '--canary-percent', '25']);
    expect(await again.exited).toBe(0);
    expect(again.stderr()).toContain('re-weighted churn: churn-v2 from 0% to 25%, churn-v1 from 100% to 75%');
    expect(await served(root)).toEqual({ 'churn-v1': 75, 'churn-v2': 25 });
  });

  it('a promote killed outright (kill -9) leaves a lock that does not stop the next deploy', async () => {
    const { dir, root, v3, promote } = await judging();
    promote.child.kill('SIGKILL');
    await promote.exited;
    expect(existsSync(join(root, 'churn/promote.lock'))).toBe(true);
    const run = await deploy(dir, { 'model-package-arn': v3, 'canary-percent': '10' });
    expect(run.result.ok).toBe(true);
    expect(await served(root)).toEqual({ 'churn-v1': 90, 'churn-v3': 10 });
  });

  it('a promote started while a deploy runs waits for it, and judges what the deploy left', async () => {
    const { dir, root, reg, v1, v2, v3 } = await workspace(fastPromote({ steps: [50], latency: '50%' }));
    await deploy(dir, { 'model-package-arn': v1 });
    await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '25' });
    // v3's process waits for the file `go`: the deploy holds the endpoint until then.
    const deploying = startCli(dir, ['deploy-canary', '--model-package-arn', v3, '--manifest', 'other.json']);
    await until(() => existsSync(join(root, 'churn/variants/churn-v3/serve.pid')), 60_000);
    const promote = startCli(dir, ['promote-on-metrics']);
    await until(() => existsSync(join(root, 'churn/promote.lock/pid')), 60_000);
    writeFileSync(join(dir, 'go'), '');
    expect(await deploying.exited).toBe(0);
    // The promote read the endpoint only after the deploy: its manifest's canary (churn-v2) is gone.
    expect(await promote.exited).toBe(1);
    expect(promote.stderr()).toContain(
      'error: local endpoint churn: has no variant churn-v2 (the challenger the manifest records)',
    );
    expect(await served(root)).toEqual({ 'churn-v1': 90, 'churn-v3': 10 });
    // Nothing was judged: churn-v2 is not rejected.
    expect(JSON.parse(readFileSync(join(reg, 'churn/versions/2.json'), 'utf8')).ModelApprovalStatus).toBe(
      'Approved',
    );
    expect(existsSync(join(root, 'churn/promote.lock'))).toBe(false);
    expect(v2).toBeDefined();
  });

  it('in-process: a promote lock held by this very process also refuses the deploy, naming the endpoint', async () => {
    const { dir, root, v1, v2 } = await workspace();
    await deploy(dir, { 'model-package-arn': v1 });
    const err = await withEndpointLock(
      root,
      'churn',
      () => configErrorLine(deploy(dir, { 'model-package-arn': v2 })),
      0,
      'promote.lock',
    );
    expect(err).toBe(
      `local endpoint churn: promote-on-metrics is judging its canary (pid ${process.pid}): deploy-canary does not change it meanwhile`,
    );
    expect(existsSync(join(root, 'churn/variants/churn-v2'))).toBe(false);
  });
});

describe('from a third trial: SIGINT while the model is extracted (the committed CLI)', () => {
  it('removes the variant folder the run created', async () => {
    const { dir, root, reg, v1 } = await workspace();
    await deploy(dir, { 'model-package-arn': v1 });
    // A large artefact (incompressible: tar refuses a suspicious decompression ratio) makes the
    // extraction long enough to be interrupted in the middle.
    const size = 100_000_000;
    const big = await registerLocal(reg, 'churn', 4, { score: 0.4 }, { 'weights.bin': randomBytes(size) });
    const before = (await readEndpointState(root, 'churn'))!;
    const cli = startCli(dir, ['deploy-canary', '--model-package-arn', big]);
    await until(() => existsSync(join(root, 'churn/variants/churn-v4/model.partial')), 60_000, 5);
    cli.child.kill('SIGINT');
    // Until it exits, how far the extraction got: a cancel that waited for the whole model before
    // cleaning up (a runner kills the step some seconds after its SIGINT) lets it reach full size.
    const weights = ['model.partial', 'model'].map((d) =>
      join(root, 'churn/variants/churn-v4', d, 'weights.bin'),
    );
    let largest = 0;
    let exited: number | null | undefined;
    void cli.exited.then((code) => (exited = code));
    while (exited === undefined) {
      for (const w of weights) largest = Math.max(largest, statSync(w, { throwIfNoEntry: false })?.size ?? 0);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(exited).toBe(1);
    expect(largest).toBeLessThan(size);
    expect(cli.stderr()).toContain(
      'warning: cancelled: no process was started; churn serves as it did before the deploy',
    );
    expect(existsSync(join(root, 'churn/variants/churn-v4'))).toBe(false);
    expect(await readEndpointState(root, 'churn')).toEqual(before);
  });
});
