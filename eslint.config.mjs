// Lint: typescript-eslint's recommended rules plus the one boundary that keeps the core reusable:
// nothing under src/core, src/shared or src/webview may import `vscode` (type-only imports included,
// so the CLI bundle can never pull the host API in by accident).
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'src/core, src/shared and src/webview must stay free of the VS Code API; put this in src/host/.' }],
  }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tools/**', 'test/fixtures/**/*.js', 'test/fixtures/**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  { files: ['src/core/**/*.ts', 'src/shared/**/*.ts', 'src/webview/**/*.ts'], rules: noVscode },
  { files: ['src/extension.ts', 'src/app.ts', 'src/host/**/*.ts'], rules: { 'no-console': 'error' } },
);
