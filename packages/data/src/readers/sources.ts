import { createReadStream } from 'node:fs';
import { mkdtemp, stat, readdir } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { headS3Object, isS3Uri, listS3Objects, openS3Object, type S3Client } from '@modelship/aws';
import { ConfigError, fileError } from '@modelship/core';
import { READ_SIZE } from './meter.js';
import type { DataFormat, DataSource } from './source.js';

const EXTENSIONS: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

export function formatFromName(name: string): DataFormat | undefined {
  const { base, gzip } = splitGzip(name);
  const format = EXTENSIONS[extname(base).toLowerCase()];
  return gzip && format === 'parquet' ? undefined : format;
}

/** `data.csv.gz` → `data.csv` and gzip; Parquet compresses inside the file instead. */
function splitGzip(name: string): { base: string; gzip: boolean } {
  return name.toLowerCase().endsWith('.gz')
    ? { base: name.slice(0, -3), gzip: true }
    : { base: name, gzip: false };
}

export interface ResolveContext {
  cwd: string;
  signal?: AbortSignal;
  s3: () => S3Client;
}

function pick(
  name: string,
  format: 'auto' | DataFormat,
  where: string,
  explicit: boolean,
): DataFormat | undefined {
  if (format !== 'auto') return format;
  const f = formatFromName(name);
  if (!f && explicit) {
    throw new ConfigError(
      `cannot tell the format from the extension '${extname(splitGzip(name).base) || '(none)'}': set the format input to csv, jsonl or parquet`,
      where,
    );
  }
  return f;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function localSource(path: string, cwd: string, format: DataFormat, size: number): DataSource {
  const rel = relative(cwd, path);
  return {
    uri: path,
    workspacePath: rel.startsWith('..') ? path : rel.split(sep).join('/'),
    format,
    size,
    gzip: splitGzip(path).gzip,
    localPath: path,
    open: async () => createReadStream(path, { highWaterMark: READ_SIZE }),
  };
}

async function localSources(data: string, format: 'auto' | DataFormat, cwd: string): Promise<DataSource[]> {
  let paths: string[];
  let explicit = false;
  if (/[*?[\]{}]/.test(data)) {
    paths = (await glob(data, { cwd, absolute: true, onlyFiles: true, dot: false })).sort();
  } else {
    const abs = resolve(cwd, data);
    let st;
    try {
      st = await stat(abs);
    } catch (err) {
      throw fileError(err, data, 'data');
    }
    explicit = st.isFile();
    paths = st.isDirectory() ? (await walk(abs)).sort() : [abs];
  }
  const out: DataSource[] = [];
  for (const p of paths) {
    const f = pick(p, format, relative(cwd, p) || p, explicit);
    if (!f) continue;
    out.push(localSource(p, cwd, f, (await stat(p)).size));
  }
  return out;
}

async function s3Sources(
  uri: string,
  format: 'auto' | DataFormat,
  ctx: ResolveContext,
): Promise<DataSource[]> {
  const client = ctx.s3();
  const single = uri.endsWith('/') ? undefined : await headS3Object(client, uri);
  const objects = single ? [{ uri, key: uri, size: single.size }] : [];
  if (!single) for await (const o of listS3Objects(client, uri, ctx.signal)) objects.push(o);
  const out: DataSource[] = [];
  for (const o of objects.sort((a, b) => a.uri.localeCompare(b.uri))) {
    const f = pick(o.uri, format, o.uri, Boolean(single));
    if (!f) continue;
    out.push({
      uri: o.uri,
      format: f,
      size: o.size,
      open: (signal) => openS3Object(client, o.uri, { signal }),
    });
  }
  return out;
}

/** Expand a file, directory, glob or s3:// prefix into the data files it names, sorted. */
export async function resolveSources(
  data: string,
  format: 'auto' | DataFormat,
  ctx: ResolveContext,
): Promise<DataSource[]> {
  const sources = isS3Uri(data)
    ? await s3Sources(data, format, ctx)
    : await localSources(data, format, ctx.cwd);
  if (sources.length === 0) {
    throw new ConfigError(
      format === 'auto'
        ? 'no .csv, .jsonl, .ndjson or .parquet files found (.gz too)'
        : `no ${format} files found`,
      data,
    );
  }
  return sources;
}

/** Parquet needs random access: copy an S3 object to a temporary file first (streamed). */
export async function localCopy(source: DataSource, signal?: AbortSignal): Promise<DataSource> {
  if (source.localPath) return source;
  const dir = await mkdtemp(join(tmpdir(), 'modelship-'));
  const path = join(dir, 'object.parquet');
  await pipeline(await source.open(signal), createWriteStream(path), { signal });
  return { ...source, localPath: path, open: async () => createReadStream(path) };
}
