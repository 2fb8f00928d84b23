// deploy-canary on the local backend: the challenger as a real serving process beside the
// champion's, behind the endpoint's router (packages/local/src/endpoint), which outlives the step.
import { rename, rm, rmdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, DEFAULT_CONFIG_FILE, type StepContext } from '@modelship/core';
import { refuseServedChampion, refuseUnapproved } from './guards.js';
import {
  applyRouterConfig,
  checkEndpointName,
  endpointsRoot as localEndpointsRoot,
  endpointPaths,
  extractArchive,
  httpCall,
  interpreterOf,
  lockHolder,
  PROMOTE_LOCK,
  readEndpointState,
  routerConfigOf,
  routerVariants,
  SERVE_PID_FILE,
  startRouterProcess,
  startServer,
  stopLeftoverServers,
  stopTree,
  treeAlive,
  withEndpointLock,
  writeEndpointState,
  type EndpointState,
  type VariantState,
} from '@modelship/local';
import { loadContract, readSmokeRequests, smokeTest } from './contract.js';
import type { DeployedVariant } from './definition.js';
import { endpointConfigName, variantName } from './names.js';
import type { DeployOutcome } from './outcome.js';
import { localPackage, localRegistryRoot, type PackageInfo } from './package.js';
import type { DeployPlan } from './plan.js';

/** The folder of the local endpoints of a run (`.modelship/endpoints` in the working directory). */
export function endpointsRoot(cwd: string): string {
  return localEndpointsRoot(cwd);
}

/** A path as messages show it: relative to `cwd` when below it. */
function shown(cwd: string, p: string): string {
  const rel = relative(cwd, p);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? p : rel;
}

/** The serve command with its program resolved: `serve.mjs` → `node <config dir>/serve.mjs`. */
export function serveCommand(plan: DeployPlan): string[] {
  if (!plan.serve)
    throw new ConfigError(
      'the local backend needs the command that serves a model',
      `${plan.configFile}: deploy.serve`,
      {
        hint: 'e.g. serve: [node, serve.mjs] (it must listen on $SAGEMAKER_BIND_TO_PORT and load the model from $SM_MODEL_DIR)',
      },
    );
  const [first, ...rest] = plan.serve.command;
  // A bare script name is run by its interpreter, as train's entrypoint is.
  if (rest.length === 0 && interpreterOf(first!))
    return [interpreterOf(first!)!, resolve(plan.serve.cwd, first!)];
  return plan.serve.command;
}

/** Interpreters whose first argument that is not an option is the script they run. */
const SCRIPT_RUNNERS = /^(node|nodejs|bun|deno|python[0-9.]*|bash|sh|zsh|ruby|perl|Rscript)$/;

/**
 * The script a serve command runs must exist (else the interpreter's own stack trace is all the
 * user sees): the program when it is a path or a bare script, or the script an interpreter is
 * given (`[node, serve.mjs]`), relative to the config's folder.
 *
 * @throws ConfigError naming the config field and the missing file.
 */
export function checkServeScript(plan: DeployPlan, command: readonly string[]): void {
  const [program = '', ...args] = command;
  const script = SCRIPT_RUNNERS.test(basename(program))
    ? args.find((a) => !a.startsWith('-') && interpreterOf(a) !== undefined)
    : program.includes('/') || interpreterOf(program)
      ? program
      : undefined;
  if (!script) return;
  const path = resolve(plan.serve!.cwd, script);
  if (!existsSync(path))
    throw new ConfigError(
      `the script ${script} does not exist (${path})`,
      `${plan.configFile}: deploy.serve`,
      {
        hint: "deploy.serve runs in the config file's folder: give the script's path relative to it",
      },
    );
}

function section(
  plan: DeployPlan,
  pkg: PackageInfo,
  status: DeployOutcome['section']['status'],
  extra: Partial<DeployOutcome['section']> & { challengerVariant: string; endpointConfig: string },
  now: Date,
): DeployOutcome['section'] {
  return {
    backend: 'local',
    endpoint: plan.endpoint,
    strategy: plan.strategy,
    canaryPercent: plan.canaryPercent,
    status,
    modelPackageArn: pkg.arn,
    variants: [],
    deployedAt: now.toISOString(),
    ...extra,
  };
}

