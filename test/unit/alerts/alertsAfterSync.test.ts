// New-issue alerts over real syncs: the SyncEngine against the test Sentry server fed by the real
// @sentry/node SDK (crash app), the baseline taken before each sync as the extension does. Checks the
// matcher agrees with what the engine stores (syncedAt, status, substatus) — not only with hand-made issues.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { alertBaseline, findAlerts, type AlertSettings } from '../../../src/core/alerts/newIssueAlerts';
import { SentryClient } from '../../../src/core/sentry/sentryClient';
import { IssueStore } from '../../../src/core/store/issueStore';
import { SyncEngine } from '../../../src/core/sync/syncEngine';
import { runCrashApp, startSentryServer, type SentryTestServer } from '../../servers/sentry';

const ON: AlertSettings = { minLevel: 'fatal', projects: [], environments: [], release: '' };

describe('alerts after real syncs', () => {
  let sentry: SentryTestServer;
  let store: IssueStore;
  let engine: SyncEngine;
  let dsn = '';
  /** One sync as SyncService runs it: baseline, sync, then the matcher over the store. */
  const syncAndAlert = async (settings = ON) => {
    const baseline = alertBaseline(store.data);
    const summary = await engine.run();
    return findAlerts({
      baseline,
      after: { meta: store.meta(), issues: store.issues() },
      syncStartedAt: summary.startedAt,
      events: (id) => store.events(id),
      allEvents: () => store.issues().flatMap((i) => store.events(i.id)),
      settings,
    }).map((a) => `${a.reason}:${/^(\w+)/.exec(a.issue.title)![1]}`);
  };

  before(async () => {
    sentry = await startSentryServer({});
    ({ dsn } = sentry.addProject({ slug: 'payments' }));
    store = await IssueStore.open(mkdtempSync(join(tmpdir(), 'rca-alerts-')));
    const client = new SentryClient({ baseUrl: sentry.url, token: sentry.token, org: sentry.org });
    engine = new SyncEngine({ client, store, baseUrl: sentry.url }, { minLevel: 'warning', concurrency: 2 });
  });
  after(() => sentry.close());

  test('first sync: nothing; then a new issue; then nothing; then a regression once; release filters', async () => {
    await runCrashApp({ dsn, kind: 'declined', release: 'payments@3.0.0' });
    await runCrashApp({ dsn, kind: 'timeout', release: 'payments@3.0.0' });
    assert.deepEqual(await syncAndAlert(), [], 'the first sync never alerts');

    await runCrashApp({ dsn, kind: 'refund', release: 'payments@3.1.0' });
    await runCrashApp({ dsn, kind: 'timeout', release: 'payments@3.0.0' }); // an old issue with a new event
    assert.deepEqual(await syncAndAlert(), ['new:RefundFailed']);
    assert.deepEqual(await syncAndAlert(), [], 'a sync with nothing new is quiet');

    sentry.resolveIssue(sentry.issues().find((i) => /PaymentDeclined/.test(i.title ?? ''))!.id);
    await runCrashApp({ dsn, kind: 'declined', release: 'payments@3.1.0' });
    const afterRegression = await syncAndAlert({ ...ON, release: 'latest' });
    assert.deepEqual(afterRegression, ['regressed:PaymentDeclined'], 'seen in payments@3.1.0, the newest release');
    await runCrashApp({ dsn, kind: 'declined', release: 'payments@3.1.0' });
    assert.deepEqual(await syncAndAlert(), [], 'still regressed at the next sync: no second alert');

    sentry.resolveIssue(sentry.issues().find((i) => /GatewayTimeout/.test(i.title ?? ''))!.id);
    await runCrashApp({ dsn, kind: 'timeout', release: 'payments@3.0.0' });
    assert.deepEqual(await syncAndAlert({ ...ON, release: 'latest' }), [], 'regressed in an older release');
    assert.equal(
      store.issue(sentry.issues().find((i) => /GatewayTimeout/.test(i.title ?? ''))!.id)?.substatus,
      'regressed',
    );
  });
});
