#!/usr/bin/env node
// `npm run package`: a production .vsix, built offline.
//   1. production bundles (minified, no source maps) into a staging folder, out/package/, so the
//      development bundles in dist/ that tests and F5 use are left alone;
//   2. the demo data "Try the Demo" needs (scripts/package-demo.mjs), when the demo bundle exists;
//   3. `vsce package --no-dependencies` there: the bundles are self-contained, so no node_modules ship,
//      and .vscodeignore (an allowlist) decides what goes in;
//   4. checks: the host bundle stays within its size budget, and the .vsix holds only allowlisted files.
// Prints the .vsix size and the host bundle size. Options: --out FILE (default sentry-rca-<version>.vsix
// in the repository root).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { listZip, readZipEntry } from './package-zip.mjs';
import { packageReadme, readmeProblems } from './package-readme.mjs';
import { nlsProblems, resolveNls } from './nls-strings.mjs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const { values: args } = parseArgs({ options: { out: { type: 'string' } } });
// The manifest as users read it: its "%key%" strings resolved from package.nls.json (scripts/nls.mjs).
const pkg = resolveNls(
  JSON.parse(readFileSync('package.json', 'utf8')),
  existsSync('package.nls.json') ? JSON.parse(readFileSync('package.nls.json', 'utf8')) : {},
);
const out = resolve(args.out ?? `${pkg.name}-${pkg.version}.vsix`);
const stage = join(root, 'out', 'package');

/** The budget the host bundle must stay within (minified); activation loads all of it. */
const HOST_BUNDLE_BUDGET = 1.5 * 1024 * 1024;
/** What may be in the .vsix besides VS Code's own manifest files (mirrors .vscodeignore). */
const ALLOWED = [
  /^extension\/dist\/(extension|cli|webview|eventDetails|demo)\.js$/,
  /^extension\/dist\/demo\//,
  /^extension\/media\//,
  /^extension\/l10n\/bundle\.l10n(\.[a-z-]+)?\.json$/,
  /^extension\/(package\.json|package\.nls(\.[\w-]+)?\.json|readme\.md|changelog\.md|LICENSE\.txt|LICENSE)$/i,
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
];

