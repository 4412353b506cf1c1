#!/usr/bin/env node
// `npm run test:mutate`: a small mutation check of the core (not part of `npm test`: it takes minutes).
// For each mutant — one operator in src/core/{sentry,sync,logs} changed, found through the TypeScript
// AST so strings, comments, regexes and type syntax are never touched — the unit tests that cover the
// file are bundled with the mutated source (an esbuild plugin serves it; nothing on disk changes) and
// run (fast files first); the first failing test kills the mutant. A mutant no test notices "survives": either a test is
// missing or the code is dead. Prints a score per area and every survivor with its place, and writes
// out/mutation-report.json.
//   node scripts/mutate.mjs [--area sentry,sync,logs] [--file src/core/x.ts] [--max-per-file N] [--seed S] [--dry-run]
// Run it with `nice` on a shared machine (`npm run test:mutate` does).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const areas = (arg('area') ?? 'sentry,sync,logs').split(',');
const onlyFile = arg('file');
const maxPerFile = Number(arg('max-per-file') ?? Infinity);
const seed = Number(arg('seed') ?? 1);
const dryRun = process.argv.includes('--dry-run');

/**
 * The files mutated per area and the unit tests that cover them. Files whose behaviour is tested only
 * over a real sshd (sshConnector, sshLogFetcher, knownHosts: test/ssh, 20+ s a run) are left out and
 * reported as such rather than counted as survivors.
 */
const AREAS = {
  sentry: {
    files: ['sentryClient.ts', 'rateGate.ts', 'linkHeader.ts', 'convert.ts', 'scopes.ts'].map(
      (f) => `src/core/sentry/${f}`,
    ),
    tests: [
      'test/unit/core/convert.test.ts',
      'test/unit/core/linkHeader.test.ts',
      'test/unit/core/rateGate.test.ts',
      'test/unit/sync/sentryClient.test.ts',
    ],
  },
  sync: {
    files: ['syncEngine.ts', 'syncScheduler.ts', 'syncOptions.ts'].map((f) => `src/core/sync/${f}`),
    tests: [
      'test/unit/sync/syncScheduler.test.ts',
      'test/unit/sync/syncSummary.test.ts',
      'test/unit/sync/syncEngine.test.ts',
    ],
  },
  logs: {
    files: [
      'window.ts',
      'lineFilter.ts',
      'remoteScript.ts',
      'shellQuote.ts',
      'timestamps.ts',
      'spec.ts',
      'hostSelection.ts',
      'sshConfig.ts',
    ].map((f) => `src/core/logs/${f}`),
    tests: ['lineFilter', 'window', 'timestamps', 'spec', 'redact', 'hostSelection', 'sshConfig', 'remoteScript'].map(
      (t) => `test/unit/logs/${t}.test.ts`,
    ),
    notMutated: [
      'src/core/logs/sshConnector.ts',
      'src/core/logs/sshLogFetcher.ts',
      'src/core/logs/knownHosts.ts (tested over a real sshd in test/ssh)',
    ],
  },
};

const SWAP = new Map([
  [ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken],
  [ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.LessThanToken],
  [ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken],
  [ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.GreaterThanToken],
  [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken],
  [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken],
  [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken],
  [ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken],
  [ts.SyntaxKind.MinusToken, ts.SyntaxKind.PlusToken],
  [ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken],
]);

/** Every mutant of one file: { file, start, end, replacement, line, what }. */
function mutantsOf(file) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out = [];
  const add = (node, start, end, replacement, what) => {
    const line = sf.getLineAndCharacterOfPosition(start).line + 1;
    out.push({ file, start, end, replacement, line, what, original: text.slice(start, end) });
  };
  const visit = (node) => {
    if (ts.isBinaryExpression(node) && SWAP.has(node.operatorToken.kind)) {
      const op = node.operatorToken;
      // String concatenation with + is not arithmetic; a - on a string would just be a type error.
      const isConcat =
        op.kind === ts.SyntaxKind.PlusToken &&
        [node.left, node.right].some(
          (n) => ts.isStringLiteral(n) || ts.isTemplateExpression(n) || ts.isNoSubstitutionTemplateLiteral(n),
        );
      if (!isConcat)
        add(
          node,
          op.getStart(sf),
          op.getEnd(),
          ts.tokenToString(SWAP.get(op.kind)),
          `${op.getText(sf)} → ${ts.tokenToString(SWAP.get(op.kind))}`,
        );
    } else if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) {
      const flipped = node.kind === ts.SyntaxKind.TrueKeyword ? 'false' : 'true';
      add(node, node.getStart(sf), node.getEnd(), flipped, `${node.getText(sf)} → ${flipped}`);
    } else if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      add(node, node.getStart(sf), node.getStart(sf) + 1, '', 'drop !');
    } else if (ts.isIfStatement(node)) {
      // The whole condition negated: the branch runs exactly when it should not.
      const c = node.expression;
      add(node, c.getStart(sf), c.getEnd(), `!(${c.getText(sf)})`, `if (${truncate(c.getText(sf))}) negated`);
    } else if (
      ts.isNumericLiteral(node) &&
      /^\d+$/.test(node.text) &&
      Number(node.text) > 0 &&
      !ts.isEnumMember(node.parent)
    ) {
      const n = Number(node.text);
      add(node, node.getStart(sf), node.getEnd(), String(n + 1), `${node.text} → ${n + 1}`);
    }
    // Type syntax carries no behaviour.
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function truncate(s, n = 40) {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

/** A seeded shuffle, so `--max-per-file` samples the same mutants on every run with the same seed. */
function sample(items, n, s) {
  if (items.length <= n) return items;
  let a = s >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n).sort((x, y) => x.start - y.start);
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]
  .filter((n) => n !== 'lowdb')
  .concat(['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node']);
