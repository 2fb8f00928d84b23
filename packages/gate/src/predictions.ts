// Predictions on the test data: one file with the candidate's and the champion's columns, or two
// files (candidate, champion) paired by `id` when both have it, else by row order. Read whole
// (a test set, not a data lake), parsed with papaparse (CSV) or line by line (JSON Lines); every
// fault is one ConfigError naming the file, the line and the column.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import Papa from 'papaparse';
import { ConfigError, fileError } from '@modelship/core';
import type { PredictionsFile } from './definition.js';
import type { Columns } from './checks.js';

type Cell = string | number | boolean | null | undefined;

/** A file as rows of cells, with the line each row starts on. */
export interface Table {
  /** As the user named it (relative to the working directory). */
  path: string;
  columns: string[];
  rows: Cell[][];
  lines: number[];
  sha256: string;
  /** JSON Lines: cells keep their JSON types, and a number must be a JSON number. */
  typed?: boolean;
}

/** One model's predictions. */
export interface Side {
  score?: Float64Array;
  prediction?: Float64Array;
}

/** Candidate and champion predictions on the same rows. */
export interface Paired {
  n: number;
  label: Float64Array;
  candidate: Side;
  champion?: Side;
  /** Where the champion's predictions came from: columns of the candidate's file, or its own file. */
  championFrom?: 'columns' | 'file';
  /** The champion's columns the candidate's file has but that were not used (baseline none). */
  ignoredChampionColumns?: string[];
  slices: Map<string, string[]>;
  files: PredictionsFile[];
}

export function isPredictionsPath(p: string): boolean {
  return /\.(csv|tsv|jsonl|ndjson)$/i.test(p);
}

/** Read a CSV or JSON Lines file as a table (its sha256 over the bytes read). */
export async function readTable(path: string, cwd: string): Promise<Table> {
  if (path.startsWith('s3://'))
    throw new ConfigError('predictions on S3 are not read by this release', path, {
      hint: 'copy the file into the workspace first (aws s3 cp) and give its path',
    });
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(cwd, path));
  } catch (err) {
    throw fileError(err, path, 'predictions file');
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new ConfigError('predictions file is empty', path);
  const ext = extname(path).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' ? jsonLines(text, path, sha256) : csv(text, path, sha256);
}

function csv(text: string, path: string, sha256: string): Table {
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false });
  const all = parsed.data;
  const header = (all[0] ?? []).map((h) => h.trim());
  const rows: Cell[][] = [];
  const lines: number[] = [];
  for (let i = 1; i < all.length; i++) {
    const r = all[i]!;
    if (r.length === 1 && r[0]!.trim() === '') continue;
    if (r.length !== header.length)
      throw new ConfigError(
        `has ${r.length} fields where the header has ${header.length}`,
        `${path}:${i + 1}`,
        { hint: 'every row needs one value per column (quote values that hold the delimiter)' },
      );
    rows.push(r);
    lines.push(i + 1);
  }
  return { path, columns: header, rows, lines, sha256 };
}

function jsonLines(text: string, path: string, sha256: string): Table {
  const columns: string[] = [];
  const index = new Map<string, number>();
  const objects: Record<string, unknown>[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new ConfigError('is not valid JSON', `${path}:${i + 1}`, {
        hint: 'JSON Lines holds one JSON object per line',
      });
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new ConfigError('is not a JSON object', `${path}:${i + 1}`);
    for (const k of Object.keys(v)) {
      if (!index.has(k)) {
        index.set(k, columns.length);
        columns.push(k);
      }
    }
    objects.push(v as Record<string, unknown>);
    lines.push(i + 1);
  });
  const rows = objects.map((o) => columns.map((c) => o[c] as Cell));
  return { path, columns, rows, lines, sha256, typed: true };
}

const LABEL_HINT = 'labels of a classifier are 0 and 1 (or true and false)';
const rowsText = (n: number): string => `${n} row${n === 1 ? '' : 's'}`;

function numberOf(v: Cell): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t === '') return undefined;
  if (/^true$/i.test(t)) return 1;
  if (/^false$/i.test(t)) return 0;
  // Decimal numbers only: Number() would also take 0x1F, 0b1 and 0o7.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function column(table: Table, name: string): number {
  return table.columns.indexOf(name);
}

