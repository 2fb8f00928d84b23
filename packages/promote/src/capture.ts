// The shadow pairs of a SageMaker endpoint, read from its data capture: the JSON Lines files
// SageMaker writes under `<DestinationS3Uri>/<endpoint>/<variant>/yyyy/mm/dd/hh/` (UTC hour of the
// inference), one record a line:
//   {"captureData": {"endpointInput": {...}, "endpointOutput": {"observedContentType": "...",
//    "mode": "OUTPUT", "data": "...", "encoding": "CSV" | "JSON" | "BASE64"}},
//    "eventMetadata": {"eventId": "...", "inferenceId": "...", "inferenceTime": "..."},
//    "eventVersion": "0"}
// The production variant's records and the shadow variant's are paired by the request's id (the
// caller's InferenceId when it gave one, else the eventId), their outputs decoded, and handed to
// the same divergence judge as the local backend's recorded pairs (see docs/promote.md for the
// facts relied on, and what is done when they do not hold).
import { listS3Objects, openS3Object, parseS3Uri } from '@modelship/aws';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ShadowPair, ShadowRead } from './shadow.js';

/** One captured record, as far as pairing needs it. */
export interface CaptureRecord {
  /** The pairing key: `inferenceId` when the record has one, else `eventId`. */
  id: string;
  /** Epoch ms of `eventMetadata.inferenceTime`. */
  time: number;
  /** The decoded output, or why it could not be decoded. */
  output: { body: string } | { error: string };
}

/**
 * Parse one line of a capture file (pure).
 * @returns the record, `undefined` for a blank line, or `{ error }` naming what is wrong with it.
 */
export function parseCaptureLine(line: string): CaptureRecord | { error: string } | undefined {
  if (!line.trim()) return undefined;
  let r: {
    captureData?: { endpointOutput?: { data?: unknown; encoding?: unknown } };
    eventMetadata?: { eventId?: unknown; inferenceId?: unknown; inferenceTime?: unknown };
  };
  try {
    r = JSON.parse(line) as typeof r;
  } catch {
    return { error: 'a line that is not JSON' };
  }
  const meta = r?.eventMetadata;
  const id =
    typeof meta?.inferenceId === 'string' && meta.inferenceId
      ? meta.inferenceId
      : typeof meta?.eventId === 'string' && meta.eventId
        ? meta.eventId
        : undefined;
  const time = typeof meta?.inferenceTime === 'string' ? Date.parse(meta.inferenceTime) : NaN;
  if (!id || !Number.isFinite(time))
    return { error: 'a record without eventMetadata.eventId or inferenceTime' };
  return { id, time, output: decodeOutput(r.captureData?.endpointOutput) };
}

/** `endpointOutput.data` as text, by its `encoding` (pure). */
export function decodeOutput(
  out: { data?: unknown; encoding?: unknown } | undefined,
): CaptureRecord['output'] {
  if (!out) return { error: 'no endpointOutput (the capture does not record outputs)' };
  if (typeof out.data !== 'string') return { error: 'endpointOutput has no data' };
  switch (out.encoding) {
    case 'CSV':
    case 'JSON':
      return { body: out.data };
    case 'BASE64': {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(out.data.replace(/\s+/g, '')))
        return { error: 'endpointOutput data is not base64' };
      const bytes = Buffer.from(out.data, 'base64');
      const text = new TextDecoder('utf-8', { fatal: true });
      try {
        return { body: text.decode(bytes) };
      } catch {
        return { error: 'endpointOutput is binary (base64 of no UTF-8 text)' };
      }
    }
    default:
      return { error: `endpointOutput encoding ${JSON.stringify(out.encoding)} is not CSV, JSON or BASE64` };
  }
}

/**
 * Pair the production variant's records with the shadow variant's by id (pure). Records outside
 * `[start, end)`, by their own inferenceTime, are left out; an id seen twice on one side is
 * ambiguous and left unpaired.
 */
export function pairCaptured(
  champion: readonly CaptureRecord[],
  challenger: readonly CaptureRecord[],
  start: number,
  end: number,
): ShadowRead {
  const index = (rs: readonly CaptureRecord[]) => {
    const m = new Map<string, CaptureRecord | null>();
    for (const r of rs) {
      if (r.time < start || r.time >= end) continue;
      m.set(r.id, m.has(r.id) ? null : r);
    }
    return m;
  };
  const prod = index(champion);
  const shadow = index(challenger);
  const pairs: ShadowPair[] = [];
  let undecodable = 0;
  let unpairedChampion = 0;
  let unpairedChallenger = 0;
  for (const [id, s] of shadow) {
    const p = prod.get(id);
    if (!s || !p) {
      unpairedChallenger++;
      continue;
    }
    if ('error' in s.output || 'error' in p.output) {
      undecodable++;
      continue;
    }
    pairs.push({
      challenger: s.output.body,
      champion: p.output.body,
      challengerStatus: 200,
      championStatus: 200,
    });
  }
  for (const [id, p] of prod) if (!p || !shadow.get(id)) unpairedChampion++;
  return {
    pairs,
    unpaired: { champion: unpairedChampion, challenger: unpairedChallenger },
    undecodable,
  };
}

/** The UTC hour folders `yyyy/mm/dd/hh` that hold inferences of `[start, end)`. */
export function captureHours(start: number, end: number): string[] {
  const out: string[] = [];
  const hour = 3_600_000;
  for (let t = Math.floor(start / hour) * hour; t < end; t += hour) {
    const d = new Date(t);
    const p = (n: number) => String(n).padStart(2, '0');
    out.push(`${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCHours())}`);
  }
  return out;
}

/**
 * A reader of one endpoint's capture: `read(variant, start, end)` lists the variant's hour folders
 * of the window under `destination` and parses each `.jsonl` file once (a capture file is written
 * whole and not changed after: parsed files are kept by key for the next look).
 *
 * @returns records, and lines that could not be read (counted with the first reason).
 * @throws ConfigError (mapped by listS3Objects / openS3Object) naming the S3 location on access errors.
 */
export function captureReader(
  s3: S3Client,
  destination: string,
  endpoint: string,
  signal?: AbortSignal,
): (
  variant: string,
  start: number,
  end: number,
) => Promise<{ records: CaptureRecord[]; bad: number; why?: string }> {
  const { bucket, key } = parseS3Uri(destination);
  const base = key.replace(/\/+$/, '');
  const files = new Map<string, { records: CaptureRecord[]; bad: number; why?: string }>();
  return async (variant, start, end) => {
    const records: CaptureRecord[] = [];
    let bad = 0;
    let why: string | undefined;
    for (const hour of captureHours(start, end)) {
      const prefix = `s3://${bucket}/${base ? `${base}/` : ''}${endpoint}/${variant}/${hour}/`;
      for await (const o of listS3Objects(s3, prefix, signal)) {
        if (!o.key.endsWith('.jsonl')) continue;
        let parsed = files.get(o.key);
        if (!parsed) {
          parsed = { records: [], bad: 0 };
          const chunks: Buffer[] = [];
          for await (const c of await openS3Object(s3, o.uri, { signal })) chunks.push(c as Buffer);
          for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
            const r = parseCaptureLine(line);
            if (!r) continue;
            if ('error' in r) {
              parsed.bad++;
              parsed.why ??= `${r.error} in ${o.uri}`;
            } else parsed.records.push(r);
          }
          files.set(o.key, parsed);
        }
        records.push(...parsed.records);
        bad += parsed.bad;
        why ??= parsed.why;
      }
    }
    return { records, bad, ...(why ? { why } : {}) };
  };
}
