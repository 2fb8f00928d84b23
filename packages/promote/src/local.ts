// promote-on-metrics on the local backend: the same judge over the local endpoint's metrics store,
// the same weight changes on its router (packages/local/src/endpoint), and at the end the champion
// or the challenger process stopped and removed from the endpoint.
import { readFile, rm } from 'node:fs/promises';
import { ConfigError } from '@modelship/core';
import { endpointConfigName } from '@modelship/aws';
import {
  applyRouterConfig,
  endpointMetrics,
  endpointPaths,
  httpCall,
  readEndpointState,
  routerConfigOf,
  stopTree,
  treeAlive,
  updateEndpointWeights,
  withEndpointLock,
  writeEndpointState,
  type EndpointState,
  type MetricDataQuery,
  type VariantState,
} from '@modelship/local';
import { pickCanary, type CanaryEndpoint, type DeployedCanary, type VariantRef } from './canary.js';
import type { MetricPage, MetricPageInput } from './series.js';
import type { ShadowPair, ShadowRead } from './shadow.js';

export type { DeployedCanary } from './canary.js';

function ref(v: VariantState): VariantRef {
  return { name: v.name, modelPackageArn: v.modelPackageArn, modelVersion: v.modelVersion };
}

/**
 * The champion and challenger variants of a local endpoint: the challenger as deploy-canary
 * recorded it, the champion the other production variant.
 *
 * @throws ConfigError naming the endpoint when it does not run, has no such challenger or no
 *   champion beside it, or one of their processes is not running.
 */
export function canaryVariants(
  state: EndpointState,
  deployed: DeployedCanary | undefined,
): { champion: VariantState; challenger: VariantState } {
  const where = `local endpoint ${state.name}`;
  const { champion, challenger } = pickCanary(
    state.variants,
    state.name,
    deployed,
    where,
    'deploy it again with deploy-canary, or look at the endpoint with: modelship endpoint status',
  );
  for (const v of [champion, challenger])
    if (!treeAlive(v.pid))
      throw new ConfigError(`its variant ${v.name} (pid ${v.pid}) is not running`, where, {
        hint: `start it again with deploy-canary, or stop the endpoint: modelship endpoint stop ${state.name}`,
      });
  if (!treeAlive(state.router.pid))
    throw new ConfigError(`its router (pid ${state.router.pid}) is not running`, where, {
      hint: 'deploy-canary starts it again',
    });
  return { champion, challenger };
}

/**
 * The canary of a running local endpoint, for {@link runCanary}.
 * @throws ConfigError as {@link canaryVariants}, or when there is no such endpoint.
 */
