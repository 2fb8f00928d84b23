import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { allInputs, inputSchema } from '@modelship/core';
import { STEPS } from '@modelship/cli';
import { generatedFiles } from '../scripts/gen-lib.js';

const root = process.cwd();

describe('generated files', () => {
  it.each([...generatedFiles().entries()].map(([p, c]) => [p, c]))(
    '%s is up to date (run npm run gen)',
    (path, content) => {
      expect(readFileSync(join(root, path), 'utf8')).toBe(content);
    },
  );

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
      expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js' });
      for (const k of Object.keys(allInputs(step))) expect(k).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    },
  );

  it('every action folder holds action.yml, README and a committed bundle with its ESM package.json', () => {
    for (const step of STEPS) {
      const dir = join(root, 'actions', step.name);
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(
        `uses: modelship-dev/modelship/actions/${step.name}@v1`,
      );
      expect(JSON.parse(readFileSync(join(dir, 'dist/package.json'), 'utf8'))).toEqual({ type: 'module' });
    }
  });
});
