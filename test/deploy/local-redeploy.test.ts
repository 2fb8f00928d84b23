// deploy-canary on the local backend, from a second user trial: a package already live on the
// endpoint keeps its process when it is deployed again (only the weights change), a cancel stops
// only what the run started, `modelship endpoint stop` keeps the logs and can be run twice, a
// failed deploy leaves nothing behind, an explicitly empty number is refused, and every hint names
// a command that does what it says. Real processes and HTTP; the committed CLI where a signal is sent.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { httpCall, readEndpointState, stopEndpoint, treeAlive } from '@modelship/local';
import { runActionBundle } from '../support/action-runner.js';
import {
  CHURN_REQUEST,
  churnModel,
  deployHarness,
  deployWorkspace,
  registerLocal,
  until,
} from '../lib/deploy.js';
import { configErrorLine, tempDir } from '../lib/step.js';

const { started, deploy, startCli } = deployHarness();

/**
 * A serve script answering every POST /invocations with a fixed prediction; when the file
 * `signal-me` exists it first sends SIGTERM (once: the file is removed) to the pid it holds: a
 * deploy whose smoke test reaches this process is cancelled right then.
 */
const SIGNALLING_SERVE = `import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
createServer((req, res) => {
  if (req.method === 'GET') return res.end('ok');
  req.resume();
  req.on('end', () => {
    if (existsSync('signal-me')) {
      const pid = Number(readFileSync('signal-me', 'utf8'));
      rmSync('signal-me', { force: true });
      try { process.kill(pid, 'SIGTERM'); } catch {}
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ predictions: [{ score: 0.5, churn: false }] }));
  });
}).listen(Number(process.env.SAGEMAKER_BIND_TO_PORT), '127.0.0.1');
`;

/** A workspace (stopped after the test) whose registry holds versions 1 to 3 of churn. */
async function workspace(deploy: string) {
  const dir = deployWorkspace(deploy);
  started.push(dir);
  writeFileSync(join(dir, 'signalling.mjs'), SIGNALLING_SERVE);
  const reg = join(dir, '.modelship/registry');
  const v1 = await registerLocal(reg, 'churn', 1, churnModel(-1));
  const v2 = await registerLocal(reg, 'churn', 2, churnModel(1));
  const v3 = await registerLocal(reg, 'churn', 3, churnModel(2));
  return { dir, root: join(dir, '.modelship/endpoints'), reg, v1, v2, v3 };
}

async function variants(root: string) {
  const state = (await readEndpointState(root, 'churn'))!;
  return Object.fromEntries(
    state.variants.map((v) => [v.name, { weight: v.shadow ? 'shadow' : v.weight, pid: v.pid }]),
  );
}

/** `n` requests through the router: how many each variant answered (a failure counts as `status N`). */
async function through(root: string, n: number): Promise<Record<string, number>> {
  const port = (await readEndpointState(root, 'churn'))!.router.port;
  const answers = await Promise.all(
    Array.from({ length: n }, () => httpCall(port, 'POST', '/invocations', { body: CHURN_REQUEST })),
  );
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const v =
      a.status === 200 ? String(a.headers['x-amzn-invoked-production-variant']) : `status ${a.status}`;
    counts[v] = (counts[v] ?? 0) + 1;
  }
  return counts;
}

