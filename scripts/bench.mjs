#!/usr/bin/env node
// `npm run bench [-- NAME]`: builds the benchmark bundles and runs each test/bench/*.bench.ts (or those
// whose file name contains NAME) one after the other, so they do not compete for the two cores.
// Benchmarks print their figures and ratios; they are not tests and never fail on a slow machine.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

process.chdir(new URL('..', import.meta.url).pathname);
const filter = process.argv[2] ?? '';
for (const args of [['esbuild.mjs'], ['esbuild.mjs', '--tests']]) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const dir = join('out', 'test', 'bench');
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
      .sort()
  : [];
if (files.length === 0) {
  console.error(`No benchmark matches "${filter}".`);
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  console.log(`\n### ${f.replace(/\.bench\.js$/, '')}`);
  const r = spawnSync(process.execPath, ['--enable-source-maps', '--expose-gc', join(dir, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