/**
 * The champion on an endpoint (other than `except`): the variant its state records as champion,
 * else (a state written before that was recorded) its production variant with the most weight.
 */
export function championOf(
  variants: readonly VariantState[],
  except: string,
  recorded?: string,
): VariantState | undefined {
  const candidates = variants.filter((v) => !v.shadow && v.name !== except);
  return candidates.find((v) => v.name === recorded) ?? candidates.sort((a, b) => b.weight - a.weight)[0];
}

/**
 * Refuse to change an endpoint promote-on-metrics is judging (it holds the endpoint's promote
 * lock for its whole bake): a new or re-weighted canary would be judged, and rejected, on traffic
 * it never had. A lock whose holder no longer runs does not count.
 * @throws ConfigError naming the endpoint and the promote's pid, with a hint.
 */
async function refuseWhileJudged(root: string, endpoint: string): Promise<void> {
  const holder = await lockHolder(root, endpoint, PROMOTE_LOCK);
  if (!holder) return;
  throw new ConfigError(
    `promote-on-metrics is judging its canary (${holder.pid ? `pid ${holder.pid}` : 'pid not known yet'}${holder.about ? `, ${holder.about}` : ''}): deploy-canary does not change it meanwhile`,
    `local endpoint ${endpoint}`,
    {
      hint: `wait for it to decide, or cancel it (Ctrl-C in its terminal${holder.pid ? `, or kill -INT ${holder.pid}` : ''}: it puts the weights back), then deploy again${holder.pid ? '' : `; if no promote-on-metrics runs, delete ${join(endpointPaths(root, endpoint).dir, PROMOTE_LOCK)}`}`,
    },
  );
}

export async function deployLocal(plan: DeployPlan, arn: string, ctx: StepContext): Promise<DeployOutcome> {
  checkEndpointName(
    plan.endpoint,
    plan.endpoint === ctx.config.values.model ? `${plan.configFile}: model` : "input 'endpoint'",
  );
  // Two deploys to one endpoint never interleave; a dry run changes nothing and takes no lock.
  if (plan.dryRun) return deployLocked(plan, arn, ctx);
  // A first deploy that fails leaves no folder behind: what did not exist before is removed when
  // nothing records an endpoint in it (the lock is released first).
  const root = endpointsRoot(ctx.cwd);
  const folders = [root, endpointPaths(root, plan.endpoint).dir].filter((d) => !existsSync(d));
  const tidy = async () => {
    const dir = endpointPaths(root, plan.endpoint).dir;
    if (!folders.includes(dir) || existsSync(endpointPaths(root, plan.endpoint).state)) return;
    if (readdirSync(dir).some((f) => f.endsWith('.lock'))) return; // another command holds it now
    await rm(dir, { recursive: true, force: true });
    if (folders.includes(root)) await rmdir(root).catch(() => undefined); // only when empty
  };
  let outcome: DeployOutcome;
  try {
    outcome = await withEndpointLock(root, plan.endpoint, () => deployLocked(plan, arn, ctx));
  } catch (err) {
    await tidy();
    throw err;
  }
  if (!outcome.ok) await tidy();
  return outcome;
}