describe('from a trial: a package already live on the endpoint keeps its process', () => {
  it('re-weighting it (v2 at 90% to 30%, the other live package, a shadow to a canary) never restarts a variant', async () => {
    const { dir, root, v1, v2 } = await workspace('  serve: [node, serve.mjs]\n');
    expect((await deploy(dir, { 'model-package-arn': v1 })).result.outputs.status).toBe('created');
    expect((await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '90' })).result.ok).toBe(true);
    const before = await variants(root);
    const [p1, p2] = [before['churn-v1']!.pid, before['churn-v2']!.pid];
    expect(before).toEqual({ 'churn-v1': { weight: 10, pid: p1 }, 'churn-v2': { weight: 90, pid: p2 } });

    const steps: [Record<string, string>, Record<string, number | string>][] = [
      [
        { 'model-package-arn': v2, 'canary-percent': '30' },
        { 'churn-v1': 70, 'churn-v2': 30 },
      ],
      // The other live package asked for: it is the challenger now, at its own process.
      [
        { 'model-package-arn': v1, 'canary-percent': '40' },
        { 'churn-v2': 60, 'churn-v1': 40 },
      ],
      [
        { 'model-package-arn': v2, strategy: 'shadow' },
        { 'churn-v1': 100, 'churn-v2': 'shadow' },
      ],
      [
        { 'model-package-arn': v2, 'canary-percent': '20' },
        { 'churn-v1': 80, 'churn-v2': 20 },
      ],
    ];
    for (const [inputs, weights] of steps) {
      const run = await deploy(dir, inputs);
      expect(run.result.outputs.status).toBe('deployed');
      const now = await variants(root);
      expect(Object.fromEntries(Object.entries(now).map(([n, v]) => [n, v.weight]))).toEqual(weights);
      expect(now['churn-v1']!.pid).toBe(p1);
      expect(now['churn-v2']!.pid).toBe(p2);
      expect(treeAlive(p1) && treeAlive(p2)).toBe(true);
      const challenger = `churn-v${inputs['model-package-arn']!.split('/').pop()}`;
      expect(run.text).toContain(
        `variant ${challenger} already serves ${inputs['model-package-arn']} (pid ${challenger === 'churn-v1' ? p1 : p2}): its process is kept, only its weight changes`,
      );
      expect(run.text).not.toContain('extracted');
    }
    // Requests through the router reach both, and every one is answered.
    const counts = await through(root, 200);
    expect(Object.keys(counts).sort()).toEqual(['churn-v1', 'churn-v2']);
    expect(counts['churn-v1']! + counts['churn-v2']!).toBe(200);
  });

  it('a changed deploy.serve starts the new process beside the old one, which is stopped only once the new one is recorded', async () => {
    const { dir, root, v1, v2 } = await workspace('  serve: [node, serve.mjs]\n');
    await deploy(dir, { 'model-package-arn': v1 });
    await deploy(dir, { 'model-package-arn': v2 });
    const old = (await readEndpointState(root, 'churn'))!.variants.find((v) => v.name === 'churn-v2')!;
    writeFileSync(join(dir, 'serve-copy.mjs'), readFileSync(join(dir, 'serve.mjs')));
    const file = join(dir, 'modelship.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('[node, serve.mjs]', '[node, serve-copy.mjs]'));
    const run = await deploy(dir, { 'model-package-arn': v2 });
    expect(run.result.ok).toBe(true);
    const now = (await readEndpointState(root, 'churn'))!.variants.find((v) => v.name === 'churn-v2')!;
    expect(now.pid).not.toBe(old.pid);
    expect(treeAlive(old.pid)).toBe(false);
    expect(run.text).toContain(
      `stopping the previous process of variant churn-v2 (pid ${old.pid}), replaced by pid ${now.pid}`,
    );
    // Its own model folder; the old one is removed, the serve.log kept.
    expect(now.modelDir).toBe(join(root, 'churn/variants/churn-v2/model.alt'));
    expect(readdirSync(join(root, 'churn/variants/churn-v2')).sort()).toEqual(['model.alt', 'serve.log']);
    expect(Object.keys(await through(root, 40)).every((v) => v === 'churn-v1' || v === 'churn-v2')).toBe(
      true,
    );
  });
});

