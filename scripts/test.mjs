#!/usr/bin/env node
// The one test command (`npm test`), used by the README and by .ci/run.
//   npm test            everything: environment check/installs, build, typecheck, lint, unit tests,
//                       then the suites that need real parts (sshd, VS Code in Chromium)
//   npm test -- --unit  build + typecheck + lint + plain-Node unit tests only
//   npm test -- --grep TEXT   only the tests whose name contains TEXT (node --test-name-pattern and
//                       SENTRY_RCA_TEST_GREP for the suites in VS Code)
// It ends with one line `N passed, N failed, N skipped` that sums every suite (CI reads it). A cancelled
// test (its file crashed or timed out) is a failure; a todo counts as skipped. In CI (`CI=true`) a skip
// is a failure: scripts/ensure-test-env.sh provides every tool the suites need, so nothing may skip.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const unitOnly = process.argv.includes('--unit');
const grepAt = process.argv.indexOf('--grep');
const grep = grepAt >= 0 ? process.argv[grepAt + 1] : undefined;
if (grepAt >= 0 && !grep) {
  console.error('--grep needs a text: npm test -- --grep "Sync Now"');
  process.exit(2);
}
const ci = process.env.CI === 'true' || process.env.CI === '1';
const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
const skippedIn = [];

// Counts from an earlier run must never be added in: a runner that dies before writing its summary
// would otherwise report the last run's numbers.
mkdirSync('out', { recursive: true });
for (const name of readdirSync('out')) {
  if (name.endsWith('-summary.json') || name.endsWith('.tap')) rmSync(join('out', name), { force: true });
}

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
  const files = walk(dir)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  if (files.length === 0) return;
  mkdirSync('out', { recursive: true });
  const tap = join('out', `${title.replace(/\W+/g, '-')}.tap`);
  run(title, process.execPath, [
    '--enable-source-maps',
    '--test',
    '--test-concurrency=2',
    ...(grep ? [`--test-name-pattern=${grep.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`] : []),
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const counts = tapCounts(existsSync(tap) ? readFileSync(tap, 'utf8') : '');
  if (!counts) {
    failures.push(`${title} (no test report)`);
    return;
  }
  add(title, counts);
}

/**
 * The counts of node's TAP report. A cancelled test is a failure. Skips are counted from the `# SKIP`
 * and `# TODO` directives, at any depth, because node's closing `# skipped` leaves out a skipped
 * `describe` (and all the tests in it).
 */
function tapCounts(text) {
  const n = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  if (!/^# tests \d+$/m.test(text)) return null;
  // (Tests left out by --grep are not skips: node marks them "test name does not match pattern".)
  const directives = (d) =>
    text
      .split('\n')
      .filter(
        (l) => new RegExp(`^\\s*ok \\d+ - .* # ${d}\\b`).test(l) && !/# SKIP test name does not match pattern$/.test(l),
      ).length;
  return { passed: n('pass'), failed: n('fail') + n('cancelled'), skipped: directives('SKIP') + directives('TODO') };
}

function add(title, c) {
  passed += c.passed ?? 0;
  failed += c.failed ?? 0;
  skipped += c.skipped ?? 0;
  if (c.skipped) skippedIn.push(`${title} (${c.skipped})`);
}

if (!unitOnly) run('environment', 'bash', ['scripts/ensure-test-env.sh']);
if (
  !run('build', process.execPath, ['esbuild.mjs']) ||
  !run('build tests', process.execPath, ['esbuild.mjs', '--tests'])
) {
  console.log(`\n0 passed, 1 failed, 0 skipped`);
  process.exit(1);
}
// Everything in one program, then each layer with only its own types: Node without DOM for the host,
// core, CLI and demo; DOM without Node for the webview.
for (const project of ['tsconfig.json', 'tsconfig.host.json', 'tsconfig.webview.json']) {
  run(`typecheck ${project}`, process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', project]);
}
run('lint', process.execPath, ['node_modules/eslint/bin/eslint.js', 'src', 'test', '--max-warnings=0']);
run('format', process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--check', '.']);

nodeTests('unit', 'out/test/unit');
if (!unitOnly) {
  nodeTests('ssh', 'out/test/ssh');
  // Suites in real VS Code (code-server + Chromium) report their own counts through a JSON file.
  // e2e-vsix: the packaged .vsix installed into code-server (test/e2e/vsix.ts).
  // e2e-frames: frames, CodeLens, hover and Add Path Mapping… in the workbench (test/e2e/frames.ts).
  // trust: a hostile repository, with consent modals and in Restricted Mode (test/trust/run.ts).
  // e2e-diagnose: Diagnose from the tree, the panel streaming the AI answer (test/e2e/diagnose.ts).
  // e2e-suspects: the Suspect commits section, its diff and the skew notice and CodeLens (test/e2e/suspects.ts).
  // e2e-demo-trust: "Try the Demo" with workspace trust on: the notice, "Don't trust", the way back (test/e2e/demoTrust.ts).
  // e2e-alerts: new-issue alerts after a sync and the event details view (test/e2e/alerts.ts).
  // e2e-lm: an editor language model (a helper extension's, chatProvider proposal) runs Diagnose (test/e2e/lmProvider.ts).
  // e2e-panel: the diagnosis panel's first screen at 1280×800 and 900×700, keyboard, themes (test/e2e/panel.ts).
  // e2e-tree: event rows that differ, the walkthrough ticking only on real progress, Diagnose from the
  //   palette with a tree selection, the status item, at 1280×800 and 900×700, dark and light (test/e2e/tree.ts).
  // e2e-triage: archive two selected issues, assign from the quick pick, post a diagnosis note (test/e2e/triage.ts).
  const runners = [
    ['integration', 'out/test/integration/run.js'],
    ['trust', 'out/test/trust/run.js'],
    ['e2e', 'out/test/e2e/run.js'],
    ['e2e-vsix', 'out/test/e2e/vsix.js'],
    ['e2e-frames', 'out/test/e2e/frames.js'],
    ['e2e-diagnose', 'out/test/e2e/diagnose.js'],
    ['e2e-suspects', 'out/test/e2e/suspects.js'],
    ['e2e-demo-trust', 'out/test/e2e/demoTrust.js'],
    ['e2e-alerts', 'out/test/e2e/alerts.js'],
    ['e2e-lm', 'out/test/e2e/lmProvider.js'],
    ['e2e-panel', 'out/test/e2e/panel.js'],
    ['e2e-tree', 'out/test/e2e/tree.js'],
    ['e2e-triage', 'out/test/e2e/triage.js'],
  ];
  for (const [suite, runner] of runners) {
    if (!existsSync(runner)) {
      failures.push(`${suite} (${runner} was not built)`);
      continue;
    }
    const summary = join('out', `${suite}-summary.json`);
    run(suite, process.execPath, ['--enable-source-maps', runner], {
      env: { SENTRY_RCA_TEST_SUMMARY: join(root, summary), ...(grep ? { SENTRY_RCA_TEST_GREP: grep } : {}) },
    });
    if (existsSync(summary)) add(suite, JSON.parse(readFileSync(summary, 'utf8')));
    else failures.push(`${suite} (wrote no summary)`);
  }
}

if (skipped > 0) {
  console.log(`\nSkipped: ${skippedIn.join(', ')} (the spec output above says why)`);
  if (ci && !grep)
    failures.push(`${skipped} skipped in CI (scripts/ensure-test-env.sh provides every tool, so nothing may skip)`);
}
if (failures.length) {
  console.log(`\nFailed steps: ${failures.join(', ')}`);
  if (failed === 0) failed = failures.length;
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failures.length || failed ? 1 : 0);
