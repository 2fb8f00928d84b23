import { localArtefactPath } from '@modelship/local';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import {
  atomicWrite,
  ConfigError,
  configName as configFile,
  fileError,
  type Annotation,
  type CommonInputs,
  type StepContext,
  type StepImpl,
  type StepResult,
} from '@modelship/core';
import { resolveBaseline, readMetricsInput, type Baseline } from './baseline.js';
import { findRegistryChampion, recordedMetrics, type RegistryChampion } from './champion.js';
import { isClassification, normaliseGate, type Check, type Columns } from './checks.js';
import { upsertComment } from './comment.js';
import {
  configBaseline,
  gateConfig,
  type CheckResult,
  type EvaluationSection,
  type GateConfig,
  type GateInputs,
  type GateOutput,
} from './definition.js';
import { blocks, judge, rowName, type Champion, type Evidence } from './judge.js';
import { runEvaluation } from './evaluate.js';
import { readPredictions, type Paired } from './predictions.js';
import { qualityStatistics } from './quality.js';
import { renderVerdict } from './summary.js';

/** A path as the workspace sees it: relative to `cwd` when inside it. */
function relativeTo(cwd: string, p: string): string {
  const rel = relative(cwd, p);
  return rel.startsWith('..') ? p : rel;
}

function configName(ctx: StepContext): string {
  return configFile(ctx.config, ctx.cwd);
}

function sliceColumns(checks: readonly Check[]): { column: string; field: string }[] {
  const out = new Map<string, string>();
  checks.forEach((c) =>
    c.slices.forEach((s, i) => {
      if (!out.has(s.column))
        out.set(s.column, `${c.file}: ${c.field === 'gate' ? 'gate' : c.field}.slices[${i}].column`);
    }),
  );
  return [...out].map(([column, field]) => ({ column, field }));
}

function championOf(
  b: Baseline,
  paired: Paired | undefined,
  why: { registry: string; none: string; champion?: RegistryChampion },
): Champion {
  switch (b.kind) {
    case 'predictions':
      return { kind: 'predictions', identity: b.path };
    case 'metrics':
      return { kind: 'metrics', identity: b.path, values: b.values };
    case 'none':
      return { kind: 'none', why: why.none };
    case 'model':
      return { kind: 'predictions', identity: `${b.uri} (scored by the evaluation run)` };
    case 'registry':
      // The registry's champion, scored by the evaluation run; else champion columns of the predictions.
      if (why.champion) return { kind: 'predictions', identity: why.champion.arn };
      if (paired?.champion)
        return { kind: 'columns', identity: `${paired.files[0]!.path} (champion columns)` };
      return { kind: 'none', why: why.registry };
  }
}

interface Gathered {
  evidence: Evidence;
  baseline: Baseline;
  candidateSource: string;
  candidateMetrics?: Record<string, number>;
}

