/** Following CloudWatch Logs against moto over HTTP; aws-sdk-client-mock for an access error. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogStreamsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { startMoto, type Moto } from '../../../test/support/moto.js';
import { sdkError } from '../../../test/lib/aws.js';
import { createCloudWatchLogsClient } from '../src/clients.js';
import { jobLogs, LineTail, LogFollower, PROCESSING_JOB_LOG_GROUP } from '../src/logs.js';

let moto: Moto;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  moto = await startMoto();
  logs = createCloudWatchLogsClient('us-east-1', moto.env);
});
afterAll(() => moto?.stop());
beforeEach(() => moto.reset());

async function write(group: string, stream: string, ...messages: string[]): Promise<void> {
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream })).catch((err) => {
    if ((err as { name?: string }).name !== 'ResourceAlreadyExistsException') throw err;
  });
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: stream,
      logEvents: messages.map((message, i) => ({ message, timestamp: Date.now() + i })),
    }),
  );
}

function follower(source = jobLogs(PROCESSING_JOB_LOG_GROUP, 'churn-eval-1')) {
  const lines: string[] = [];
  const warnings: string[] = [];
  const f = new LogFollower(logs, source, {
    onLine: (l) => lines.push(l),
    onWarning: (m) => warnings.push(m),
  });
  return { f, lines, warnings };
}

describe('LogFollower', () => {
  it('follows every stream of a processing job, reading only what is new at each poll', async () => {
    const group = PROCESSING_JOB_LOG_GROUP;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await write(group, 'churn-eval-1/algo-1-1700000000', 'a1', 'a2\n');
    await write(group, 'churn-eval-1/algo-2-1700000000', 'b1');
    await write(group, 'churn-eval-10/algo-1-1700000000', 'another job');
    const { f, lines, warnings } = follower();
    expect(await f.poll()).toBe(3);
    expect(lines).toEqual(['[algo-1-1700000000] a1', '[algo-1-1700000000] a2', '[algo-2-1700000000] b1']);
    await write(group, 'churn-eval-1/algo-1-1700000000', 'a3');
    expect(await f.poll()).toBe(1);
    expect(lines.at(-1)).toBe('[algo-1-1700000000] a3');
    expect(await f.poll()).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('prints lines without a host prefix when the job has one stream', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: PROCESSING_JOB_LOG_GROUP }));
    await write(PROCESSING_JOB_LOG_GROUP, 'churn-eval-1/algo-1-1700000000', 'only\nlines');
    const { f, lines } = follower();
    await f.poll();
    expect(lines).toEqual(['only', 'lines']);
  });

  it('reads nothing, quietly, while the log group does not exist yet', async () => {
    const { f, lines, warnings } = follower();
    expect(await f.poll()).toBe(0);
    expect(lines).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('warns once and stops on any other error (access denied, injected)', async () => {
    const mock = mockClient(CloudWatchLogsClient);
    try {
      mock.on(DescribeLogStreamsCommand).rejects(sdkError('AccessDeniedException', 400));
      const { f, warnings } = follower();
      await f.poll();
      await f.poll();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^cannot read the job's CloudWatch logs, not streaming them/);
      expect(mock.commandCalls(DescribeLogStreamsCommand)).toHaveLength(1);
    } finally {
      mock.restore();
    }
  });
});

describe('LineTail', () => {
  it('keeps the last lines', () => {
    const tail = new LineTail(2);
    for (const l of ['a', 'b', 'c']) tail.push(l);
    expect(tail.get()).toEqual(['b', 'c']);
  });
});
