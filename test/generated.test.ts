import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { allInputs, inputSchema, type AnyStep } from '@modelship/core';
import { STEPS } from '@modelship/catalog';
import { generatedFiles, rootInputs, withWorkflowBlocks } from '../scripts/gen-lib.js';
import { wasmFiles } from '../scripts/gen-wasm.js';

const root = process.cwd();

describe('generated files', () => {
  it.each([...generatedFiles().entries()].map(([p, c]) => [p, c]))(
    '%s is up to date (run npm run gen)',
    (path, content) => {
      expect(readFileSync(join(root, path), 'utf8')).toBe(content);
    },
  );

  it('the WebAssembly modules are up to date with their .wat sources (run npm run gen)', async () => {
    const files = await wasmFiles();
    expect(files.size).toBeGreaterThan(0);
    for (const [path, content] of files)
      expect([path, readFileSync(join(root, path), 'utf8')]).toEqual([path, content]);
  });

  it.each(STEPS.map((s) => [s.name, s] as const))(
    "%s: action.yml inputs and outputs equal the step's schema",
    (name, step) => {
      const action = parse(readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8')) as {
        inputs: Record<string, { required: boolean; default?: string }>;
        outputs: Record<string, unknown>;
        runs: { using: string; main: string };
      };
      const schema = inputSchema(step) as {
        properties: Record<string, { default?: unknown }>;
        required: string[];
      };
      expect(Object.keys(action.inputs).sort()).toEqual(Object.keys(schema.properties).sort());
      for (const [input, spec] of Object.entries(action.inputs)) {
        expect([input, spec.required]).toEqual([input, schema.required.includes(input)]);
        const def = schema.properties[input]!.default;
        expect([input, spec.default]).toEqual([input, def === undefined ? undefined : String(def)]);
      }
      expect(Object.keys(action.outputs).sort()).toEqual(Object.keys(step.outputs).sort());
      expect(action.runs).toMatchObject({ using: 'node24', main: `../../dist/${name}/index.js` });
      // The path the runner resolves from the action's folder reaches the one build.
      expect(existsSync(join(root, 'actions', name, action.runs.main))).toBe(true);
      for (const k of Object.keys(allInputs(step))) expect(k).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    },
  );

  it('every action folder holds action.yml and its README, and no code of its own', () => {
    for (const step of STEPS) {
      const dir = join(root, 'actions', step.name);
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(
        `uses: modelship-dev/modelship/actions/${step.name}@v1`,
      );
      expect(readdirSync(dir).sort()).toEqual(['README.md', 'action.yml']);
    }
    expect(JSON.parse(readFileSync(join(root, 'dist/package.json'), 'utf8'))).toEqual({ type: 'module' });
  });

  it('the root action describes a shared input once, and refuses one declared two ways', () => {
    const root = parse(readFileSync(join(process.cwd(), 'action.yml'), 'utf8')) as {
      inputs: Record<string, { description: string }>;
    };
    for (const common of ['config', 'manifest', 'backend'])
      expect(root.inputs[common]!.description).not.toMatch(/\((validate-data|train)\)$/);
    expect(root.inputs.data!.description).toMatch(/\(validate-data\)$/);
    const clash = {
      ...STEPS[0]!,
      name: 'clash',
      inputs: { wait: { type: 'string', description: 'w' } },
    } as AnyStep;
    expect(() => rootInputs([...STEPS, clash])).toThrow(
      "input 'wait' is declared by train, deploy-canary, codepipeline and clash with a different type and default",
    );
    const same = {
      ...STEPS[0]!,
      name: 'same',
      inputs: { wait: { ...STEPS[1]!.inputs.wait!, description: 'other' } },
    } as AnyStep;
    expect(
      rootInputs([...STEPS, same])
        .get('wait')!
        .by.map((b) => b.step),
    ).toEqual(['train', 'deploy-canary', 'codepipeline', 'same']);
    // Steps that agree on the type but not on the default or the values: no default at the root,
    // each step applies its own (register's operation defaults to register, codepipeline's has none).
    const operation = rootInputs(STEPS).get('operation')!;
    expect(operation.by.map((b) => b.step)).toEqual(['register', 'codepipeline']);
    expect(operation.spec.default).toBeUndefined();
    expect(operation.spec.enum).toBeUndefined();
  });

  it('workflow blocks keep only the named inputs or outputs, prefixed, and refuse unknown names', () => {
    const text = [
      '    outputs:',
      '      # generated:outputs step=register job=approve prefix=approved- only=approval-status',
      '      # end generated',
      '      # generated:job-outputs step=register id=reg only=model-version',
      '      # end generated',
      '      # generated:with step=train only=config prefix=train-',
      '      # end generated',
    ].join('\n');
    const out = parse(withWorkflowBlocks(text, 'x.yml')) as { outputs: Record<string, unknown> };
    expect(out.outputs).toEqual({
      'approved-approval-status': {
        description: STEPS.find((s) => s.name === 'register')!.outputs['approval-status'],
        value: '${{ jobs.approve.outputs.approved-approval-status }}',
      },
      'model-version': '${{ steps.reg.outputs.model-version }}',
      config: '${{ inputs.train-config }}',
    });
    expect(() =>
      withWorkflowBlocks('# generated:inputs step=train only=nope\n# end generated', 'x.yml'),
    ).toThrow('generated:inputs step=train: no input named nope');
  });

  it('an optional workflow input without a default is a string, so unset reaches the action as ""', () => {
    // GitHub gives an unset number input 0 and an unset boolean false: an action would take them
    // for values (canary-percent 0 is refused; dry-run false overrides the config).
    const text = [
      'on:',
      '  workflow_call:',
      '    inputs:',
      '      # generated:inputs step=deploy-canary only=canary-percent,dry-run,wait',
      '      # end generated',
    ].join('\n');
    const inputs = (
      parse(withWorkflowBlocks(text, 'x.yml')) as {
        on: { workflow_call: { inputs: Record<string, { type: string; default?: unknown }> } };
      }
    ).on.workflow_call.inputs;
    expect(inputs['canary-percent']).toMatchObject({ type: 'string', default: '' });
    for (const [name, spec] of Object.entries(inputs))
      if (spec.type !== 'string') expect([name, spec.default]).toEqual([name, expect.anything()]);
    for (const dir of ['.github/workflows', 'workflows']) {
      for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.yml'))) {
        const doc = parse(readFileSync(join(root, dir, file), 'utf8')) as {
          on?: {
            workflow_call?: {
              inputs?: Record<string, { type: string; required?: boolean; default?: unknown }>;
            };
          };
        };
        for (const [name, spec] of Object.entries(doc.on?.workflow_call?.inputs ?? {}))
          if (spec.type !== 'string' && !spec.required)
            expect(`${file}: ${name}: ${String(spec.default)}`).not.toMatch(/: undefined$/);
      }
    }
  });
});
