import { allInputs, ConfigError, type AnyStep } from '@modelship/core';

export interface ParsedArgs {
  inputs: Record<string, string>;
  debug: boolean;
  quiet: boolean;
  help: boolean;
  outputsFile?: string;
  outputsEnv?: string;
}

const GLOBAL_FLAGS = new Set(['debug', 'quiet', 'help']);
// Not `--env-file`: Node 20 takes that flag for itself even after the script name.
const GLOBAL_VALUES = new Set(['outputs-file', 'outputs-env']);

/**
 * An option given with an empty value (`--replay ''`, `--canary-percent=`): refused rather than
 * taken for "not given", which would quietly run something else than asked (a live promote for a
 * replay). A GitHub input's empty string still means "not given": that is the runner's convention.
 */
function emptyValue(flag: string): ConfigError {
  return new ConfigError('is empty', `--${flag}`, {
    hint: 'give it a value, or leave the option out to use its default',
  });
}

/**
 * `--name value`, `--name=value`; boolean inputs also as `--name` / `--no-name`. Flags are the
 * step's input names (kebab-case), so the CLI and the action agree by construction.
 *
 * @throws ConfigError naming an unknown option, one without a value, or one given an empty value.
 */
export function parseStepArgs(
  argv: readonly string[],
  step: Pick<AnyStep, 'inputs'> | undefined,
): ParsedArgs {
  const specs = step ? allInputs(step) : allInputs({ inputs: {} });
  const alias = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    alias.set(name, name);
    for (const a of spec.cliAliases ?? []) alias.set(a, name);
  }
  const out: ParsedArgs = { inputs: {}, debug: false, quiet: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--'))
      throw new ConfigError(`unexpected argument '${arg}' (options are --name value)`, 'command line');
    const [flag, given] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    let value = given;
    if (GLOBAL_FLAGS.has(flag)) {
      out[flag as 'debug' | 'quiet' | 'help'] = value === undefined ? true : value === 'true';
      continue;
    }
    const negated =
      flag.startsWith('no-') &&
      alias.has(flag.slice(3)) &&
      specs[alias.get(flag.slice(3))!]!.type === 'boolean';
    const name = negated ? alias.get(flag.slice(3))! : alias.get(flag);
    if (!name && !GLOBAL_VALUES.has(flag)) {
      throw new ConfigError(`unknown option (see --help for the options)`, `--${flag}`);
    }
    if (negated) {
      out.inputs[name!] = 'false';
      continue;
    }
    const isBool = name !== undefined && specs[name]!.type === 'boolean';
    if (value === undefined) {
      const next = argv[i + 1];
      if (isBool && (next === undefined || next.startsWith('--') || !/^(true|false)$/.test(next)))
        value = 'true';
      else if (next === undefined) throw new ConfigError('needs a value', `--${flag}`);
      else value = argv[++i]!;
    }
    if (value.trim() === '') throw emptyValue(flag);
    if (flag === 'outputs-file') out.outputsFile = value;
    else if (flag === 'outputs-env') out.outputsEnv = value;
    else if (specs[name!]!.cliRepeat && out.inputs[name!] !== undefined)
      out.inputs[name!] = `${out.inputs[name!]}\n${value}`;
    else out.inputs[name!] = value;
  }
  return out;
}

/** `--help` text for a step, generated from its schema. */
export function stepHelp(step: AnyStep): string {
  const lines = [`modelship ${step.name} — ${step.description}`, '', 'Options:'];
  for (const [name, spec] of Object.entries(allInputs(step))) {
    const req = step.required?.includes(name) ? ' (required)' : '';
    const def = spec.default !== undefined ? ` [default: ${String(spec.default)}]` : '';
    const aliases = spec.cliAliases?.length ? ` (also --${spec.cliAliases.join(', --')})` : '';
    const repeat = spec.cliRepeat ? ' (repeatable)' : '';
    lines.push(`  --${name} <${spec.enum ? spec.enum.join('|') : spec.type}>${req}${def}${aliases}${repeat}`);
    lines.push(`      ${spec.description.replace(/`/g, '')}`);
  }
  lines.push(
    '',
    'Output options:',
    '  --outputs-file <path>   also write the outputs as JSON to this file',
    '  --outputs-env <path>     write `export MODELSHIP_<OUTPUT>=value` lines (source it in a CodeBuild buildspec)',
    '  --quiet                 print only the outputs JSON',
    '  --debug                 show stack traces and debug logs',
    '',
    'Outputs:',
    ...Object.entries(step.outputs).map(([k, d]) => `  ${k}: ${(d as string).replace(/`/g, '')}`),
  );
  return lines.join('\n');
}

/** A sub-command's arguments (`modelship registry`, `endpoint`, `traffic`): words and `--flag value`. */
export interface CommandArgs {
  positional: string[];
  flags: Record<string, string>;
}

/**
 * Words, `--name value` and `--name=value` for the names in `known`; `--json`, `--help` and
 * `--debug` as switches ('true').
 * @throws ConfigError naming an unknown option (with `usage`'s --help) one without a value, or one given an empty value.
 */
export function parseCommandArgs(
  argv: readonly string[],
  known: readonly string[],
  usage: string,
): CommandArgs {
  const out: CommandArgs = { positional: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      out.positional.push(a);
      continue;
    }
    const [flag, given] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag === 'json' || flag === 'help' || flag === 'debug') {
      out.flags[flag] = 'true';
      continue;
    }
    if (!known.includes(flag)) throw new ConfigError(`unknown option (see ${usage} --help)`, `--${flag}`);
    const value = given ?? argv[++i];
    if (value === undefined) throw new ConfigError('needs a value', `--${flag}`);
    if (value.trim() === '') throw emptyValue(flag);
    out.flags[flag] = value;
  }
  return out;
}
