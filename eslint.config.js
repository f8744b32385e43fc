// ESLint 9 flat config: @eslint/js and typescript-eslint's recommended rules, without type information
// (type-aware rules would make `npm run lint`, which `npm test` runs, cost a second full type check;
// `npm run typecheck` does that once). Formatting is Prettier's job, so no stylistic rules here.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'sample-app/dist/', 'coverage/', 'reports/', 'bench/results/', 'test-output/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // An underscore marks a value left out on purpose (`const { a: _a, ...rest } = x`, a handler's unused parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Nest's reflection and context APIs (Reflector, ExternalContextCreator, handler metadata) are typed with `Function`.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // The STOMP parser and the test clients match NUL and other control bytes on purpose (MALFORMED_HEADER, frame ends).
      'no-control-regex': 'off',
      // Best-effort cleanup and /proc reads ignore their errors with `catch {}`.
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // The sample's page scripts run in the browser.
    files: ['sample-app/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
