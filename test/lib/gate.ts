// Fixtures of the evaluate-gate tests: predictions made from a seeded generator (the same bytes on
// every run), and a stand-in of GitHub's REST API for issue comments on 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PredictionRow {
  id: string;
  label: number;
  score: number;
  champion_score: number;
  segment: string;
}

/**
 * Binary predictions: `separation` is how far each model's scores sit from 0.5 towards the truth
 * (0 = chance, 0.3 = good); noise is shared by neither model.
 */
export function predictionRows(opts: {
  n: number;
  candidate: number;
  champion: number;
  seed?: number;
  segments?: readonly string[];
}): PredictionRow[] {
  const r = prng(opts.seed ?? 1);
  const segs = opts.segments ?? ['a', 'b'];
  const clip = (v: number) => Math.min(0.999, Math.max(0.001, v));
  return Array.from({ length: opts.n }, (_, i) => {
    const label = r() < 0.4 ? 1 : 0;
    const towards = (sep: number) => clip(0.5 + (label ? sep : -sep) + (r() - 0.5) * 0.8);
    return {
      id: `r${i}`,
      label,
      score: Number(towards(opts.candidate).toFixed(4)),
      champion_score: Number(towards(opts.champion).toFixed(4)),
      segment: segs[i % segs.length]!,
    };
  });
}

export function toCsv(rows: readonly object[], columns?: readonly string[]): string {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const cell = (r: object, c: string) => String((r as Record<string, unknown>)[c] ?? '');
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r, c)).join(','))].join('\n') + '\n';
}

export function toJsonl(rows: readonly object[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

export interface StoredComment {
  id: number;
  issue: number;
  body: string;
}

/** A stand-in of the REST API's issue comments (list, create, update), over real HTTP. */
export interface GitHubStandIn {
  url: string;
  comments: StoredComment[];
  requests: { method: string; path: string; auth?: string }[];
  /** Answer every request with this status (e.g. 403: the token may not write). */
  failWith?: number;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
}

export async function startGitHubStandIn(repo = 'acme/churn'): Promise<GitHubStandIn> {
  let next = 1000;
  const state: GitHubStandIn = {
    url: '',
    comments: [],
    requests: [],
    close: () => new Promise((res) => server.close(() => res())),
  };
  const send = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      state.requests.push({
        method: req.method ?? '',
        path: url.pathname + url.search,
        auth: req.headers.authorization,
      });
      const payload = (await body(req)) as { body?: string } | undefined;
      if (state.failWith)
        return send(res, state.failWith, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest',
        });
      const prefix = `/repos/${repo}/issues/`;
      if (!url.pathname.startsWith(prefix)) return send(res, 404, { message: 'Not Found' });
      const rest = url.pathname.slice(prefix.length).split('/');
      if (rest.length === 2 && rest[1] === 'comments') {
        const issue = Number(rest[0]);
        if (req.method === 'GET') {
          const page = Number(url.searchParams.get('page') ?? '1');
          const per = Number(url.searchParams.get('per_page') ?? '30');
          const mine = state.comments.filter((c) => c.issue === issue);
          return send(res, 200, mine.slice((page - 1) * per, page * per));
        }
        if (req.method === 'POST') {
          const c = { id: next++, issue, body: payload?.body ?? '' };
          state.comments.push(c);
          return send(res, 201, {
            ...c,
            html_url: `https://github.com/${repo}/pull/${issue}#issuecomment-${c.id}`,
          });
        }
      }
      if (rest.length === 2 && rest[0] === 'comments' && req.method === 'PATCH') {
        const c = state.comments.find((x) => x.id === Number(rest[1]));
        if (!c) return send(res, 404, { message: 'Not Found' });
        c.body = payload?.body ?? '';
        return send(res, 200, c);
      }
      return send(res, 404, { message: 'Not Found' });
    })();
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