function step(title, cmd, argv, opts = {}) {
  console.log(`▸ ${title}`);
  const r = spawnSync(cmd, argv, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`package: ${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const mib = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB`;

/** Walkthrough steps must run commands and watch settings the manifest declares, and show media that exists. */
function checkWalkthroughs() {
  const c = pkg.contributes ?? {};
  const commands = new Set((c.commands ?? []).map((x) => x.command));
  const settings = Object.keys(c.configuration?.properties ?? {});
  const problems = [];
  for (const w of c.walkthroughs ?? []) {
    for (const s of w.steps) {
      const where = `walkthrough ${w.id}, step ${s.id}`;
      const buttons = [...s.description.matchAll(/\(command:([\w.]+)(?:\?([^)]*))?\)/g)];
      if (buttons.length === 0) problems.push(`${where}: no button`);
      for (const [, cmd, query] of buttons) {
        if (!cmd.startsWith('workbench.') && !commands.has(cmd))
          problems.push(`${where}: button runs undeclared ${cmd}`);
        if (cmd === 'workbench.action.openSettings' && query) {
          const key = JSON.parse(decodeURIComponent(query))[0];
          if (!settings.some((k) => k === key || k.startsWith(`${key}.`)))
            problems.push(`${where}: opens unknown setting ${key}`);
        }
      }
      if (!s.completionEvents?.length) problems.push(`${where}: no completion event`);
      for (const e of s.completionEvents ?? []) {
        const [kind, arg] = [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)];
        if (kind === 'onCommand' && !commands.has(arg))
          problems.push(`${where}: completes on undeclared command ${arg}`);
        if (kind === 'onSettingChanged' && !settings.some((k) => k === arg || k.startsWith(`${arg}.`)))
          problems.push(`${where}: completes on unknown setting ${arg}`);
      }
      for (const m of Object.values(s.media ?? {})) {
        if (typeof m === 'string' && !existsSync(m)) problems.push(`${where}: media ${m} is missing`);
      }
    }
  }
  if (problems.length) {
    console.error(`package: walkthrough problems:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}

checkWalkthroughs();
if (existsSync('package.nls.json')) {
  // A "%key%" without its text would show as "%key%" in the editor; a literal string only misses translation
  // (the manifest unit test asks for it), so that does not stop packaging.
  const problems = nlsProblems(
    JSON.parse(readFileSync('package.json', 'utf8')),
    JSON.parse(readFileSync('package.nls.json', 'utf8')),
  ).filter((p) => p.includes('does not define'));
  if (problems.length) {
    console.error(`package: package.nls.json problems:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
step('production bundles', process.execPath, ['esbuild.mjs', '--production', `--outdir=${join(stage, 'dist')}`]);
if (existsSync(join(stage, 'dist', 'demo.js'))) {
  step('demo data (the sample service run once with the real @sentry/node SDK)', process.execPath, [
    'scripts/package-demo.mjs',
    '--out',
    join(stage, 'dist', 'demo'),
  ]);
}
for (const f of ['package.json', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'media', 'l10n']) {
  cpSync(f, join(stage, f), { recursive: true });
}
for (const f of readdirSync('.').filter((n) => /^package\.nls(\.[\w-]+)?\.json$/.test(n))) cpSync(f, join(stage, f));
// The README as the package carries it: its screenshots (test/e2e/screenshots, written by the tests)
// embedded as data: URIs, the only images the extension page shows offline, and links to repository
// files the package does not hold turned into plain text (scripts/package-readme.mjs says why).
const packaged = (path) => existsSync(path) && ALLOWED.some((re) => re.test(`extension/${path}`));
const readme = packageReadme(readFileSync('README.md', 'utf8'), { root, packaged });
writeFileSync(join(stage, 'README.md'), readme.text);
console.log(
  `README: ${readme.images.length} images embedded (${kib(readme.images.reduce((a, i) => a + i.bytes, 0))}), ` +
    `links to unpackaged files made plain text: ${[...new Set(readme.unlinked)].join(', ') || 'none'}`,
);
rmSync(out, { force: true });
step(
  'vsce package',
  process.execPath,
  [
    join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
    'package',
    '--no-dependencies',
    '--no-rewrite-relative-links',
    '--out',
    out,
  ],
  { cwd: stage },
);

const vsixBytes = readFileSync(out);
const entries = listZip(vsixBytes);
const stray = entries.filter((e) => !ALLOWED.some((re) => re.test(e.name)));
const host = statSync(join(stage, 'dist', 'extension.js')).size;
console.log(`\n${out}`);
for (const e of entries) console.log(`  ${kib(e.size).padStart(9)}  ${e.name}`);
console.log(
  `.vsix: ${mib(statSync(out).size)} (${entries.length} files, ${mib(entries.reduce((a, e) => a + e.size, 0))} unpacked)`,
);
console.log(`host bundle dist/extension.js: ${mib(host)} minified (budget ${mib(HOST_BUNDLE_BUDGET)})`);
if (stray.length) {
  console.error(`package: files outside the .vscodeignore allowlist: ${stray.map((e) => e.name).join(', ')}`);
  process.exit(1);
}
const readmeEntry = entries.find((e) => /^extension\/readme\.md$/i.test(e.name));
const problems = readmeEntry
  ? readmeProblems(
      readZipEntry(vsixBytes, readmeEntry.name).toString('utf8'),
      new Set(entries.filter((e) => e.name.startsWith('extension/')).map((e) => e.name.slice('extension/'.length))),
    )
  : ['the .vsix has no extension/readme.md'];
if (problems.length) {
  console.error(`package: the packaged README would show broken on the extension page:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
if (host > HOST_BUNDLE_BUDGET) {
  console.error(
    "package: the host bundle is over budget; see what it holds with esbuild's --metafile (https://esbuild.github.io/analyze/).",
  );
  process.exit(1);
}
