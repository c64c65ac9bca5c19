// ESLint (flat config): typescript-eslint with type-aware rules, Prettier compatibility, and Nx module
// boundaries: apps -> domain -> workflow; workflow imports only xstate.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'coverage/**', '**/*.js', '**/*.mjs', 'apps/web/vite.config.ts', 'apps/web/src/api/schema.d.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: ['@rogatory/domain/testing'],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['scope:domain', 'scope:workflow'] },
            { sourceTag: 'scope:domain', onlyDependOnLibsWithTags: ['scope:workflow'] },
            {
              sourceTag: 'scope:workflow',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: ['@nestjs/*', '@mikro-orm/*', 'bullmq', 'ioredis', 'nodemailer', 'pg', 'luxon', 'date-holidays'],
            },
          ],
        },
      ],
    },
  },
  {
    // the workflow library is pure: only xstate
    files: ['libs/workflow/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!xstate$|\\./|\\.\\./).*', message: 'libs/workflow imports only xstate (pure machines, no I/O).' }] },
      ],
    },
  },
  {
    files: ['libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@nestjs/common',
              importNames: ['HttpException', 'BadRequestException', 'NotFoundException', 'ConflictException'],
              message: 'libs throw DomainError; the API maps it.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
