// One sticky pull-request comment per model: found by a hidden marker, updated in place on
// re-runs, created otherwise. GitHub's REST API over fetch (the API root comes from the host: GHES
// has its own). A comment that cannot be written is a warning: the verdict stands on its own.
import type { GitHubRun, Logger } from '@modelship/core';

export function commentMarker(model: string): string {
  return `<!-- modelship:evaluate-gate:${model} -->`;
}

interface IssueComment {
  id: number;
  body?: string;
  html_url?: string;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(
  run: GitHubRun,
  token: string,
  method: string,
  path: string,
  signal: AbortSignal,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${run.apiUrl}${path}`, {
    method,
    signal,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${token}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'modelship-evaluate-gate',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    let message = res.statusText;
    try {
      message = ((await res.json()) as { message?: string }).message ?? message;
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, `${method} ${path}: ${res.status} ${message}`);
  }
  return (await res.json()) as T;
}

export type CommentOutcome =
  { action: 'created' | 'updated'; id: number; url?: string } | { action: 'skipped'; why: string };

/**
 * Create or update the model's comment on the pull request of this run. Never throws: what went
 * wrong is logged as a warning and returned as `skipped`.
 */
export async function upsertComment(opts: {
  run: GitHubRun | undefined;
  token: string | undefined;
  model: string;
  body: string;
  log: Logger;
  signal: AbortSignal;
}): Promise<CommentOutcome> {
  const { run, log } = opts;
  const skip = (why: string, warn: boolean): CommentOutcome => {
    if (warn) log.warn(`pull-request comment: ${why}`);
    else log.info(`pull-request comment: ${why}`);
    return { action: 'skipped', why };
  };
  if (!run) return skip('not running in GitHub Actions; no comment', false);
  if (run.pullRequest === undefined)
    return skip(`the ${run.eventName || 'current'} event is not a pull request; no comment`, false);
  if (!run.repository) return skip('the repository is unknown (GITHUB_REPOSITORY); no comment', true);
  if (!opts.token)
    return skip('no token: set the github-token input (e.g. ${{ github.token }}) to comment', true);
  const marker = commentMarker(opts.model);
  const body = `${marker}\n${opts.body}`;
  const base = `/repos/${run.repository}/issues`;
  try {
    let found: IssueComment | undefined;
    for (let page = 1; page <= 50 && !found; page++) {
      const list = await call<IssueComment[]>(
        run,
        opts.token,
        'GET',
        `${base}/${run.pullRequest}/comments?per_page=100&page=${page}`,
        opts.signal,
      );
      found = list.find((c) => c.body?.includes(marker));
      if (list.length < 100) break;
    }
    if (found) {
      const c = await call<IssueComment>(
        run,
        opts.token,
        'PATCH',
        `${base}/comments/${found.id}`,
        opts.signal,
        { body },
      );
      log.info(`pull-request comment: updated #${run.pullRequest}'s comment ${c.id}`);
      return { action: 'updated', id: c.id, url: c.html_url };
    }
    const c = await call<IssueComment>(
      run,
      opts.token,
      'POST',
      `${base}/${run.pullRequest}/comments`,
      opts.signal,
      { body },
    );
    log.info(`pull-request comment: created on #${run.pullRequest} (${c.id})`);
    return { action: 'created', id: c.id, url: c.html_url };
  } catch (err) {
    if (opts.signal.aborted) throw err;
    if (err instanceof ApiError && (err.status === 403 || err.status === 404))
      return skip(
        `could not write to #${run.pullRequest} (${err.message}): the token needs pull-requests: write (permissions: pull-requests: write in the workflow); the verdict stands without the comment`,
        true,
      );
    return skip(
      `could not write to #${run.pullRequest}: ${(err as Error).message}; the verdict stands without the comment`,
      true,
    );
  }
}
