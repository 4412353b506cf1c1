// For @vscode/test-cli (.vscode-test.mjs): loads the suites in their numbered order, as index.ts does,
// because they follow one user's path (unconfigured → token → sync → filters → timer → errors → clear).
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const load = createRequire(__filename);
for (const f of readdirSync(__dirname)
  .filter((n) => n.endsWith('.itest.js'))
  .sort())
  load(join(__dirname, f));
