// Everything generated from the step definitions and schemas: action.yml files, published JSON
// Schemas, and the inputs/outputs tables in the action READMEs. `npm run gen` writes them; a test
// fails when a committed file differs from what this produces.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  CLOUDFORMATION_PLACE,
  cloudFormationStatements,
  policyDocument,
  policySize,
  POLICY_SIZE_LIMITS,
  POLICY_STEPS,
  type PolicyScope,
  type PolicyStep,
} from '@modelship/aws';
import { STEPS } from '@modelship/catalog';
import {
  allInputs,
  composeConfigSchema,
  composeManifestSchema,
  inputSchema,
  type AnyStep,
  type InputSpec,
} from '@modelship/core';

export const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');

const json = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';

function actionInput(name: string, spec: InputSpec, required: boolean): Record<string, unknown> {
  const input: Record<string, unknown> = { description: spec.description, required };
  if (spec.default !== undefined) input.default = String(spec.default);
  return input;
}

function actionYml(step: AnyStep): string {
  const inputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(allInputs(step))) {
    inputs[name] = actionInput(name, spec, step.required?.includes(name) ?? false);
  }
  const outputs = Object.fromEntries(Object.entries(step.outputs).map(([k, d]) => [k, { description: d }]));
  // One build for every action (dist/ at the repository root): the runner downloads the whole
  // repository for `uses: owner/modelship/actions/<step>@ref`, so the path reaches it.
  const runs: Record<string, string> = { using: 'node24', main: `../../dist/${step.name}/index.js` };
  if (step.post) Object.assign(runs, { post: `../../dist/${step.name}/post.js`, 'post-if': 'always()' });
  return (
    `# Generated from the step definition by \`npm run gen\`: edit the step, not this file.\n` +
    stringify(
      {
        name: step.title,
        description: step.description,
        author: 'modelship',
        branding: { icon: 'package', color: 'blue' },
        inputs,
        outputs,
        runs,
      },
      { lineWidth: 0 },
    )
  );
}

interface Shared {
  spec: InputSpec;
  required: boolean;
  by: { step: string; description: string }[];
}

/** One description for an input or output several steps share: theirs when they agree, else each named. */
function neutral(by: { step: string; description: string }[], total: number): string {
  const texts = new Set(by.map((b) => b.description));
  if (texts.size === 1) {
    const [only] = by;
    return by.length === total || by.length > 1 ? only!.description : `${only!.description} (${only!.step})`;
  }
  return by.map((b) => `\`${b.step}\`: ${b.description}`).join(' ');
}

/**
 * The root action's inputs: the union of the steps' inputs, each described once. The runner hands
 * an input's `action.yml` default to whichever step runs, so an input several steps declare with
 * different defaults or allowed values gets no default there (each step applies its own schema's
 * default to an input left empty); two steps that declare it with a different type cannot share
 * it: generation fails.
 */
export function rootInputs(steps: readonly AnyStep[]): Map<string, Shared> {
  const shared = new Map<string, Shared>();
  for (const step of steps) {
    for (const [name, spec] of Object.entries(allInputs(step))) {
      const seen = shared.get(name);
      if (!seen) {
        shared.set(name, { spec, required: false, by: [{ step: step.name, description: spec.description }] });
        continue;
      }
      const differs = (['type', 'default', 'enum'] as const).filter(
        (k) => JSON.stringify(seen.spec[k]) !== JSON.stringify(spec[k]),
      );
      if (differs.includes('type')) {
        throw new Error(
          `input '${name}' is declared by ${seen.by.map((b) => b.step).join(', ')} and ${step.name} with a different ${differs.join(' and ')}: the root action cannot pass one value to both (rename one, or make them agree)`,
        );
      }
      if (differs.length > 0) {
        const { default: _default, enum: _enum, ...rest } = seen.spec;
        seen.spec = rest;
      }
      seen.by.push({ step: step.name, description: spec.description });
    }
  }
  return shared;
}

function rootActionYml(steps: readonly AnyStep[]): string {
  const inputs: Record<string, unknown> = {
    step: {
      description: `The step to run: ${steps.map((s) => `\`${s.name}\``).join(', ')}.`,
      required: true,
    },
  };
  for (const [name, s] of rootInputs(steps)) {
    const input = actionInput(name, s.spec, false);
    input.description = neutral(s.by, steps.length);
    inputs[name] = input;
  }
  const outs = new Map<string, { step: string; description: string }[]>();
  for (const step of steps)
    for (const [k, d] of Object.entries(step.outputs))
      outs.set(k, [...(outs.get(k) ?? []), { step: step.name, description: d as string }]);
  const outputs = Object.fromEntries(
    [...outs].map(([k, by]) => [k, { description: neutral(by, steps.length) }]),
  );
  return (
    `# Generated by \`npm run gen\`: the root action runs any step, chosen by the \`step\` input.\n` +
    stringify(
      {
        name: 'modelship',
        description: `CI/CD for machine-learning models: run any modelship step (${steps.map((s) => s.name).join(', ')}) by name.`,
        author: 'modelship',
        branding: { icon: 'package', color: 'blue' },
        inputs,
        outputs,
        runs: { using: 'node24', main: 'dist/index.js', post: 'dist/post.js', 'post-if': 'always()' },
      },
      { lineWidth: 0 },
    )
  );
}

