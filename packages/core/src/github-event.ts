import { readFileSync } from 'node:fs';

/**
 * The GitHub run a step is part of, as its host sees it: the repository, the event and, on a
 * pull-request event, the pull request. Hosts build it (from the runner's `GITHUB_*` variables and
 * event payload) and hand it to the step in its context; a step never reads them itself.
 */
export interface GitHubRun {
  /** `GITHUB_EVENT_NAME`: `pull_request`, `push`, … */
  eventName: string;
  /** `owner/name`. */
  repository?: string;
  /** The REST API root (`GITHUB_API_URL`; GitHub Enterprise Server has its own). */
  apiUrl: string;
  /** The pull request's number on `pull_request` / `pull_request_target` events (and comments on one). */
  pullRequest?: number;
  /** A token the job exported as `GITHUB_TOKEN`, when it did (a step's own token input wins). */
  token?: string;
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'issue_comment']);

/** The pull request number in an event payload, when the event is about one. */
function pullRequestOf(eventName: string, payload: unknown): number | undefined {
  if (!PR_EVENTS.has(eventName) || typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as {
    number?: unknown;
    pull_request?: { number?: unknown };
    issue?: { number?: unknown; pull_request?: unknown };
  };
  const n =
    eventName === 'issue_comment'
      ? p.issue?.pull_request
        ? p.issue.number
        : undefined
      : (p.pull_request?.number ?? p.number);
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * The GitHub run described by a runner's environment (`GITHUB_ACTIONS=true`), or undefined outside
 * one. The event payload is read from `GITHUB_EVENT_PATH`; an unreadable payload leaves out the
 * pull request rather than failing the step.
 */
export function githubRunFromEnv(env: Record<string, string | undefined>): GitHubRun | undefined {
  if (env.GITHUB_ACTIONS !== 'true') return undefined;
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let payload: unknown;
  if (env.GITHUB_EVENT_PATH && PR_EVENTS.has(eventName)) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    } catch {
      payload = undefined;
    }
  }
  const run: GitHubRun = {
    eventName,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
  };
  if (env.GITHUB_REPOSITORY) run.repository = env.GITHUB_REPOSITORY;
  const pr = pullRequestOf(eventName, payload);
  if (pr !== undefined) run.pullRequest = pr;
  if (env.GITHUB_TOKEN) run.token = env.GITHUB_TOKEN;
  return run;
}
