// npm run bench — throughput and memory of validate-data on generated CSV.
//
// Generates 1,000,000 rows × 20 columns (and 5,000,000 for the memory check) under bench/out/,
// then times, each in a fresh process of the committed CLI bundle:
//   - the raw CSV parse alone (PapaParse over the same file stream, nothing else), and
//   - validate-data with the schema check, the profile and drift against a baseline all on.
// Prints rows/s, peak RSS and the ratio to the raw parse, as shipped (a large local CSV is read on
// two threads) and forced onto one thread. Targets: ≥ 500,000 rows/s,
// peak RSS < 300 MB at both sizes, ≤ 2.5× the raw parse time.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out');
// BENCH_CLI: another CLI build, e.g. one built from uncommitted sources.
const CLI = process.env.BENCH_CLI ?? join(ROOT, 'dist', 'cli', 'index.js');
const sizes = (process.env.BENCH_ROWS ?? '1000000,5000000').split(',').map(Number);

const CATS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

/** Column j's kind: 8 numbers, 6 integers, 4 categories, 2 booleans. */
function kind(j: number): 'number' | 'integer' | 'category' | 'boolean' {
  return j < 8 ? 'number' : j < 14 ? 'integer' : j < 18 ? 'category' : 'boolean';
}

function schema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (let j = 0; j < 20; j++) {
    const k = kind(j);
    properties[`c${j}`] =
      k === 'category'
        ? { type: 'string', enum: CATS }
        : k === 'boolean'
          ? { type: 'boolean' }
          : { type: k, minimum: -1e6 };
  }
  return { type: 'object', properties, required: ['c0'], additionalProperties: false };
}

async function generate(file: string, rows: number, seed: number): Promise<void> {
  if (existsSync(file) && statSync(file).size > 0) return;
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = createWriteStream(file);
  const header = Array.from({ length: 20 }, (_, j) => `c${j}`).join(',') + '\n';
  out.write(header);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    let line = '';
    for (let j = 0; j < 20; j++) {
      const k = kind(j);
      let v: string;
      if (j > 0 && rand() < 0.01) v = '';
      else if (k === 'number') v = (rand() * 1000 * (j + 1)).toFixed(3);
      else if (k === 'integer') v = String(Math.floor(rand() * 100 * (j + 1)));
      else if (k === 'category') v = CATS[Math.floor(rand() ** (j - 13) * 5)]!;
      else v = rand() < 0.3 ? 'true' : 'false';
      line += j ? ',' + v : v;
    }
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((r) => out.on('finish', () => r()));
}

/** Run a module in a fresh Node process; returns wall seconds and peak RSS (MB). */
function measure(
  args: string[],
  code?: string,
  env: Record<string, string> = {},
): { seconds: number; rssMb: number; stdout: string } {
  const wrapper = `
    import { writeSync } from 'node:fs';
    process.on('exit', () => writeSync(2, '\\nBENCH_MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));
    process.argv = [process.argv[0], 'modelship', ...JSON.parse(process.env.BENCH_ARGS)];
    ${code ?? `await import(${JSON.stringify('file://' + CLI)});`}
  `;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', wrapper], {
    cwd: OUT,
    encoding: 'utf8',
    env: { ...process.env, ...env, BENCH_ARGS: JSON.stringify(args) },
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - t0) / 1000;
  const rss = /BENCH_MAXRSS (\d+)/.exec(r.stderr)?.[1];
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`benchmark run failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return { seconds, rssMb: Number(rss) / 1024, stdout: r.stdout };
}

const RAW_PARSE = `
  // The same I/O as validate-data (256 KiB reads, 32 Ki-character pieces to the parser), nothing else.
  const { createReadStream } = await import('node:fs');
  const { Transform } = await import('node:stream');
  const { StringDecoder } = await import('node:string_decoder');
  const Papa = (await import(${JSON.stringify('file://' + join(ROOT, 'node_modules/papaparse/papaparse.js'))})).default;
  let rows = 0;
  const decoder = new StringDecoder('utf8');
  const pieces = new Transform({
    readableObjectMode: true,
    transform(chunk, _enc, cb) {
      const text = decoder.write(chunk);
      for (let i = 0; i < text.length; i += 32768) this.push(text.slice(i, i + 32768));
      cb();
    },
  });
  const stream = createReadStream(process.argv[2], { highWaterMark: 1 << 18 }).pipe(pieces);
  await new Promise((resolve, reject) => Papa.parse(stream, { delimiter: ',', chunk: (r) => { rows += r.data.length; }, complete: resolve, error: reject }));
  process.stdout.write(JSON.stringify({ rows }));