const START = '<!-- generated:interface:start -->';
const END = '<!-- generated:interface:end -->';

function interfaceTables(step: AnyStep): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const rows = Object.entries(allInputs(step)).map(
    ([n, s]) =>
      `| \`${n}\` | ${step.required?.includes(n) ? 'yes' : 'no'} | ${s.default !== undefined ? `\`${String(s.default)}\`` : ''} | ${esc(s.description)} |`,
  );
  const outs = Object.entries(step.outputs).map(([n, d]) => `| \`${n}\` | ${esc(d as string)} |`);
  return [
    START,
    '### Inputs',
    '',
    '| input | required | default | description |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    '### Outputs',
    '',
    '| output | description |',
    '| --- | --- |',
    ...outs,
    END,
  ].join('\n');
}

/** Replace the generated block of a README (or report that it is missing). */
function withTables(readme: string, step: AnyStep): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a === -1 || b === -1) return readme;
  return readme.slice(0, a) + interfaceTables(step) + readme.slice(b + END.length);
}

// Reusable workflows (.github/workflows/*.yml) carry a step's inputs and outputs between marker
// comments; the blocks are generated from the step's definition, the rest of the file is hand-kept:
//   # generated:inputs step=<name>                 on.workflow_call.inputs entries
//   # generated:outputs step=<name> job=<job id>   on.workflow_call.outputs entries
//   # generated:job-outputs step=<name> id=<step id>   the job's outputs
//   # generated:with step=<name>                   the action step's `with:` entries
//   # end generated
// Every kind takes `only=a,b` or `except=a,b` (the step's inputs, or outputs, to keep or leave
// out) and `prefix=p-`: the workflow's input or output is named `p-<name>` (a workflow that runs
// several steps tells their `report`s apart; the action's own names are unchanged).
const MARKER = /^( *)# generated:([a-z-]+) (.*)$/;

// A workflow_call input left unset is '' for a string but 0 for a number and false for a boolean:
// an optional input whose step has no default of its own (the config, or the step, decides) is
// declared a string, so that unset reaches the action as '' ("not given"), never as 0 or false.
function workflowInput(spec: InputSpec, required: boolean): Record<string, unknown> {
  const typed = spec.type === 'boolean' ? 'boolean' : spec.type === 'string' ? 'string' : 'number';
  const type = !required && spec.default === undefined ? 'string' : typed;
  const input: Record<string, unknown> = { description: spec.description, required, type };
  if (!required) input.default = spec.default ?? '';
  return input;
}

function workflowBlock(kind: string, args: Record<string, string>, indent: string): string {
  const step = STEPS.find((s) => s.name === args.step);
  if (!step) throw new Error(`generated:${kind}: no step named '${args.step ?? ''}'`);
  const list = (v: string | undefined): string[] => (v ?? '').split(',').filter(Boolean);
  const only = args.only === undefined ? undefined : new Set(list(args.only));
  const except = new Set(list(args.except));
  const prefix = args.prefix ?? '';
  const keep = <T>(entries: [string, T][]): [string, T][] => {
    const names = new Set(entries.map(([n]) => n));
    const unknown = [...(only ?? []), ...except].filter((n) => !names.has(n));
    if (unknown.length > 0)
      throw new Error(
        `generated:${kind} step=${step.name}: no ${kind.includes('output') ? 'output' : 'input'} named ${unknown.join(', ')}`,
      );
    return entries.filter(([n]) => (only ? only.has(n) : true) && !except.has(n));
  };
  const inputs = (): [string, InputSpec][] => keep(Object.entries(allInputs(step)));
  const outputs = (): [string, string][] => keep(Object.entries(step.outputs as Record<string, string>));
  let value: Record<string, unknown>;
  if (kind === 'inputs') {
    value = Object.fromEntries(
      inputs().map(([n, spec]) => [prefix + n, workflowInput(spec, step.required?.includes(n) ?? false)]),
    );
  } else if (kind === 'with') {
    value = Object.fromEntries(inputs().map(([n]) => [n, `\${{ inputs.${prefix}${n} }}`]));
  } else if (kind === 'outputs') {
    value = Object.fromEntries(
      outputs().map(([n, d]) => [
        prefix + n,
        { description: d, value: `\${{ jobs.${args.job}.outputs.${prefix}${n} }}` },
      ]),
    );
  } else if (kind === 'job-outputs') {
    value = Object.fromEntries(outputs().map(([n]) => [prefix + n, `\${{ steps.${args.id}.outputs.${n} }}`]));
  } else {
    throw new Error(`unknown generated block '${kind}'`);
  }
  return stringify(value, { lineWidth: 0, singleQuote: true })
    .trimEnd()
    .split('\n')
    .map((l) => indent + l)
    .join('\n');
}

