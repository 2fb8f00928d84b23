import { createHash, type Hash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** Characters per piece handed to a parser (measured: 16–64 KiB pieces parse fastest). */
const SLICE = 1 << 15;

/** Bytes per read from disk. */
export const READ_SIZE = 1 << 18;

/**
 * Sits between a byte source and a parser: hashes and counts every byte (the data fingerprint),
 * decodes UTF-8 safely across chunk boundaries, and notices whether a quote character was seen.
 */
export class Meter extends Transform {
  private readonly hash: Hash | undefined;
  private readonly decoder = new StringDecoder('utf8');
  bytes = 0;
  sawQuote = false;
  /** Number of `"` characters seen (counted once the first one turns up). */
  quotes = 0;
  private first = true;

  constructor(opts: { hash?: boolean } = {}) {
    super({ readableObjectMode: true, readableHighWaterMark: 16, writableHighWaterMark: READ_SIZE });
    this.hash = opts.hash === false ? undefined : createHash('sha256');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash?.update(chunk);
    this.bytes += chunk.length;
    let text = this.decoder.write(chunk);
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.sawQuote || text.includes('"')) {
      this.sawQuote = true;
      for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) this.quotes++;
    }
    // Big reads are cheap for I/O but slow for the CSV parser: hand it moderate slices.
    for (let i = 0; i < text.length; i += SLICE)
      this.push(text.length <= SLICE ? text : text.slice(i, i + SLICE));
    cb();
  }

  override _flush(cb: TransformCallback): void {
    const rest = this.decoder.end();
    if (rest) this.push(rest);
    cb();
  }

  /** The sha256 of the bytes (empty when hashing was turned off). */
  digest(): string {
    return this.hash?.digest('hex') ?? '';
  }
}

/** Pipe `source` through a new Meter, forwarding source errors. */
export function metered(source: Readable, opts: { hash?: boolean } = {}): Meter {
  const meter = new Meter(opts);
  source.on('error', (err) => meter.destroy(err));
  return source.pipe(meter);
}
