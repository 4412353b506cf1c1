import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { detailsFromApi, detailsFromStore, toTagDistribution } from '../../../src/core/details/eventDetails';
import {
  REDACTED,
  redactCookies,
  redactHeaders,
  redactQuery,
  redactUrl,
} from '../../../src/core/details/requestRedaction';
import type { ApiEvent } from '../../../src/core/sentry/apiTypes';
import { sentryFixture } from '../../support/paths';

const ISSUE = { id: '7', shortId: 'ORDERS-7', title: 'TypeError', projectSlug: 'orders' };

describe('request redaction', () => {
  test('credential headers are redacted whole, whatever their case; others keep their value', () => {
    const out = redactHeaders([
      ['Authorization', 'Bearer sk_live_abcdefghijklmnop1234'],
      ['cookie', 'session=abc; theme=dark'],
      ['Set-Cookie', 'sid=1; HttpOnly'],
      ['X-Api-Key', 'key_12345'],
      ['X-Custom-Token', 'abc'],
      ['Accept', 'application/json'],
      ['x-customer-id', 'cus_42'],
      ['authorization', '[Filtered]'],
    ]);
    assert.deepEqual(out, [
      ['Authorization', REDACTED],
      ['cookie', REDACTED],
      ['Set-Cookie', REDACTED],
      ['X-Api-Key', REDACTED],
      ['X-Custom-Token', REDACTED],
      ['Accept', 'application/json'],
      ['x-customer-id', 'cus_42'],
      ['authorization', '[Filtered]'],
    ]);
  });

  test('token shapes in an innocent header are still caught', () => {
    const [[, v]] = redactHeaders([['x-debug', 'used ghp_abcdefghijklmnopqrstuvwxyz0123456789 today']]) as [
      [string, string],
    ];
    assert.doesNotMatch(v, /ghp_/);
  });

  test('every cookie value; query parameters and URL tokens by name; URL passwords', () => {
    assert.deepEqual(redactCookies([['theme', 'dark']]), [['theme', REDACTED]]);
    assert.deepEqual(
      redactQuery([
        ['access_token', 'qs1'],
        ['page', '2'],
        ['api_key', 'k'],
      ]),
      [
        ['access_token', REDACTED],
        ['page', '2'],
        ['api_key', REDACTED],
      ],
    );
    assert.equal(
      redactUrl('https://shop.example/orders/1/receipt?access_token=qs_secret_1&page=2&sig=abc'),
      `https://shop.example/orders/1/receipt?access_token=${REDACTED}&page=2&sig=${REDACTED}`,
    );
    assert.equal(redactUrl('https://bob:hunter2@db.example/x'), 'https://bob:[REDACTED]@db.example/x');
    assert.equal(redactUrl('http://h/x?page=2'), 'http://h/x?page=2');
    assert.doesNotMatch(redactUrl('not a url token=abc123'), /abc123/);
  });
});