async function deployLocked(plan: DeployPlan, arn: string, ctx: StepContext): Promise<DeployOutcome> {
  const { log } = ctx;
  const command = serveCommand(plan);
  checkServeScript(plan, plan.serve!.command);
  const registry = localRegistryRoot(ctx);
  const pkg = await localPackage(registry, arn, "input 'model-package-arn'", shown(ctx.cwd, registry));
  if (!pkg.modelUri || pkg.modelUri.startsWith('s3://'))
    throw new ConfigError(
      pkg.modelUri
        ? `its model artefact is in S3 (${pkg.modelUri}); the local backend serves local artefacts`
        : 'records no model artefact',
      `model package ${pkg.arn}`,
    );
  refuseUnapproved(pkg);
  if (plan.strategy === 'guardrails')
    log.warn(
      `strategy guardrails is SageMaker's blue/green deployment; the local endpoint puts the challenger beside the champion at ${plan.canaryPercent}% (as strategy variants)`,
    );
  const root = endpointsRoot(ctx.cwd);
  const paths = endpointPaths(root, plan.endpoint);
  const challenger = variantName(pkg.group, pkg.version);
  // Checked under the deploy lock, which promote-on-metrics also takes before it reads the canary:
  // a promote that starts now waits for this deploy to end.
  await refuseWhileJudged(root, plan.endpoint);
  const state = await readEndpointState(root, plan.endpoint);
  if (!plan.dryRun) {
    // A deploy killed outright (kill -9) before the state recorded what it started: stopped now.
    const left = await stopLeftoverServers(root, plan.endpoint, state);
    if (left.length > 0)
      log.warn(
        `stopped what an interrupted deploy of ${plan.endpoint} left running outside its state: ${left.map((l) => `${l.what} (pid ${l.pid})`).join(', ')}`,
      );
  }
  if (state && !treeAlive(state.router.pid)) {
    log.warn(
      `the router of local endpoint ${plan.endpoint} (pid ${state.router.pid}) is not running: it is started again`,
    );
  }
  // A pinned port for a router that has to start must be free now: found out before anything starts.
  const routerStarts = !state || !treeAlive(state.router.pid);
  if (!routerStarts && plan.port && plan.port !== state.router.port)
    log.warn(
      `${plan.configFile}: deploy.port is ${plan.port}, but the router of local endpoint ${plan.endpoint} already listens on port ${state.router.port}: it stays on ${state.router.port} (a running router keeps its port); to move it to ${plan.port}, stop the endpoint (modelship endpoint stop ${plan.endpoint}) and deploy again`,
    );
  if (routerStarts && plan.port && !plan.dryRun && !(await portFree(plan.port)))
    throw new ConfigError(
      `port ${plan.port} is in use: the router cannot listen on it`,
      `${plan.configFile}: deploy.port`,
      {
        hint: 'free the port, choose another, or leave deploy.port out to take a free one',
      },
    );
  const live = (state?.variants ?? []).filter((v) => treeAlive(v.pid));
  for (const v of state?.variants ?? [])
    if (!treeAlive(v.pid))
      log.warn(`variant ${v.name} of ${plan.endpoint} (pid ${v.pid}) is not running: it is left out`);
  // The champion is what the endpoint serves now, and not a dead process (the challenger would
  // get all the traffic).
  const wouldBe = championOf(state?.variants ?? [], challenger, state?.champion);
  if (wouldBe && !treeAlive(wouldBe.pid))
    throw new ConfigError(
      `its champion, variant ${wouldBe.name} (${wouldBe.modelPackageArn}), is not running: a canary needs the champion serving beside it`,
      `local endpoint ${plan.endpoint}`,
      {
        // Deployed as the challenger at its own weight, it serves its old share again beside the other.
        hint: `start it again at its weight: modelship deploy-canary${plan.configFile === DEFAULT_CONFIG_FILE ? '' : ` --config ${plan.configFile}`} --endpoint ${plan.endpoint} --model-package-arn ${wouldBe.modelPackageArn} --canary-percent ${wouldBe.weight} --strategy variants; or stop the endpoint (modelship endpoint stop ${plan.endpoint}) and deploy afresh`,
      },
    );
  const champion = championOf(live, challenger, state?.champion);
  const shadow = plan.strategy === 'shadow' && champion !== undefined;
  if (plan.strategy === 'shadow' && !champion)
    log.warn('strategy shadow needs a champion to shadow: the endpoint is created with the challenger alone');
  const weights = champion
    ? { champion: 100 - (shadow ? 0 : plan.canaryPercent), challenger: shadow ? 0 : plan.canaryPercent }
    : { champion: 0, challenger: 100 };
  const configName = endpointConfigName(plan.endpoint, {
    champion: champion
      ? { name: champion.name, arn: champion.modelPackageArn, weight: weights.champion }
      : null,
    challenger: { name: challenger, arn: pkg.arn, weight: weights.challenger, shadow },
  });
  // What the endpoint serves now: the running router's weights (a cancelled promote-on-metrics,
  // or a router config changed by hand, may have moved them from what the state records); a
  // variant whose process is dead serves nothing.
  const routerAlive = state !== undefined && treeAlive(state.router.pid);
  const served = routerAlive ? await routerVariants(state.router) : undefined;
  const liveWeight = (v: VariantState): number =>
    !treeAlive(v.pid) ? 0 : (served?.find((r) => r.name === v.name)?.weight ?? v.weight);
  const before = new Map((state?.variants ?? []).map((v) => [v.name, liveWeight(v)]));
  const variantsReport = (after: VariantState[]): DeployedVariant[] =>
    [...new Set([...(state?.variants ?? []).map((v) => v.name), ...after.map((v) => v.name)])].map((name) => {
      const a = after.find((v) => v.name === name);
      const b = state?.variants.find((v) => v.name === name);
      return {
        name,
        // Neither the challenger nor the champion: a challenger this deploy replaces.
        role:
          name === challenger ? 'challenger' : name === champion?.name ? 'champion' : 'previous-challenger',
        modelPackageArn: (a ?? b)!.modelPackageArn,
        modelVersion: (a ?? b)!.modelVersion,
        weightBefore: before.get(name) ?? 0,
        weightAfter: a?.weight ?? 0,
        shadow: a?.shadow ?? false,
      };
    });

  // The challenger's package already live on the endpoint, served by the same command from the
  // same folder: its process is kept, never restarted, whether nothing changes (a re-run) or only
  // its weight does (a re-weight). A changed deploy.serve starts a new process.
  const sameServing = (v: VariantState) =>
    v.name === challenger &&
    v.modelPackageArn === pkg.arn &&
    v.command.length === command.length &&
    v.command.every((arg, i) => arg === command[i]) &&
    (v.cwd === undefined || v.cwd === plan.serve!.cwd);
  const existing = live.find(sameServing);
  // Unchanged only when the endpoint really serves what this deploy asks for: the router runs the
  // champion and the challenger at these weights and nothing else, and both processes run.
  const wanted = [
    ...(champion
      ? [{ name: champion.name, port: champion.port, weight: weights.champion, shadow: false }]
      : []),
    ...(existing ? [{ name: challenger, port: existing.port, weight: weights.challenger, shadow }] : []),
  ];
  const servesWanted =
    served !== undefined &&
    served.length === wanted.length &&
    wanted.every((w) =>
      served.some(
        (r) => r.name === w.name && r.port === w.port && r.weight === w.weight && r.shadow === w.shadow,
      ),
    );
  if (
    state &&
    existing &&
    routerAlive &&
    servesWanted &&
    state.variants.length === wanted.length &&
    state.endpointConfig === configName
  ) {
    log.info(`local endpoint ${plan.endpoint} already runs ${configName}: nothing to change`);
    return {
      ok: true,
      headline: `${plan.endpoint} already serves ${challenger} ${champion ? `at ${shadow ? 'shadow' : `${weights.challenger}%`}` : 'alone'}: unchanged`,
      section: section(
        plan,
        pkg,
        'unchanged',
        {
          endpointConfig: configName,
          challengerVariant: challenger,
          ...(champion ? { championVariant: champion.name } : {}),
          variants: variantsReport(state.variants),
          endpointUrl: state.router.url,
        },
        ctx.now(),
      ),
      rows: [['router', state.router.url]],
    };
  }

  // The package the endpoint serves alone, the same way, with its router or its process dead (or
  // the router not serving it): deployed again, it restores the endpoint, starting what is dead.
  // Otherwise not the endpoint's true champion (its sole production variant): there is nothing to
  // canary it against. A canary already on the endpoint beside the champion is re-weighted.
  const restoring =
    state !== undefined &&
    state.variants.length === 1 &&
    sameServing(state.variants[0]!) &&
    !shadow &&
    champion === undefined;
  const dead = restoring
    ? [
        ...(routerAlive ? [] : [`its router (pid ${state.router.pid})`]),
        ...(existing ? [] : [`the serving process of ${challenger} (pid ${state.variants[0]!.pid})`]),
      ]
    : [];
  refuseServedChampion(
    live,
    challenger,
    pkg.arn,
    `local endpoint ${plan.endpoint}`,
    restoring,
    `stop the endpoint (modelship endpoint stop ${plan.endpoint})`,
  );
  // A re-weight of the running challenger says what the endpoint really served (the router's
  // weights) and what it serves now.
  const reweight =
    existing && champion
      ? `${challenger} from ${liveWeight(existing)}% to ${shadow ? 'a shadow' : `${weights.challenger}%`}, ${champion.name} from ${liveWeight(champion)}% to ${weights.champion}%`
      : undefined;
  if (reweight) log.info(`re-weighting ${plan.endpoint}: ${reweight}`);
  if (restoring)
    log.info(
      `${plan.endpoint} serves ${challenger} alone; ${dead.length ? `${dead.join(' and ')}: started again` : 'its router is given its config again'}`,
    );
  const variantDir = paths.variantDir(challenger);
  // A variant of this name that runs something else (another serve command, or a dead process) is
  // replaced: the new process gets a model folder of its own beside the old one's, and the old
  // process is stopped only once the endpoint's state records the new one.
  const previous = state?.variants.find((v) => v.name === challenger);
  const modelDir = existing
    ? existing.modelDir
    : resolve(variantDir, previous?.modelDir === resolve(variantDir, 'model') ? 'model.alt' : 'model');
  if (plan.dryRun) {
    const requests = [
      ...(existing
        ? [{ call: 'keep serving process', request: { variant: challenger, pid: existing.pid } }]
        : [
            { call: 'extract model', request: { from: pkg.modelUri, to: modelDir } },
            {
              call: 'start serving process',
              request: {
                command,
                cwd: plan.serve!.cwd,
                env: { SAGEMAKER_BIND_TO_PORT: '<free loopback port>', SM_MODEL_DIR: modelDir },
              },
            },
          ]),
      ...(plan.smokeRequests
        ? [{ call: 'smoke test', request: { requests: plan.smokeRequests, contract: plan.contract ?? null } }]
        : []),
      {
        call: state ? 'update router' : 'start router',
        request: {
          endpoint: plan.endpoint,
          endpointConfig: configName,
          variants: [
            ...(champion ? [{ name: champion.name, weight: weights.champion }] : []),
            { name: challenger, weight: weights.challenger, shadow },
          ],
        },
      },
    ];
    for (const r of requests) log.info(`dry run: ${r.call} ${JSON.stringify(r.request)}`);
    return {
      ok: true,
      headline: `dry run: would put ${challenger} on local endpoint ${plan.endpoint} at ${shadow ? 'shadow' : `${weights.challenger}%`}`,
      section: section(
        plan,
        pkg,
        'dry-run',
        {
          endpointConfig: configName,
          challengerVariant: challenger,
          ...(champion ? { championVariant: champion.name } : {}),
        },
        ctx.now(),
      ),
      rows: [],
      requests,
    };
  }

  // What this run creates, so that a failure or a cancel removes exactly that: the process it
  // started, the model it extracted, and the folders that were not there before.
  const variantsDir = dirname(variantDir);
  const createdFolders = [variantsDir, variantDir].filter((d) => !existsSync(d));
  const staging = `${modelDir}.partial`;
  const pidFile = resolve(variantDir, SERVE_PID_FILE);
  let started: { pid: number; port: number } | undefined;
  let startedRouter: number | undefined;
  let routerChanged = false;
  let recorded = false;
  const removeStarted = async () => {
    if (started) await stopTree(started.pid, 5_000);
    if (existing) return;
    for (const d of [staging, modelDir, pidFile]) await rm(d, { recursive: true, force: true });
    for (const d of createdFolders) await rm(d, { recursive: true, force: true });
  };

  let smoke: { requests: number; passed: number } | undefined;
  let next: EndpointState | undefined;
  try {
    if (existing) {
      log.info(
        `variant ${challenger} already serves ${pkg.arn} (pid ${existing.pid}): its process is kept, only its weight changes`,
      );
    } else {
      // The model is extracted first, so a broken artefact stops the deploy before anything starts.
      await rm(staging, { recursive: true, force: true });
      // A cancel stops the extraction at once (a large model takes a while); what it wrote is removed below.
      const files = await extractModel(pkg, pkg.modelUri, staging, shown(ctx.cwd, pkg.modelUri), ctx.signal);
      await rm(modelDir, { recursive: true, force: true });
      await rename(staging, modelDir);
      log.info(`extracted ${files} file(s) of ${pkg.arn} into ${modelDir}`);
      started = await startServer({
        command,
        cwd: plan.serve!.cwd,
        modelDir,
        logFile: resolve(variantDir, 'serve.log'),
        baseEnv: ctx.env,
        env: { MODELSHIP_VARIANT_NAME: challenger, MODELSHIP_MODEL_VERSION: String(pkg.version) },
        readyTimeoutMs: Math.min(plan.timeoutMs, 120_000),
        signal: ctx.signal,
        pidFile,
      });
      log.info(`challenger ${challenger} serving on 127.0.0.1:${started.port} (pid ${started.pid})`);
    }
    const challengerPort = started?.port ?? existing!.port;

    if (plan.smokeRequests) {
      const contract = plan.contract ? await loadContract(plan.contract, ctx.cwd) : undefined;
      const requests = await readSmokeRequests(plan.smokeRequests, ctx.cwd, contract);
      const failures = await smokeTest(requests, contract, (body) =>
        httpCall(challengerPort, 'POST', '/invocations', {
          body,
          contentType: contract?.contentType ?? 'application/json',
          timeoutMs: 60_000,
        }),
      );
      smoke = { requests: requests.length, passed: requests.length - failures.length };
      if (failures.length > 0) {
        await removeStarted();
        const first = failures[0]!;
        const lines = failures.map((f) => `${plan.smokeRequests}:${f.line}: ${f.reason}`);
        for (const l of lines.slice(0, 10)) log.error(l);
        return {
          ok: false,
          headline: `contract smoke test failed (${failures.length} of ${requests.length} requests; first ${plan.smokeRequests}:${first.line}: ${first.reason}); ${existing ? `${challenger} keeps running at its weight` : 'the challenger was removed'} and ${plan.endpoint} is unchanged`,
          section: section(
            plan,
            pkg,
            'failed',
            {
              endpointConfig: state?.endpointConfig ?? configName,
              challengerVariant: challenger,
              ...(champion ? { championVariant: champion.name } : {}),
              smoke,
            },
            ctx.now(),
          ),
          rows: lines.slice(0, 20).map((l) => ['smoke failure', l]),
        };
      }
      if (plan.contract) log.info(`smoke test: ${requests.length} request(s) answered as the contract says`);
      else
        log.warn(
          `smoke test: ${requests.length} request(s) answered with status 200, but with no deploy.contract their bodies were not checked`,
        );
    } else if (plan.contract) {
      log.warn('deploy.contract is set but deploy.smoke-requests is not: nothing was sent to check it');
    }

    // Cancelled while the challenger was being checked: nothing has changed yet.
    if (ctx.signal.aborted)
      throw new ConfigError('cancelled before the router was changed', `endpoint ${plan.endpoint}`);
    const variant: VariantState = existing
      ? { ...existing, weight: weights.challenger, shadow }
      : {
          name: challenger,
          modelPackageArn: pkg.arn,
          modelVersion: String(pkg.version),
          weight: weights.challenger,
          shadow,
          pid: started!.pid,
          port: started!.port,
          modelDir,
          command,
          cwd: plan.serve!.cwd,
          startedAt: ctx.now().toISOString(),
        };
    const kept: VariantState[] = champion ? [{ ...champion, weight: weights.champion, shadow: false }] : [];
    const now = ctx.now().toISOString();
    next = {
      kind: 'modelship.local-endpoint',
      schemaVersion: 1,
      name: plan.endpoint,
      endpointConfig: configName,
      router: state?.router ?? { pid: 0, port: 0, url: '' },
      variants: [...kept, variant],
      champion: champion?.name ?? challenger,
      generation: (state?.generation ?? 0) + 1,
      createdAt: state?.createdAt ?? now,
      updatedAt: now,
    };
    const routerConfig = routerConfigOf(next, root);
    routerChanged = true;
    if (state && treeAlive(state.router.pid)) {
      await applyRouterConfig(paths, state.router, routerConfig);
    } else {
      await applyRouterConfig(paths, undefined, routerConfig);
      const wanted = plan.port || state?.router.port || 0;
      const r = await startRouterProcess(paths, wanted, ctx.env).catch(async (err: unknown) => {
        // The endpoint's old port may be taken by now: any free one then, and say so (a pinned
        // port was found free above).
        if (!wanted || plan.port) throw err;
        const code = (err as { code?: string }).code ?? (err as Error).message.split('\n')[0];
        log.warn(`the router could not listen on port ${wanted} again (${code}); it takes a free port`);
        return startRouterProcess(paths, 0, ctx.env);
      });
      startedRouter = r.pid;
      next.router = { pid: r.pid, port: r.port, url: `http://127.0.0.1:${r.port}` };
      log.info(`router of ${plan.endpoint} listening on ${next.router.url} (pid ${r.pid})`);
    }
    // Cancelled while the router was changed: it is put back below, before the state records anything.
    if (ctx.signal.aborted)
      throw new ConfigError('cancelled before the change was recorded', `endpoint ${plan.endpoint}`);
    await writeEndpointState(root, next);
    recorded = true;
    if (started) await rm(pidFile, { force: true }); // the state records it now
  } catch (err) {
    // Recorded: the deploy stands (the step says so when it was cancelled).
    if (recorded) throw err;
    let routerBack = true;
    if (routerChanged)
      await restoreRouter(paths, root, state, next!, startedRouter).catch((restoreErr: unknown) => {
        routerBack = false;
        log.error(
          `the router of ${plan.endpoint} could not be put back on its previous config (${(restoreErr as Error).message}): deploy again, or stop the endpoint (modelship endpoint stop ${plan.endpoint})`,
        );
      });
    await removeStarted();
    if (ctx.signal.aborted) {
      const facts = [
        existing
          ? `variant ${challenger} keeps running (pid ${existing.pid}) at its previous weight`
          : started
            ? `the challenger ${challenger} this run started (pid ${started.pid}) was stopped and removed`
            : 'no process was started',
        routerBack
          ? state
            ? `${plan.endpoint} serves as it did before the deploy (router and state.json as they were)`
            : `no endpoint ${plan.endpoint} was created`
          : `the router of ${plan.endpoint} is NOT back on its previous config (state.json is unchanged)`,
      ];
      log.warn(`cancelled: ${facts.join('; ')}`);
    }
    throw err;
  }

  // What the new config no longer holds: the previous challenger, dead variants, and a process of
  // the challenger's name that ran another serve command. Their serve.log stays.
  for (const old of state?.variants ?? []) {
    const same = next.variants.find((v) => v.name === old.name);
    if (same && same.pid === old.pid) continue;
    log.info(
      same
        ? `stopping the previous process of variant ${old.name} (pid ${old.pid}), replaced by pid ${same.pid}`
        : `stopping variant ${old.name} (no longer on ${plan.endpoint})`,
    );
    await stopTree(old.pid, 5_000);
    if (old.modelDir !== same?.modelDir) await rm(old.modelDir, { recursive: true, force: true });
  }
  const created = !champion && !restoring;
  const share = shadow ? 'a shadow (copy of the traffic)' : `${weights.challenger}%`;
  if (created) log.info(`${plan.endpoint} had no champion: it now serves ${challenger} alone`);
  const serving = started ?? existing!;
  return {
    ok: true,
    headline: restoring
      ? `restored local endpoint ${plan.endpoint}: ${dead.length ? `started ${dead.join(' and ')} again` : 'its router serves it again'}; ${challenger} serves alone at ${next.router.url}`
      : created
        ? `${state ? 'no champion on' : 'created'} local endpoint ${plan.endpoint} with the challenger ${challenger} alone at ${next.router.url}`
        : reweight
          ? `re-weighted ${plan.endpoint}: ${reweight} (${next.router.url})`
          : `${challenger} serves ${share} of ${plan.endpoint} beside ${champion!.name} at ${weights.champion}% (${next.router.url})`,
    section: section(
      plan,
      pkg,
      created ? 'created' : 'deployed',
      {
        endpointConfig: configName,
        ...(state?.endpointConfig ? { previousEndpointConfig: state.endpointConfig } : {}),
        challengerVariant: challenger,
        ...(champion ? { championVariant: champion.name } : {}),
        variants: variantsReport(next.variants),
        endpointUrl: next.router.url,
        ...(smoke ? { smoke } : {}),
      },
      ctx.now(),
    ),
    rows: [
      ['router', `${next.router.url} (pid ${next.router.pid})`],
      [
        'challenger process',
        `pid ${serving.pid}${started ? '' : ' (kept)'}, 127.0.0.1:${serving.port}, model in ${modelDir}`,
      ],
      ['request log', paths.requests],
      ['metrics', paths.metrics],
      ['stop it', `modelship endpoint stop ${plan.endpoint}`],
    ],
  };
}