// One folder per run, so two runs never overwrite each other's bundles.
const OUT = join('out', `mutate-${process.pid}`);

/** Bundles the tests with `mutant` applied (or none), into out/mutate-PID/ at the same depth as out/. */
async function build(tests, mutant) {
  const plugin = {
    name: 'mutant',
    setup(b) {
      if (!mutant) return;
      const target = resolve(mutant.file);
      b.onLoad({ filter: /\.ts$/ }, (a) => {
        if (a.path !== target) return undefined;
        const text = readFileSync(target, 'utf8');
        return { contents: text.slice(0, mutant.start) + mutant.replacement + text.slice(mutant.end), loader: 'ts' };
      });
    },
  };
  const outputs = [];
  for (const t of tests) {
    const outfile = join(OUT, relative('.', t).replace(/\.ts$/, '.js'));
    await esbuild.build({
      entryPoints: [t],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: false,
      logLevel: 'silent',
      mainFields: ['module', 'main'],
      external,
      plugins: [plugin],
    });
    outputs.push(outfile);
  }
  return outputs;
}

/** Runs the bundles; stops at the first failing test. */
function runTests(files, timeoutMs) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=tap', ...files], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, CI: '' },
    });
    let out = '';
    let verdict = null;
    const stop = (v) => {
      if (verdict) return;
      verdict = v;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      const failed = /^\s*not ok \d+ - (.*)$/m.exec(out);
      if (failed) stop({ killedBy: failed[1] });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!verdict) verdict = code === 0 ? 'survived' : { killedBy: `exit ${code}` };
      resolveRun(verdict);
    });
  });
}

const report = {
  date: new Date().toISOString(),
  seed,
  maxPerFile: Number.isFinite(maxPerFile) ? maxPerFile : null,
  areas: {},
};
for (const area of areas) {
  const cfg = AREAS[area];
  if (!cfg) throw new Error(`unknown area ${area} (sentry, sync, logs)`);
  const files = onlyFile ? cfg.files.filter((f) => f === onlyFile) : cfg.files;
  const mutants = files.flatMap((f) => sample(mutantsOf(f), maxPerFile, seed));
  console.log(`\n== ${area}: ${mutants.length} mutants in ${files.length} files; tests: ${cfg.tests.join(', ')}`);
  const r = {
    files,
    tests: cfg.tests,
    notMutated: cfg.notMutated ?? [],
    mutants: mutants.length,
    killed: 0,
    timedOut: 0,
    survived: [],
    errors: 0,
    score: null,
  };
  report.areas[area] = r;
  if (dryRun || mutants.length === 0) continue;
  // The unmutated run must pass, and gives the time limit for a mutant (a mutant that loops is killed).
  const t0 = performance.now();
  const base = await runTests(await build(cfg.tests, null), 600_000);
  if (base !== 'survived')
    throw new Error(`${area}: the tests fail without any mutant (${JSON.stringify(base)}); fix them first`);
  const limit = Math.max(10_000, 3 * (performance.now() - t0));
  for (const [i, m] of mutants.entries()) {
    let verdict;
    try {
      verdict = await runTests(await build(cfg.tests, m), limit);
    } catch (e) {
      // A mutant that does not compile counts as killed by the compiler (rare: types are stripped).
      verdict = { killedBy: `build: ${String(e.message ?? e).split('\n')[0]}` };
      r.errors++;
    }
    const where = `${m.file}:${m.line} ${m.what}`;
    if (verdict === 'survived') {
      r.survived.push(where);
      console.log(`  [${i + 1}/${mutants.length}] SURVIVED ${where}`);
    } else if (verdict === 'timeout') {
      r.timedOut++;
      r.killed++;
    } else r.killed++;
  }
  r.score = Math.round((1000 * r.killed) / mutants.length) / 10;
  console.log(
    `${area}: ${r.killed} of ${mutants.length} mutants killed (${r.timedOut} by timeout), score ${r.score}%; ${r.survived.length} survived`,
  );
}
rmSync(OUT, { recursive: true, force: true });
mkdirSync('out', { recursive: true });
writeFileSync(join('out', 'mutation-report.json'), JSON.stringify(report, null, 2));
console.log(
  `\n${Object.entries(report.areas)
    .map(([a, r]) => `${a} ${r.score ?? '-'}% (${r.killed}/${r.mutants})`)
    .join(', ')} — out/mutation-report.json`,
);
