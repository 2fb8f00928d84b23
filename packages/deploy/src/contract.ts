// The inference contract and the smoke test: before any live traffic reaches the challenger, each
// sample request is checked against the request schema, sent to the challenger, and its answer
// checked against the response schema. The schemas are JSON Schemas, or the POST /invocations
// operation of an OpenAPI 3 document.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  ConfigError,
  fileError,
  firstUsefulError,
  formatAjvError,
  type JsonSchema,
  type ValidateFunction,
} from '@modelship/core';
import { compileSchema, createAjv } from '@modelship/core/schema';

export interface Contract {
  contentType: string;
  request?: ValidateFunction;
  response?: ValidateFunction;
  /** Where the schemas came from, for messages. */
  source: string;
}

async function readDocument(path: string, cwd: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (err) {
    throw fileError(err, path, 'contract file');
  }
  try {
    if (/\.ya?ml$/i.test(path)) return (await import('yaml')).parse(text) as unknown;
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(
      `is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'} (${(err as Error).message.split('\n')[0]})`,
      path,
      { cause: err },
    );
  }
}

/** Load and compile the contract's schemas. @throws ConfigError naming the file for a missing or invalid one. */
export async function loadContract(
  c: { request?: string; response?: string; openapi?: string; contentType: string },
  cwd: string,
): Promise<Contract> {
  if (c.openapi) {
    const doc = (await readDocument(c.openapi, cwd)) as Record<string, unknown>;
    const op = (doc.paths as Record<string, Record<string, unknown>> | undefined)?.['/invocations']?.post as
      | {
          requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
          responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
        }
      | undefined;
    if (!op)
      throw new ConfigError('has no POST /invocations operation', c.openapi, {
        hint: 'describe the model under paths: /invocations: post: (requestBody and responses 200)',
      });
    const reqSchema = op.requestBody?.content?.[c.contentType]?.schema;
    const ok = op.responses?.['200'] ?? op.responses?.default;
    const resSchema =
      ok?.content?.['application/json']?.schema ?? Object.values(ok?.content ?? {})[0]?.schema;
    // References into the document (#/components/schemas/…) resolve against the document itself.
    const id = 'modelship:openapi';
    const ajv = createAjv(undefined, { strict: false });
    ajv.addSchema({ ...doc, $id: id } as JsonSchema);
    const at = (s: JsonSchema | undefined, ptr: string) =>
      s ? compileSchema(ajv, { $ref: `${id}#${ptr}` }, c.openapi!) : undefined;
    const enc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
    const respKey = op.responses?.['200'] ? '200' : 'default';
    const respType = ok?.content?.['application/json']
      ? 'application/json'
      : (Object.keys(ok?.content ?? {})[0] ?? '');
    return {
      contentType: c.contentType,
      request: at(reqSchema, `/paths/~1invocations/post/requestBody/content/${enc(c.contentType)}/schema`),
      response: at(
        resSchema,
        `/paths/~1invocations/post/responses/${respKey}/content/${enc(respType)}/schema`,
      ),
      source: c.openapi,
    };
  }
  const out: Contract = {
    contentType: c.contentType,
    source: [c.request, c.response].filter(Boolean).join(', '),
  };
  for (const k of ['request', 'response'] as const) {
    const path = c[k];
    if (!path) continue;
    const schema = (await readDocument(path, cwd)) as JsonSchema;
    out[k] = compileSchema(createAjv(schema), schema, path);
  }
  return out;
}

/** One sample request, as read from the JSON Lines file. */
export interface SmokeRequest {
  line: number;
  body: string;
}

/** The sample requests. @throws ConfigError naming file:line for a line that is not JSON or breaks the request schema. */
export async function readSmokeRequests(
  path: string,
  cwd: string,
  contract?: Contract,
): Promise<SmokeRequest[]> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (err) {
    throw fileError(err, path, 'smoke requests file');
  }
  const out: SmokeRequest[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new ConfigError(`is not JSON (${(err as Error).message})`, `${path}:${i + 1}`, { cause: err });
    }
    if (contract?.request && !contract.request(value)) {
      const e = firstUsefulError(contract.request.errors ?? []);
      throw new ConfigError(
        `breaks the request schema: ${e ? formatAjvError(e) : 'invalid'}`,
        `${path}:${i + 1}`,
        { hint: `a sample request must be one the contract (${contract.source}) allows` },
      );
    }
    out.push({ line: i + 1, body: raw });
  }
  if (out.length === 0)
    throw new ConfigError('holds no requests', path, { hint: 'one JSON request body a line' });
  return out;
}

export interface SmokeFailure {
  line: number;
  reason: string;
}

/**
 * Send each sample to `send` and check the answer: status 200, and (with a response schema) a
 * JSON body the schema allows. Returns the failures (empty: passed).
 */
export async function smokeTest(
  requests: SmokeRequest[],
  contract: Contract | undefined,
  send: (body: string) => Promise<{ status: number; body: string }>,
): Promise<SmokeFailure[]> {
  const failures: SmokeFailure[] = [];
  for (const r of requests) {
    let answer: { status: number; body: string };
    try {
      answer = await send(r.body);
    } catch (err) {
      failures.push({ line: r.line, reason: `no answer (${(err as Error).message})` });
      continue;
    }
    if (answer.status !== 200) {
      failures.push({ line: r.line, reason: `status ${answer.status}: ${answer.body.slice(0, 200).trim()}` });
      continue;
    }
    if (!contract?.response) continue;
    let value: unknown;
    try {
      value = JSON.parse(answer.body);
    } catch {
      failures.push({ line: r.line, reason: `the answer is not JSON: ${answer.body.slice(0, 200).trim()}` });
      continue;
    }
    if (!contract.response(value)) {
      const e = firstUsefulError(contract.response.errors ?? []);
      failures.push({
        line: r.line,
        reason: `the answer breaks the response schema: ${e ? formatAjvError(e) : 'invalid'}`,
      });
    }
  }
  return failures;
}