/** The numbers to judge: predictions (paired with the champion's), else metrics. */
async function gather(
  inputs: GateInputs,
  ctx: StepContext,
  checks: readonly Check[],
  columns: Columns,
): Promise<Gathered> {
  const baseline = await resolveBaseline(inputs.baseline, ctx.cwd);
  const why: { registry: string; none: string; champion?: RegistryChampion } = {
    registry: 'there is no champion: baseline is registry',
    none: 'there is no champion (baseline: none)',
  };
  /** baseline registry: the group's latest Approved package, or why there is none (logged). */
  const lookup = async (): Promise<RegistryChampion | undefined> => {
    const found = await findRegistryChampion(ctx);
    if ('why' in found) {
      why.registry = found.why;
      // No champion yet is the normal first run: the report says so; anything else is a warning.
      const line = `baseline 'registry': ${found.why}, so the change checks are not applied`;
      if (found.why.startsWith('there is no champion yet')) ctx.log.info(line);
      else ctx.log.warn(line);
      return undefined;
    }
    ctx.log.info(
      `champion: ${found.champion.group} version ${found.champion.version} (${found.champion.arn}), the latest Approved package`,
    );
    if (found.champion.model && !found.champion.modelSha256)
      ctx.log.warn(
        `the champion ${found.champion.arn} records no model sha256 (modelship:model-sha256): its artefact cannot be checked before it is scored`,
      );
    return found.champion;
  };
  if (inputs.predictions && baseline.kind === 'model')
    throw new ConfigError(
      'is a model artefact, but the candidate comes as predictions: pairing needs the champion scored on the same rows',
      `input 'baseline'`,
      {
        hint: "give the champion's predictions (a file, or champion columns) or metrics, or leave predictions out and let the evaluate block score both models",
      },
    );
  if (inputs.predictions) {
    if (inputs.metrics)
      ctx.log.warn('the metrics input is not used: the metrics are computed from the predictions');
    const paired = await readPredictions(inputs.predictions, {
      cwd: ctx.cwd,
      columns,
      championPath: baseline.kind === 'predictions' ? baseline.path : undefined,
      useChampionColumns: baseline.kind === 'registry',
      ...(baseline.kind === 'predictions' || baseline.kind === 'metrics'
        ? { championElsewhere: `baseline ${baseline.path}` }
        : {}),
      binary: checks.some((c) => c.known && isClassification(c.known)),
      slices: sliceColumns(checks),
    });
    if (paired.ignoredChampionColumns) {
      const cols = paired.ignoredChampionColumns;
      ctx.log.warn(
        `${paired.files[0]!.path} has the champion's ${cols.join(' and ')} column${cols.length > 1 ? 's' : ''}, but baseline is none: ${cols.length > 1 ? 'they are' : 'it is'} ignored, and no check compares the candidate with the champion (baseline registry, the default, uses them)`,
      );
    }
    if (baseline.kind === 'registry' && !paired.champion) {
      const found = await lookup();
      if (found) {
        why.registry = `the champion ${found.arn} cannot be paired with the predictions: they carry no champion columns (score the champion on the same rows, or leave predictions out and let the evaluate block score both)`;
        ctx.log.warn(`baseline 'registry': ${why.registry}`);
      }
    }
    const champion = championOf(baseline, paired, why);
    return {
      evidence: { mode: 'predictions', paired, champion, predictionsFile: inputs.predictions },
      baseline,
      candidateSource: `predictions ${inputs.predictions}`,
    };
  }
  if (ctx.config.values.evaluate !== undefined) {
    // Evaluation runs: the candidate (train's model) and the champion (a model artefact) are scored
    // by the same script on the same test data, so their predictions pair row by row.
    const training = ctx.manifest.get<{ modelArtifact?: string; modelSha256?: string; jobName?: string }>(
      'training',
    );
    if (!training?.modelArtifact)
      throw ctx.manifest.missing(
        new ConfigError('the evaluate block needs a trained model: the manifest records none', 'evaluate', {
          hint: 'run train first (modelship run runs it before evaluate-gate), or give predictions',
        }),
      );
    const candidate = await runEvaluation({
      ctx,
      role: 'candidate',
      // Found under this working directory when the manifest came with its .modelship/ folder
      // from another one (a CI job's artifact); the sha256 is checked either way.
      model: localArtefactPath(training.modelArtifact, ctx.cwd),
      modelSha256: training.modelSha256,
      modelOrigin: `the manifest (${ctx.manifest.displayPath})`,
    });
    if (baseline.kind === 'registry') why.champion = await lookup();
    if (why.champion && !why.champion.model) {
      why.registry = `the champion ${why.champion.arn} records no model artefact to score`;
      why.champion = undefined;
    }
    const champion =
      baseline.kind === 'model'
        ? await runEvaluation({ ctx, role: 'champion', model: baseline.uri })
        : why.champion
          ? await runEvaluation({
              ctx,
              role: 'champion',
              model: why.champion.model!,
              modelSha256: why.champion.modelSha256,
              modelOrigin: why.champion.arn,
            })
          : undefined;
    const paired = await readPredictions(relativeTo(ctx.cwd, candidate.predictions), {
      cwd: ctx.cwd,
      columns,
      championPath: champion
        ? relativeTo(ctx.cwd, champion.predictions)
        : baseline.kind === 'predictions'
          ? baseline.path
          : undefined,
      useChampionColumns: false,
      binary: checks.some((c) => c.known && isClassification(c.known)),
      slices: sliceColumns(checks),
    });
    const champ = championOf(baseline, paired, why);
    return {
      evidence: {
        mode: 'predictions',
        paired,
        champion: champ,
        predictionsFile: relativeTo(ctx.cwd, candidate.predictions),
      },
      baseline,
      candidateSource: `evaluation run ${candidate.jobName}`,
    };
  }
  if (baseline.kind === 'model')
    throw new ConfigError(
      'is a model artefact: scoring it needs an evaluation run, and modelship.yml has no evaluate block',
      `input 'baseline'`,
      { hint: "add an evaluate block (docs/gate.md), or give the champion's predictions or metrics file" },
    );
  if (baseline.kind === 'predictions')
    throw new ConfigError(
      "is a predictions file, but the candidate has none: pairing needs both models' predictions",
      `input 'baseline'`,
      { hint: "give the candidate's predictions too (predictions input), or the champion's metrics file" },
    );
  let values: Record<string, number>;
  let source: string;
  if (inputs.metrics) {
    const m = await readMetricsInput(inputs.metrics, ctx.cwd);
    values = m.values;
    source = m.path ? `metrics ${m.path}` : 'metrics input';
  } else {
    const training = ctx.manifest.get<{ jobName?: string; metrics?: Record<string, number> }>('training');
    if (!training?.metrics || Object.keys(training.metrics).length === 0)
      throw ctx.manifest.missing(
        new ConfigError(
          'nothing to judge: no predictions, no metrics input, and no training metrics in the manifest',
          `input 'predictions'`,
          {
            hint: 'give predictions (CSV / JSON Lines) or metrics (JSON), or run train first with train.metrics set',
          },
        ),
      );
    values = training.metrics;
    source = `training metrics of ${training.jobName ?? 'the manifest'}`;
  }
  let champion = championOf(baseline, undefined, why);
  if (baseline.kind === 'registry') {
    const found = await lookup();
    const values = found ? await recordedMetrics(found) : {};
    if (found && Object.keys(values).length > 0) champion = { kind: 'metrics', identity: found.arn, values };
    else
      champion = {
        kind: 'none',
        why: found ? `the champion ${found.arn} records no metrics` : why.registry,
      };
  }
  return {
    evidence: { mode: 'metrics', candidate: values, candidateSource: source, champion },
    baseline,
    candidateSource: source,
    candidateMetrics: values,
  };
}