describe('from a trial: SIGTERM during a re-weight (the committed CLI)', () => {
  /** v1 at 10%, v2 at 90%, served by the signalling script; the CLI re-weighting v2 to 30%. */
  async function reweighting(smoke: boolean) {
    const ws = await workspace(
      `  serve: [node, signalling.mjs]\n${smoke ? '  smoke-requests: contract/smoke-requests.jsonl\n' : ''}`,
    );
    expect((await deploy(ws.dir, { 'model-package-arn': ws.v1 })).result.ok).toBe(true);
    expect((await deploy(ws.dir, { 'model-package-arn': ws.v2, 'canary-percent': '90' })).result.ok).toBe(
      true,
    );
    const before = (await readEndpointState(ws.root, 'churn'))!;
    const routerJson = readFileSync(join(ws.root, 'churn/router.json'), 'utf8');
    const cli = startCli(ws.dir, ['deploy-canary', '--model-package-arn', ws.v2, '--canary-percent', '30']);
    return { ...ws, before, routerJson, cli };
  }

  async function servesAsBefore(root: string, before: Awaited<ReturnType<typeof reweighting>>['before']) {
    const after = (await readEndpointState(root, 'churn'))!;
    expect(after).toEqual(before);
    for (const v of before.variants) expect(treeAlive(v.pid)).toBe(true);
    const counts = await through(root, 100);
    expect(Object.keys(counts).sort()).toEqual(['churn-v1', 'churn-v2']);
  }

  it('during its smoke test (before the router changes): the process is kept, the endpoint as it was, exit 1', async () => {
    const { dir, root, before, routerJson, cli } = await reweighting(true);
    writeFileSync(join(dir, 'signal-me'), String(cli.child.pid));
    expect(await cli.exited).toBe(1);
    expect(existsSync(join(dir, 'signal-me'))).toBe(false); // the smoke test reached the process
    await servesAsBefore(root, before);
    expect(readFileSync(join(root, 'churn/router.json'), 'utf8')).toBe(routerJson);
    const p2 = before.variants.find((v) => v.name === 'churn-v2')!.pid;
    expect(cli.stderr()).toContain(
      `warning: cancelled: variant churn-v2 keeps running (pid ${p2}) at its previous weight; churn serves as it did before the deploy (router and state.json as they were)\n`,
    );
    expect(cli.stderr()).toMatch(/\nerror: cancelled by SIGTERM\n$/);
  });

  it('once the router took the new weights: they are put back, the process kept, exit 1', async () => {
    const { root, before, cli } = await reweighting(false);
    const routerFile = join(root, 'churn/router.json');
    await until(() => readFileSync(routerFile, 'utf8').includes('"weight": 30'), 60_000, 1);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(1);
    const p2 = before.variants.find((v) => v.name === 'churn-v2')!.pid;
    expect(treeAlive(p2)).toBe(true);
    if (cli.stderr().includes('the deploy stands')) {
      // The signal came once the state was written after all: the re-weight stands, on the same process.
      expect(await variants(root)).toEqual({
        'churn-v1': { weight: 70, pid: before.variants[0]!.pid },
        'churn-v2': { weight: 30, pid: p2 },
      });
      return;
    }
    await servesAsBefore(root, before);
    expect(readFileSync(routerFile, 'utf8')).toContain('"weight": 90');
    expect(cli.stderr()).toContain(
      `warning: cancelled: variant churn-v2 keeps running (pid ${p2}) at its previous weight; churn serves as it did before the deploy (router and state.json as they were)\n`,
    );
  });

  it('a genuinely new challenger cancelled during its smoke test: only its process is stopped', async () => {
    const { dir, root, v1, v3 } = await workspace(
      '  serve: [node, signalling.mjs]\n  smoke-requests: contract/smoke-requests.jsonl\n',
    );
    expect((await deploy(dir, { 'model-package-arn': v1 })).result.ok).toBe(true);
    const before = (await readEndpointState(root, 'churn'))!;
    const cli = startCli(dir, ['deploy-canary', '--model-package-arn', v3]);
    writeFileSync(join(dir, 'signal-me'), String(cli.child.pid));
    expect(await cli.exited).toBe(1);
    expect(existsSync(join(dir, 'signal-me'))).toBe(false); // the smoke test reached the process
    expect(await readEndpointState(root, 'churn')).toEqual(before);
    expect(treeAlive(before.variants[0]!.pid)).toBe(true);
    expect(await through(root, 20)).toEqual({ 'churn-v1': 20 });
    expect(existsSync(join(root, 'churn/variants/churn-v3'))).toBe(false);
    const pid = Number(
      /the challenger churn-v3 this run started \(pid (\d+)\) was stopped/.exec(cli.stderr())?.[1],
    );
    expect(treeAlive(pid)).toBe(false);
    expect(cli.stderr()).toContain(
      `warning: cancelled: the challenger churn-v3 this run started (pid ${pid}) was stopped and removed; churn serves as it did before the deploy (router and state.json as they were)\n`,
    );
  });
});