export async function localCanary(
  root: string,
  name: string,
  deployed: DeployedCanary | undefined,
  now: () => Date,
): Promise<CanaryEndpoint> {
  // Read under the lock deploy-canary changes the endpoint under: a deploy that was under way when
  // this promote took its own lock ends first (deploy-canary refuses to start while it is held).
  const state = await withEndpointLock(root, name, () => readEndpointState(root, name), 600_000);
  if (!state)
    throw new ConfigError('is not running (no state file)', `local endpoint ${name}`, {
      hint: 'deploy a challenger beside the champion with deploy-canary first',
    });
  const { champion, challenger } = canaryVariants(state, deployed);
  const total = state.variants.filter((v) => !v.shadow).reduce((a, v) => a + v.weight, 0);
  const share = challenger.shadow || total === 0 ? 0 : Math.round((challenger.weight / total) * 1000) / 10;
  const store = endpointMetrics(root, name);
  const paths = endpointPaths(root, name);
  return {
    backend: 'local',
    endpoint: name,
    champion: ref(champion),
    challenger: ref(challenger),
    shadow: challenger.shadow,
    share,
    async getMetricData(input: MetricPageInput): Promise<MetricPage> {
      // The local store answers every query at once: there is never a NextToken.
      const { NextToken: _token, ...rest } = input;
      return store.getMetricData({ ...rest, MetricDataQueries: rest.MetricDataQueries as MetricDataQuery[] });
    },
    async dead() {
      const s = await readEndpointState(root, name);
      const pid = (v: VariantState) => s?.variants.find((x) => x.name === v.name)?.pid ?? v.pid;
      const gone = (v: VariantState) =>
        !s?.variants.some((x) => x.name === v.name)
          ? 'no longer on the endpoint'
          : treeAlive(pid(v))
            ? undefined
            : `its process, pid ${pid(v)}, is not running`;
      const out: { champion?: string; challenger?: string } = {};
      const c = gone(champion);
      const h = gone(challenger);
      if (c) out.champion = c;
      if (h) out.challenger = h;
      return out;
    },
    async flush() {
      const s = await readEndpointState(root, name);
      if (s && treeAlive(s.router.pid))
        await httpCall(s.router.port, 'POST', '/_modelship/flush', { timeoutMs: 5_000 }).catch(
          () => undefined,
        );
    },
    async shadowPairs(start: Date, end: Date): Promise<ShadowRead> {
      let text = '';
      try {
        text = await readFile(paths.shadow, 'utf8');
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
      }
      const out: ShadowPair[] = [];
      for (const line of text.split('\n')) {
        if (!line) continue;
        let r: {
          time?: string;
          variant?: string;
          status?: number;
          body?: string;
          production?: { status?: number; body?: string; variant?: string };
        };
        try {
          r = JSON.parse(line) as typeof r;
        } catch {
          continue; // a line cut short by a crash mid-write
        }
        const t = Date.parse(r.time ?? '');
        if (!(t >= start.getTime() && t < end.getTime())) continue;
        if (r.variant !== challenger.name || r.production?.variant !== champion.name) continue;
        out.push({
          challenger: r.body ?? '',
          champion: r.production.body ?? '',
          challengerStatus: r.status ?? 0,
          championStatus: r.production.status ?? 0,
        });
      }
      return { pairs: out };
    },
    async setShare(percent: number) {
      await updateEndpointWeights(
        root,
        name,
        [
          { VariantName: champion.name, DesiredWeight: 100 - percent },
          { VariantName: challenger.name, DesiredWeight: percent },
        ],
        now,
      );
    },
    promote: () => keepOnly(root, name, challenger.name, now),
    rollback: () => keepOnly(root, name, champion.name, now),
  };
}

/**
 * The endpoint with one variant left, `keep`, at weight 100 (a production variant): the router
 * takes the new config before the others' processes are stopped and their folders removed.
 */
async function keepOnly(
  root: string,
  name: string,
  keep: string,
  now: () => Date,
): Promise<{ endpointConfig: string; notes: string[] }> {
  return withEndpointLock(root, name, async () => {
    const state = await readEndpointState(root, name);
    if (!state) throw new ConfigError('is not running (no state file)', `local endpoint ${name}`);
    const kept = state.variants.find((v) => v.name === keep);
    if (!kept) throw new ConfigError(`has no variant ${keep}`, `local endpoint ${name}`);
    const variant: VariantState = { ...kept, weight: 100, shadow: false };
    const endpointConfig = endpointConfigName(name, {
      champion: null,
      challenger: { name: keep, arn: kept.modelPackageArn, weight: 100, shadow: false },
    });
    const next: EndpointState = {
      ...state,
      endpointConfig,
      variants: [variant],
      champion: keep,
      generation: state.generation + 1,
      updatedAt: now().toISOString(),
    };
    const paths = endpointPaths(root, name);
    await applyRouterConfig(
      paths,
      treeAlive(state.router.pid) ? state.router : undefined,
      routerConfigOf(next, root),
    );
    await writeEndpointState(root, next);
    const notes: string[] = [];
    for (const old of state.variants) {
      if (old.name === keep) continue;
      await stopTree(old.pid, 5_000);
      await rm(paths.variantDir(old.name), { recursive: true, force: true });
      notes.push(
        `stopped variant ${old.name} (${old.modelPackageArn}, pid ${old.pid}) and removed its model copy`,
      );
    }
    return { endpointConfig, notes };
  });
}
