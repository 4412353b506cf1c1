// One build script for every bundle:
//   dist/extension.js  extension host (node, cjs, `vscode` external)
//   dist/cli.js        headless CLI (node, cjs, shebang)
//   dist/webview.js    investigation panel (browser, iife) once src/webview/main.ts exists
//   dist/eventDetails.js  the "Event details" page (browser, iife)
//   out/test/**        test bundles (`--tests`): each test file and test server becomes one cjs file,
//                      so ESM-only packages such as lowdb run exactly as they do in the shipped bundles.
// Flags: --production (minify, no source maps), --tests, --watch.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const production = process.argv.includes('--production');
const tests = process.argv.includes('--tests');
const watch = process.argv.includes('--watch');
// `--outdir=DIR` puts the shipped bundles somewhere other than dist/ (scripts/package.mjs stages a .vsix there).
const distDir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) || 'dist';

// ssh2's optional native helpers: without them ssh2 uses its pure-JS crypto, so the .vsix carries no
// platform binary (a Node-ABI binary would not load in VS Code's Electron anyway).
const nativeOptional = ['cpu-features', './crypto/build/Release/sshcrypto.node'];

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
  mainFields: ['module', 'main'],
};

/** Reports build errors in the `file:line:col: error:` shape VS Code's problem matcher reads. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        if (location) console.error(`${location.file}:${location.line}:${location.column}: error: ${text}`);
        else console.error(`error: ${text}`);
      }
    });
  },
};

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** In test bundles, keep installed packages external (they load from node_modules as usual), except
 *  ESM-only ones that a cjs bundle must inline. */
function testExternals() {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const esmOnly = new Set(['lowdb']);
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  return [...names.filter((n) => !esmOnly.has(n)), 'vscode', ...nativeOptional];
}

const configs = [];
if (!tests) {
  configs.push({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: `${distDir}/extension.js`,
    external: ['vscode', ...nativeOptional],
  });
  configs.push({
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: `${distDir}/cli.js`,
    external: ['vscode', ...nativeOptional],
    banner: { js: '#!/usr/bin/env node' },
  });
  if (existsSync('src/webview/main.ts')) {
    configs.push({
      ...common,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      entryPoints: ['src/webview/main.ts'],
      outfile: `${distDir}/webview.js`,
      mainFields: ['browser', 'module', 'main'],
    });
  }
  // The "Event details" page: its own small bundle (shares dom.ts with the panel, not the panel's weight).
  if (existsSync('src/webview/eventDetails.ts')) {
    configs.push({
      ...common,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      entryPoints: ['src/webview/eventDetails.ts'],
      outfile: `${distDir}/eventDetails.js`,
      mainFields: ['browser', 'module', 'main'],
    });
  }
  // The "Try the Demo" server: a separate process the extension starts, so its code never loads in the host.
  if (existsSync('src/demo/main.ts')) {
    configs.push({
      ...common,
      entryPoints: ['src/demo/main.ts'],
      outfile: `${distDir}/demo.js`,
      external: [...nativeOptional],
    });
  }
} else {
  const entries = walk('test').filter(
    (f) => /\.ts$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith(join('test', 'fixtures')),
  );
  const byDir = new Map();
  for (const f of entries) {
    const outdir = join('out', relative('.', f)).replace(/\/[^/]+$/, '');
    if (!byDir.has(outdir)) byDir.set(outdir, []);
    byDir.get(outdir).push(f);
  }
  for (const [outdir, entryPoints] of byDir) {
    configs.push({ ...common, sourcemap: 'inline', entryPoints, outdir, external: testExternals() });
  }
}

const contexts = await Promise.all(configs.map((c) => esbuild.context({ ...c, plugins: [problemMatcher] })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.allSettled(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  if (results.some((r) => r.status === 'rejected')) process.exit(1);
}