describe('from a trial: modelship endpoint stop', () => {
  it('keeps the logs and metrics, says so; a second stop says it is already stopped (exit 0); a name never deployed is an error', async () => {
    const { dir, root, v1 } = await workspace('  serve: [node, serve.mjs]\n');
    await deploy(dir, { 'model-package-arn': v1 });
    expect(await through(root, 20)).toEqual({ 'churn-v1': 20 });
    const folder = join(root, 'churn');
    const logs = ['requests.jsonl', 'router.log', 'metrics.jsonl', 'variants/churn-v1/serve.log'];
    const stop = startCli(dir, ['endpoint', 'stop', 'churn']);
    expect(await stop.exited).toBe(0);
    expect(stop.stderr()).toMatch(
      new RegExp(
        `^stopped churn: router \\(pid \\d+\\) and 1 variant\\(s\\) \\(churn-v1 pid \\d+\\); its logs and metrics stay in ${folder}\\n$`,
      ),
    );
    const kept = Object.fromEntries(logs.map((f) => [f, readFileSync(join(folder, f), 'utf8')]));
    expect(kept['requests.jsonl']!.trim().split('\n')).toHaveLength(20);
    for (const f of logs) expect(kept[f]!.length).toBeGreaterThan(0);
    // The extracted model (a copy of the registry's artefact) goes with the processes.
    expect(readdirSync(join(folder, 'variants/churn-v1'))).toEqual(['serve.log']);

    const again = startCli(dir, ['endpoint', 'stop', 'churn']);
    expect(await again.exited).toBe(0);
    expect(again.stderr()).toBe(
      `churn is already stopped: nothing runs (its logs and metrics stay in ${folder})\n`,
    );
    const never = startCli(dir, ['endpoint', 'stop', 'nowhere']);
    expect(await never.exited).toBe(1);
    expect(never.stderr()).toBe(
      `error: endpoint nowhere: no local endpoint of this name in ${root}\nhint: deploy one with modelship deploy-canary, or point --dir at the endpoints folder of the directory it was deployed from (<that directory>/.modelship/endpoints)\n`,
    );
    for (const f of logs) expect(readFileSync(join(folder, f), 'utf8')).toBe(kept[f]);

    // Deployed again, the endpoint appends to the logs it kept.
    await deploy(dir, { 'model-package-arn': v1 });
    await through(root, 5);
    await httpCall((await readEndpointState(root, 'churn'))!.router.port, 'POST', '/_modelship/flush');
    expect(readFileSync(join(folder, 'requests.jsonl'), 'utf8').trim().split('\n')).toHaveLength(25);
    expect(
      readFileSync(join(folder, 'variants/churn-v1/serve.log'), 'utf8').startsWith(
        kept['variants/churn-v1/serve.log']!,
      ),
    ).toBe(true);
  });

  it('a state.json that cannot be read: its hint, modelship endpoint stop, stops every process without it', async () => {
    const { dir, root, v1, v2 } = await workspace('  serve: [node, serve.mjs]\n');
    await deploy(dir, { 'model-package-arn': v1 });
    await deploy(dir, { 'model-package-arn': v2 });
    const state = (await readEndpointState(root, 'churn'))!;
    const pids = [state.router.pid, ...state.variants.map((v) => v.pid)];
    writeFileSync(join(root, 'churn/state.json'), '{"kind": "modelship.local-en');
    const status = startCli(dir, ['endpoint', 'status', 'churn']);
    expect(await status.exited).toBe(1);
    expect(status.stderr()).toContain(
      "\nhint: stop the endpoint's processes with: modelship endpoint stop churn",
    );
    const stop = startCli(dir, ['endpoint', 'stop', 'churn']);
    expect(await stop.exited).toBe(0);
    expect(pids.filter((p) => treeAlive(p))).toEqual([]);
    expect(status.stderr()).toContain(
      "\nhint: stop the endpoint's processes with: modelship endpoint stop churn (it finds them without the state, and removes it)\n",
    );
    expect(stop.stderr()).toMatch(
      /^stopped churn without its state \(.*state\.json: is not valid JSON .*\): /,
    );
    for (const p of pids) expect(stop.stderr()).toContain(`(pid ${p})`);
    expect(existsSync(join(root, 'churn/state.json'))).toBe(false);
    expect(existsSync(join(root, 'churn/router.log'))).toBe(true);
    const again = startCli(dir, ['endpoint', 'stop', 'churn']);
    expect(await again.exited).toBe(0);
    expect(again.stderr()).toMatch(/^churn is already stopped/);
  });

  it("the not-found hint's --dir works from another directory", async () => {
    const { dir, root, v1 } = await workspace('  serve: [node, serve.mjs]\n');
    await deploy(dir, { 'model-package-arn': v1 });
    const elsewhere = tempDir('modelship-elsewhere-');
    const status = startCli(elsewhere, ['endpoint', 'status', 'churn', '--dir', root]);
    expect(await status.exited).toBe(0);
    expect(status.stdout()).toMatch(/churn-v1 +model-package\/churn\/1 +100 +\d+ +\d+ +running/);
  });
});