describe('event details', () => {
  const raw: ApiEvent & { user?: unknown; sdk?: unknown } = {
    eventID: 'a'.repeat(32),
    dateCreated: '2026-12-01T10:00:00.000Z',
    title: 'TypeError: <img src=x onerror=alert(1)>',
    platform: 'node',
    tags: [
      { key: 'level', value: 'fatal' },
      { key: 'environment', value: 'production' },
    ],
    release: { version: 'orders@2.5.0' },
    user: { id: 'cus_42', password: 'hunter2', email: 'a@b.c' },
    sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
    contexts: {
      os: { name: 'Debian', version: '12', type: 'os' },
      runtime: { name: 'node', version: 'v20', type: 'runtime' },
      trace: { trace_id: 'f'.repeat(32), type: 'trace' },
    },
    entries: [
      {
        type: 'breadcrumbs',
        data: {
          values: Array.from({ length: 120 }, (_, i) => ({
            timestamp: 1796119200 + i,
            category: i % 2 ? 'http' : 'console',
            level: 'info',
            message: `step ${i}`,
            data: { token: 'secret-value', n: i },
          })),
        },
      },
      {
        type: 'request',
        data: {
          method: 'GET',
          url: 'http://127.0.0.1/orders?access_token=qs',
          query: [['access_token', 'qs']],
          headers: [
            ['Authorization', 'Bearer abc'],
            ['Cookie', 'session=1'],
          ],
          cookies: [['session', '1']],
          data: { password: 'p', item: 'mug' },
        },
      },
    ],
  };

  test('all breadcrumbs (not the store tail), redacted request, user, contexts in order, SDK', () => {
    const v = detailsFromApi(raw, ISSUE, null);
    assert.equal(v.breadcrumbs.length, 120);
    assert.equal(v.breadcrumbs[0]!.timestamp, '2026-12-01T10:00:00.000Z');
    assert.deepEqual(v.breadcrumbs[0]!.data, [
      ['token', REDACTED],
      ['n', '0'],
    ]);
    assert.equal(v.request!.url, `http://127.0.0.1/orders?access_token=${REDACTED}`);
    assert.deepEqual(v.request!.headers, [
      ['Authorization', REDACTED],
      ['Cookie', REDACTED],
    ]);
    assert.deepEqual(v.request!.cookies, [['session', REDACTED]]);
    assert.doesNotMatch(v.request!.data!, /"p"/);
    assert.deepEqual(v.user, [
      ['id', 'cus_42'],
      ['password', REDACTED],
      ['email', 'a@b.c'],
    ]);
    assert.deepEqual(
      v.contexts.map((c) => c.name),
      ['runtime', 'os', 'trace'],
    );
    assert.deepEqual(v.sdk, { name: 'sentry.javascript.node', version: '11.12.0' });
    assert.equal(v.event.level, 'fatal');
    assert.equal(v.event.release, 'orders@2.5.0');
    // Markup stays text here; the webview renders it with textContent.
    assert.equal(v.event.title, 'TypeError: <img src=x onerror=alert(1)>');
    assert.equal(v.source, 'sentry');
  });

  test('the synced copy says what it lacks', () => {
    const v = detailsFromStore(
      {
        id: 'e1',
        issueId: '7',
        projectId: '1',
        timestamp: '2026-12-01T10:00:00.000Z',
        level: 'error',
        title: 'T',
        message: '',
        platform: null,
        environment: null,
        release: null,
        exceptions: [],
        tags: { a: 'b' },
        breadcrumbs: [],
        traceId: null,
        requestId: null,
        request: { method: 'GET', url: 'http://h/?token=abc' },
        contexts: { runtime: 'node v20' },
      },
      ISSUE,
      null,
      'offline',
    );
    assert.equal(v.source, 'store');
    assert.equal(v.notice, 'offline');
    assert.equal(v.request!.url, `http://h/?token=${REDACTED}`);
  });

  test("tag distribution: Sentry's shape; malformed items skipped", () => {
    const d = toTagDistribution([
      {
        key: 'browser',
        name: 'Browser',
        totalValues: 30,
        topValues: [
          { key: 'browser', name: 'Chrome', value: 'Chrome', count: 20, lastSeen: 'x', firstSeen: 'y' },
          { key: 'browser', name: 'Firefox', value: 'Firefox', count: 10 },
        ],
      },
      null,
      { name: 'no key' },
    ]);
    assert.deepEqual(d, [
      {
        key: 'browser',
        name: 'Browser',
        totalValues: 30,
        top: [
          { value: 'Chrome', count: 20 },
          { value: 'Firefox', count: 10 },
        ],
      },
    ]);
    assert.deepEqual(toTagDistribution({ detail: 'x' }), []);
  });

  test('the OpenAPI example event converts (real shape)', () => {
    const ex = JSON.parse(readFileSync(sentryFixture('openapi-issue-event-detail-js.json'), 'utf8')) as ApiEvent;
    const v = detailsFromApi(ex, ISSUE, null);
    assert.ok(v.event.id.length > 0);
    assert.ok(v.tags.length > 0);
  });
});