/** A workflow with its generated blocks rewritten from the step definitions. */
export function withWorkflowBlocks(text: string, file: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i]!);
    out.push(lines[i]!);
    if (!m) continue;
    const [, indent = '', kind = '', rest = ''] = m;
    const args = Object.fromEntries(rest.split(/\s+/).map((kv) => kv.split('=') as [string, string]));
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() !== '# end generated') j++;
    if (j === lines.length) throw new Error(`${file}:${i + 1}: generated:${kind} has no '# end generated'`);
    out.push(workflowBlock(kind, args, indent), lines[j]!);
    i = j;
  }
  return out.join('\n');
}

/** The CodePipeline template's IAM scope: its parameters in place of a config's names. */
export function templateScope(): PolicyScope {
  const data = { read: ['s3://${DataBucketName}/'], write: ['s3://${DataBucketName}/'] };
  const role = '${SageMakerRoleArn}';
  return {
    ...CLOUDFORMATION_PLACE,
    model: '${ModelName}',
    // ModelPackageGroupName, or ModelName when it is empty (TEMPLATE_VARIABLES).
    group: '${PackageGroup}',
    endpoint: '${ModelName}',
    roles: { train: role, evaluate: role, deploy: role },
    alarms: [],
    // The serving image's repository is not a parameter: any of the account's, in any region.
    images: [{ region: '*', account: '${AWS::AccountId}', repository: '*' }],
    s3: Object.fromEntries(POLICY_STEPS.map((s) => [s, data])),
    pipeline: { name: '${ModelName}-release', stage: '*', action: '*' },
    stack: '${AWS::StackName}',
  };
}

/** Values the template's policies substitute that are not parameters of their own. */
const TEMPLATE_VARIABLES = {
  PackageGroup: { 'Fn::If': ['HasPackageGroupName', { Ref: 'ModelPackageGroupName' }, { Ref: 'ModelName' }] },
};

const IAM_MARKER = /^(\s*)# generated:iam steps=([a-z,-]+)\s*$/;

/**
 * The template with the statements between each `# generated:iam steps=a,b` and
 * `# end generated` written from the policy model ({@link templateScope}), as a list of YAML
 * statements at the marker's indentation. Throws when a role's statements exceed IAM's inline size.
 */
export function withIamBlocks(text: string, file: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = IAM_MARKER.exec(lines[i]!);
    out.push(lines[i]!);
    if (!m) continue;
    const [, indent = '', list = ''] = m;
    const steps = list.split(',');
    for (const step of steps)
      if (!(POLICY_STEPS as readonly string[]).includes(step))
        throw new Error(`${file}:${i + 1}: generated:iam names no step '${step}'`);
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() !== '# end generated') j++;
    if (j === lines.length) throw new Error(`${file}:${i + 1}: generated:iam has no '# end generated'`);
    const doc = policyDocument(steps as PolicyStep[], templateScope());
    if (policySize(doc) > POLICY_SIZE_LIMITS.roleInline)
      throw new Error(`${file}:${i + 1}: the statements of ${list} are over IAM's inline size`);
    const yaml = stringify(cloudFormationStatements(doc.Statement, TEMPLATE_VARIABLES), {
      aliasDuplicateObjects: false,
      lineWidth: 0,
      singleQuote: true,
    }).trimEnd();
    out.push(...yaml.split('\n').map((l) => `${indent}${l}`), lines[j]!);
    i = j;
  }
  return out.join('\n');
}

/** path (relative to the repo root) → expected content. */
export function generatedFiles(): Map<string, string> {
  const out = new Map<string, string>();
  out.set('schemas/modelship.schema.json', json(composeConfigSchema(STEPS)));
  out.set('schemas/manifest.schema.json', json(composeManifestSchema(STEPS)));
  out.set('action.yml', rootActionYml(STEPS));
  const wfDir = join(ROOT, '.github', 'workflows');
  for (const name of readdirSync(wfDir).sort()) {
    const text = readFileSync(join(wfDir, name), 'utf8');
    if (text.includes('# generated:')) out.set(`.github/workflows/${name}`, withWorkflowBlocks(text, name));
  }
  const template = 'workflows/codepipeline/pipeline.yml';
  out.set(template, withIamBlocks(readFileSync(join(ROOT, template), 'utf8'), template));
  for (const step of STEPS) {
    out.set(`schemas/steps/${step.name}.inputs.schema.json`, json(inputSchema(step)));
    out.set(`actions/${step.name}/action.yml`, actionYml(step));
    const readme = join(ROOT, 'actions', step.name, 'README.md');
    if (existsSync(readme))
      out.set(`actions/${step.name}/README.md`, withTables(readFileSync(readme, 'utf8'), step));
  }
  return out;
}
