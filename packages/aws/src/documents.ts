import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { atomicWrite, ConfigError, fileError } from '@modelship/core';
import { isS3Uri, openS3Object, putS3Object } from './s3.js';

export interface JsonDocumentOptions {
  /** Where a relative local path resolves (default: the process's working directory). */
  cwd?: string;
  /** The S3 client, asked for only when the URI is `s3://` (lazy: a local run builds none). */
  s3?: () => S3Client;
  signal?: AbortSignal;
  /** What the document is, in error messages: `schema`, `baseline profile` (default `JSON document`). */
  what?: string;
}

function s3Client(uri: string, opts: JsonDocumentOptions): S3Client {
  if (!opts.s3) throw new Error(`no S3 client given to read or write ${uri}`);
  return opts.s3();
}

/**
 * Read a JSON document from a local path or an `s3://` URI; returns the parsed value and the text
 * as read (e.g. for its sha256). Throws a ConfigError naming `uri` when it is missing, not
 * readable (local: {@link fileError}; S3: not found, access denied, … see `s3Error`) or not valid
 * JSON.
 */
export async function readJsonText(
  uri: string,
  opts: JsonDocumentOptions = {},
): Promise<{ doc: unknown; text: string }> {
  const what = opts.what ?? 'JSON document';
  let text: string;
  if (isS3Uri(uri)) {
    const chunks: Buffer[] = [];
    for await (const c of await openS3Object(s3Client(uri, opts), uri, { signal: opts.signal }))
      chunks.push(c as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    try {
      text = await readFile(resolve(opts.cwd ?? '.', uri), 'utf8');
    } catch (err) {
      throw fileError(err, uri, what);
    }
  }
  try {
    return { doc: JSON.parse(text) as unknown, text };
  } catch (err) {
    // JSON.parse quotes the text around the fault, newlines and all: keep the message to one line.
    const why = (err as Error).message.replace(/\s+/g, ' ');
    throw new ConfigError(`${what} is not valid JSON (${why})`, uri, { cause: err });
  }
}

/** The parsed JSON document at a local path or `s3://` URI; errors as {@link readJsonText}. */
export async function readJsonDocument(uri: string, opts: JsonDocumentOptions = {}): Promise<unknown> {
  return (await readJsonText(uri, opts)).doc;
}

/**
 * Write `value` as pretty-printed JSON (2-space indent, final newline) to a local path or an
 * `s3://` URI. A local file is written atomically (a temporary file in the same directory, then
 * renamed over it), creating the directory; an S3 object in one PutObject with content type
 * `application/json`. S3 errors become ConfigErrors with the write hint (s3:PutObject).
 */
export async function writeJsonDocument(
  uri: string,
  value: unknown,
  opts: JsonDocumentOptions = {},
): Promise<void> {
  const body = JSON.stringify(value, null, 2) + '\n';
  if (!isS3Uri(uri)) return atomicWrite(resolve(opts.cwd ?? '.', uri), body);
  await putS3Object(s3Client(uri, opts), uri, body, { contentType: 'application/json', signal: opts.signal });
}
