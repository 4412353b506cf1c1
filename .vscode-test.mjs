// `npx vscode-test` (@vscode/test-cli) runs the integration suite in code-server + Debian Chromium
// through test/vscode/bin/code-server-test, since no desktop VS Code can be downloaded here.
// With a desktop VS Code, drop useInstallation to let test-cli download and use it instead.
// Build first: node esbuild.mjs && node esbuild.mjs --tests
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'out/test/integration/suite/testCliEntry.js',
  useInstallation: { fromPath: 'test/vscode/bin/code-server-test' },
  mocha: { ui: 'bdd', timeout: 60000 },
});
