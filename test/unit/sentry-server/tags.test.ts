import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCrashApp, type SentryTestServer } from '../../servers/sentry';
import { get, withServer } from './helpers';

interface TagItem {
  key: string;
  name: string;
  totalValues: number;
  topValues: Array<{ key: string; name: string; value: string; count: number; firstSeen: string; lastSeen: string }>;
}

describe('issue tag distribution (GET /organizations/{org}/issues/{id}/tags/) from real SDK events', () => {
  let server: SentryTestServer;
  let issueId = '';
  before(async () => {
    server = await withServer({ org: 'acme' });
    const { dsn } = server.addProject({ slug: 'payments' });
    await runCrashApp({ dsn, release: 'payments@3.0.0' });
    await runCrashApp({ dsn, release: 'payments@3.1.0' });
    await runCrashApp({ dsn, release: 'payments@3.1.0', environment: 'staging' });
    issueId = server.issues()[0]!.id;
  });
  after(() => server.close());

  test("Sentry's shape: one item per key, labels, total and top values with counts and times", async () => {
    const r = await get(server, `/organizations/acme/issues/${issueId}/tags/`);
    assert.equal(r.status, 200);
    const items = r.json<TagItem[]>();
    const release = items.find((t) => t.key === 'release')!;
    assert.equal(release.name, 'Release');
    assert.equal(release.totalValues, 3);
    assert.deepEqual(
      release.topValues.map((v) => [v.value, v.count]),
      [
        ['payments@3.1.0', 2],
        ['payments@3.0.0', 1],
      ],
    );
    assert.deepEqual(Object.keys(release.topValues[0]!).sort(), [
      'count',
      'firstSeen',
      'key',
      'lastSeen',
      'name',
      'value',
    ]);
    assert.equal(items.find((t) => t.key === 'server_name')!.name, 'Server');
    assert.equal(items.find((t) => t.key === 'customer_note')!.name, 'Customer Note');
  });

  test('key, limit and environment narrow it; bad limit is a 400; unknown issue a 404; event:read needed', async () => {
    const byKey = (await get(server, `/organizations/acme/issues/${issueId}/tags/?key=release&key=environment`)).json<
      TagItem[]
    >();
    assert.deepEqual(
      byKey.map((t) => t.key),
      ['environment', 'release'],
    );
    const one = (await get(server, `/organizations/acme/issues/${issueId}/tags/?key=release&limit=1`)).json<
      TagItem[]
    >();
    assert.equal(one[0]!.topValues.length, 1);
    const staging = (
      await get(server, `/organizations/acme/issues/${issueId}/tags/?key=environment&environment=staging`)
    ).json<TagItem[]>();
    assert.deepEqual(
      staging[0]!.topValues.map((v) => [v.value, v.count]),
      [['staging', 1]],
    );
    assert.equal((await get(server, `/organizations/acme/issues/${issueId}/tags/?limit=x`)).status, 400);
    assert.equal((await get(server, '/organizations/acme/issues/999999/tags/')).status, 404);
    const original = server.token;
    server.setToken('sntryu_noevents', ['org:read', 'project:read']);
    try {
      assert.equal((await get(server, `/organizations/acme/issues/${issueId}/tags/`, 'sntryu_noevents')).status, 403);
    } finally {
      server.setToken(original, ['org:read', 'project:read', 'event:read']);
    }
  });
});
