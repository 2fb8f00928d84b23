// Reading a Parquet column chunk one page at a time, in bounded memory: the bytes are read from
// disk as the pages are needed, and each page is decoded by hyparquet's page decoder (decompression,
// encodings, dictionary, definition/repetition levels) into the rows it holds. A reader of the
// whole file (parquet.ts) keeps one page per column in memory, not one row group.
import type { FileHandle } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import type { ColumnMetaData, Compressors, DecodedArray, ParquetParsers, SchemaTree } from 'hyparquet';
import { parquetHeader, readPage } from 'hyparquet/src/column.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { convert, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import type { PageHeader } from 'hyparquet';
import { leafKind, type Convert } from './parquet-values.js';

type ColumnDecoder = Parameters<typeof readPage>[2];

/** Bytes read from disk at a time for one column (more when a page is larger). */
const READ = 1 << 18;

/** Parsers that hand over the raw value: parquet-values.ts formats dates and times itself. */
const RAW: ParquetParsers = {
  ...DEFAULT_PARSERS,
  timestampFromMilliseconds: (v: bigint) => v as unknown as Date,
  timestampFromMicroseconds: (v: bigint) => v as unknown as Date,
  timestampFromNanoseconds: (v: bigint) => v as unknown as Date,
  dateFromDays: (v: number) => v as unknown as Date,
};

type ZstdZlib = { zstdDecompressSync?: (b: Uint8Array) => Buffer };
const zstd = (zlib as unknown as ZstdZlib).zstdDecompressSync;

/** Codecs beyond hyparquet's own (snappy, uncompressed), from Node's zlib where it has them. */
export const COMPRESSORS: Compressors = {
  GZIP: (input) => gunzipSync(input),
  BROTLI: (input) => brotliDecompressSync(input),
  ...(zstd ? { ZSTD: (input: Uint8Array) => zstd(input) } : {}),
};

/**
 * How hyparquet should decode a leaf column: raw dates and times (see RAW), and DECIMAL as the
 * unscaled integer or bytes (its own conversion goes through a double and loses digits).
 */
export function decoderFor(column: ColumnMetaData, schemaPath: SchemaTree[]): ColumnDecoder {
  let element = schemaPath[schemaPath.length - 1]!.element;
  let utf8 = true;
  if (element.converted_type === 'DECIMAL' || element.logical_type?.type === 'DECIMAL') {
    const { converted_type: _c, logical_type: _l, ...plain } = element;
    element = plain;
    // A BYTE_ARRAY decimal is bytes, not text.
    utf8 = false;
  }
  return {
    pathInSchema: column.path_in_schema,
    type: column.type,
    element,
    schemaPath,
    codec: column.codec,
    parsers: RAW,
    compressors: COMPRESSORS,
    utf8,
  };
}

/** `buf`, or a larger one when it holds fewer than `n` values. */
function grown(buf: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  return buf.length >= n ? buf : new Int32Array(Math.max(n, buf.length * 2));
}

/**
 * A flat column's dictionary, converted once and copied out of the page bytes (plain numbers are
 * views of them): numbers as a Float64Array (a million boxed numbers in an array would be 16 MB).
 */
function flatDictionary(dict: DecodedArray, conv: Convert | undefined): DecodedArray {
  const values = Array.from(dict as ArrayLike<unknown>, conv ?? ((v: unknown) => v));
  return values.every((v) => typeof v === 'number') ? Float64Array.from(values as number[]) : values;
}

/**
 * The rows of a column chunk, one page at a time. A flat (top-level primitive) column hands out its
 * values one by one with `take()`, straight from the decoded page; a nested one holds its page's
 * assembled rows in `page`.
 */
export class PageStream {
  /** Row index (in the row group) of the current page's first row. */
  pageStart = 0;
  /** Row index just past the last complete row of the current page. */
  end = 0;
  /** No more pages. */
  done = false;
  /** A nested column's rows: `page[0]` is row `pageStart`. */
  page: DecodedArray = [];
  /** The leaf's path in the schema, dotted. */
  readonly path: string;
  /** A top-level primitive column: decoded here without hyparquet's general assembly. */
  readonly flat: boolean;

  /** Rows in the current page. */
  private rows = 0;
  // A flat page: definition levels (none when the column is required), the non-null values, the
  // dictionary they index when dictionary-encoded, and the cursor.
  private levels: ArrayLike<number> | undefined;
  private values: ArrayLike<unknown> = [];
  private dict: ArrayLike<unknown> | undefined;
  private conv: Convert | undefined;
  private row = 0;
  private value = 0;
  private levelBuffer = new Int32Array(0);
  private indexBuffer = new Int32Array(0);

