// ESLint, type-aware (typescript-eslint's project service reads tsconfig.json). `npm run lint` runs it with
// --max-warnings=0 and then dependency-cruiser for import cycles (.dependency-cruiser.mjs).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      '**/dist/',
      '**/node_modules/',
      'test-results/',
      'data/',
      // Generated from the OpenAPI document (npm run openapi:types); a test checks it is current.
      'examples/bmos-node/src/checkout-best-api.d.ts',
      // The Stripe.js double: plain browser JavaScript served as-is, one long file on purpose, no build step.
      '**/stripejs-double/stripe.js',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // The root config files are in no tsconfig; they get TypeScript's default project.
          allowDefaultProject: ['*.mjs', 'test/*.mjs', 'scripts/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },

  // Prettier (.prettierrc.json, checked by `npm run lint`) lays the code out at 160 columns but cannot break a
  // comment or a long literal: comments and JSX text are held to the same width here; strings, templates and
  // regular expressions may run over (Stripe's own messages and SQL are quoted whole).
  {
    rules: {
      'max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },

  // The promise rules the project requires, stated as errors even where the preset already has them.
  {
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test()/describe()/it() return promises the runner itself tracks; awaiting them is not
          // how node:test is used (subtests are awaited through t.test, which stays checked).
          allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      'require-await': 'off',
      '@typescript-eslint/require-await': 'error',
    },
  },

  // The codebase marks a deliberately unused binding with a leading underscore (`const { secret: _secret,
  // ...rest } = endpoint`, `(_m, name) => …`), as the compiler's noUnusedLocals/noUnusedParameters accept;
  // the rule follows the same convention instead of contradicting the type check.
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  // Tests read JSON answers (fetch's res.json(), the helpers' Answer<T = any>) as `any` on purpose and pin
  // their shape with assertions; typing every body would restate the API in the tests. The no-unsafe-* rules
  // and no-explicit-any would flag each property read of such a body (about 750 findings), so they are off in
  // test code only. The emulator's and the double's own source is not test code and keeps them.
  {
    files: ['test/**/*.{ts,tsx}', '**/*.test.{ts,tsx}', 'emulator/test/**/*.{ts,tsx}'],
    ignores: ['test/support/stripe-emulator/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // Node scripts written in JavaScript (configs, the test runner). Type-checked through TypeScript's default
  // project, but JavaScript has no annotations: every parameter is `any`, so the no-unsafe-* rules only
  // restate that; the promise rules still see the typed libraries they call.
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // The storefront example's page script: plain browser JavaScript, not type-checked (not in any project).
  {
    files: ['examples/storefront/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'script',
      globals: { ...globals.browser, CheckoutBest: 'readonly' },
    },
  },
);
