// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * typescript-eslint's type-aware recommended rules everywhere. The lesson stubs are unfinished
 * on purpose: a parameter that only the learner's code will use, an async method whose body is
 * still a todo(), so the rules that only finished code can meet are off there.
 */
export default tseslint.config(
  {
    ignores: [
      // wrong answers on purpose: each fixture holds a mistake that a check must reject
      'checks/fixtures/',
      'node_modules/',
      '.workshop/',
      'coverage/',
      'reports/',
      '.stryker-tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      // kafkajs handlers (eachMessage, eachBatch) and the interfaces the tests fake are async by
      // contract: an async function with nothing to await is how they keep that contract
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['lessons/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': 'off',
      '@typescript-eslint/require-await': 'off',
      'no-unreachable': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // the dashboard's page runs in the browser, served as it is (no build step)
    files: ['dashboard/public/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
);
