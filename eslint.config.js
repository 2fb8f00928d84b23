import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'node_modules/**',
      '.cache/**',
      'coverage/**',
      'examples/**/data/**',
      'bench/out/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The house rules (docs/architecture.md). Core names no step and loads no AWS SDK; a step's
  // definition stays light (hosts load every definition at start); the CSV worker thread loads no
  // AWS code. test/architecture.test.ts checks the same on the import graph.
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@smithy/*'],
              message: 'core loads no AWS SDK: put AWS code in @modelship/aws.',
            },
            {
              group: ['@modelship/*', '!@modelship/core'],
              message: 'core names no other package: steps register with the catalogue.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/*/src/definition.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@smithy/*', '@modelship/*', '!@modelship/core'],
              message:
                "a step's definition is loaded at every start: import heavy code from the implementation (load()).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/data/src/readers/csv-worker.ts', 'packages/data/src/readers/csv-part.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@smithy/*', '@modelship/aws'],
              message: 'the CSV worker thread loads no AWS code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        performance: 'readonly',
      },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { process: 'readonly', require: 'readonly', module: 'writable', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
