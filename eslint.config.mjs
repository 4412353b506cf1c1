// Lint: typescript-eslint's recommended rules plus the layer rule that keeps the core reusable and the
// webview a browser bundle (scripts/eslintLayers.mjs says which part of src/ may import which): core
// imports neither host, webview, cli nor demo; webview and shared import no Node built-in and nothing
// from core; nothing but src/host imports `vscode` (types included), and the host modules that
// plain-Node tests load import only its types. test/unit/lint/layers.test.ts shows each one fails.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { layersPlugin, plainNodeHostModules } from './scripts/eslintLayers.mjs';

const root = dirname(fileURLToPath(import.meta.url));

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tools/**', 'test/fixtures/**/*.js', 'test/fixtures/**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'sentry-rca': layersPlugin },
    rules: {
      'sentry-rca/layers': [
        'error',
        { srcDir: join(root, 'src'), plainNode: plainNodeHostModules(root).map((f) => join(root, f)) },
      ],
    },
  },
  { files: ['src/extension.ts', 'src/app.ts', 'src/host/**/*.ts'], rules: { 'no-console': 'error' } },
);