/**
 * The gate passes when no condition blocks it and at least one was judged: a run in which every
 * condition was insufficient judged nothing, and is never a pass.
 */
function gatePasses(results: readonly CheckResult[]): boolean {
  return !results.some(blocks) && results.some((r) => r.status === 'pass');
}

function headlineOf(
  results: readonly CheckResult[],
  checks: number,
  notes: readonly string[],
  champion: Champion,
): string {
  const failing = results.filter(blocks);
  const insufficient = results.filter((r) => r.status === 'insufficient' && !r.critical);
  const vs = champion.kind === 'none' ? 'no champion' : `vs ${champion.identity}`;
  if (failing.length > 0) {
    const names = failing.slice(0, 4).map((r) => `${rowName(r)} ${r.condition}`);
    const more = failing.length > 4 ? `, and ${failing.length - 4} more` : '';
    return `failed ${failing.length} of ${results.length} conditions (${vs}): ${names.join(', ')}${more}`;
  }
  const judged = results.filter((r) => r.status === 'pass').length;
  if (judged === 0)
    return `failed: no condition could be judged (${insufficient.length} insufficient; ${vs})`;
  const parts = [
    `passed ${judged} condition${judged === 1 ? '' : 's'} of ${checks} check${checks === 1 ? '' : 's'} (${vs})`,
  ];
  if (insufficient.length > 0) parts.push(`${insufficient.length} insufficient`);
  if (notes.some((n) => n.startsWith('Change checks'))) parts.push('change checks not applied');
  else if (notes.some((n) => n.includes('no interval'))) parts.push('point values, no interval');
  return parts.join('; ');
}

function annotations(results: readonly CheckResult[]): Annotation[] {
  const out: Annotation[] = [];
  for (const r of results) {
    if (blocks(r))
      out.push({
        level: 'error',
        title: 'evaluate-gate',
        message: `${rowName(r)} (${r.condition}): ${r.reason}`,
      });
    else if (r.status === 'insufficient')
      out.push({
        level: 'warning',
        title: 'evaluate-gate',
        message: `${rowName(r)} (${r.condition}): ${r.reason}`,
      });
  }
  return out;
}

function failedChecks(results: readonly CheckResult[]): string {
  return [...new Set(results.filter(blocks).map(rowName))].join(',');
}

function outputs(v: EvaluationSection, report: string): Record<GateOutput, string> {
  return {
    passed: String(v.passed),
    verdict: v.verdict,
    'failed-checks': failedChecks(v.checks),
    report,
    champion: v.champion.kind === 'none' ? '' : (v.champion.identity ?? ''),
  };
}