describe('from a trial: a failed deploy leaves nothing behind', () => {
  const strict = (dir: string) => {
    const schema = JSON.parse(readFileSync(join(dir, 'contract/response.schema.json'), 'utf8'));
    schema.properties.predictions.items.required.push('label');
    writeFileSync(join(dir, 'contract/strict.schema.json'), JSON.stringify(schema));
  };
  const smokeFails =
    '  serve: [node, serve.mjs]\n  contract: {request: contract/request.schema.json, response: contract/strict.schema.json}\n  smoke-requests: contract/smoke-requests.jsonl\n';

  it.each([
    ['its smoke test fails', smokeFails],
    ['its serving process exits before it is ready', '  serve: [node, exits.mjs]\n'],
  ])('a first deploy where %s: no endpoint folder is left', async (_what, config) => {
    const { dir, v1 } = await workspace(config);
    strict(dir);
    writeFileSync(join(dir, 'exits.mjs'), "console.error('no model here'); process.exit(3);\n");
    const run = await deploy(dir, { 'model-package-arn': v1 }).then(
      (r) => r.result.ok,
      () => false,
    );
    expect(run).toBe(false);
    expect(existsSync(join(dir, '.modelship/endpoints'))).toBe(false);
  });

  it('a deploy beside a live champion, or after a stop, removes only what it created (the kept logs stay)', async () => {
    const { dir, root, v1, v2 } = await workspace('  serve: [node, serve.mjs]\n');
    await deploy(dir, { 'model-package-arn': v1 });
    const file = join(dir, 'modelship.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  serve: [node, serve.mjs]\n', smokeFails));
    strict(dir);
    const beside = await deploy(dir, { 'model-package-arn': v2 });
    expect(beside.result.outputs.status).toBe('failed');
    expect(readdirSync(join(root, 'churn/variants'))).toEqual(['churn-v1']);

    await stopEndpoint(root, 'churn', 2_000);
    const log = readFileSync(join(root, 'churn/variants/churn-v1/serve.log'), 'utf8');
    const after = await deploy(dir, { 'model-package-arn': v1 });
    expect(after.result.outputs.status).toBe('failed');
    expect(readdirSync(join(root, 'churn/variants'))).toEqual(['churn-v1']);
    // The model it extracted is gone; the log it appended to stays, with what it had.
    expect(readdirSync(join(root, 'churn/variants/churn-v1'))).toEqual(['serve.log']);
    expect(readFileSync(join(root, 'churn/variants/churn-v1/serve.log'), 'utf8').startsWith(log)).toBe(true);
    expect(existsSync(join(root, 'churn/requests.jsonl')) || existsSync(join(root, 'churn/router.log'))).toBe(
      true,
    );
    expect(existsSync(join(root, 'churn/state.json'))).toBe(false);
  });
});

