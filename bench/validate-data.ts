// npm run bench — throughput and memory of validate-data on generated CSV.
//
// Generates 1,000,000 rows × 20 columns (and 5,000,000 for the memory check) under bench/out/,
// then times, each in a fresh process of the committed CLI bundle:
//   - the raw CSV parse alone (PapaParse over the same file stream, nothing else), and
//   - validate-data with the schema check, the profile and drift against a baseline all on.
// Prints rows/s, peak RSS and the ratio to the raw parse, as shipped (a large local CSV is read on
// two threads) and forced onto one thread. Targets: ≥ 500,000 rows/s,
// peak RSS < 300 MB at both sizes, ≤ 2.5× the raw parse time.
//
// npm run bench:parquet — the same data as Parquet written by pyarrow with its defaults (one row
// group), read by validate-data, beside the CSV file read by validate-data and beside polars making
// the same checks on the Parquet file (bench/parquet_checks.py; pyarrow and polars come from the
// test venv, test/requirements.txt). BENCH_ROWS sets the sizes (default 1,000,000), BENCH_REPEAT
// how many runs of each to take the best of (default 1), BENCH_CLI another build of the CLI bundle.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out');
// BENCH_CLI: another CLI build, e.g. one built from uncommitted sources.
const CLI = process.env.BENCH_CLI ?? join(ROOT, 'dist', 'cli', 'index.js');
const PARQUET = process.argv.includes('--parquet');
const PYTHON = join(ROOT, '.cache', 'venv', 'bin', 'python');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
const sizes = (process.env.BENCH_ROWS ?? (PARQUET ? '1000000' : '1000000,5000000')).split(',').map(Number);

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

/** Wall seconds, peak RSS (MB), CPU seconds (every thread) and the output of one run. */
interface Measured {
  seconds: number;
  rssMb: number;
  cpu: number;
  stdout: string;
}

function cpuOf(stderr: string): number {
  return Number(/BENCH_CPU ([\d.]+)/.exec(stderr)?.[1]);
}

/** Run a module in a fresh Node process; returns wall seconds and peak RSS (MB). */
function measure(args: string[], code?: string, env: Record<string, string> = {}): Measured {
  const wrapper = `
    import { writeSync } from 'node:fs';
    process.on('exit', () => {
      const u = process.resourceUsage();
      writeSync(2, '\\nBENCH_MAXRSS ' + u.maxRSS + '\\nBENCH_CPU ' + (u.userCPUTime + u.systemCPUTime) / 1e6 + '\\n');
    });
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
  return { seconds, rssMb: Number(rss) / 1024, cpu: cpuOf(r.stderr), stdout: r.stdout };
}

/** Run a Python script in a fresh process of the test venv; returns wall seconds and peak RSS (MB). */
function measurePython(script: string, args: string[]): Measured {
  const wrapper = [
    'import resource, runpy, sys',
    `sys.argv = ${JSON.stringify([script, ...args])}`,
    `runpy.run_path(${JSON.stringify(script)}, run_name='__main__')`,
    'u = resource.getrusage(resource.RUSAGE_SELF)',
    "print('BENCH_MAXRSS', u.ru_maxrss, file=sys.stderr)",
    "print('BENCH_CPU', u.ru_utime + u.ru_stime, file=sys.stderr)",
  ].join('\n');
  const t0 = performance.now();
  const r = spawnSync(PYTHON, ['-c', wrapper], { cwd: OUT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`python run failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const rss = /BENCH_MAXRSS (\d+)/.exec(r.stderr)?.[1];
  return { seconds, rssMb: Number(rss) / 1024, cpu: cpuOf(r.stderr), stdout: r.stdout };
}

