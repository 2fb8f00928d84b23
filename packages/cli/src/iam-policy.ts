// `modelship iam-policy`: the least-privilege IAM policy of the steps a config sets up (or of one
// step), narrowed to the config's model, buckets, roles and endpoint (docs/iam.md).
import { STEPS } from '@modelship/catalog';
import { ConfigError, loadConfig } from '@modelship/core';
import { parseCommandArgs } from './args.js';
import { mainJob } from './main-job.js';

export const IAM_POLICY_USAGE = `Usage:
  modelship iam-policy [--step <step>] [--config modelship.yml] [--account <id>] [--region <region>]
                       [--format json|cloudformation]
      The IAM policy document each step needs, narrowed to the config's model, package group,
      buckets, roles and endpoint. Without --step: every step the config sets up (and codepipeline
      when the config has a codepipeline block). --account defaults to * (any); --region to the
      config's region, else AWS_REGION, as the steps choose theirs, else *; --format cloudformation writes the
      statements with \${AWS::Partition}, \${AWS::Region} and \${AWS::AccountId} for a template.`;

/** Run `modelship iam-policy`: the policy on stdout, its size warnings on stderr; 0 on success. */
export async function iamPolicyCommand(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs(
    argv,
    ['step', 'config', 'account', 'region', 'format'],
    'modelship iam-policy',
  );
  if (args.flags.help) {
    process.stdout.write(IAM_POLICY_USAGE + '\n');
    return 0;
  }
  if (args.positional.length > 0)
    throw new ConfigError(`unexpected argument '${args.positional[0]}'`, 'modelship iam-policy', {
      hint: 'name a step with --step',
    });
  const format = args.flags.format ?? 'json';
  if (format !== 'json' && format !== 'cloudformation')
    throw new ConfigError(`must be json or cloudformation, got '${format}'`, '--format');
  const account = args.flags.account;
  if (account !== undefined && !/^\d{12}$/.test(account))
    throw new ConfigError(`must be a 12-digit AWS account id, got '${account}'`, '--account');
  const region = args.flags.region;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new ConfigError(`is not an AWS region, got '${region}'`, '--region');
  // Loaded here: only this command needs the policy model.
  const aws = await import('@modelship/aws');
  const known = aws.POLICY_STEPS as readonly string[];
  const step = args.flags.step;
  if (step !== undefined && !known.includes(step))
    throw new ConfigError(`unknown step '${step}' (steps: ${known.join(', ')})`, '--step');
  const cwd = process.cwd();
  const config = await loadConfig(args.flags.config, cwd, STEPS);
  const planned = mainJob(config, cwd);
  // The steps left out of the main job are left out of its policy: say so, as modelship run does.
  if (step === undefined) for (const note of planned.notes) process.stderr.write(`note: ${note}\n`);
  const steps = (
    step !== undefined
      ? [step]
      : [...planned.jobs.map((j) => j.step.name), ...(config.values.codepipeline ? ['codepipeline'] : [])]
  ).filter((s): s is (typeof aws.POLICY_STEPS)[number] => known.includes(s));
  if (steps.length === 0)
    throw new ConfigError('sets up no step, so there is no policy to print', config.path ?? 'modelship.yml', {
      hint: 'name one with --step',
    });
  const cfn = format === 'cloudformation';
  // As the steps choose their region: the config's, else the environment's.
  const configRegion = typeof config.values.region === 'string' ? config.values.region : undefined;
  const scoped = region ?? configRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const scope = aws.scopeFromConfig(config.values, {
    account: cfn ? (account ?? aws.CLOUDFORMATION_PLACE.account) : (account ?? '*'),
    region: cfn ? (region ?? aws.CLOUDFORMATION_PLACE.region) : (scoped ?? '*'),
    partition: cfn && !region ? aws.CLOUDFORMATION_PLACE.partition : aws.partitionOf(scoped ?? ''),
  });
  const doc = aws.policyDocument(steps, scope);
  for (const problem of aws.policyProblems(doc)) process.stderr.write(`warning: ${problem}\n`);
  const out = cfn ? { ...doc, Statement: aws.cloudFormationStatements(doc.Statement) } : doc;
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return 0;
}
