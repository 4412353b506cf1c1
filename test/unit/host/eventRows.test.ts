import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StoredEvent, StoredIssue } from '../../../src/core/store/model';
import {
  describeEvents,
  describeMoreEvents,
  eventsLink,
  missingEventCount,
} from '../../../src/host/tree/eventRowFormat';
import { describeFrame } from '../../../src/host/tree/issueTreeFormat';

const NOW = Date.parse('2026-12-03T10:00:00Z');

function event(
  n: number,
  p: Partial<StoredEvent> = {},
  value = 'connection pool exhausted (10/10 in use)',
): StoredEvent {
  return {
    id: `e${n}abcdef0123456789`,
    issueId: '1',
    projectId: '1',
    timestamp: new Date(NOW - 2 * 3_600_000 - n * 1000).toISOString(),
    level: 'error',
    title: 'PoolExhaustedError: connection pool exhausted',
    message: '',
    platform: 'node',
    environment: 'production',
    release: 'orders@2.4.0',
    exceptions: [
      {
        type: 'PoolExhaustedError',
        value,
        module: null,
        handled: false,
        mechanism: null,
        frames: [
          {
            filename: '/srv/orders/src/db/pool.mjs',
            absPath: '/srv/orders/src/db/pool.mjs',
            module: null,
            package: null,
            platform: null,
            function: 'ConnectionPool.acquire',
            lineNo: 47,
            colNo: 13,
            inApp: true,
            context: [],
          },
        ],
      },
    ],
    tags: {},
    breadcrumbs: [],
    traceId: null,
    requestId: null,
    request: null,
    contexts: {},
    ...p,
  };
}

const ISSUE: StoredIssue = {
  id: '1',
  shortId: 'ORDERS-1',
  title: 'PoolExhaustedError: connection pool exhausted',
  culprit: 'ConnectionPool.acquire',
  permalink: 'https://acme.sentry.io/issues/1/',
  level: 'error',
  status: 'unresolved',
  substatus: null,
  platform: 'node',
  projectId: '1',
  projectSlug: 'orders',
  count: 6,
  userCount: 3,
  firstSeen: '2026-12-03T07:00:00Z',
  lastSeen: '2026-12-03T08:00:00Z',
  metadata: {},
  isUnhandled: true,
  stats24h: [],
  firstRelease: null,
  syncedAt: '2026-12-03T08:00:00Z',
};

function labels(events: StoredEvent[]): string[] {
  return describeEvents(events, NOW).map((r) => r.row.label);
}

function assertDistinct(list: string[]): void {
  assert.equal(new Set(list).size, list.length, `labels repeat: ${JSON.stringify(list)}`);
}

