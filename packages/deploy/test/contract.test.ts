// The inference contract from JSON Schemas or an OpenAPI document, and the smoke test's checks.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { configErrorLine as line } from '../../../test/lib/step.js';
import { loadContract, readSmokeRequests, smokeTest } from '../src/contract.js';

const OPENAPI = `openapi: 3.0.3
info: { title: churn, version: "1" }
paths:
  /invocations:
    post:
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Record' }
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                required: [predictions]
                properties:
                  predictions: { type: array, items: { type: object, required: [score] } }
components:
  schemas:
    Record:
      type: object
      required: [tenure_months]
      properties: { tenure_months: { type: integer, minimum: 0 } }
`;

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'modelship-contract-'));
  for (const [f, t] of Object.entries(files)) writeFileSync(join(d, f), t);
  return d;
}

describe('the inference contract', () => {
  it('takes both schemas from an OpenAPI document, references resolved', async () => {
    const cwd = dir({ 'api.yaml': OPENAPI, 'smoke.jsonl': '{"tenure_months": 3}\n\n{"tenure_months": 0}\n' });
    const contract = await loadContract({ openapi: 'api.yaml', contentType: 'application/json' }, cwd);
    expect(contract.request!({ tenure_months: 3 })).toBe(true);
    expect(contract.request!({ tenure_months: -1 })).toBe(false);
    const requests = await readSmokeRequests('smoke.jsonl', cwd, contract);
    expect(requests.map((r) => r.line)).toEqual([1, 3]);
    const answers = ['{"predictions": [{"score": 0.2}]}', '{"predictions": [{"label": 1}]}'];
    const failures = await smokeTest(requests, contract, async () => ({
      status: 200,
      body: answers.shift()!,
    }));
    expect(failures).toEqual([
      { line: 3, reason: expect.stringMatching(/^the answer breaks the response schema: .*score/) },
    ]);
  });

  it('names the file, line and field a user must fix', async () => {
    const cwd = dir({
      'api.yaml': OPENAPI,
      'bad.jsonl': '{"tenure_months": 3}\n{"tenure_months": -2}\n',
      'notjson.jsonl': '{"a": 1}\nnope\n',
      'empty.jsonl': '\n',
      'nopath.yaml': 'openapi: 3.0.3\npaths: {}\n',
    });
    const contract = await loadContract({ openapi: 'api.yaml', contentType: 'application/json' }, cwd);
    expect(await line(readSmokeRequests('bad.jsonl', cwd, contract))).toMatch(
      /^bad\.jsonl:2: breaks the request schema: .*tenure_months/,
    );
    expect(await line(readSmokeRequests('notjson.jsonl', cwd))).toMatch(/^notjson\.jsonl:2: is not JSON/);
    expect(await line(readSmokeRequests('empty.jsonl', cwd))).toBe('empty.jsonl: holds no requests');
    expect(await line(readSmokeRequests('missing.jsonl', cwd))).toBe(
      'missing.jsonl: smoke requests file not found',
    );
    expect(await line(loadContract({ openapi: 'nopath.yaml', contentType: 'application/json' }, cwd))).toBe(
      'nopath.yaml: has no POST /invocations operation',
    );
  });

  it('counts a non-200 answer and one that is not JSON as failures', async () => {
    const contract = await loadContract(
      { contentType: 'application/json', response: 'r.json' },
      dir({ 'r.json': '{"type": "object"}' }),
    );
    const reqs = [
      { line: 1, body: '{}' },
      { line: 2, body: '{}' },
      { line: 3, body: '{}' },
    ];
    const answers = [
      { status: 500, body: 'boom' },
      { status: 200, body: 'not json' },
    ];
    const failures = await smokeTest(reqs, contract, async () => {
      const a = answers.shift();
      if (!a) throw new Error('socket hang up');
      return a;
    });
    expect(failures).toEqual([
      { line: 1, reason: 'status 500: boom' },
      { line: 2, reason: 'the answer is not JSON: not json' },
      { line: 3, reason: 'no answer (socket hang up)' },
    ]);
  });
});
