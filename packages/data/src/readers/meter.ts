import { isUtf8 } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { ConfigError } from '@modelship/core/errors';
import type { EncodingName } from '../definition.js';

/** Characters per piece handed to a parser (measured: 16–64 KiB pieces parse fastest). */
const SLICE = 1 << 15;

/** Bytes per read from disk. */
export const READ_SIZE = 1 << 18;

/** Hashes and counts the bytes of a file as stored (compressed, for .gz): the data fingerprint. */
class Fingerprint extends Transform {
  readonly hash: Hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/** The text encodings data files may be read in. */
export type TextEncoding = 'utf-8' | 'windows-1252';

/** Accepted spellings of an encoding → the decoder. Latin-1 is read as Windows-1252, as browsers do. */
export const ENCODINGS: Record<EncodingName, TextEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  latin1: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
};

/** Bytes that are not valid in the file's encoding; `offset` counts decoded (uncompressed) bytes. */
export class UndecodableError extends Error {
  constructor(
    readonly offset: number,
    readonly bytes: Buffer,
  ) {
    super(`bytes that are not UTF-8 at byte ${offset}`);
  }
}

/** Length of the UTF-8 sequence a lead byte starts (0: not a lead byte). */
function sequenceLength(b: number): number {
  return b < 0x80
    ? 1
    : b >= 0xc2 && b <= 0xdf
      ? 2
      : b >= 0xe0 && b <= 0xef
        ? 3
        : b >= 0xf0 && b <= 0xf4
          ? 4
          : 0;
}

/** Trailing bytes of `buf` that begin a sequence the next chunk completes (0–3). */
function incompleteTail(buf: Buffer): number {
  for (let i = 1; i <= 3 && i <= buf.length; i++) {
    const b = buf[buf.length - i]!;
    if ((b & 0xc0) === 0x80) continue;
    const len = sequenceLength(b);
    return len > i ? i : 0;
  }
  return 0;
}

/** Offset of the first byte of `buf` that does not belong to valid UTF-8 (slow; for errors only). */
function firstInvalid(buf: Buffer): number {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  let bytes = 0;
  for (const ch of text) {
    if (ch === '\ufffd' && !(buf[bytes] === 0xef && buf[bytes + 1] === 0xbf && buf[bytes + 2] === 0xbd))
      return bytes;
    bytes += Buffer.byteLength(ch);
  }
  return bytes;
}

/**
 * Checks that a byte stream is UTF-8, chunk by chunk, without copying: a sequence cut by a chunk
 * boundary is checked with the bytes that complete it. Throws an UndecodableError at the first
 * invalid byte.
 */
class Utf8Check {
  private pending: Buffer = Buffer.alloc(0);
  private offset = 0;

  check(chunk: Buffer): void {
    let start = 0;
    if (this.pending.length > 0) {
      const need = sequenceLength(this.pending[0]!) - this.pending.length;
      if (chunk.length < need) {
        this.pending = Buffer.concat([this.pending, chunk]);
        this.offset += chunk.length;
        return;
      }
      const joined = Buffer.concat([this.pending, chunk.subarray(0, need)]);
      if (!isUtf8(joined)) this.fail(joined, this.offset - this.pending.length);
      start = need;
    }
    const tail = incompleteTail(chunk.subarray(start));
    const body = chunk.subarray(start, chunk.length - tail);
    if (!isUtf8(body)) this.fail(body, this.offset + start);
    this.pending = Buffer.from(chunk.subarray(chunk.length - tail));
    this.offset += chunk.length;
  }

  end(): void {
    if (this.pending.length > 0) this.fail(this.pending, this.offset - this.pending.length);
  }

  private fail(buf: Buffer, at: number): never {
    const i = firstInvalid(buf);
    throw new UndecodableError(at + i, Buffer.from(buf.subarray(i, i + 4)));
  }
}

/**
 * Sits between a byte source and a parser: decodes the text (UTF-8 checked strictly, so bytes in
 * another encoding stop the read instead of becoming U+FFFD), hands the parser moderate slices,
 * notices quote characters, and (through its fingerprint) hashes and counts the bytes as stored.
 */
export class Meter extends Transform {
  private readonly decoder: StringDecoder | TextDecoder;
  private readonly utf8: Utf8Check | undefined;
  sawQuote = false;
  private first = true;

