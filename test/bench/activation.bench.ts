/**
 * Activation cost of the shipped bundle (dist/extension.js), target ≤ 100 ms of activation work:
 * module evaluation (`require`) plus `activate()` up to the point VS Code regards the extension as
 * active, in fresh Node processes with a stand-in `vscode` module (every API call answers at once,
 * so this is our own CPU work, not the renderer's round trips; the real extension host's figure is
 * printed by the integration suite). Scenarios: an empty store and a 10k-issue store (activation
 * reads it in the background, after activation). Baseline, same run: a minimal extension that registers one command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyStore, IssueStore } from '../../src/core/store/issueStore';
import type { StoredIssue } from '../../src/core/store/model';

const RUNS = 7;

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'esbuild.mjs'))) dir = join(dir, '..');
  return dir;
}

/** A `vscode` whose every member is callable, constructible and settable, and never thenable. */
function vscodeStub(): unknown {
  const make = (): unknown => {
    const members = new Map<PropertyKey, unknown>();
    return new Proxy(
      function stub() {
        /* any API call */
      },
      {
        get(_t, prop) {
          if (prop === 'then') return undefined;
          if (prop === Symbol.toPrimitive) return () => 'stub';
          // Messages and pickers answer "dismissed", as a promise, like the real API.
          if (typeof prop === 'string' && /^show|^withProgress$/.test(prop)) return () => Promise.resolve(undefined);
          if (!members.has(prop)) members.set(prop, make());
          return members.get(prop);
        },
        set(_t, prop, value) {
          members.set(prop, value);
          return true;
        },
        apply() {
          return make();
        },
        construct() {
          return make() as object;
        },
      },
    );
  };
  // The bundle copies the module's own keys (esbuild's ESM interop), so the top level is a plain object.
  const api: Record<string, unknown> = {};
  for (const name of [
    'window',
    'workspace',
    'commands',
    'env',
    'extensions',
    'Uri',
    'TreeItem',
    'TreeItemCollapsibleState',
    'ThemeIcon',
    'ThemeColor',
    'MarkdownString',
    'EventEmitter',
    'StatusBarAlignment',
    'ProgressLocation',
    'ConfigurationTarget',
    'ExtensionMode',
    'Disposable',
    'l10n',
  ])
    api[name] = make();
  api.ExtensionMode = { Production: 1, Development: 2, Test: 3 };
  return api;
}

async function child(entry: string, storeDir: string): Promise<void> {
  const stub = vscodeStub();
  const mod = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const load = mod._load;
  mod._load = function (request: string, parent: unknown, isMain: boolean) {
    return request === 'vscode' ? stub : load.call(this, request, parent, isMain);
  };
  const subscriptions: Array<{ dispose(): void }> = [];
  const context = {
    subscriptions,
    // Test mode, so activate() returns the App and the child can wait for the background store read.
    extensionMode: 3,
    extension: { id: 'sentry-rca.sentry-rca' },
    extensionPath: repoRoot(),
    extensionUri: { fsPath: repoRoot() },
    storageUri: { fsPath: storeDir },
    globalStorageUri: { fsPath: storeDir },
    workspaceState: { get: () => undefined, update: async () => {} },
    secrets: {
      get: async () => undefined,
      store: async () => {},
      delete: async () => {},
      onDidChange: () => ({ dispose() {} }),
    },
  };
  const t0 = performance.now();
  const ext = createRequire(__filename)(entry) as { activate(c: unknown): unknown };
  const t1 = performance.now();
  const api = (await ext.activate(context)) as { app?: { store: { ready: Promise<unknown> } } } | undefined;
  const t2 = performance.now();
  await api?.app?.store.ready;
  const t3 = performance.now();
  for (const s of subscriptions.reverse()) s.dispose();
  process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, storeMs: t3 - t2 }));
  process.exit(0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(
  entry: string,
  storeDir: string,
): { requireMs: number; activateMs: number; totalMs: number; storeMs: number } {
  const req: number[] = [];
  const act: number[] = [];
  const tot: number[] = [];
  const sto: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [__filename, '--child', entry, storeDir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
    const m = JSON.parse(r.stdout) as { requireMs: number; activateMs: number; storeMs: number };
    sto.push(m.storeMs);
    req.push(m.requireMs);
    act.push(m.activateMs);
    tot.push(m.requireMs + m.activateMs);
  }
  return { requireMs: median(req), activateMs: median(act), totalMs: median(tot), storeMs: median(sto) };
}

async function main(): Promise<void> {
  const root = repoRoot();
  const bundle = join(root, 'dist', 'extension.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run node esbuild.mjs first (npm run bench does)`);
  const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-activation-bench-'));
  try {
    const hello = join(scratch, 'hello.js');
    writeFileSync(
      hello,
      "const vscode = require('vscode');\nexports.activate = (ctx) => { ctx.subscriptions.push(vscode.commands.registerCommand('hello.world', () => vscode.window.showInformationMessage('Hello'))); };\n",
    );
    const emptyDir = join(scratch, 'empty');
    const bigDir = join(scratch, 'big');
    const big = await IssueStore.open(bigDir);
    const now = Date.now();
    const issues: StoredIssue[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: String(i),
      shortId: `APP-${i}`,
      title: `Error number ${i}`,
      culprit: `handler${i % 50}`,
      permalink: `https://sentry.io/issues/${i}/`,
      level: 'error',
      status: 'unresolved',
      substatus: null,
      platform: 'node',
      projectId: String(i % 5),
      projectSlug: `p${i % 5}`,
      count: i,
      userCount: 1,
      firstSeen: new Date(now - 86_400_000).toISOString(),
      lastSeen: new Date(now - i * 1000).toISOString(),
      metadata: {},
      isUnhandled: false,
      stats24h: [],
      firstRelease: null,
      syncedAt: new Date(now).toISOString(),
    }));
    await big.replace({ ...emptyStore(), issues });
    big.dispose();

    const base = measure(hello, emptyDir);
    const ours = measure(bundle, emptyDir);
    const ours10k = measure(bundle, bigDir);
    const fmt = (m: typeof ours) =>
      `require ${m.requireMs.toFixed(1)} ms + activate ${m.activateMs.toFixed(1)} ms = ${m.totalMs.toFixed(1)} ms`;
    console.log(
      `bundle ${(statSync(bundle).size / 1024).toFixed(0)} KiB; machine load average ${loadavg()[0]!.toFixed(1)} on this run (figures scale with it)`,
    );
    console.log(`baseline (one-command extension): ${fmt(base)} (median of ${RUNS} fresh processes)`);
    console.log(
      `sentry-rca, empty store:          ${fmt(ours)} — ratio ours/baseline ${(ours.totalMs / base.totalMs).toFixed(1)}; target ≤ 100 ms (${ours.totalMs <= 100 ? 'met' : 'missed'})`,
    );
    console.log(
      `sentry-rca, 10k-issue store:      ${fmt(ours10k)} — ratio ours/baseline ${(ours10k.totalMs / base.totalMs).toFixed(1)}; target ≤ 100 ms (${ours10k.totalMs <= 100 ? 'met' : 'missed'})`,
    );
    console.log(
      `after activation, in the background: stored issues ready for the tree in ${ours.storeMs.toFixed(1)} ms (empty store), ${ours10k.storeMs.toFixed(1)} ms (10k issues)`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3]!, process.argv[4]!).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
