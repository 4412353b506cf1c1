import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sentryFixture } from '../../support/paths';
import type { ApiEvent, ApiIssue, SentryTestServer } from '../../servers/sentry';
import { get, withServer } from './helpers';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(sentryFixture(name), 'utf8')) as T;

/** Every key Sentry's documented example has must be in ours (we may add keys, never drop them). */
function assertHasKeys(name: string, example: object, ours: object, except: string[] = []) {
  const missing = Object.keys(example).filter((k) => !(k in ours) && !except.includes(k));
  assert.deepEqual(missing, [], `${name}: keys in Sentry's example but not in ours`);
}

describe('response shapes match the OpenAPI examples', () => {
  let server: SentryTestServer;
  let issue: ApiIssue;
  let event: ApiEvent;
  before(async () => {
    server = await withServer();
    const p = server.addProject({ slug: 'demo-app' });
    server.ingestEnvelope(p.id, readFileSync(sentryFixture('captured-sentry-node-11.12.0-error.envelope')));
    server.ingestEvent(p.id, {
      event_id: 'b'.repeat(32),
      timestamp: 1795614571,
      platform: 'node',
      level: 'error',
      exception: {
        values: [
          {
            type: 'Error',
            value: 'x',
            stacktrace: { frames: [{ filename: '/srv/a.js', function: 'f', lineno: 1, in_app: true }] },
          },
        ],
      },
      breadcrumbs: [{ timestamp: 1795614570, category: 'http', message: 'GET /' }],
      request: { url: 'http://x/y?a=1', method: 'GET', headers: { Accept: '*/*' }, query_string: 'a=1' },
    });
    [issue] = (await get(server, '/organizations/acme/issues/?sort=new&limit=1')).json<ApiIssue[]>() as [ApiIssue];
    event = (await get(server, `/organizations/acme/issues/${issue.id}/events/latest/`)).json<ApiEvent>();
  });
  after(() => server.close());

  test('issue list item (openapi-org-issues-list.json)', () => {
    // derivedData is Seer's autofix summary, absent unless requested.
    assertHasKeys('issue', fixture<object[]>('openapi-org-issues-list.json')[0]!, issue, ['derivedData']);
    assert.equal(typeof issue.count, 'string');
    assert.equal(typeof issue.userCount, 'number');
  });

  test('event list item without full (openapi-issue-events-list.json)', async () => {
    const [summary] = (await get(server, `/organizations/acme/issues/${issue.id}/events/`)).json<object[]>();
    const example = fixture<object[]>('openapi-issue-events-list.json')[0]!;
    assertHasKeys('event summary', example, summary!);
    assert.deepEqual(Object.keys(summary!).sort(), Object.keys(example).sort());
  });

  test('full event, its entries, frames, breadcrumbs, request and release (openapi-issue-event-detail-js.json)', () => {
    const example = fixture<ApiEvent & { entries: Array<{ type: string; data: Record<string, unknown> }> }>(
      'openapi-issue-event-detail-js.json',
    );
    assertHasKeys('event', example, event);
    const exEntry = (t: string) => example.entries.find((e) => e.type === t)!.data;
    const ourEntry = (t: string) => event.entries.find((e) => e.type === t)!.data as Record<string, unknown>;
    assertHasKeys('exception entry', exEntry('exception'), ourEntry('exception'));
    const exValue = (exEntry('exception').values as object[])[0]!;
    const ourValue = (ourEntry('exception').values as object[])[0]!;
    assertHasKeys('exception value', exValue, ourValue);
    const exFrame = (exValue as { stacktrace: { frames: object[] } }).stacktrace.frames[0]!;
    const ourFrame = (ourValue as { stacktrace: { frames: object[] } }).stacktrace.frames[0]!;
    assertHasKeys('frame', exFrame, ourFrame);
    assertHasKeys(
      'stacktrace',
      (exValue as { stacktrace: object }).stacktrace,
      (ourValue as { stacktrace: object }).stacktrace,
    );
    assertHasKeys(
      'breadcrumb',
      (exEntry('breadcrumbs').values as object[])[0]!,
      (ourEntry('breadcrumbs').values as object[])[0]!,
    );
    assertHasKeys('request', exEntry('request'), ourEntry('request'));
    assert.deepEqual(ourEntry('request').query, [['a', '1']]);
    assert.equal(event.release, null, 'no release on this event');
  });

  test('release object on an event that has one', async () => {
    const [withRelease] = (await get(server, '/organizations/acme/issues/?query=release:demo-app@1.2.3')).json<
      ApiIssue[]
    >();
    const ev = (await get(server, `/organizations/acme/issues/${withRelease!.id}/events/latest/`)).json<ApiEvent>();
    assertHasKeys('release', fixture<{ release: object }>('openapi-issue-event-detail-js.json').release, ev.release!);
    assert.equal(ev.release!.version, 'demo-app@1.2.3');
  });

  test('organization and project (openapi-organization-detail.json, openapi-org-projects-list.json)', async () => {
    assertHasKeys(
      'organization',
      fixture<object>('openapi-organization-detail.json'),
      (await get(server, '/organizations/acme/')).json<object>(),
    );
    assertHasKeys(
      'project',
      fixture<object[]>('openapi-org-projects-list.json')[0]!,
      (await get(server, '/organizations/acme/projects/')).json<object[]>()[0]!,
    );
  });
});
