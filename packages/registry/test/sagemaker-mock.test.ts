/**
 * What moto cannot show: SageMaker's answers under throttling and faults, and a filtered listing
 * whose first page is empty but carries a NextToken (SageMaker filters after paging). Driven
 * through aws-sdk-client-mock; everything else about the SageMaker registry runs against moto
 * (test/register/register-sagemaker-moto.test.ts).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError } from '@modelship/core';
import { SageMakerRegistry } from '../src/sagemaker.js';
import { sdkError } from '../../../test/lib/aws.js';

const sm = mockClient(SageMakerClient);
afterEach(() => {
  sm.reset();
});

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3';

function registry(): SageMakerRegistry {
  return new SageMakerRegistry({
    sagemaker: new SageMakerClient({ region: 'us-east-1' }),
    s3: () => new S3Client({ region: 'us-east-1' }),
    region: 'us-east-1',
  });
}

async function line(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConfigError) return `${err.line}${err.hint ? ` | hint: ${err.hint}` : ''}`;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('the SageMaker registry under faults (aws-sdk-client-mock)', () => {
  it('the champion lookup follows NextToken past empty filtered pages, newest first', async () => {
    sm.on(ListModelPackagesCommand)
      .resolvesOnce({ ModelPackageSummaryList: [], NextToken: 't1' })
      .resolvesOnce({ ModelPackageSummaryList: [], NextToken: 't2' })
      .resolvesOnce({
        ModelPackageSummaryList: [
          {
            ModelPackageArn: ARN,
            ModelPackageGroupName: 'churn',
            ModelPackageVersion: 3,
            ModelApprovalStatus: 'Approved',
            CreationTime: new Date('2026-11-20T10:00:00Z'),
            ModelPackageStatus: 'Completed',
          },
        ],
        NextToken: 't3',
      });
    sm.on(DescribeModelPackageCommand).resolves({
      ModelPackageArn: ARN,
      ModelPackageGroupName: 'churn',
      ModelPackageVersion: 3,
      ModelApprovalStatus: 'Approved',
      CreationTime: new Date('2026-11-20T10:00:00Z'),
    });
    const champion = await registry().latestApproved('churn');
    expect(champion).toMatchObject({
      ModelPackageArn: ARN,
      ModelPackageVersion: 3,
      CreationTime: '2026-11-20T10:00:00.000Z',
    });
    const calls = sm.commandCalls(ListModelPackagesCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(3); // stops at the first page with a package
    expect(calls[0]).toEqual({
      ModelPackageGroupName: 'churn',
      ModelApprovalStatus: 'Approved',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 100,
      NextToken: undefined,
    });
    expect(calls.map((c) => c.NextToken)).toEqual([undefined, 't1', 't2']);
  });

  it('no Approved package (the last page has no token): no champion', async () => {
    sm.on(ListModelPackagesCommand)
      .resolvesOnce({ ModelPackageSummaryList: [], NextToken: 't1' })
      .resolvesOnce({ ModelPackageSummaryList: [] });
    expect(await registry().latestApproved('churn')).toBeUndefined();
  });

  it('a group that does not exist has no champion and no packages', async () => {
    sm.on(ListModelPackagesCommand).rejects(
      Object.assign(sdkError('ValidationException', 400), {
        message:
          'ModelPackageGroup arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn does not exist.',
      }),
    );
    expect(await registry().latestApproved('churn')).toBeUndefined();
    expect(await registry().list('churn')).toEqual([]);
  });

  it('throttled even after the retries: one line naming the group, with a hint', async () => {
    sm.on(DescribeModelPackageGroupCommand).resolves({ ModelPackageGroupName: 'churn' });
    sm.on(CreateModelPackageCommand).rejects(sdkError('ThrottlingException', 400, 8));
    expect(await registry().ensureGroup('churn', {})).toEqual({ created: false });
    expect(
      await line(
        registry().create({
          group: 'churn',
          status: 'PendingManualApproval',
          inference: { Containers: [{ ModelDataUrl: 's3://b/m.tar.gz' }] },
          metadata: {},
          tags: {},
          digest: 'a'.repeat(64),
        }),
      ),
    ).toBe(
      'model package group churn: SageMaker throttled the requests (still after 8 attempts) | hint: retry later, or ask AWS for a higher request quota',
    );
    // SageMaker's own idempotency token: the first 36 characters of the manifest digest.
    expect(sm.commandCalls(CreateModelPackageCommand)[0]!.args[0].input.ClientToken).toBe('a'.repeat(36));
  });

  it('access denied on CreateModelPackageGroup names the permission; a 500 stays an internal error with its cause', async () => {
    sm.on(DescribeModelPackageGroupCommand).rejects(
      Object.assign(sdkError('ValidationException', 400), {
        message: 'ModelPackageGroup churn does not exist.',
      }),
    );
    sm.on(CreateModelPackageGroupCommand).rejects(sdkError('AccessDeniedException', 403));
    expect(await line(registry().ensureGroup('churn', {}))).toBe(
      'model package group churn: access denied writing to SageMaker | hint: check that the role allows sagemaker:CreateModelPackageGroup',
    );
    sm.on(DescribeModelPackageCommand).rejects(sdkError('InternalFailure', 500));
    await expect(registry().describe(ARN)).rejects.toThrow('InternalFailure (injected)');
    await expect(registry().describe(ARN)).rejects.not.toBeInstanceOf(ConfigError);
  });

  it('another run creating the group between describe and create is not an error', async () => {
    sm.on(DescribeModelPackageGroupCommand).rejects(
      Object.assign(sdkError('ValidationException', 400), {
        message: 'ModelPackageGroup churn does not exist.',
      }),
    );
    sm.on(CreateModelPackageGroupCommand).rejects(
      Object.assign(sdkError('ResourceInUse', 400), { message: 'Model Package Group already exists: churn' }),
    );
    expect(await registry().ensureGroup('churn', {})).toEqual({ created: false });
  });
});