  constructor(
    private readonly fingerprint: Fingerprint | undefined,
    encoding: TextEncoding = 'utf-8',
  ) {
    super({ readableObjectMode: true, readableHighWaterMark: 16, writableHighWaterMark: READ_SIZE });
    // isUtf8 and StringDecoder are native and fast; a streaming fatal TextDecoder is ~2× slower on Node 20.
    this.utf8 = encoding === 'utf-8' ? new Utf8Check() : undefined;
    this.decoder = encoding === 'utf-8' ? new StringDecoder('utf8') : new TextDecoder(encoding);
  }

  /** Bytes read from the source as stored (0 when fingerprinting is off). */
  get bytes(): number {
    return this.fingerprint?.bytes ?? 0;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let text: string;
    if (this.decoder instanceof StringDecoder) {
      try {
        this.utf8?.check(chunk);
      } catch (err) {
        cb(err as Error);
        return;
      }
      text = this.decoder.write(chunk);
    } else text = this.decoder.decode(chunk, { stream: true });
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!this.sawQuote && text.includes('"')) this.sawQuote = true;
    // Big reads are cheap for I/O but slow for the CSV parser: hand it moderate slices.
    for (let i = 0; i < text.length; i += SLICE)
      this.push(text.length <= SLICE ? text : text.slice(i, i + SLICE));
    cb();
  }

  override _flush(cb: TransformCallback): void {
    let rest: string;
    if (this.decoder instanceof StringDecoder) {
      try {
        this.utf8?.end();
      } catch (err) {
        cb(err as Error);
        return;
      }
      rest = this.decoder.end();
    } else rest = this.decoder.decode();
    if (rest) this.push(rest);
    cb();
  }

  /** The sha256 of the bytes as stored (empty when fingerprinting is off). */
  digest(): string {
    return this.fingerprint?.hash.digest('hex') ?? '';
  }
}

export interface MeterOptions {
  /** Fingerprint the bytes (default true). */
  hash?: boolean;
  /** The bytes are gzip-compressed: the fingerprint is of the compressed file. */
  gzip?: boolean;
  /** Names the file in errors. */
  where?: string;
  /** The text encoding (default UTF-8). */
  encoding?: TextEncoding;
}

/** source → fingerprint → (gunzip) → Meter, with every stage's error ending the Meter. */
export function metered(source: Readable, opts: MeterOptions = {}): Meter {
  const fingerprint = opts.hash === false ? undefined : new Fingerprint();
  const meter = new Meter(fingerprint, opts.encoding);
  let bytes: Readable = source;
  source.on('error', (err) => meter.destroy(err));
  if (fingerprint) bytes = bytes.pipe(fingerprint);
  if (opts.gzip) {
    const gunzip = createGunzip();
    gunzip.on('error', (err) =>
      meter.destroy(new ConfigError(`not readable as gzip (${err.message})`, opts.where, { cause: err })),
    );
    bytes = bytes.pipe(gunzip);
  }
  return bytes.pipe(meter);
}

/** sha256 of a whole file through one reused buffer: no garbage, so no memory growth while it races ahead. */
export async function fingerprintFile(
  path: string,
  signal?: AbortSignal,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const buf = Buffer.alloc(READ_SIZE);
  const fh = await open(path, 'r');
  let bytes = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw new Error('cancelled');
      const { bytesRead } = await fh.read(buf, 0, buf.length, bytes);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * The line number of a byte (counted after decompression) of a source: for an error found while
 * decoding, whose line the parser has not reached. Reads the source again, up to that byte.
 */
export async function lineOfByte(
  source: Readable,
  gzip: boolean | undefined,
  offset: number,
): Promise<number> {
  let bytes: Readable = source;
  if (gzip) bytes = source.pipe(createGunzip());
  let line = 1;
  let seen = 0;
  try {
    for await (const chunk of bytes) {
      const buf = chunk as Buffer;
      const end = Math.min(buf.length, offset - seen);
      for (let i = buf.indexOf(10); i !== -1 && i < end; i = buf.indexOf(10, i + 1)) line++;
      seen += buf.length;
      if (seen >= offset) break;
    }
  } finally {
    source.destroy();
  }
  return line;
}
