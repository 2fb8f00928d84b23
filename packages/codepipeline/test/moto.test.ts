/**
 * The codepipeline step against moto in server mode (real HTTP), for what moto has: pipelines
 * (CreatePipeline, GetPipeline), StartPipelineExecution with variables, GetPipelineExecution.
 * moto's executions are Succeeded at once and it has no action executions, pipeline state,
 * approvals or stop, and the SDK cannot read its GetPipeline answer (timestamps as strings): those
 * are in mock.test.ts, and cancel against the real CLI in test/codepipeline.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CodePipelineClient,
  CreatePipelineCommand,
  GetPipelineExecutionCommand,
  type StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { startMoto, type Moto } from '../../../test/support/moto.js';
import { configErrorLine, runStep } from '../../../test/lib/step.js';
import { codepipelineStep } from '../src/definition.js';

let moto: Moto;
let cp: CodePipelineClient;
const ROLE = 'ModelshipPipeline';
let roleArn = '';
// moto answers calls it lacks (ListActionExecutions, GetPipelineState) with an HTTP error the SDK
// retries; one retry keeps those tests quick.
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  env = { ...moto.env, MODELSHIP_AWS_MAX_ATTEMPTS: '2' };
  cp = new CodePipelineClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
});
afterAll(async () => {
  cp?.destroy();
  await moto?.stop();
});

/** IAM's query API by hand (the role CodePipeline assumes must trust it, as moto checks). */
async function createRole(): Promise<string> {
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: ROLE,
    AssumeRolePolicyDocument: trust,
  });
  const res = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20261122/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x',
    },
    body,
  });
  const text = await res.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!arn) throw new Error(`CreateRole: ${res.status} ${text}`);
  return arn;
}

const manual = { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } as const;
function stages(approvals: number): StageDeclaration[] {
  const out: StageDeclaration[] = [
    {
      name: 'Source',
      actions: [
        {
          name: 'Source',
          actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
          configuration: { S3Bucket: 'acme-ml', S3ObjectKey: 'source.zip' },
          outputArtifacts: [{ name: 'src' }],
        },
      ],
    },
  ];
  for (let i = 1; i <= approvals; i++)
    out.push({ name: `Approve${i}`, actions: [{ name: 'Review', actionTypeId: manual }] });
  return out;
}

async function createPipeline(name: string, approvals = 1): Promise<void> {
  await cp.send(
    new CreatePipelineCommand({
      pipeline: {
        name,
        roleArn,
        artifactStore: { type: 'S3', location: 'acme-ml' },
        stages: stages(approvals),
      },
    }),
  );
}

beforeEach(async () => {
  await moto.reset();
  roleArn = await createRole();
});

describe('codepipeline on moto', () => {
  it('start: the execution starts with its variables and is followed to its end', async () => {
    await createPipeline('churn-release');
    const { result, text, manifest } = await runStep(
      codepipelineStep,
      { operation: 'start', pipeline: 'churn-release', variables: 'model=churn\nthreshold=0.8' },
      { env },
    );
    expect(result.ok).toBe(true);
    expect(result.outputs.status).toBe('Succeeded');
    const id = result.outputs['execution-id']!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const got = await cp.send(
      new GetPipelineExecutionCommand({ pipelineName: 'churn-release', pipelineExecutionId: id }),
    );
    expect(got.pipelineExecution?.variables).toEqual([
      { name: 'model', resolvedValue: 'churn' },
      { name: 'threshold', resolvedValue: '0.8' },
    ]);
    expect(text).toContain(`started execution ${id} of pipeline churn-release with model, threshold`);
    expect(text).toMatch(new RegExp(`execution ${id}: Succeeded`));
    // moto has neither: the execution's own status is followed, with a warning each.
    expect(text).toContain('cannot read its actions (ListActionExecutions)');
    expect(text).toContain('cannot read its stages (GetPipelineState)');
    expect(manifest().codepipeline).toMatchObject({
      pipeline: 'churn-release',
      executionId: id,
      status: 'Succeeded',
    });
    expect(manifest().history.at(-1)).toMatchObject({ step: 'codepipeline', ok: true });

    // wait: the same execution by id.
    const again = await runStep(
      codepipelineStep,
      { operation: 'wait', pipeline: 'churn-release', 'execution-id': id },
      { env },
    );
    expect(again.result.outputs).toMatchObject({ 'execution-id': id, status: 'Succeeded' });
  });

  it('names a missing pipeline and an unknown execution in one line', async () => {
    await createPipeline('churn-release');
    expect(
      await configErrorLine(runStep(codepipelineStep, { operation: 'start', pipeline: 'nope' }, { env })),
    ).toBe('pipeline nope: pipeline not found');
    expect(
      await configErrorLine(
        runStep(
          codepipelineStep,
          { operation: 'wait', pipeline: 'churn-release', 'execution-id': 'x-y' },
          { env },
        ),
      ),
    ).toBe('pipeline churn-release: pipeline execution not found');
  });

  it('takes the pipeline from modelship.yml', async () => {
    await createPipeline('from-config');
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'cp-'));
    await writeFile(join(dir, 'modelship.yml'), 'model: churn\ncodepipeline:\n  pipeline: from-config\n');
    const { result } = await runStep(codepipelineStep, { operation: 'start' }, { env, cwd: dir });
    expect(result.outputs.status).toBe('Succeeded');
  });
});