  private buf = new Uint8Array(0);
  private bufStart = 0;
  private bufLength = 0;
  /**
   * The buffer can be refilled in place: a flat column's values are converted (copied out of the
   * page bytes) as they are taken, before the next page is read.
   */
  private readonly reuse: boolean;
  private pos: number;
  private readonly stop: number;
  private dictionary: DecodedArray | undefined;
  private readonly repeated: boolean;

  /**
   * @param convertFlat converts the values of a flat column page by page (and its dictionary once);
   *   nested columns are converted after assembly instead.
   */
  constructor(
    private readonly fh: FileHandle,
    column: ColumnMetaData,
    private readonly decoder: ColumnDecoder,
    private readonly convertFlat: Convert | undefined,
  ) {
    this.path = column.path_in_schema.join('.');
    const start = Number(column.dictionary_page_offset || column.data_page_offset);
    this.pos = start;
    this.stop = start + Number(column.total_compressed_size);
    this.repeated = decoder.schemaPath.some((s) => s.element.repetition_type === 'REPEATED');
    this.flat = decoder.schemaPath.length === 2 && !this.repeated;
    this.reuse = this.flat && leafKind(decoder.element).kind !== 'other';
  }

  /** Make sure bytes [pos, pos + n) are in the buffer (fewer at the end of the chunk), reading `read` at least. */
  private async ensure(n: number, read = READ): Promise<void> {
    const have = Math.max(0, this.bufStart + this.bufLength - this.pos);
    const want = Math.min(n, this.stop - this.pos);
    if (have >= want) return;
    const size = Math.min(Math.max(want, read), this.stop - this.pos);
    const from = Math.max(0, this.pos - this.bufStart);
    let buf = this.buf;
    if (this.reuse && buf.length >= size) buf.copyWithin(0, from, from + have);
    else {
      // A fresh buffer when the decoded values of a page may still view the old one.
      buf = new Uint8Array(this.reuse ? Math.max(size, READ) : size);
      buf.set(this.buf.subarray(from, from + have));
    }
    for (let got = have; got < size;) {
      const { bytesRead } = await this.fh.read(buf, got, size - got, this.pos + got);
      if (bytesRead === 0) throw new Error('the file ends inside a column chunk');
      got += bytesRead;
    }
    this.buf = buf;
    this.bufStart = this.pos;
    this.bufLength = size;
  }

  private view(): DataView {
    const off = this.pos - this.bufStart;
    return new DataView(this.buf.buffer, this.buf.byteOffset + off, this.bufLength - off);
  }

  /** Read the next page header, growing the buffer until it holds the whole header. */
  private async header(skipping: boolean): Promise<{ header: PageHeader; length: number }> {
    for (let n = 1 << 12; ; n *= 4) {
      // Only the header when the page may well be skipped.
      await this.ensure(n, skipping ? n : READ);
      const reader = { view: this.view(), offset: 0 };
      try {
        const header = parquetHeader(reader);
        if (reader.offset <= reader.view.byteLength) return { header, length: reader.offset };
      } catch (err) {
        if (!(err instanceof RangeError) || this.bufStart + this.bufLength >= this.stop) throw err;
      }
    }
  }

  /** Make `row` (of the row group) the next one `take()` hands out, or the first of `page`. */
  async skipTo(row: number): Promise<void> {
    while (this.end <= row && !this.done) await this.next(row);
    if (!this.flat) return;
    // Into the page: past `row - pageStart` rows, null or not.
    for (let i = this.pageStart; i < row; i++) {
      if (this.levels !== undefined && this.levels[this.row++] === 0) continue;
      this.value++;
    }
  }

  /** Advance to the next data page; a flat column's pages wholly before `skipBelow` are not decoded. */
  async next(skipBelow = 0): Promise<void> {
    for (;;) {
      if (this.pos >= this.stop) {
        // The last row of a repeated column is complete once the chunk ends.
        this.end = this.pageStart + this.rows;
        this.done = true;
        return;
      }
      const { header, length } = await this.header(this.flat && skipBelow > 0);
      if (this.flat && header.type !== 'DICTIONARY_PAGE' && skipBelow > 0) {
        const rows = header.data_page_header?.num_values ?? header.data_page_header_v2?.num_rows ?? 0;
        if (this.pageStart + this.rows + rows <= skipBelow) {
          // Wholly before the rows wanted: not even read.
          this.pos += length + header.compressed_page_size;
          this.pageStart += this.rows;
          this.rows = rows;
          this.levels = undefined;
          this.values = [];
          this.end = this.pageStart + rows;
          continue;
        }
      }
      await this.ensure(length + header.compressed_page_size);
      const reader = { view: this.view(), offset: 0 };
      parquetHeader(reader);
      this.pos += length + header.compressed_page_size;
      if (header.type === 'DICTIONARY_PAGE') {
        const { data } = readPage(reader, header, this.decoder, undefined, undefined, 0);
        if (data) {
          const dict = convert(data, this.decoder);
          this.dictionary = this.flat ? flatDictionary(dict, this.convertFlat) : dict;
        }
        continue;
      }
      if (header.type !== 'DATA_PAGE' && header.type !== 'DATA_PAGE_V2') continue; // index pages
      if (this.flat) {
        this.pageStart += this.rows;
        this.rows = this.flatPage(reader, header);
        this.end = this.pageStart + this.rows;
      } else {
        // A repeated column's last row may go on in the next page: hold it back until then.
        const held = this.repeated && this.rows > 0 ? this.page[this.rows - 1] : undefined;
        const start = this.repeated ? this.end : this.pageStart + this.rows;
        const { data } = readPage(
          reader,
          header,
          this.decoder,
          this.dictionary,
          held === undefined ? [] : [held],
          0,
        );
        this.page = data ?? [];
        this.rows = this.page.length;
        this.pageStart = start;
        this.end = start + this.rows - (this.repeated ? 1 : 0);
      }
      if (this.pos >= this.stop) {
        this.end = this.pageStart + this.rows;
        this.done = true;
      }
      if (this.rows > 0) return;
    }
  }