function championRecord(c: Champion, baseline: Baseline): EvaluationSection['champion'] {
  if (c.kind === 'none') return { kind: 'none', note: c.why };
  const out: EvaluationSection['champion'] = { kind: c.kind, identity: c.identity };
  if (baseline.kind === 'metrics') {
    out.source = baseline.path;
    out.sha256 = baseline.sha256;
  } else if (baseline.kind === 'predictions') out.source = baseline.path;
  return out;
}

async function runGate(inputs: GateInputs & CommonInputs, ctx: StepContext): Promise<StepResult<GateOutput>> {
  if (inputs.replay) return replay(inputs, ctx);
  const gate = gateConfig(ctx.config);
  if (!gate)
    throw new ConfigError('has no gate block: there is nothing to judge', configName(ctx), {
      hint: 'add one, e.g. gate: { metric: roc_auc, min: 0.8, max-regression: 0.01 } (docs/gate.md)',
    });
  const { checks, columns } = normaliseGate(gate, configName(ctx));
  // The input wins; a step run with only --config takes the config's gate.baseline, as modelship run does.
  if (!inputs.baseline?.trim()) {
    const b = configBaseline(ctx.config, ctx.cwd);
    if (b !== undefined) inputs = { ...inputs, baseline: b };
  }
  const g = await gather(inputs, ctx, checks, columns);
  const { results, notes } = await judge(checks, g.evidence, ctx.signal);
  const passed = gatePasses(results);
  const headline = headlineOf(results, checks.length, notes, g.evidence.champion);
  const training = ctx.manifest.get<{ jobName?: string; modelSha256?: string }>('training');
  const outDir = join(dirname(resolve(ctx.cwd, inputs.manifest)), 'evaluate-gate');
  const reportPath = join(outDir, 'verdict.json');
  const report = relativeTo(ctx.cwd, reportPath);
  const verdict: EvaluationSection = {
    kind: 'modelship.evaluate-gate.verdict',
    schemaVersion: 1,
    passed,
    verdict: passed ? 'pass' : 'fail',
    mode: g.evidence.mode,
    evaluatedAt: ctx.now().toISOString(),
    headline,
    candidate: { source: g.candidateSource, jobName: training?.jobName, modelSha256: training?.modelSha256 },
    champion: championRecord(g.evidence.champion, g.baseline),
    notes,
    checks: results,
    predictions: g.evidence.mode === 'predictions' ? g.evidence.paired.files : [],
    report,
    inputs: {
      gate,
      baseline: inputs.baseline,
      metrics: {
        candidate: g.candidateMetrics,
        champion: g.evidence.champion.kind === 'metrics' ? g.evidence.champion.values : undefined,
      },
    },
  };
  if (g.evidence.mode === 'predictions') {
    const first = checks[0]!;
    const stats = qualityStatistics(g.evidence.paired, {
      binary: checks.some((c) => c.known && isClassification(c.known)),
      threshold: first.threshold,
      seed: first.seed,
    });
    const statsPath = join(outDir, 'model-quality.json');
    await atomicWrite(statsPath, JSON.stringify(stats, null, 2) + '\n');
    verdict.statistics = relativeTo(ctx.cwd, statsPath);
  }
  await atomicWrite(reportPath, JSON.stringify(verdict, null, 2) + '\n');
  ctx.manifest.set('evaluation', JSON.parse(JSON.stringify(verdict)) as unknown);
  const summary = renderVerdict(verdict);
  if (inputs.comment) {
    const model = ctx.config.values.model ?? ctx.manifest.get<string>('model') ?? 'model';
    await upsertComment({
      run: ctx.github,
      token: inputs['github-token'] || ctx.github?.token,
      model,
      body: renderVerdict(verdict, { title: `evaluate-gate · ${model}` }),
      log: ctx.log,
      signal: ctx.signal,
    });
  }
  return {
    ok: passed,
    headline,
    outputs: outputs(verdict, report),
    summary,
    annotations: annotations(results),
  };
}

async function sha256File(path: string, cwd: string): Promise<string> {
  try {
    return createHash('sha256')
      .update(await readFile(resolve(cwd, path)))
      .digest('hex');
  } catch (err) {
    throw fileError(err, path, 'predictions file recorded in the verdict');
  }
}

