import * as vscode from 'vscode';
import type { SentryRcaTestApi } from '../../../src/app';
import type { TreeNode } from '../../../src/host/tree/nodes/treeNode';
import { emptyStore } from '../../../src/core/store/issueStore';

export const EXTENSION_ID = 'sentry-rca.sentry-rca';

export async function api(): Promise<SentryRcaTestApi> {
  const ext = vscode.extensions.getExtension<SentryRcaTestApi | undefined>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  const a = ext.isActive ? ext.exports : await ext.activate();
  if (!a) throw new Error('activate() returned no test API (is extensionMode Test?)');
  await a.app.ready;
  return a;
}

/** The test Sentry server the runner started, from code-server's environment. */
export function sentryEnv(): { url: string; token: string; org: string } {
  const url = process.env.SENTRY_RCA_TEST_SENTRY_URL;
  const token = process.env.SENTRY_RCA_TEST_SENTRY_TOKEN;
  const org = process.env.SENTRY_RCA_TEST_SENTRY_ORG;
  if (!url || !token || !org)
    throw new Error(
      'SENTRY_RCA_TEST_SENTRY_URL/TOKEN/ORG are not set: run this suite through out/test/integration/run.js',
    );
  return { url, token, org };
}

/** Drives the test server's control endpoint (faults, token changes, new events). */
export async function control(op: string, body?: unknown): Promise<unknown> {
  const { url } = sentryEnv();
  const r = await fetch(`${url}/__control/${op}`, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`control ${op}: HTTP ${r.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Row {
  label: string;
  description: string;
  contextValue: string;
  icon: string;
  node: TreeNode;
}

/** Reads rows back through the real tree provider, the way the view does. */
export async function rows(a: SentryRcaTestApi, parent?: TreeNode): Promise<Row[]> {
  const provider = a.app.issues.provider;
  const nodes = await provider.getChildren(parent);
  return Promise.all(
    nodes.map(async (node) => {
      const item = await provider.getTreeItem(node);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '';
      return {
        label,
        description: typeof item.description === 'string' ? item.description : '',
        contextValue: item.contextValue ?? '',
        icon,
        node,
      };
    }),
  );
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('sentryRCA').update(key, value, vscode.ConfigurationTarget.Global);
}

/**
 * Each suite states the state it starts from, so any one runs alone (SENTRY_RCA_TEST_GREP) or in any
 * order; the numbered files still read as one user's path when they run together.
 */

/** No token, no timer, an empty store, default settings: a fresh install. */
export async function givenSignedOut(a: SentryRcaTestApi): Promise<void> {
  await restoreServer();
  await waitFor('no sync in flight', () => !a.app.scheduler.state.running, 30_000);
  if (await a.app.tokens.get()) await vscode.commands.executeCommand('sentryRca.clearAuthToken');
  await waitFor(
    'signed out',
    async () => !a.app.configured && !a.app.scheduler.isStarted && (await a.app.tokens.get()) === undefined,
  );
  const store = await a.app.store.ready;
  await store.replace(emptyStore());
}

/** The test server's token stored, default settings, and a store freshly synced from the server. */
export async function givenSynced(a: SentryRcaTestApi): Promise<void> {
  await restoreServer();
  const { token } = sentryEnv();
  if ((await a.app.tokens.get()) !== token) {
    const r = await vscode.commands.executeCommand<{ stored: boolean; message: string }>(
      'sentryRca.setAuthToken',
      token,
    );
    if (!r.stored) throw new Error(`the test token was refused: ${r.message}`);
  }
  await waitFor('configured', () => a.app.configured);
  await waitFor('no sync in flight', () => !a.app.scheduler.state.running, 30_000);
  // A fresh store, filled by a full sync: no data left by another suite (a 10k synthetic store, a filter).
  const store = await a.app.store.ready;
  await store.replace(emptyStore());
  let outcome = await vscode.commands.executeCommand<{ ok: boolean; cancelled?: boolean; error?: unknown }>(
    'sentryRca.syncNow',
  );
  // The sync a new token starts can arrive after the wait above and cancel this one (a token change
  // restarts a running sync): the set-up sync then simply runs again.
  if (outcome?.cancelled)
    outcome = await vscode.commands.executeCommand<{ ok: boolean; error?: unknown }>('sentryRca.syncNow');
  if (!outcome?.ok) throw new Error(`the set-up sync failed: ${String(outcome?.error)}`);
  await waitFor(
    'synced issues of both projects',
    () => new Set(a.app.store.issues().map((i) => i.projectSlug)).size >= 2,
    30_000,
  );
}

/** Settings, view filters and the test server back to how the runner started them. */
async function restoreServer(): Promise<void> {
  const { url, token } = sentryEnv();
  await control('clear-faults', {});
  await control('latency', { ms: 0 });
  await control('token', { token });
  const wanted: Record<string, unknown> = {
    baseUrl: url,
    projects: undefined,
    minLevel: undefined,
    syncIntervalMinutes: 10,
  };
  for (const [key, value] of Object.entries(wanted)) {
    const current = vscode.workspace.getConfiguration('sentryRCA').inspect(key)?.globalValue;
    if (JSON.stringify(current) !== JSON.stringify(value)) await setSetting(key, value);
  }
  await vscode.commands.executeCommand('sentryRca.clearFilters');
}
