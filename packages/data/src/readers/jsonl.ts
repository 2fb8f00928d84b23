import type { RecordProcessor } from '../processor.js';
import { emptyFile } from './csv.js';
import { metered } from './meter.js';
import { ConfigError } from '@modelship/core';
import type { DataSource, ReadOptions, SourceStats } from './source.js';

/** Stream JSON Lines: one JSON object per line; a line that is not an object is an invalid row. */
export async function readJsonl(
  source: DataSource,
  proc: RecordProcessor,
  opts: ReadOptions,
): Promise<SourceStats> {
  const meter = metered(await source.open(opts.signal), {
    gzip: source.gzip,
    where: source.workspacePath ?? source.uri,
  });
  const where = source.workspacePath ?? source.uri;
  let carry = '';
  let line = 0;
  let rows = 0;
  let nonBlank = false;

  const handle = (text: string): void => {
    line++;
    if (text.length > opts.maxRecordLength) {
      throw new ConfigError(
        `line ${line} is longer than ${opts.maxRecordLength} characters: not JSON Lines records`,
        where,
      );
    }
    if (text.trim() === '') return;
    nonBlank = true;
    rows++;
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch (err) {
      proc.parseError(line, `invalid JSON: ${(err as Error).message.split('\n')[0]}`);
      return;
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      proc.parseError(line, 'not a JSON object');
      return;
    }
    proc.profileObject(rec as Record<string, unknown>);
    proc.record(rec as Record<string, unknown>, line);
  };

  try {
    for await (const chunk of meter) {
      if (opts.signal?.aborted) throw new Error('cancelled');
      const text = carry + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        handle(text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl));
        start = nl + 1;
      }
      carry = text.slice(start);
      if (carry.length > opts.maxRecordLength) {
        throw new ConfigError(
          `line ${line + 1} is longer than ${opts.maxRecordLength} characters: not JSON Lines records`,
          where,
        );
      }
    }
    if (carry) handle(carry);
  } finally {
    meter.destroy();
  }
  if (!nonBlank) throw emptyFile(source);
  return { uri: source.uri, sha256: meter.digest(), bytes: meter.bytes, rows };
}
