import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { headS3Object, isS3Uri } from '@modelship/aws';
import { writeJsonDocument } from '@modelship/aws';
import {
  ConfigError,
  type Annotation,
  type StepContext,
  type StepImpl,
  type StepResult,
} from '@modelship/core';
import {
  dataConfig,
  type DataConfig,
  type DataSection,
  type ValidateDataInputs,
  type ValidateDataOutput as Output,
} from './definition.js';
import { ENCODINGS } from './readers/meter.js';
import type { Delimiter } from './readers/source.js';
import { DEFAULT_MAX_RECORD_LENGTH, DEFAULT_NULL_VALUES } from './readers/source.js';
import { renderSummary, renderInferSummary } from './summary.js';
import {
  defaultDeps,
  inferSchemaFromData,
  loadRecordSchema,
  validateData,
  DEFAULT_SPLIT_MIN_BYTES,
  type DataDeps,
  type FailOn,
  type TextReadOptions,
  type ValidateOutcome,
} from './validate.js';
import { relativeTo } from './paths.js';

/** `tab` and `\t` (typed as two characters, or a real tab in YAML) all mean a tab. */
function delimiterOf(v: string | undefined): Delimiter | 'auto' {
  if (v === undefined) return ',';
  return v === 'tab' || v === '\\t' ? '\t' : (v as Delimiter | 'auto');
}

/** Comma-separated (an input) or a list (the config); `none` or an empty string: only empty cells. */
function nullValuesOf(v: string | readonly string[] | undefined): readonly string[] {
  if (v === undefined) return DEFAULT_NULL_VALUES;
  const list = typeof v === 'string' ? v.split(',').map((x) => x.trim()) : v;
  if (list.length === 1 && list[0] === 'none') return [];
  return list.filter((x) => x !== '');
}

/** The text options from the inputs, else the config's `data` block. */
function textOptions(inputs: ValidateDataInputs, cfg: DataConfig): TextReadOptions {
  const encoding = inputs.encoding ?? cfg.encoding ?? 'utf-8';
  return {
    delimiter: delimiterOf(inputs.delimiter ?? cfg.delimiter),
    encoding: ENCODINGS[encoding],
    nullValues: nullValuesOf(inputs['null-values'] ?? cfg['null-values']),
  };
}

/** A path from an input resolves against the workspace; one from the config against the config's folder. */
function fromInputOrConfig(
  ctx: StepContext,
  input: string | undefined,
  configured: string | undefined,
): string | undefined {
  if (input) return input;
  return configured ? relativeTo(ctx.cwd, ctx.config.resolvePath(configured)) : undefined;
}

/** The first invalid rows' errors, one list per row (a row's errors are consecutive). */
function byRow(errors: ValidateOutcome['firstErrors']): ValidateOutcome['firstErrors'][] {
  const rows: ValidateOutcome['firstErrors'][] = [];
  for (const e of errors) {
    const last = rows.at(-1)?.[0];
    if (last && last.file === e.file && last.line === e.line) rows.at(-1)!.push(e);
    else rows.push([e]);
  }
  return rows;
}

/** `1 row`, `2,000 rows`. */
function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** Whether a file or `s3://` object is there. */
async function documentExists(path: string, deps: DataDeps): Promise<boolean> {
  if (isS3Uri(path)) return (await headS3Object(deps.s3(), path)) !== undefined;
  try {
    await stat(resolve(deps.cwd, path));
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return false;
    throw err;
  }
}

/** One annotation per invalid row, naming each of its errors. */
function annotations(o: ValidateOutcome, max: number, failOn: FailOn): Annotation[] {
  const out: Annotation[] = byRow(o.firstErrors)
    .slice(0, max)
    .map((errs) => {
      const { file, line } = errs[0]!;
      const local = !file.startsWith('s3://');
      const messages = errs.map((e) => `${e.field ? `${e.field}: ` : ''}${e.reason}`).join('; ');
      return {
        // With fail-on: never the step passes, so an invalid row is a warning, not an error.
        level: failOn === 'never' ? ('warning' as const) : ('error' as const),
        title: 'invalid row',
        message: `${local ? '' : `${file}:${line}: `}${messages}`,
        file: local ? file : undefined,
        line: local ? line : undefined,
      };
    });
  if (o.invalidRows > out.length && out.length > 0) {
    out.push({ level: 'notice', message: `${o.invalidRows - out.length} more invalid rows: see the report` });
  }
  for (const f of o.drift?.features ?? []) {
    if (!f.drifted) continue;
    out.push({
      level: failOn === 'drift' ? 'error' : 'warning',
      title: 'data drift',
      message: `${f.feature} drifted: ${f.reason}`,
    });
  }
  return out;
}

function headline(o: ValidateOutcome, failOn: FailOn): string {
  const parts = [count(o.rows, 'row'), `${o.invalidRows.toLocaleString('en-US')} invalid`];
  if (o.drift) {
    parts.push(
      o.drift.drifted.length
        ? `${o.drift.drifted.length} of ${o.drift.checked} features drifted (${o.drift.drifted.join(', ')})`
        : `no drift in ${count(o.drift.checked, 'feature')}`,
    );
  }
  const verdict = o.passed ? 'data passed' : 'data failed';
  const policy = failOn === 'never' ? ' (fail-on: never)' : '';
  return `${verdict}${policy}: ${parts.join(', ')}`;
}

