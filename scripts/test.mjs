#!/usr/bin/env node
// The one test command (`npm test`), used by the README and by .ci/run.
//   npm test            everything: environment check/installs, build, typecheck, lint, unit tests,
//                       then the suites that need real parts (sshd, VS Code in Chromium)
//   npm test -- --unit  build + typecheck + lint + plain-Node unit tests only
// It ends with one line `N passed, N failed` that sums every suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const unitOnly = process.argv.includes('--unit');
const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

let passed = 0;
let failed = 0;
const failures = [];

function run(title, cmd, args, opts = {}) {
  console.log(`\n=== ${title}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...(opts.env ?? {}) } });
  if (r.status !== 0) {
    failures.push(`${title} (exit ${r.status ?? r.signal})`);
    return false;
  }
  return true;
}

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Runs node's test runner over compiled test files; counts come from a TAP copy of the report. */
function nodeTests(title, dir) {
  const files = walk(dir).filter((f) => f.endsWith('.test.js')).sort();
  if (files.length === 0) return;
  mkdirSync('out', { recursive: true });
  const tap = join('out', `${title.replace(/\W+/g, '-')}.tap`);
  run(title, process.execPath, [
    '--enable-source-maps', '--test', '--test-concurrency=2',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const p = /^# pass (\d+)$/m.exec(text);
  const f = /^# fail (\d+)$/m.exec(text);
  passed += p ? Number(p[1]) : 0;
  failed += f ? Number(f[1]) : 0;
}

if (!unitOnly) run('environment', 'bash', ['scripts/ensure-test-env.sh']);
if (!run('build', process.execPath, ['esbuild.mjs']) || !run('build tests', process.execPath, ['esbuild.mjs', '--tests'])) {
  console.log(`\n0 passed, 1 failed`);
  process.exit(1);
}
// Everything in one program, then each layer with only its own types: Node without DOM for the host,
// core, CLI and demo; DOM without Node for the webview.
for (const project of ['tsconfig.json', 'tsconfig.host.json', 'tsconfig.webview.json']) {
  run(`typecheck ${project}`, process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', project]);
}
run('lint', process.execPath, ['node_modules/eslint/bin/eslint.js', 'src', 'test', '--max-warnings=0']);

nodeTests('unit', 'out/test/unit');
if (!unitOnly) {
  nodeTests('ssh', 'out/test/ssh');
  // Suites in real VS Code (code-server + Chromium) report their own counts through a JSON file.
  // e2e-vsix: the packaged .vsix installed into code-server (test/e2e/vsix.ts).
  // e2e-frames: frames, CodeLens, hover and Add Path Mapping… in the workbench (test/e2e/frames.ts).
  // trust: a hostile repository, with consent modals and in Restricted Mode (test/trust/run.ts).
  const runners = [['integration', 'out/test/integration/run.js'], ['trust', 'out/test/trust/run.js'], ['e2e', 'out/test/e2e/run.js'], ['e2e-vsix', 'out/test/e2e/vsix.js'], ['e2e-frames', 'out/test/e2e/frames.js']];
  for (const [suite, runner] of runners) {
    if (!existsSync(runner)) continue;
    const summary = join('out', `${suite}-summary.json`);
    run(suite, process.execPath, ['--enable-source-maps', runner], { env: { SENTRY_RCA_TEST_SUMMARY: join(root, summary) } });
    if (existsSync(summary)) {
      const s = JSON.parse(readFileSync(summary, 'utf8'));
      passed += s.passed ?? 0;
      failed += s.failed ?? 0;
    }
  }
}

if (failures.length) {
  console.log(`\nFailed steps: ${failures.join(', ')}`);
  if (failed === 0) failed = failures.length;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failures.length || failed ? 1 : 0);