/** Recompute a verdict from what it recorded; the answer is the recomputed one. */
async function replay(inputs: GateInputs, ctx: StepContext): Promise<StepResult<GateOutput>> {
  const path = inputs.replay!;
  let recorded: EvaluationSection;
  try {
    recorded = JSON.parse(await readFile(resolve(ctx.cwd, path), 'utf8')) as EvaluationSection;
  } catch (err) {
    if (err instanceof SyntaxError) throw new ConfigError(`verdict is not valid JSON (${err.message})`, path);
    throw fileError(err, path, 'verdict');
  }
  if (recorded?.kind !== 'modelship.evaluate-gate.verdict' || !recorded.inputs?.gate)
    throw new ConfigError(
      'is not a verdict written by evaluate-gate (kind modelship.evaluate-gate.verdict)',
      path,
    );
  const { checks, columns } = normaliseGate(recorded.inputs.gate as GateConfig, `${path}: inputs`);
  const changed: string[] = [];
  for (const f of recorded.predictions) {
    const now = await sha256File(f.path, ctx.cwd);
    if (now !== f.sha256)
      changed.push(
        `${f.path} changed since the verdict (sha256 ${f.sha256.slice(0, 12)}… then, ${now.slice(0, 12)}… now)`,
      );
  }
  for (const c of changed) ctx.log.warn(c);
  const rc = recorded.champion;
  const metrics = recorded.inputs.metrics ?? {};
  const champion: Champion =
    rc.kind === 'none'
      ? { kind: 'none', why: rc.note ?? 'there was no champion' }
      : rc.kind === 'metrics'
        ? { kind: 'metrics', identity: rc.identity ?? 'metrics', values: metrics.champion ?? {} }
        : { kind: rc.kind, identity: rc.identity ?? rc.kind };
  let evidence: Evidence;
  if (recorded.mode === 'predictions') {
    const cand = recorded.predictions.find((f) => f.role !== 'champion');
    const champFile = recorded.predictions.find((f) => f.role === 'champion');
    if (!cand) throw new ConfigError('records no candidate predictions file', path);
    const paired = await readPredictions(cand.path, {
      cwd: ctx.cwd,
      columns,
      championPath: champFile?.path,
      useChampionColumns: rc.kind === 'columns',
      binary: checks.some((c) => c.known && isClassification(c.known)),
      slices: sliceColumns(checks),
    });
    evidence = { mode: 'predictions', paired, champion, predictionsFile: cand.path };
  } else {
    evidence = {
      mode: 'metrics',
      candidate: metrics.candidate ?? {},
      candidateSource: recorded.candidate.source,
      champion,
    };
  }
  const { results, notes } = await judge(checks, evidence, ctx.signal);
  const passed = gatePasses(results);
  const same = passed === recorded.passed;
  const differing = results.filter((r, i) => {
    const old = recorded.checks[i];
    return !old || old.status !== r.status || rowName(old) !== rowName(r) || old.condition !== r.condition;
  });
  const headline = [
    `replayed ${path}: ${passed ? 'pass' : 'fail'}${same ? ', as recorded' : `, but the verdict recorded ${recorded.verdict}`}`,
    changed.length > 0
      ? `${changed.length} file${changed.length === 1 ? '' : 's'} changed`
      : 'inputs unchanged (sha256)',
  ].join('; ');
  const v: EvaluationSection = {
    ...recorded,
    passed,
    verdict: passed ? 'pass' : 'fail',
    headline,
    notes: [...changed.map((c) => `${c[0]!.toUpperCase()}${c.slice(1)}.`), ...notes],
    checks: results,
  };
  const summary = [
    renderVerdict(v, { title: 'evaluate-gate replay' }),
    differing.length > 0
      ? `\n${differing.length} condition${differing.length === 1 ? '' : 's'} judged differently from the record: ${differing.map((r) => `${rowName(r)} ${r.condition}`).join(', ')}\n`
      : '\nEvery condition judged as recorded.\n',
  ].join('');
  const anns = annotations(results);
  for (const c of changed) anns.push({ level: 'warning', title: 'evaluate-gate replay', message: c });
  return { ok: passed, headline, outputs: outputs(v, path), summary, annotations: anns };
}

/** What evaluate-gate does (declared in ./definition.ts). */
export function createGateImpl(): StepImpl<GateInputs, GateOutput> {
  return { run: (inputs, ctx) => runGate(inputs, ctx) };
}
