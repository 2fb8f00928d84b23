import { createHash, type Hash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

/**
 * Sits between a byte source and a parser: hashes and counts every byte (the data fingerprint),
 * decodes UTF-8 safely across chunk boundaries, and notices whether a quote character was seen.
 */
export class Meter extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private readonly decoder = new StringDecoder('utf8');
  bytes = 0;
  sawQuote = false;
  private first = true;

  constructor() {
    super({ readableObjectMode: true, highWaterMark: 4 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    let text = this.decoder.write(chunk);
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!this.sawQuote && text.includes('"')) this.sawQuote = true;
    if (text.length > 0) this.push(text);
    cb();
  }

  override _flush(cb: TransformCallback): void {
    const rest = this.decoder.end();
    if (rest) this.push(rest);
    cb();
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Pipe `source` through a new Meter, forwarding source errors. */
export function metered(source: Readable): Meter {
  const meter = new Meter();
  source.on('error', (err) => meter.destroy(err));
  return source.pipe(meter);
}
