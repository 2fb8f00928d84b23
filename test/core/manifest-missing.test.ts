// From a trial: a --manifest that does not exist read as a manifest that records nothing ("records
// no registration"). Every step that needs what an earlier step recorded now says the file named
// does not exist; the default manifest missing keeps each step's own message.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { findStep } from '@modelship/catalog';
import { sageMakerTrainBlock } from '../lib/aws.js';
import { configErrorLine, runStep, tempDir } from '../lib/step.js';

const NAMED = 'release/manifest.json';

function workspace(config: string): string {
  const dir = tempDir('modelship-manifest-missing-');
  writeFileSync(join(dir, 'modelship.yml'), config);
  return dir;
}

const line = (stepName: string, inputs: Record<string, string>, cwd: string) =>
  configErrorLine(runStep(findStep(stepName)!, inputs, { cwd, env: {} }));

describe('a manifest named by the user that does not exist', () => {
  it('deploy-canary: says so, naming it (not "records no registration")', async () => {
    const cwd = workspace('model: churn\nbackend: local\ndeploy:\n  serve: [node, serve.mjs]\n');
    expect(await line('deploy-canary', { manifest: NAMED }, cwd)).toBe(
      `${NAMED}: manifest file does not exist`,
    );
    // The default manifest missing: what is missing is the package to deploy.
    expect(await line('deploy-canary', {}, cwd)).toBe(
      "input 'model-package-arn': no model package to deploy: the manifest records no registration",
    );
  });

  it('evaluate-gate (training metrics, or the evaluate block) and register approve: the same line', async () => {
    const gate = workspace('model: churn\ngate:\n  checks:\n    - { metric: accuracy, min: 0.5 }\n');
    expect(await line('evaluate-gate', { manifest: NAMED, baseline: 'none' }, gate)).toBe(
      `${NAMED}: manifest file does not exist`,
    );
    const evaluate = workspace(
      'model: churn\nevaluate:\n  entrypoint: [node, score.mjs]\n  test: test.csv\ngate:\n  checks:\n    - { metric: accuracy, min: 0.5 }\n',
    );
    expect(await line('evaluate-gate', { manifest: NAMED, baseline: 'none' }, evaluate)).toBe(
      `${NAMED}: manifest file does not exist`,
    );
    expect(
      await line('register', { manifest: NAMED, operation: 'approve' }, workspace('model: churn\n')),
    ).toBe(`${NAMED}: manifest file does not exist`);
  });

  it('train on SageMaker with no channels (its data would come from the manifest): the same line', async () => {
    const cwd = workspace(`model: churn\nbackend: sagemaker\n${sageMakerTrainBlock()}`);
    expect(await line('train', { manifest: NAMED, 'dry-run': 'true' }, cwd)).toBe(
      `${NAMED}: manifest file does not exist`,
    );
    expect(await line('train', { 'dry-run': 'true' }, cwd)).toBe(
      'modelship.yml: train.channels: no input data: set train.channels or run validate-data on s3:// data first',
    );
  });
});