/** A numeric column; every value a finite number (0/1 when `binary`). */
function numbers(table: Table, name: string, binary: string | undefined): Float64Array {
  const j = column(table, name);
  const out = new Float64Array(table.rows.length);
  table.rows.forEach((r, i) => {
    const cell = r[j];
    const where = `${table.path}:${table.lines[i]}`;
    // In JSON Lines a number is a JSON number: "0.7" (a string) is refused, and true/false only
    // stand for 1/0 in a 0/1 column (labels, a classifier's predictions), never as a score.
    if (table.typed && typeof cell !== 'number' && !(binary && typeof cell === 'boolean'))
      throw new ConfigError(
        `'${name}' is ${cell === undefined ? 'missing' : `${JSON.stringify(cell)}, not a JSON number`}`,
        where,
        {
          hint: `write ${name} as a number without quotes${binary ? ' (or true/false)' : ''}`,
        },
      );
    const v = numberOf(cell);
    if (v === undefined) {
      const shown = cell === undefined || cell === null || cell === '' ? 'empty' : JSON.stringify(cell);
      throw new ConfigError(`column '${name}' is not a number (${shown})`, where, {
        hint: `every row needs a numeric ${name}`,
      });
    }
    if (binary && v !== 0 && v !== 1)
      throw new ConfigError(
        `${name} must be 0 or 1 for classification metrics (got ${String(cell)})`,
        where,
        {
          hint: binary,
        },
      );
    out[i] = v;
  });
  return out;
}

function side(table: Table, score: string, prediction: string, binary: boolean): Side | undefined {
  const s: Side = {};
  if (column(table, score) >= 0) {
    s.score = numbers(table, score, undefined);
    if (binary) {
      // A classifier's score is the probability of class 1: found here, the error names the line.
      const i = s.score.findIndex((v) => v < 0 || v > 1);
      if (i >= 0)
        throw new ConfigError(
          `column '${score}' is ${s.score[i]}, not a probability in [0, 1]`,
          `${table.path}:${table.lines[i]}`,
          { hint: `${score} holds P(class 1); map logits or margins through a sigmoid first` },
        );
    }
  }
  if (column(table, prediction) >= 0)
    s.prediction = numbers(
      table,
      prediction,
      binary ? `${prediction} holds the predicted class; put probabilities in ${score}` : undefined,
    );
  return s.score || s.prediction ? s : undefined;
}

function labels(table: Table, name: string, binary: boolean): Float64Array {
  if (column(table, name) < 0)
    throw new ConfigError(
      `has no '${name}' column (columns: ${table.columns.join(', ') || 'none'})`,
      table.path,
      { hint: `name the true value's column ${name}, or set gate.columns.label` },
    );
  return numbers(table, name, binary ? LABEL_HINT : undefined);
}

function ids(table: Table, name: string): string[] {
  const j = column(table, name);
  const seen = new Map<string, number>();
  return table.rows.map((r, i) => {
    const id = String(r[j] ?? '');
    const line = table.lines[i]!;
    const first = seen.get(id);
    if (first !== undefined)
      throw new ConfigError(`id '${id}' appears twice (first at line ${first})`, `${table.path}:${line}`, {
        hint: 'ids pair the candidate with the champion: each must be unique',
      });
    seen.set(id, line);
    return id;
  });
}

/** The champion's table reordered to the candidate's rows (by id, or as is when lengths agree). */
function align(cand: Table, champ: Table, id: string): Table {
  const byId = column(cand, id) >= 0 && column(champ, id) >= 0;
  if (!byId) {
    if (cand.rows.length !== champ.rows.length)
      throw new ConfigError(
        `has ${rowsText(champ.rows.length)} and ${cand.path} has ${rowsText(cand.rows.length)}: predictions paired by row order need the same rows`,
        champ.path,
        { hint: `add an '${id}' column to both files to pair them by id` },
      );
    return champ;
  }
  const candIds = ids(cand, id);
  const champIds = ids(champ, id);
  const at = new Map(champIds.map((v, i) => [v, i]));
  const rows: Cell[][] = [];
  const lines: number[] = [];
  candIds.forEach((v, i) => {
    const k = at.get(v);
    if (k === undefined)
      throw new ConfigError(`has no row for id '${v}' (${cand.path}:${cand.lines[i]})`, champ.path, {
        hint: 'both files must hold predictions for the same ids',
      });
    rows.push(champ.rows[k]!);
    lines.push(champ.lines[k]!);
    at.delete(v);
  });
  const [extra] = at;
  if (extra)
    throw new ConfigError(
      `id '${extra[0]}' is not in ${cand.path}`,
      `${champ.path}:${champ.lines[extra[1]]}`,
      {
        hint: 'both files must hold predictions for the same ids',
      },
    );
  return { ...champ, rows, lines };
}

