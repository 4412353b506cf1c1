import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SyncOutcome } from '../../../src/core/sync/syncScheduler';
import { api, control, givenSynced, rows, setSetting, waitFor } from './helpers';

describe('settings and Sync Now', () => {
  before(async () => {
    await givenSynced(await api());
  });
  after(async () => {
    const a = await api();
    const before = a.app.store.meta().lastSuccessfulSync;
    await setSetting('projects', undefined);
    // Back to every project: the fresh sync this triggers must land before the next suite counts issues.
    await waitFor(
      'the sync of every project',
      () => a.app.scheduler.state.lastOutcome?.ok && a.app.store.meta().lastSuccessfulSync !== before,
      30_000,
    );
  });

  it('Sync Now runs a sync with a progress notification and reports success', async () => {
    const a = await api();
    await waitFor('no sync in flight', () => !a.app.scheduler.state.running, 30_000);
    const before = a.app.store.meta().lastSuccessfulSync;
    const outcome = await vscode.commands.executeCommand<SyncOutcome>('sentryRca.syncNow');
    assert.equal(outcome.ok, true, String(outcome.error));
    assert.equal(outcome.trigger, 'manual');
    assert.notEqual(a.app.store.meta().lastSuccessfulSync, before);
  });

  it('Cancel Sync stops a slow sync and keeps the stored data as it was', async () => {
    const a = await api();
    await waitFor('no sync in flight', () => !a.app.scheduler.state.running, 30_000);
    const before = JSON.stringify(a.app.store.issues());
    const lastSync = a.app.store.meta().lastSuccessfulSync;
    await control('fault', { kind: 'slow', match: '/issues/', delayMs: 10_000, times: 1 });
    const pending = vscode.commands.executeCommand<SyncOutcome>('sentryRca.syncNow');
    await waitFor('the sync to start', () => a.app.scheduler.state.running);
    await vscode.commands.executeCommand('sentryRca.cancelSync');
    const outcome = await pending;
    assert.equal(outcome.ok, false);
    assert.equal(outcome.cancelled, true);
    assert.equal(a.app.scheduler.state.consecutiveFailures, 0, 'a cancel is not a failure');
    assert.equal(JSON.stringify(a.app.store.issues()), before);
    assert.equal(a.app.store.meta().lastSuccessfulSync, lastSync);
    await control('clear-faults', {});
  });

  it('changing the project filter triggers a fresh sync that narrows the tree', async () => {
    const a = await api();
    const syncsBefore = a.app.store.meta().lastSuccessfulSync;
    await setSetting('projects', ['orders']);
    await waitFor(
      'the settings sync',
      () => {
        const o = a.app.scheduler.state.lastOutcome;
        return o?.trigger === 'settings' && o.ok && a.app.store.meta().lastSuccessfulSync !== syncsBefore;
      },
      30_000,
    );
    assert.deepEqual(
      (await rows(a)).map((r) => r.label),
      ['orders'],
    );
    assert.ok(a.app.store.issues().every((i) => i.projectSlug === 'orders'));
  });

  it('an unknown project slug fails with a message naming the available ones', async () => {
    const a = await api();
    await setSetting('projects', ['no-such-project']);
    const failed = await waitFor(
      'the failed settings sync',
      () => {
        const o = a.app.scheduler.state.lastOutcome;
        return o?.trigger === 'settings' && !o.ok && !o.cancelled ? o : undefined;
      },
      30_000,
    );
    assert.match((failed.error as Error).message, /no-such-project/);
    assert.match(String((failed.error as { hint?: string }).hint), /orders/);
  });
});
