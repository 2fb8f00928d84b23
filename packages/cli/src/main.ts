#!/usr/bin/env node
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { findStep, STEPS } from '@modelship/catalog';
import {
  ConfigError,
  executeStep,
  githubRunFromEnv,
  loadConfig,
  MemoryState,
  runHosted,
  StreamLogger,
  type AnyStep,
  type Logger,
  type StepResult,
} from '@modelship/core';
import { parseStepArgs, stepHelp, type ParsedArgs } from './args.js';
import { mainJob, nextMove } from './main-job.js';
import { renderForTerminal } from './terminal.js';

const VERSION = '0.1.0';

const USAGE = `modelship — CI/CD for machine-learning models

Usage:
  modelship run [--config modelship.yml] [--manifest path] [--backend local|sagemaker]
      Run the main job: every step the config sets up, in order (local backend by default).
  modelship <step> [--<input> value ...]
      Run one step. Steps: ${STEPS.map((s) => s.name).join(', ')}
  modelship <step> --help       The step's inputs and outputs.
  modelship steps               List the steps.
  modelship registry list|show  The model registry (groups, versions, statuses, the champion).
  modelship endpoint status|stop <name>
                                A local endpoint deploy-canary started (router, variants, pids).
  modelship traffic --endpoint <name> --requests FILE --rate N --duration S
                                Replay requests through a local endpoint; a per-variant summary.
  modelship codepipeline start|wait|approve|reject|await-approval [--pipeline name ...]
                                Start and follow an AWS CodePipeline execution, or answer or await
                                its manual approval (the codepipeline step; --help for its options).
  modelship codepipeline install --stack-name NAME [--template FILE] [--parameter Key=Value ...] [--dry-run]
                                Deploy the pipeline template as a CloudFormation stack through a
                                change set, printing its changes and streaming the stack's events.
  modelship iam-policy [--step S] [--config modelship.yml] [--account ID] [--region R]
                       [--format json|cloudformation]
                                The least-privilege IAM policy of the config's steps (or one step).
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;

function envName(output: string): string {
  return `MODELSHIP_${output.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

async function writeOutputs(
  outputs: Record<string, unknown>,
  flat: Record<string, string>,
  args: ParsedArgs,
): Promise<void> {
  process.stdout.write(JSON.stringify(outputs, null, 2) + '\n');
  if (args.outputsFile) await writeFile(args.outputsFile, JSON.stringify(outputs, null, 2) + '\n');
  if (args.outputsEnv) {
    const lines = Object.entries(flat).map(([k, v]) => `export ${envName(k)}=${shellQuote(v)}`);
    await writeFile(args.outputsEnv, lines.join('\n') + '\n');
  }
}

async function runOne(
  step: AnyStep,
  inputs: Record<string, string>,
  args: ParsedArgs,
  signal: AbortSignal,
): Promise<StepResult> {
  // --quiet: only the outputs (stdout) and what went wrong (warnings, errors, a failed verdict).
  const stream = new StreamLogger(process.stderr, args.debug);
  const log: Logger = args.quiet
    ? {
        info: () => undefined,
        warn: (m) => stream.warn(m),
        error: (m) => stream.error(m),
        debug: (m) => stream.debug(m),
        group: (_t, fn) => fn(),
      }
    : stream;
  const result = await executeStep(step, inputs, {
    steps: STEPS,
    log,
    cwd: process.cwd(),
    env: process.env,
    signal,
    debug: args.debug,
    state: new MemoryState(),
    // The CLI may run inside a workflow (`npx modelship …` in a run: step): the same GitHub run.
    github: githubRunFromEnv(process.env),
    inputLabel: (n) => `--${n}`,
  });
  if (!args.quiet) {
    process.stderr.write('\n' + renderForTerminal(result.summary) + '\n');
  }
  for (const a of result.annotations ?? []) {
    if (a.level === 'notice' || (args.quiet && a.level !== 'error')) continue;
    const where = a.file ? `${a.file}${a.line ? `:${a.line}` : ''}: ` : '';
    process.stderr.write(`${a.level}: ${where}${a.message}\n`);
  }
  if (!args.quiet || !result.ok)
    process.stderr.write(`${result.ok ? '✔' : '✖'} ${step.name}: ${result.headline}\n`);
  return result;
}

async function main(argv: string[], signal: AbortSignal): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    const step = rest[0] ? findStep(rest[0]) : undefined;
    process.stdout.write((step ? stepHelp(step) : USAGE) + '\n');
    return 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === 'steps') {
    for (const s of STEPS) process.stdout.write(`${s.name.padEnd(20)} ${s.description.split('. ')[0]}\n`);
    return 0;
  }
  if (command === 'registry') {
    // Loaded only for this command: it brings the registry and its AWS clients.
    const { registryCommand } = await import('./registry.js');
    return registryCommand(rest, signal);
  }
  if (command === 'iam-policy') {
    // Loaded only for this command: the policy model.
    const { iamPolicyCommand } = await import('./iam-policy.js');
    return iamPolicyCommand(rest);
  }
  if (command === 'endpoint' || command === 'traffic') {
    // Loaded only for these commands: the local endpoint's processes and HTTP.
    const { endpointCommand, trafficCommand } = await import('./endpoint.js');
    return command === 'endpoint' ? endpointCommand(rest) : trafficCommand(rest, signal);
  }
  if (command === 'run') {
    const args = parseStepArgs(rest, undefined);
    if (args.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const config = await loadConfig(args.inputs.config, process.cwd(), STEPS);
    const { jobs, notes } = mainJob(config, process.cwd());
    for (const note of notes) process.stderr.write(`main job: ${note}\n`);
    if (jobs.length === 0) {
      if (!config.path)
        throw new ConfigError(
          `nothing to run: there is no modelship.yml in ${process.cwd()}`,
          'modelship run',
          {
            hint: 'create modelship.yml (see the README), or pass --config <file>',
          },
        );
      throw new ConfigError(
        'nothing to run: the config sets up no step',
        relative(process.cwd(), config.path),
        {
          hint: 'set up a step, e.g. data.path for validate-data or a train block',
        },
      );
    }
    const all: Record<string, Record<string, string>> = {};
    const flat: Record<string, string> = {};
    // Whatever ends the run (a "no", a stop, a thrown error), the outputs of the steps that ran
    // are written and the run's last line says how it ended.
    const finish = async (ok: boolean): Promise<void> => {
      await writeOutputs(all, flat, args);
      if (!args.quiet || !ok)
        process.stderr.write(`main job: ${ok ? 'passed' : 'failed'} (${Object.keys(all).join(', ')})\n`);
    };
    let ok = true;
    for (const [i, { step, inputs }] of jobs.entries()) {
      if (!args.quiet) process.stderr.write(`━━ ${step.name} ━━\n`);
      let r: StepResult;
      try {
        r = await runOne(step, { ...inputs, ...args.inputs }, args, signal);
      } catch (e) {
        await finish(false);
        throw e;
      }
      all[step.name] = r.outputs;
      for (const [k, v] of Object.entries(r.outputs)) flat[`${step.name}-${k}`] = v;
      if (!r.ok) {
        ok = false;
        break;
      }
      const move = nextMove(step, r, jobs.slice(i + 1), {
        config: args.inputs.config,
        manifest: args.inputs.manifest,
      });
      if (move.go === 'stop') {
        if (!args.quiet || !move.ok) process.stderr.write(`main job: ${move.message}\n`);
        ok = move.ok;
        break;
      }
    }
    await finish(ok);
    return ok ? 0 : 1;
  }
  // `modelship codepipeline start …`: the operation as a word, the step's `operation` input.
  const [word, ...after] = rest;
  const stepArgv =
    command === 'codepipeline' && word !== undefined && !word.startsWith('-')
      ? ['--operation', word, ...after]
      : rest;
  const step = findStep(command);
  if (!step) {
    throw new ConfigError(
      `unknown command (try: run, steps, registry, endpoint, traffic, ${STEPS.map((s) => s.name).join(', ')})`,
      command,
    );
  }
  const args = parseStepArgs(stepArgv, step);
  if (args.help) {
    process.stdout.write(stepHelp(step) + '\n');
    return 0;
  }
  const r = await runOne(step, args.inputs, args, signal);
  await writeOutputs(r.outputs, r.outputs, args);
  return r.ok ? 0 : 1;
}

const debug = process.argv.includes('--debug') || process.env.RUNNER_DEBUG === '1';

// The host runtime prints a failure as `error: <one line>`, then `hint: <what to do>` when there
// is one, and the stack only under --debug.
void runHosted(
  {
    fail(line, hint, detail) {
      process.stderr.write(`error: ${line}\n`);
      if (hint) process.stderr.write(`hint: ${hint}\n`);
      if (detail) process.stderr.write(`${detail}\n`);
    },
    cancelling: (m) => process.stderr.write(`\n${m}\n`),
  },
  { debug, forceOnSecondSignal: true },
  (signal) => main(process.argv.slice(2), signal),
).then((code) => {
  process.exitCode = code ?? 1;
});
