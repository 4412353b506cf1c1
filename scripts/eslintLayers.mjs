// The layer rule of eslint.config.mjs (DESIGN.md "Layout"): which part of src/ may import which.
//   core     neither host, webview, cli nor demo; never `vscode`, not even its types
//   shared   only shared: no `node:*`, nothing from core, never `vscode` (the webview bundles it)
//   webview  webview and shared: no `node:*`, nothing from core, never `vscode`
//   cli/demo core and shared (and their own files): never host, webview or `vscode`; cli.ts also
//            routes to mcp, and may read the manifest's version (`../package.json`)
//   mcp      the MCP server: mcp, cli, core and shared; never host, webview or `vscode`
//   host     anything but webview and cli; `vscode` only as a type in the modules plain-Node tests import
// Relative imports are resolved against the importing file, so `../../host/ids` from src/core is
// caught however deep it is; the root files count as their layer (app.ts, extension.ts: host; cli.ts: cli).
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const POLICY = {
  core: { may: ['core', 'shared'], node: true, vscode: 'never' },
  shared: { may: ['shared'], node: false, vscode: 'never' },
  webview: { may: ['webview', 'shared'], node: false, vscode: 'never' },
  cli: { may: ['cli', 'mcp', 'core', 'shared', 'manifest'], node: true, vscode: 'never' },
  mcp: { may: ['mcp', 'cli', 'core', 'shared'], node: true, vscode: 'never' },
  demo: { may: ['demo', 'core', 'shared', 'outside'], node: true, vscode: 'never' },
  host: { may: ['host', 'core', 'shared', 'demo'], node: true, vscode: 'allowed' },
};

const WHY = {
  core: 'src/core is the vscode-free core the CLI and the extension share',
  shared: 'src/shared is bundled into the browser webview and the host alike',
  webview: "src/webview runs in the browser (the panel's iframe)",
  cli: 'the CLI runs without VS Code',
  mcp: 'the MCP server runs without VS Code',
  demo: 'the demo server is a separate Node process',
  host: 'src/host',
};

const builtins = new Set(builtinModules);
const isNodeBuiltin = (s) => s.startsWith('node:') || builtins.has(s) || builtins.has(s.split('/')[0]);

/** The layer of a file under `srcDir` ('outside' for anything else, e.g. test/). */
export function layerOf(file, srcDir) {
  const rel = relative(srcDir, file);
  if (rel === join('..', 'package.json')) return 'manifest';
  if (rel.startsWith('..') || rel === '') return 'outside';
  // Import targets come without an extension: `./app`, `../cli`.
  const first = rel.split(sep)[0].replace(/\.[cm]?[jt]s$/, '');
  if (first === 'app' || first === 'extension') return 'host';
  return first in POLICY ? first : 'outside';
}

/** Static imports of a TypeScript file: `import … from 'x'`, `export … from 'x'`, `import('x')`; type-only ones marked. */
function importsOf(text) {
  const out = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm))
    out.push({ source: m[3], typeOnly: !!m[2] });
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push({ source: m[1], typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push({ source: m[1], typeOnly: false });
  return out;
}

function resolveTs(from, source) {
  const base = resolve(dirname(from), source);
  for (const c of [base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
  return undefined;
}

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/**
 * The src/host modules that run in plain Node: imported (at run time, not as types) by the plain-Node
 * tests and benchmarks, directly or through other host modules. They may not load `vscode`.
 */
export function plainNodeHostModules(root) {
  const hostDir = join(root, 'src', 'host');
  const seen = new Set();
  const queue = [];
  const visit = (file) => {
    for (const { source, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
      if (typeOnly || !source.startsWith('.')) continue;
      const target = resolveTs(file, source);
      if (!target || relative(hostDir, target).startsWith('..') || seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  };
  for (const dir of ['test/unit', 'test/ssh', 'test/bench']) for (const f of walk(join(root, dir))) visit(f);
  while (queue.length) visit(queue.shift());
  return [...seen].map((f) => relative(root, f).split(sep).join('/')).sort();
}

/** ESLint plugin with the one rule `layers`; options: `{ srcDir, plainNode: [absolute file paths] }`. */
export const layersPlugin = {
  rules: {
    layers: {
      meta: {
        type: 'problem',
        docs: {
          description: 'Keep src/ layered: core, shared, webview, cli, demo and host import only what their layer may.',
        },
        schema: [
          {
            type: 'object',
            properties: { srcDir: { type: 'string' }, plainNode: { type: 'array', items: { type: 'string' } } },
            additionalProperties: false,
          },
        ],
      },
      create(context) {
        const { srcDir, plainNode = [] } = context.options[0] ?? {};
        const file = context.filename;
        const layer = layerOf(file, srcDir);
        if (layer === 'outside') return {};
        const policy = POLICY[layer];
        const plain = plainNode.includes(file);
        const check = (node, source, typeOnly) => {
          if (typeof source !== 'string') return;
          if (source === 'vscode') {
            if (policy.vscode === 'never')
              context.report({
                node,
                message: `${WHY[layer]}: it must not import 'vscode' (types included); put this in src/host/.`,
              });
            else if (plain && !typeOnly)
              context.report({
                node,
                message: `This host module runs in plain-Node tests, where 'vscode' does not exist: import its types only (\`import type\`), or move the VS Code part to another module.`,
              });
            return;
          }
          if (isNodeBuiltin(source)) {
            if (!policy.node)
              context.report({ node, message: `${WHY[layer]}: it must not import the Node built-in '${source}'.` });
            return;
          }
          if (!source.startsWith('.')) return; // a package
          const target = layerOf(resolve(dirname(file), source), srcDir);
          if (!policy.may.includes(target)) {
            context.report({
              node,
              message: `${WHY[layer]}: ${layer} must not import from ${target === 'outside' ? 'outside src/' : `src/${target}`} ('${source}').`,
            });
          }
        };
        const typeOnlyDecl = (n) =>
          n.importKind === 'type' ||
          n.exportKind === 'type' ||
          (n.specifiers?.length > 0 && n.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
        return {
          ImportDeclaration: (n) => check(n, n.source.value, typeOnlyDecl(n)),
          ExportNamedDeclaration: (n) => {
            if (n.source) check(n, n.source.value, typeOnlyDecl(n));
          },
          ExportAllDeclaration: (n) => check(n, n.source.value, n.exportKind === 'type'),
          ImportExpression: (n) => {
            if (n.source.type === 'Literal') check(n, n.source.value, false);
          },
          TSImportEqualsDeclaration: (n) => {
            if (n.moduleReference.type === 'TSExternalModuleReference')
              check(n, n.moduleReference.expression.value, n.importKind === 'type');
          },
        };
      },
    },
  },
};
