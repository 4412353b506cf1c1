import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as vscode from 'vscode';
import type { SyncOutcome } from '../../../src/core/sync/syncScheduler';
import { RcaError } from '../../../src/core/common/errors';
import { api, control, givenSynced, sentryEnv, setSetting, waitFor } from './helpers';

function closedPort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

describe('sync errors', () => {
  const issuesBefore: { n: number } = { n: 0 };

  before(async () => {
    const a = await api();
    await givenSynced(a);
    issuesBefore.n = a.app.store.issues().length;
  });

  after(async () => {
    const { url, token } = sentryEnv();
    await control('token', { token });
    await setSetting('baseUrl', url);
  });

  it('a revoked token (401): Sync Now fails with an auth error, the stored issues stay', async () => {
    const a = await api();
    await control('token', { token: 'sntryu_rotated_on_the_server_000000' });
    const outcome = await vscode.commands.executeCommand<SyncOutcome>('sentryRca.syncNow');
    assert.equal(outcome.ok, false);
    assert.ok(outcome.error instanceof RcaError || (outcome.error as Error).name === 'RcaError');
    assert.equal((outcome.error as RcaError).kind, 'auth');
    assert.match((outcome.error as Error).message, /401/);
    assert.equal(a.app.store.issues().length, issuesBefore.n, 'a failed sync leaves the store as it was');
    assert.match(a.app.statusBar.item.text, /sync failed/);
    assert.ok(!a.app.log.tail.some((l) => l.includes(sentryEnv().token)));
  });

  it('the server down: a network error names the address, and repeated timer failures back off', async () => {
    const a = await api();
    const { token } = sentryEnv();
    await control('token', { token });
    const port = await closedPort();
    await setSetting('baseUrl', `http://127.0.0.1:${port}`);
    // The settings change itself starts a fresh sync, which fails.
    const failed = await waitFor(
      'the failed settings sync',
      () => {
        const o = a.app.scheduler.state.lastOutcome;
        return o && !o.ok && !o.cancelled && o.trigger !== 'manual' ? o : undefined;
      },
      60_000,
    );
    assert.equal((failed.error as RcaError).kind, 'network');
    assert.match((failed.error as Error).message, new RegExp(`127\\.0\\.0\\.1:${port}|refused|reach`, 'i'));
    assert.ok(failed.consecutiveFailures >= 1);
    // Exponential pause: the next timer run is at least twice the interval away.
    const interval = a.app.config.syncIntervalMs;
    const next = a.app.scheduler.state.nextRunAt!;
    assert.ok(next - Date.now() > interval * 1.5, `next run in ${next - Date.now()} ms, interval ${interval} ms`);
    assert.match(a.app.statusBar.item.text, /sync failed/);
    assert.equal(a.app.store.issues().length, issuesBefore.n);
  });

  it('recovers when the server is back', async () => {
    const a = await api();
    const { url } = sentryEnv();
    await setSetting('baseUrl', url);
    await waitFor('a successful sync', () => a.app.scheduler.state.lastOutcome?.ok === true, 30_000);
    assert.doesNotMatch(a.app.statusBar.item.text, /failed/);
  });
});