describe('event rows', () => {
  test('events that differ only in release name the release in the label; latest first', () => {
    const rows = describeEvents(
      [event(3, { release: 'orders@2.3.9' }), event(1, { release: 'orders@2.4.1' }), event(2)],
      NOW,
    );
    assert.deepEqual(
      rows.map((r) => r.event.id.slice(0, 2)),
      ['e1', 'e2', 'e3'],
      'latest first',
    );
    assert.deepEqual(
      rows.map((r) => r.row.label),
      ['2 h ago · orders@2.4.1', '2 h ago · orders@2.4.0', '2 h ago · orders@2.3.9'],
    );
  });

  test('events that differ only in environment name it; the unchanged release is in the description', () => {
    const rows = describeEvents([event(1), event(2, { environment: 'staging' })], NOW);
    assert.deepEqual(
      rows.map((r) => r.row.label),
      ['2 h ago · production', '2 h ago · staging'],
    );
    assert.match(rows[0]!.row.description!, /^orders@2\.4\.0 · 2026-12-03 \d\d:\d\d:\d\d \S+/);
  });

  test('messages that share a long start are shown from the word where they differ', () => {
    const rows = describeEvents(
      [
        event(1, {}, "Cannot read properties of undefined (reading 'street')"),
        event(2, {}, "Cannot read properties of undefined (reading 'zip')"),
      ],
      NOW,
    );
    assert.deepEqual(
      rows.map((r) => r.row.label),
      ["2 h ago · …(reading 'street')", "2 h ago · …(reading 'zip')"],
    );
  });

  test('a burst of events equal in all but time: every row gets its time of day, the relative time moves to the description', () => {
    const rows = describeEvents([event(1), event(2), event(3)], NOW);
    const list = rows.map((r) => r.row.label);
    assertDistinct(list);
    for (const l of list) assert.match(l, /^\d\d:\d\d:\d\d$/);
    assert.match(rows[0]!.row.description!, /· 2 h ago$/);
    // Some rows told apart by a facet, others not: still one clock for all rows.
    const mixed = labels([
      event(1, { tags: { user: 'id:a' } }),
      event(2, { tags: { user: 'id:a' } }),
      event(3, { tags: { user: 'id:b' } }),
    ]);
    assertDistinct(mixed);
    for (const l of mixed) assert.match(l, /^\d\d:\d\d:\d\d · user [ab]$/);
    // Within one second: milliseconds.
    const ms = labels([
      event(1, { timestamp: '2026-12-03T07:59:12.120Z' }),
      event(2, { timestamp: '2026-12-03T07:59:12.450Z' }),
    ]);
    assertDistinct(ms);
    for (const l of ms) assert.match(l, /^\d\d:\d\d:12\.\d{3}$/);
    // Over several days: the date too.
    const days = labels([
      event(1, { timestamp: '2026-12-01T07:59:12Z' }),
      event(2, { timestamp: '2026-12-01T07:59:12Z' }),
      event(3, { timestamp: '2026-12-02T07:59:12Z' }),
    ]);
    assert.match(days[0]!, /^12-0\d \d\d:\d\d:\d\d/);
    const [first] = describeEvents([event(1), event(2)], NOW);
    assert.match(first!.row.tooltip!, /2026-12-03 \d\d:\d\d:\d\d \S+ \(2 h ago\)/);
  });

  test('events in the same second and equal in every facet are told apart by their id', () => {
    const same = { timestamp: '2026-12-03T07:59:12.000Z' };
    const list = labels([event(1, same), event(2, same)]);
    assertDistinct(list);
    assert.match(list[0]!, /^\d\d:\d\d:12\.000 · e1abcdef$/);
  });

  test('the user or the transaction names an event when message and culprit are the same', () => {
    const rows = describeEvents(
      [event(1, { tags: { user: 'id:cus_17' } }), event(2, { tags: { user: 'id:cus_23' } })],
      NOW,
    );
    assert.deepEqual(
      rows.map((r) => r.row.label),
      ['2 h ago · user cus_17', '2 h ago · user cus_23'],
    );
    assert.match(rows[0]!.row.tooltip!, /User: cus\\_17 \*\(differs\)\*/);
    const tx = labels([event(1, { tags: { transaction: 'POST /checkout' } }), event(2, { tags: {} })]);
    assert.deepEqual(tx, ['2 h ago · POST /checkout', '2 h ago · no transaction']);
    // The URL the transaction already names is not repeated in the description.
    const [withUrl] = describeEvents(
      [
        event(1, { tags: { user: 'id:a', transaction: 'POST /checkout', url: 'http://shop/checkout' } }),
        event(2, { tags: { user: 'id:b', transaction: 'GET /orders/:id', url: 'http://shop/orders/7' } }),
      ],
      NOW,
    );
    assert.match(withUrl!.row.description!, /^POST \/checkout · production/);
  });

  test('labels stay short: long values are cut, the description carries the rest', () => {
    const long = 'x'.repeat(200);
    const [row] = describeEvents([event(1, { release: long }), event(2)], NOW);
    assert.ok(row!.row.label.length <= 45, row!.row.label);
    assert.ok(row!.row.label.endsWith('…'));
  });

  test('hostile event text stays text in the tooltip', () => {
    const [row] = describeEvents([event(1, { tags: { user: 'id:[x](command:evil)' } }), event(2)], NOW);
    assert.doesNotMatch(row!.row.tooltip!, /\[x\]\(command:evil\)/);
  });
});

describe('"more events" row', () => {
  test('shown when Sentry counted more events than are stored, with the count missing', () => {
    assert.equal(missingEventCount(ISSUE, 5), 1);
    assert.equal(missingEventCount(ISSUE, 6), 0);
    assert.equal(missingEventCount({ ...ISSUE, count: 2 }, 5), 0, 'never negative');
    assert.equal(describeMoreEvents(ISSUE, 5).label, '1 more event in Sentry…');
    assert.equal(describeMoreEvents({ ...ISSUE, count: 1234 }, 5).label, '1,229 more events in Sentry…');
    assert.match(describeMoreEvents(ISSUE, 5).tooltip!, /5 of 6 events are synced.*sentryRCA\.eventsPerIssue/);
  });

  test("opens the issue's event list in Sentry", () => {
    assert.equal(eventsLink(ISSUE), 'https://acme.sentry.io/issues/1/events/');
    assert.equal(
      eventsLink({ ...ISSUE, permalink: 'https://sentry.example/organizations/acme/issues/9' }),
      'https://sentry.example/organizations/acme/issues/9/events/',
    );
    assert.equal(eventsLink({ ...ISSUE, permalink: 'javascript:alert(1)' }), undefined);
  });
});

describe('frame rows', () => {
  test('file:line comes first (it must stay visible at 300 px), the function follows', () => {
    const frame = event(1).exceptions[0]!.frames[0]!;
    const d = describeFrame(frame);
    assert.equal(d.label, 'db/pool.mjs:47');
    assert.equal(d.description, 'ConnectionPool.acquire');
    assert.match(d.tooltip!, /line 47, column 13/);
  });
});
