import { execFileSync, spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { runActionBundle } from './support/action-runner.js';
import { churnWorkspace } from './lib/churn.js';

// Cancelling a run (the runner sends SIGINT, then SIGTERM; Ctrl-C on the CLI) while validate-data
// is reading: the data arrives through a named pipe whose writer the test controls, so the step is
// mid-read when the signal comes. The run must end with one clear line and exit 1.
const CLI = join(process.cwd(), 'dist/cli/index.js');
const HEADER =
  'customer_id,tenure_months,monthly_charges,total_charges,contract,payment_method,internet_service,support_calls,senior,churned\n';
const ROW = 'C0000001,10,88.80,893.56,one-year,electronic-check,fiber,2,false,true\n';
let ws: string;

beforeAll(() => {
  ws = churnWorkspace(100);
});

/** A named pipe fed a header and some rows, held open until `close()`. */
async function feeding(name: string): Promise<{ close: () => Promise<void> }> {
  const path = join(ws, name);
  execFileSync('mkfifo', [path]);
  const writer = open(path, 'w').then(async (fh) => {
    await fh.write(HEADER + ROW.repeat(500));
    return fh;
  });
  return { close: async () => (await writer).close() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cancelling validate-data mid-read', () => {
  it('CLI: Ctrl-C (SIGINT) ends the run with "cancelled" and exit 1', async () => {
    const pipe = await feeding('cli.csv');
    const child = spawn(
      process.execPath,
      [CLI, 'validate-data', '--data', 'cli.csv', '--schema', 'churn.schema.json', '--quiet'],
      {
        cwd: ws,
        env: { PATH: process.env.PATH },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await sleep(1500);
    child.kill('SIGINT');
    await sleep(300);
    await pipe.close();
    expect(await exited).toBe(1);
    expect(stderr).toContain('received SIGINT: cancelling');
    // The whole stderr is shown when this fails: the last line must be the cancellation.
    expect(stderr).toMatch(/\nerror: cancelled by SIGINT\n$/);
  });

  it("action: the runner's SIGTERM ends the step with one ::error:: line and exit 1", async () => {
    const pipe = await feeding('action.csv');
    const run = runActionBundle('actions/validate-data', {
      cwd: ws,
      inputs: { data: 'action.csv', schema: 'churn.schema.json' },
      signal: 'SIGTERM',
      signalAfterMs: 1500,
    });
    await sleep(1900);
    await pipe.close();
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual([
      'cancelled by SIGTERM',
    ]);
    expect(r.outputs.passed).toBeUndefined();
  });
});