describe('from a trial: an explicitly empty number on the command line', () => {
  it.each([
    [['--canary-percent', ''], '--canary-percent'],
    [['--canary-percent='], '--canary-percent'],
    [['--timeout-minutes', ''], '--timeout-minutes'],
  ])('%j is refused naming the flag, before anything starts', async (flags, name) => {
    const { dir, v1 } = await workspace('  serve: [node, serve.mjs]\n');
    const cli = startCli(dir, ['deploy-canary', '--model-package-arn', v1, ...flags]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toBe(
      `error: ${name}: is empty\nhint: give it a value, or leave the option out to use its default\n`,
    );
    expect(existsSync(join(dir, '.modelship/endpoints'))).toBe(false);
  });

  it.each(['--rate', '--duration'])('modelship traffic %s "" is refused naming the flag', async (flag) => {
    const cli = startCli(tempDir('modelship-traffic-'), [
      'traffic',
      '--endpoint',
      'churn',
      '--requests',
      'r.jsonl',
      flag,
      '',
    ]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toBe(
      `error: ${flag}: is empty\nhint: give it a value, or leave the option out to use its default\n`,
    );
  });

  it('while the action, given an empty input as the runner passes an unset one, takes the default', async () => {
    const { dir, root, v1, v2 } = await workspace('  serve: [node, serve.mjs]\n');
    await deploy(dir, { 'model-package-arn': v1 });
    const run = await runActionBundle('actions/deploy-canary', {
      cwd: dir,
      inputs: { 'model-package-arn': v2, 'canary-percent': '', 'timeout-minutes': '' },
    });
    expect(run.code).toBe(0);
    expect(Object.fromEntries(Object.entries(await variants(root)).map(([n, v]) => [n, v.weight]))).toEqual({
      'churn-v1': 90,
      'churn-v2': 10,
    });
  });
});

describe('from a trial: the hints name commands that do what they say', () => {
  it("a dead champion's hint, run as given, serves the champion at its weight again beside the same canary process", async () => {
    const { dir, root, v1, v2, v3 } = await workspace('  serve: [node, serve.mjs]\n');
    await deploy(dir, { 'model-package-arn': v1 });
    await deploy(dir, { 'model-package-arn': v2, 'canary-percent': '25' });
    const before = await variants(root);
    process.kill(-before['churn-v1']!.pid, 'SIGKILL');
    await until(() => !treeAlive(before['churn-v1']!.pid));
    const err = await deploy(dir, { 'model-package-arn': v3 }).then(
      () => undefined,
      (e: { hint?: string }) => e,
    );
    expect(err?.hint).toBe(
      `start it again at its weight: modelship deploy-canary --endpoint churn --model-package-arn ${v1} --canary-percent 75 --strategy variants; or stop the endpoint (modelship endpoint stop churn) and deploy afresh`,
    );
    const command = /: modelship (deploy-canary [^;]+);/.exec(err!.hint!)![1]!.split(' ');
    const cli = startCli(dir, command);
    expect(await cli.exited).toBe(0);
    const after = await variants(root);
    expect(after['churn-v2']).toEqual(before['churn-v2']); // same weight, same process
    expect(after['churn-v1']!.weight).toBe(75);
    expect(treeAlive(after['churn-v1']!.pid)).toBe(true);
    const counts = await through(root, 100);
    expect(Object.keys(counts).sort()).toEqual(['churn-v1', 'churn-v2']);
  });

  it("refusing the endpoint's true champion: the hint's stop, then a deploy, serves it the new way", async () => {
    const { dir, root, v1 } = await workspace('  serve: [node, serve.mjs]\n');
    await deploy(dir, { 'model-package-arn': v1 });
    writeFileSync(join(dir, 'serve-copy.mjs'), readFileSync(join(dir, 'serve.mjs')));
    const file = join(dir, 'modelship.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('[node, serve.mjs]', '[node, serve-copy.mjs]'));
    const err = await deploy(dir, { 'model-package-arn': v1 }).then(
      () => undefined,
      (e: { hint?: string }) => e,
    );
    expect(err?.hint).toBe(
      'deploy a newer registered package as the challenger; to serve this one another way, stop the endpoint (modelship endpoint stop churn) and deploy it again',
    );
    const stop = startCli(dir, ['endpoint', 'stop', 'churn']);
    expect(await stop.exited).toBe(0);
    expect((await deploy(dir, { 'model-package-arn': v1 })).result.outputs.status).toBe('created');
    expect((await readEndpointState(root, 'churn'))!.variants[0]!.command.at(-1)).toBe('serve-copy.mjs');
  });

  it('a package that is not found: the hint names modelship registry list, which lists the packages', async () => {
    const { dir, v1 } = await workspace('  serve: [node, serve.mjs]\n');
    const line = await configErrorLine(deploy(dir, { 'model-package-arn': 'model-package/churn/9' }));
    expect(line).toBe(
      "input 'model-package-arn': model package model-package/churn/9 not found in the local registry .modelship/registry",
    );
    const list = startCli(dir, ['registry', 'list']);
    expect(await list.exited).toBe(0);
    expect(list.stdout()).toContain(v1);
  });
});
