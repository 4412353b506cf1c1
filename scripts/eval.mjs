#!/usr/bin/env node
// `npm run eval [-- CASE...]`: builds the test bundles and runs the RCA evaluation corpus (test/rca),
// printing the per-case and total figures of the current rules and of the rules before issue 11.
import { spawnSync } from 'node:child_process';

process.chdir(new URL('..', import.meta.url).pathname);
const build = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync(process.execPath, ['--enable-source-maps', 'out/test/rca/main.js', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