  /** Decode a page of a flat column for `take()`; returns its number of rows. */
  private flatPage(reader: { view: DataView; offset: number }, header: PageHeader): number {
    const { decoder } = this;
    const bytes = new Uint8Array(
      reader.view.buffer,
      reader.view.byteOffset + reader.offset,
      header.compressed_page_size,
    );
    let page: { definitionLevels?: ArrayLike<number>; dataPage: DecodedArray };
    let encoding: string;
    const daph = header.data_page_header;
    if (daph) {
      const raw = decompressPage(
        bytes,
        Number(header.uncompressed_page_size),
        decoder.codec,
        decoder.compressors,
      );
      page = this.commonPage(raw, daph) ?? readDataPage(raw, daph, decoder);
      encoding = daph.encoding;
    } else {
      page = readDataPageV2(bytes, header, decoder);
      encoding = header.data_page_header_v2!.encoding;
    }
    const dictionaryEncoded = encoding.endsWith('_DICTIONARY');
    if (dictionaryEncoded && !this.dictionary)
      throw new Error('a dictionary-encoded page without a dictionary');
    const levels = page.definitionLevels;
    this.levels = levels && levels.length > 0 ? levels : undefined;
    this.dict = dictionaryEncoded ? this.dictionary : undefined;
    // Values are copied out as they are taken, so views of the page bytes are safe until then.
    this.values = dictionaryEncoded ? page.dataPage : convert(page.dataPage, decoder);
    this.conv = dictionaryEncoded ? undefined : this.convertFlat;
    this.row = 0;
    this.value = 0;
    return this.levels ? this.levels.length : this.values.length;
  }

  /**
   * A version 1 data page as most writers write it (levels run-length encoded, values plain or
   * dictionary indices), decoded into this stream's reused arrays: the general decoder allocates
   * two arrays per page, which outlive the young heap and fill the old one. Undefined for others.
   */
  private commonPage(
    raw: Uint8Array,
    daph: NonNullable<PageHeader['data_page_header']>,
  ): { definitionLevels?: Int32Array; dataPage: DecodedArray } | undefined {
    const plain = daph.encoding === 'PLAIN';
    const indexed = daph.encoding === 'PLAIN_DICTIONARY' || daph.encoding === 'RLE_DICTIONARY';
    const optional = this.decoder.element.repetition_type === 'OPTIONAL';
    if (!(plain || indexed) || (optional && daph.definition_level_encoding !== 'RLE')) return undefined;
    const reader = { view: new DataView(raw.buffer, raw.byteOffset, raw.byteLength), offset: 0 };
    const n = daph.num_values;
    let levels: Int32Array | undefined;
    let present = n;
    if (optional) {
      levels = (this.levelBuffer = grown(this.levelBuffer, n)).subarray(0, n);
      readRleBitPackedHybrid(reader, 1, levels);
      present = 0;
      for (let i = 0; i < n; i++) present += levels[i]!;
      if (present === n) levels = undefined;
    }
    let values: DecodedArray;
    if (plain) values = readPlain(reader, this.decoder.type, present, this.decoder.element.type_length);
    else {
      values = (this.indexBuffer = grown(this.indexBuffer, present)).subarray(0, present);
      const width = reader.view.getUint8(reader.offset++);
      if (width) readRleBitPackedHybrid(reader, width, values, raw.byteLength - reader.offset);
      else values.fill(0);
    }
    return { definitionLevels: levels, dataPage: values };
  }

  /** The next row's value of a flat column (undefined for null), converted. */
  take(): unknown {
    if (this.levels !== undefined && this.levels[this.row++] === 0) return undefined;
    const v = this.values[this.value++];
    if (this.dict !== undefined) return this.dict[v as number];
    return this.conv === undefined ? v : this.conv(v);
  }
}