export interface ReadOptions {
  cwd: string;
  columns: Columns;
  /** The champion's own file (two-file mode). */
  championPath?: string;
  /** Whether the champion's columns of the candidate's file are to be used (baseline not `none`). */
  useChampionColumns: boolean;
  /**
   * Where else the champion comes from (a baseline file), when it does: the candidate's file must
   * then have no champion columns, or the champion would be given two ways.
   */
  championElsewhere?: string;
  /** Labels and predicted classes must be 0/1 (a classification metric is checked). */
  binary: boolean;
  /** Slice columns (from the candidate's file), with the config field naming each. */
  slices: { column: string; field: string }[];
}

/**
 * Candidate and champion predictions on the same rows.
 *
 * @throws ConfigError (one line: file, line, column, and a hint) for a missing file or label
 *   column, a non-numeric score, labels that are not 0/1 for classification, files of different
 *   lengths, ids that do not match.
 */
export async function readPredictions(path: string, opts: ReadOptions): Promise<Paired> {
  const c = opts.columns;
  const cand = await readTable(path, opts.cwd);
  if (cand.rows.length === 0) throw new ConfigError('has a header but no rows', cand.path);
  const label = labels(cand, c.label, opts.binary);
  const candidate = side(cand, c.score, c.prediction, opts.binary);
  if (!candidate)
    throw new ConfigError(
      `has no '${c.score}' or '${c.prediction}' column for the candidate (columns: ${cand.columns.join(', ')})`,
      cand.path,
      { hint: 'name the columns score / prediction, or set gate.columns' },
    );
  const files: PredictionsFile[] = [];
  let champion: Side | undefined;
  let championFrom: Paired['championFrom'];
  const both = [c['champion-score'], c['champion-prediction']].filter((n) => column(cand, n) >= 0);
  const elsewhere = opts.championElsewhere ?? opts.championPath;
  if (elsewhere && both.length > 0)
    throw new ConfigError(
      `has the champion's ${both.join(' and ')} column${both.length > 1 ? 's' : ''}, and the baseline gives the champion too (${elsewhere}): which is the champion?`,
      cand.path,
      { hint: 'give the champion one way: drop those columns, or leave baseline out' },
    );
  if (opts.championPath) {
    const raw = await readTable(opts.championPath, opts.cwd);
    const champ = align(cand, raw, c.id);
    champion =
      side(champ, c.score, c.prediction, opts.binary) ??
      side(champ, c['champion-score'], c['champion-prediction'], opts.binary);
    if (!champion)
      throw new ConfigError(
        `has no '${c.score}' or '${c.prediction}' column for the champion (columns: ${raw.columns.join(', ')})`,
        raw.path,
      );
    if (column(champ, c.label) >= 0) {
      const theirs = numbers(champ, c.label, opts.binary ? LABEL_HINT : undefined);
      const i = theirs.findIndex((v, k) => v !== label[k]);
      if (i >= 0)
        throw new ConfigError(
          `${c.label} ${theirs[i]} differs from ${cand.path}:${cand.lines[i]}'s ${label[i]}: the files are not predictions on the same rows`,
          `${champ.path}:${champ.lines[i]}`,
          { hint: `pair them by an '${c.id}' column in both files` },
        );
    }
    files.push({ role: 'candidate', path: cand.path, sha256: cand.sha256, rows: cand.rows.length });
    files.push({ role: 'champion', path: raw.path, sha256: raw.sha256, rows: raw.rows.length });
    championFrom = 'file';
  } else {
    const inFile = opts.useChampionColumns
      ? side(cand, c['champion-score'], c['champion-prediction'], opts.binary)
      : undefined;
    if (inFile) {
      champion = inFile;
      championFrom = 'columns';
    }
    files.push({
      role: inFile ? 'candidate+champion' : 'candidate',
      path: cand.path,
      sha256: cand.sha256,
      rows: cand.rows.length,
    });
  }
  const slices = new Map<string, string[]>();
  for (const s of opts.slices) {
    const j = column(cand, s.column);
    if (j < 0)
      throw new ConfigError(
        `'${s.column}' is not a column of ${cand.path} (columns: ${cand.columns.join(', ')})`,
        s.field,
      );
    slices.set(
      s.column,
      cand.rows.map((r) => {
        const v = r[j];
        return v === undefined || v === null || v === '' ? '(empty)' : String(v);
      }),
    );
  }
  const ignored = !opts.championPath && !opts.useChampionColumns && both.length > 0 ? both : undefined;
  return {
    n: label.length,
    label,
    candidate,
    champion,
    championFrom,
    ...(ignored ? { ignoredChampionColumns: ignored } : {}),
    slices,
    files,
  };
}