/** What validate-data does (declared in ./definition.ts). */
export const validateDataImpl: StepImpl<ValidateDataInputs, Output> = {
  async run(inputs, ctx): Promise<StepResult<Output>> {
    const deps = defaultDeps(ctx);
    const cfg = dataConfig(ctx.config);
    const outDir = join(dirname(resolve(ctx.cwd, inputs.manifest)), 'validate-data');
    const format = inputs.format !== 'auto' ? inputs.format : (cfg.format ?? 'auto');
    const maxRecordLength = cfg['max-record-length'] ?? DEFAULT_MAX_RECORD_LENGTH;
    const text = textOptions(inputs, cfg);

    if (inputs['infer-schema']) {
      const target = inputs['infer-schema'];
      const profileTarget = inputs['write-profile'] ?? join(dirname(target), 'baseline-profile.json');
      // Inference writes two files a person may have edited since: never replace them unasked.
      if (!inputs.force) {
        for (const [path, what] of [
          [target, 'schema'],
          [profileTarget, 'baseline profile'],
        ] as const) {
          if (await documentExists(path, deps)) {
            throw new ConfigError(`${what} already exists; inferring would overwrite it`, path, {
              hint: 'pass force (--force) to overwrite it, or infer to another path',
            });
          }
        }
      }
      const { schema, sources } = await ctx.log.group('Inferring a schema', () =>
        inferSchemaFromData(
          inputs.data,
          format,
          ctx.config.values.model ?? 'record',
          deps,
          maxRecordLength,
          text,
        ),
      );
      await writeJsonDocument(target, schema, deps);
      ctx.log.info(
        `wrote schema ${target} (${Object.keys(schema.properties as object).length} columns from ${sources.length} file(s))`,
      );
      inputs = { ...inputs, schema: target, baseline: undefined, 'write-profile': profileTarget };
    }

    const schemaPath = fromInputOrConfig(ctx, inputs.schema, cfg.schema);
    if (!schemaPath) {
      throw new ConfigError(
        'no schema given: set the schema input or data.schema in modelship.yml (or derive one with infer-schema)',
        "input 'schema'",
      );
    }
    const failOn: FailOn = inputs['fail-on'] ?? cfg['fail-on'] ?? 'error';
    const profilePath =
      fromInputOrConfig(ctx, inputs['write-profile'], cfg['write-profile']) ??
      relativeTo(ctx.cwd, join(outDir, 'profile.json'));
    const baseline = inputs['infer-schema']
      ? undefined
      : fromInputOrConfig(ctx, inputs.baseline, cfg.baseline);
    const schema = await loadRecordSchema(schemaPath, deps);

    const drift = cfg.drift ?? {};
    const o = await ctx.log.group(`Validating ${inputs.data}`, () =>
      validateData(
        {
          data: inputs.data,
          format,
          schema,
          baseline,
          failOn,
          keepErrors: Math.max(inputs['max-annotations'], 20),
          maxRecordLength,
          text,
          drift: {
            defaultThreshold: drift['default-threshold'],
            alpha: drift.alpha,
            numeric: drift.numeric,
            categorical: drift.categorical,
            features: drift.features,
          },
          outDir,
          profilePath,
          splitMinBytes: Number(ctx.env.MODELSHIP_SPLIT_MIN_BYTES ?? DEFAULT_SPLIT_MIN_BYTES),
        },
        deps,
      ),
    );

    const section: DataSection = {
      validatedAt: ctx.now().toISOString(),
      passed: o.passed,
      format: o.formats.join(','),
      uri: inputs.data,
      rows: o.rows,
      invalidRows: o.invalidRows,
      fingerprint: o.fingerprint,
      files: o.files.map((f) => ({ uri: f.uri, sha256: f.sha256, bytes: f.bytes, rows: f.rows })),
      schema: { path: schema.path, sha256: schema.sha256 },
      profile: o.profilePath,
      report: relativeTo(ctx.cwd, o.reportPath),
    };
    if (baseline) section.baseline = baseline;
    if (o.drift) section.drift = { checked: o.drift.checked, drifted: o.drift.drifted };
    ctx.manifest.set('data', section);

    const summary = inputs['infer-schema']
      ? renderInferSummary(o, schemaPath)
      : renderSummary(o, { failOn, schemaPath, data: inputs.data, cwd: ctx.cwd });
    return {
      ok: o.passed,
      headline: inputs['infer-schema']
        ? `inferred ${schemaPath} and baseline ${o.profilePath} from ${count(o.rows, 'row')}`
        : headline(o, failOn),
      outputs: {
        passed: String(o.passed),
        rows: String(o.rows),
        'invalid-rows': String(o.invalidRows),
        'drifted-features': String(o.drift?.drifted.length ?? 0),
        drifted: (o.drift?.drifted ?? []).join(','),
        report: relativeTo(ctx.cwd, o.reportPath),
        profile: o.profilePath,
      },
      summary,
      annotations: annotations(o, inputs['max-annotations'], failOn),
    };
  },
};
