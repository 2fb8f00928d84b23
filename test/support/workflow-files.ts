// The files the workflow checks (lint, zizmor, GitHub's parser) read: every workflow and every
// action.yml of the repository.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './tools.js';

/** The reusable workflows (.github/workflows) and the starters users copy (workflows/). */
export function workflowFiles(): string[] {
  const files: string[] = [];
  for (const dir of ['.github/workflows', 'workflows']) {
    const full = path.join(REPO_ROOT, dir);
    if (!fs.existsSync(full)) continue;
    for (const f of fs.readdirSync(full).sort()) {
      if (/\.ya?ml$/.test(f)) files.push(path.posix.join(dir, f));
    }
  }
  return files;
}

/** The root action and each step's action.yml. */
export function actionFiles(): string[] {
  return [
    'action.yml',
    ...fs
      .readdirSync(path.join(REPO_ROOT, 'actions'))
      .sort()
      .map((d) => `actions/${d}/action.yml`),
  ];
}

/** Workflows that must exist (a check that finds none of them checks nothing). */
export const EXPECTED_WORKFLOWS = [
  '.github/workflows/ci.yml',
  '.github/workflows/validate-data.yml',
  '.github/workflows/model-pr.yml',
  '.github/workflows/model-release.yml',
  'workflows/pr-data-check.yml',
  'workflows/model-pr.yml',
  'workflows/model-release.yml',
  'workflows/model-retrain-schedule.yml',
  'workflows/model-retrain-on-data.yml',
];