/** The CSV file as Parquet, written by pyarrow with its defaults (one row group at these sizes). */
function toParquet(csv: string, parquet: string): void {
  if (existsSync(join(OUT, parquet))) return;
  const types = Array.from({ length: 20 }, (_, j) => {
    const k = kind(j);
    return `'c${j}': pa.${k === 'number' ? 'float64' : k === 'integer' ? 'int64' : k === 'category' ? 'string' : 'bool_'}()`;
  }).join(', ');
  const code = [
    'import pyarrow as pa, pyarrow.csv as pc, pyarrow.parquet as pq',
    `opts = pc.ConvertOptions(column_types={${types}}, strings_can_be_null=True)`,
    `pq.write_table(pc.read_csv(${JSON.stringify(csv)}, convert_options=opts), ${JSON.stringify(parquet)})`,
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', code], { cwd: OUT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`writing ${parquet} with pyarrow failed:\n${r.stderr.slice(-2000)}`);
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

  if (PARQUET) return parquetBench();
  const results: string[][] = [];
  for (const rows of sizes) {
    const file = `rows-${rows}.csv`;
    process.stderr.write(`generating ${rows.toLocaleString('en-US')} rows × 20 columns...\n`);
    await generate(join(OUT, file), rows, 11);
    const mb = statSync(join(OUT, file)).size / 1e6;
    const raw = measure([file], RAW_PARSE);
    const args = (tag: string): string[] => validateArgs(file, `${tag}-${rows}`);
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

function validateArgs(file: string, tag: string): string[] {
  return [
    'validate-data',
    '--data',
    file,
    '--schema',
    'schema.json',
    '--baseline',
    'baseline.json',
    '--manifest',
    `m-${tag}.json`,
    '--write-profile',
    `profile-${tag}.json`,
    '--quiet',
  ];
}

/** Parquet (pyarrow defaults) read by validate-data, beside the same data as CSV and beside polars. */
async function parquetBench(): Promise<void> {
  const results: string[][] = [];
  for (const rows of sizes) {
    const csv = `rows-${rows}.csv`;
    const parquet = `rows-${rows}.parquet`;
    process.stderr.write(
      `generating ${rows.toLocaleString('en-US')} rows × 20 columns (CSV, then Parquet)...\n`,
    );
    await generate(join(OUT, csv), rows, 11);
    toParquet(csv, parquet);
    const oneThread = { MODELSHIP_SPLIT_MIN_BYTES: String(Number.MAX_SAFE_INTEGER) };
    const runs: [string, string, () => Measured][] = [
      ['validate-data, 2 threads', parquet, () => measure(validateArgs(parquet, `pq2-${rows}`))],
      [
        'validate-data, 1 thread',
        parquet,
        () => measure(validateArgs(parquet, `pq1-${rows}`), undefined, oneThread),
      ],
      ['validate-data, 2 threads', csv, () => measure(validateArgs(csv, `csv2-${rows}`))],
      [
        'validate-data, 1 thread',
        csv,
        () => measure(validateArgs(csv, `csv1-${rows}`), undefined, oneThread),
      ],
      [
        'polars',
        parquet,
        () =>
          measurePython(join(ROOT, 'bench', 'parquet_checks.py'), [parquet, 'schema.json', 'baseline.json']),
      ],
    ];
    for (const [who, file, run] of runs) {
      // The best of BENCH_REPEAT runs: a shared machine adds noise, never speed.
      const r = Array.from({ length: REPEAT }, run).reduce((a, b) => (b.seconds < a.seconds ? b : a));
      const out = JSON.parse(r.stdout) as Record<string, string | number>;
      const read = Number(out.rows);
      if (read !== rows) throw new Error(`${who} read ${read} rows of ${file}, expected ${rows}`);
      results.push([
        rows.toLocaleString('en-US'),
        who,
        file,
        `${(statSync(join(OUT, file)).size / 1e6).toFixed(0)} MB`,
        `${r.seconds.toFixed(2)} s`,
        `${r.cpu.toFixed(2)} s`,
        Math.round(rows / r.seconds).toLocaleString('en-US'),
        `${r.rssMb.toFixed(0)} MB`,
        String(out['invalid-rows'] ?? out.invalid),
      ]);
    }
  }
  const header = ['rows', 'reader', 'file', 'size', 'time', 'CPU', 'rows/s', 'peak RSS', 'invalid'];
  const widths = header.map((h, j) => Math.max(h.length, ...results.map((r) => r[j]!.length)));
  const line = (r: string[]): string => r.map((c, j) => c.padStart(widths[j]!)).join('  ');
  console.log('\nParquet benchmark (schema check + profile + drift; each in a fresh process)');
  console.log(line(header));
  for (const r of results) console.log(line(r));
}

await main();
