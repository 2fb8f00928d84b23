/**
 * Every workflow and action.yml parses with GitHub's own workflow parser (@actions/workflow-parser,
 * the one behind the Actions language service): the workflow schema, expressions and contexts
 * allowed where they are written, and, for a caller of this project's reusable workflows, the
 * called workflow fetched from this checkout (its inputs, outputs and secrets checked against the
 * call).
 */
import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';
import { PROJECT_REPOSITORY } from '../support/act.js';
import { REPO_ROOT } from '../support/tools.js';
import { actionFiles, EXPECTED_WORKFLOWS, workflowFiles } from '../support/workflow-files.js';

const workflows = workflowFiles();
const actions = actionFiles();

const read = (file: string): { name: string; content: string } => ({
  name: file,
  content: fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'),
});

/** This project's reusable workflows, read from the checkout (others cannot be fetched offline). */
const files = {
  getFileContent: (ref: FileReference) => {
    if ('owner' in ref && `${ref.owner}/${ref.repository}` === PROJECT_REPOSITORY)
      return Promise.resolve(read(ref.path));
    if (!('owner' in ref)) return Promise.resolve(read(ref.path.replace(/^\.\//, '')));
    return Promise.reject(new Error(`not fetched offline: ${JSON.stringify(ref)}`));
  },
};

// The parser's validation errors carry `message`; the converter's carry `Message`.
const messages = (errors: { message?: string; Message?: string }[]): string[] =>
  errors.map((e) => e.message ?? e.Message ?? JSON.stringify(e));

describe("GitHub's workflow parser", () => {
  it('finds the reusable workflows and starters', () => {
    expect(workflows).toEqual(expect.arrayContaining(EXPECTED_WORKFLOWS));
  });

  it.each(workflows)('%s parses and converts without errors', async (file) => {
    const parsed = parseWorkflow(read(file), new NoOperationTraceWriter());
    expect(messages(parsed.context.errors.getErrors())).toEqual([]);
    expect(parsed.value).toBeDefined();
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!, files, {
      fetchReusableWorkflowDepth: 1,
    });
    expect(messages(template.errors ?? [])).toEqual([]);
    expect(template.jobs.length).toBeGreaterThan(0);
  });

  it.each(actions)('%s parses without errors', (file) => {
    const parsed = parseAction(read(file), new NoOperationTraceWriter());
    expect(messages(parsed.context.errors.getErrors())).toEqual([]);
    expect(parsed.value).toBeDefined();
  });

  it('reports an input the called workflow does not declare (the check is live)', async () => {
    const caller = {
      name: 'caller.yml',
      content: `on: push
jobs:
  model:
    uses: ${PROJECT_REPOSITORY}/.github/workflows/model-pr.yml@v1
    with:
      data: data.csv
      no-such-input: x
`,
    };
    const parsed = parseWorkflow(caller, new NoOperationTraceWriter());
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!, files, {
      fetchReusableWorkflowDepth: 1,
    });
    expect(messages(template.errors ?? []).join('\n')).toMatch(/no-such-input/);
  });
});