`;

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run bundle`);
  writeFileSync(join(OUT, 'schema.json'), JSON.stringify(schema()));
  process.stderr.write('generating the reference sample (100,000 rows) and its baseline profile...\n');
  await generate(join(OUT, 'reference.csv'), 100_000, 7);
  measure([
    'validate-data',
    '--data',
    'reference.csv',
    '--schema',
    'schema.json',
    '--write-profile',
    'baseline.json',
    '--manifest',
    'ref-manifest.json',
    '--quiet',
  ]);

  const results: string[][] = [];
  for (const rows of sizes) {
    const file = `rows-${rows}.csv`;
    process.stderr.write(`generating ${rows.toLocaleString('en-US')} rows × 20 columns...\n`);
    await generate(join(OUT, file), rows, 11);
    const mb = statSync(join(OUT, file)).size / 1e6;
    const raw = measure([file], RAW_PARSE);
    const args = (tag: string): string[] => [
      'validate-data',
      '--data',
      file,
      '--schema',
      'schema.json',
      '--baseline',
      'baseline.json',
      '--manifest',
      `m-${tag}-${rows}.json`,
      '--write-profile',
      `profile-${tag}-${rows}.json`,
      '--quiet',
    ];
    // As shipped (a large local file is read on two threads), and forced onto one thread.
    for (const [mode, env] of [
      ['2 threads', {}],
      ['1 thread', { MODELSHIP_SPLIT_MIN_BYTES: String(Number.MAX_SAFE_INTEGER) }],
    ] as const) {
      const full = measure(args(mode === '1 thread' ? 'one' : 'two'), undefined, env);
      const outputs = JSON.parse(full.stdout) as Record<string, string>;
      if (Number(outputs.rows) !== rows)
        throw new Error(`validate-data read ${outputs.rows} rows, expected ${rows}`);
      results.push([
        rows.toLocaleString('en-US'),
        mode,
        `${mb.toFixed(0)} MB`,
        `${raw.seconds.toFixed(2)} s`,
        `${full.seconds.toFixed(2)} s`,
        `${Math.round(rows / full.seconds).toLocaleString('en-US')}`,
        `${(full.seconds / raw.seconds).toFixed(2)}×`,
        `${raw.rssMb.toFixed(0)} MB`,
        `${full.rssMb.toFixed(0)} MB`,
        `${outputs['invalid-rows']} / ${outputs['drifted-features']}`,
      ]);
    }
  }
  const header = [
    'rows',
    'reader',
    'file',
    'raw parse',
    'validate-data',
    'rows/s',
    'vs raw',
    'raw RSS',
    'peak RSS',
    'invalid / drifted',
  ];
  const widths = header.map((h, j) => Math.max(h.length, ...results.map((r) => r[j]!.length)));
  const line = (r: string[]): string => r.map((c, j) => c.padStart(widths[j]!)).join('  ');
  console.log(
    '\nvalidate-data benchmark (schema check + profile + drift; each in a fresh process of the CLI bundle)',
  );
  console.log(line(header));
  for (const r of results) console.log(line(r));
  console.log('targets: ≥ 500,000 rows/s · peak RSS < 300 MB at every size · ≤ 2.5× the raw parse');
}

await main();
