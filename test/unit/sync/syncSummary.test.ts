// The figures a sync reports (CLI summary, log line, status): counted for this sync only, even when the
// same client ran syncs before, and with the retries it took.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SentryClient } from '../../../src/core/sentry/sentryClient';
import { IssueStore } from '../../../src/core/store/issueStore';
import { SyncEngine } from '../../../src/core/sync/syncEngine';
import { startSentryServer, type SentryTestServer } from '../../servers/sentry';

let sentry: SentryTestServer;
before(async () => {
  sentry = await startSentryServer();
  sentry.generateSynthetic({ projects: ['shop'], issues: 30, eventsPerIssue: 1, seed: 5 });
});
after(async () => {
  await sentry.close();
});

test("requests, retries and rate limits are this sync's own, not the client's totals", async () => {
  const store = await IssueStore.open(mkdtempSync(join(tmpdir(), 'rca-summary-')));
  const client = new SentryClient({
    baseUrl: sentry.url,
    token: sentry.token,
    org: sentry.org,
    backoffBaseMs: 1,
    backoffMaxMs: 5,
  });
  const engine = new SyncEngine({ client, store, baseUrl: sentry.url }, { concurrency: 2 });
  sentry.fault({ kind: '429-bare', match: '/issues/', times: 1 });
  const first = await engine.run();
  assert.equal(first.retries, 1);
  assert.equal(first.rateLimited, 1);
  assert.equal(first.requests, client.stats.requests);
  sentry.fault({ kind: '429-bare', match: '/issues/', times: 2 });
  const requestsBefore = client.stats.requests;
  const second = await engine.run();
  assert.equal(second.retries, 2, "two retries in the second sync (the first sync's one is not counted again)");
  assert.equal(second.rateLimited, 2, 'two rate limits in the second sync (not three)');
  assert.equal(second.requests, client.stats.requests - requestsBefore);
  assert.ok(second.requests > 2);
});
