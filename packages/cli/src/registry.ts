// `modelship registry list|show`: the model registry for a person (either backend), in the terminal.
import { STEPS } from '@modelship/catalog';
import { ConfigError, loadConfig } from '@modelship/core';
import { parseCommandArgs } from './args.js';
import { formatColumns } from './terminal.js';

export const REGISTRY_USAGE = `Usage:
  modelship registry list [--group <name>] [--config modelship.yml] [--backend local|sagemaker] [--json]
      The group's packages, newest first (the group defaults to registry.group, else model);
      every group when none is named.
  modelship registry show <package-arn> [--config …] [--backend …]
      One package as JSON (on the local backend: model-package/<group>/<version>).`;

export async function registryCommand(argv: readonly string[], signal: AbortSignal): Promise<number> {
  const [command = '', ...rest] = argv;
  const args = { command, ...parseCommandArgs(rest, ['group', 'config', 'backend'], 'modelship registry') };
  if (args.flags.help || ['', 'help', '--help', '-h'].includes(args.command)) {
    process.stdout.write(REGISTRY_USAGE + '\n');
    return 0;
  }
  const cwd = process.cwd();
  const config = await loadConfig(args.flags.config, cwd, STEPS);
  const backend = args.flags.backend ?? config.values.backend ?? 'local';
  if (backend !== 'local' && backend !== 'sagemaker')
    throw new ConfigError('must be local or sagemaker', '--backend');
  // Loaded here: only this command needs the registry (and its AWS clients).
  const { openRegistry, registryGroup } = await import('@modelship/registry');
  const ctx = { config, cwd, backend, env: process.env, signal, now: () => new Date() } as const;
  const registry = openRegistry(ctx);
  if (args.command === 'show') {
    const arn = args.positional[0];
    if (!arn) throw new ConfigError('needs a package ARN', 'modelship registry show');
    process.stdout.write(JSON.stringify(await registry.describe(arn), null, 2) + '\n');
    return 0;
  }
  if (args.command !== 'list')
    throw new ConfigError('unknown registry command (list, show)', `modelship registry ${args.command}`);
  let group: string | undefined;
  try {
    group = registryGroup(ctx, args.flags.group, '--group');
  } catch (err) {
    if (args.flags.group || !(err instanceof ConfigError && /nothing names/.test(err.message))) throw err;
  }
  if (!group) {
    const groups = await registry.groups();
    if (args.flags.json) process.stdout.write(JSON.stringify(groups, null, 2) + '\n');
    else
      process.stdout.write(
        groups.length > 0 ? groups.join('\n') + '\n' : `no model package groups in ${registry.location}\n`,
      );
    return 0;
  }
  const packages = await registry.list(group);
  if (args.flags.json) {
    process.stdout.write(JSON.stringify(packages, null, 2) + '\n');
    return 0;
  }
  if (packages.length === 0) {
    process.stdout.write(`${group}: no packages in ${registry.location}\n`);
    return 0;
  }
  const champion = packages.find((p) => p.ModelApprovalStatus === 'Approved');
  process.stdout.write(`${group} in ${registry.location}\n\n`);
  process.stdout.write(
    formatColumns(
      ['version', 'status', 'created', 'package', ''],
      packages.map((p) => [
        String(p.ModelPackageVersion),
        p.ModelApprovalStatus,
        p.CreationTime,
        p.ModelPackageArn,
        p === champion ? '← champion' : '',
      ]),
    ) + '\n',
  );
  return 0;
}