/**
 * Put the router back as the endpoint's state has it, after a deploy changed it (to `next`) and
 * then failed or was cancelled before the state recorded the change: the previous config for a
 * router that was running; else the router this deploy started (`startedRouter`) is stopped and
 * the previous config (if any) written back.
 *
 * @throws Error when the running router does not take the previous config.
 */
async function restoreRouter(
  paths: ReturnType<typeof endpointPaths>,
  root: string,
  state: EndpointState | undefined,
  next: EndpointState,
  startedRouter: number | undefined,
): Promise<void> {
  if (state && treeAlive(state.router.pid)) {
    const previous = routerConfigOf({ ...state, generation: next.generation + 1 }, root);
    await applyRouterConfig(paths, state.router, previous);
    return;
  }
  if (startedRouter) await stopTree(startedRouter, 5_000);
  if (state) await applyRouterConfig(paths, undefined, routerConfigOf(state, root));
  else await rm(paths.routerConfig, { force: true });
}

/**
 * Extract the package's model artefact (a model.tar.gz) into `dir`, stopping when `signal` aborts.
 *
 * @throws ConfigError naming the package and the artefact when it is missing or not a tar.gz;
 *   the AbortError when cancelled.
 */
async function extractModel(
  pkg: PackageInfo,
  artefact: string,
  dir: string,
  display: string,
  signal: AbortSignal,
): Promise<number> {
  try {
    return await extractArchive(artefact, dir, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    const code = (err as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? `its model artefact ${display} does not exist`
        : `its model artefact ${display} is not a valid model.tar.gz (${(err as Error).message})`;
    throw new ConfigError(why, `model package ${pkg.arn}`, {
      cause: err,
      // Registering the same candidate again returns this package and does not copy the file again.
      hint: `restore ${display} from the training output it was registered from (the registry names it by its sha256), or deploy another Approved package (modelship registry list shows them)`,
    });
  }
}

/** Whether a TCP port on the loopback address can be listened on now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}
