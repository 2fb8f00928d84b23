import { dirname, join, resolve } from 'node:path';
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
  type DataSection,
  type ValidateDataInputs,
  type ValidateDataOutput as Output,
} from './definition.js';
import { DEFAULT_MAX_RECORD_LENGTH } from './readers/source.js';
import { renderSummary, renderInferSummary } from './summary.js';
import {
  defaultDeps,
  inferSchemaFromData,
  loadRecordSchema,
  relativeTo,
  validateData,
  DEFAULT_SPLIT_MIN_BYTES,
  type FailOn,
  type ValidateOutcome,
} from './validate.js';

/** A path from an input resolves against the workspace; one from the config against the config's folder. */
function fromInputOrConfig(
  ctx: StepContext,
  input: string | undefined,
  configured: string | undefined,
): string | undefined {
  if (input) return input;
  return configured ? relativeTo(ctx.cwd, ctx.config.resolvePath(configured)) : undefined;
}

function annotations(o: ValidateOutcome, max: number, failOn: FailOn): Annotation[] {
  const out: Annotation[] = o.firstErrors.slice(0, max).map((e) => {
    const local = !e.file.startsWith('s3://');
    return {
      level: 'error' as const,
      title: 'invalid row',
      message: `${local ? '' : `${e.file}:${e.line}: `}${e.field ? `${e.field}: ` : ''}${e.reason}`,
      file: local ? e.file : undefined,
      line: local ? e.line : undefined,
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
      message: `${f.feature} drifted: ${f.method} ${f.statistic.toPrecision(3)} (threshold ${f.threshold})`,
    });
  }
  return out;
}

function headline(o: ValidateOutcome, failOn: FailOn): string {
  const parts = [
    `${o.rows.toLocaleString('en-US')} rows`,
    `${o.invalidRows.toLocaleString('en-US')} invalid`,
  ];
  if (o.drift) {
    parts.push(
      o.drift.drifted.length
        ? `${o.drift.drifted.length} of ${o.drift.checked} features drifted (${o.drift.drifted.join(', ')})`
        : `no drift in ${o.drift.checked} features`,
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

    if (inputs['infer-schema']) {
      const target = inputs['infer-schema'];
      const { schema, sources } = await ctx.log.group('Inferring a schema', () =>
        inferSchemaFromData(inputs.data, format, ctx.config.values.model ?? 'record', deps, maxRecordLength),
      );
      await writeJsonDocument(target, schema, deps);
      ctx.log.info(
        `wrote schema ${target} (${Object.keys(schema.properties as object).length} columns from ${sources.length} file(s))`,
      );
      inputs = { ...inputs, schema: target, baseline: undefined };
      inputs['write-profile'] ??= join(dirname(target), 'baseline-profile.json');
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
        ? `inferred ${schemaPath} and baseline ${o.profilePath} from ${o.rows.toLocaleString('en-US')} rows`
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
