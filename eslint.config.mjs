// ESLint for the TypeScript sources: ESLint's and typescript-eslint's recommended rules (syntax
// only, no type information, so a full run stays fast) and the folder boundaries of the layers.
import { defineConfig } from 'eslint/config';
import { builtinRules } from 'eslint/use-at-your-own-risk';
import tseslint from 'typescript-eslint';
import boundaries from './lint/boundaries-plugin.mjs';

// ESLint's own recommended set, read from its rules' metadata (the same list `@eslint/js`
// publishes) so no further package is needed.
const eslintRecommended = Object.fromEntries(
  [...builtinRules].filter(([, rule]) => rule.meta?.docs?.recommended).map(([name]) => [name, 'error']),
);

/** The layers: folder units, what the lower layers may import, and who owns the heavy packages. */
const layerSettings = {
  units: ['src/*', 'webview'],
  importsOnly: {
    'src/core': [],
    'src/contracts': ['src/core'],
    webview: ['src/core', 'src/contracts'],
  },
  // The webview is bundled for the browser on its own; the host shares code with it through contracts.
  importedOnlyBy: { webview: [] },
  packageOwners: {
    vscode: ['src/extension'],
    'onnxruntime-node': ['src/engine'],
  },
  noNodeBuiltins: ['src/core', 'src/contracts', 'webview'],
};

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cache/**',
      'bench/models/**',
      'test/fixtures/**',
      'test/e2e/workspace/**',
      'test/e2e/artifacts/**',
      'vectors/**',
    ],
  },
  { files: ['**/*.{ts,mts,mjs}'], rules: eslintRecommended },
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mts}'],
    rules: {
      // TypeScript's own noUnusedLocals/noUnusedParameters already enforce this.
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  {
    // CommonJS preloads load their dependencies with require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { boundaries },
    settings: { boundaries: layerSettings },
    rules: {
      'boundaries/layers': 'error',
      'boundaries/no-cycles': 'error',
    },
  },
);
