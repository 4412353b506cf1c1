import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sentryFixture } from '../../support/paths';
import { MalformedPayloadError, toStoredEvent, toStoredIssue, TRIM } from '../../../src/core/sentry/convert';

const load = (name: string) => JSON.parse(readFileSync(sentryFixture(name), 'utf8'));

test('org issue list item: count string → number, stats, project', () => {
  const [raw] = load('openapi-org-issues-list.json');
  const issue = toStoredIssue(raw, '2026-11-25T00:00:00Z');
  assert.equal(issue.count, 150);
  assert.equal(issue.shortId, 'PUMP-STATION-1');
  assert.equal(issue.projectSlug, 'pump-station');
  assert.equal(issue.projectId, '2');
  assert.ok(issue.stats24h.length > 0 && issue.stats24h.every(([t, n]) => Number.isFinite(t) && Number.isFinite(n)));
});

test('full JS event: exceptions, frames with context only for in-app frames, tags, breadcrumbs', () => {
  const raw = load('openapi-issue-event-detail-js.json');
  const ev = toStoredEvent(raw, '1341191803', '5');
  assert.equal(ev.id, raw.eventID);
  assert.equal(ev.environment, 'prod');
  assert.equal(ev.exceptions.length, 1);
  const frames = ev.exceptions[0]!.frames;
  assert.ok(frames.length > 1);
  assert.ok(frames.some((f) => f.absPath?.startsWith('webpack://')));
  for (const f of frames) {
    if (!f.inApp) assert.deepEqual(f.context, [], 'library frames keep no source lines');
    else for (const [n] of f.context) assert.ok(Math.abs(n - (f.lineNo ?? n)) <= TRIM.contextRadius);
  }
  assert.ok(ev.breadcrumbs.length <= TRIM.maxBreadcrumbs);
  assert.equal(ev.release, raw.release?.version ?? null);
});

test('malformed events are rejected with a reason, odd fields are tolerated', () => {
  assert.throws(() => toStoredEvent({} as never, '1', '1'), MalformedPayloadError);
  assert.throws(() => toStoredEvent({ eventID: 'x', dateCreated: 'not a date' }, '1', '1'), /no valid dateCreated/);
  const ev = toStoredEvent(
    {
      eventID: 'e1',
      dateCreated: '2026-11-25T10:00:00Z',
      tags: [null as never, { key: 'level', value: 'warning' }],
      entries: [
        null as never,
        {
          type: 'exception',
          data: {
            values: [
              {
                type: 'E',
                value: 'v'.repeat(10_000),
                stacktrace: { frames: [null as never, { function: 'f', lineNo: 'x' as never, inApp: true }] },
              },
            ],
          },
        },
        { type: 'breadcrumbs', data: { values: 'nope' as never } },
      ],
    },
    '1',
    '1',
  );
  assert.equal(ev.level, 'warning');
  assert.equal(ev.exceptions[0]!.frames.length, 1);
  assert.equal(ev.exceptions[0]!.frames[0]!.lineNo, null);
  assert.ok(ev.exceptions[0]!.value.length <= TRIM.maxMessageLength + 1);
  assert.deepEqual(ev.breadcrumbs, []);
});

test("chained exceptions keep Sentry's oldest-first order and the breadcrumb tail", () => {
  const crumbs = Array.from({ length: 50 }, (_, i) => ({
    timestamp: 1_764_000_000 + i,
    category: 'http',
    message: `crumb ${i}`,
  }));
  const ev = toStoredEvent(
    {
      eventID: 'e2',
      dateCreated: '2026-11-25T10:00:00Z',
      entries: [
        {
          type: 'exception',
          data: {
            values: [
              { type: 'KeyError', value: 'a' },
              { type: 'ValueError', value: 'b' },
            ],
          },
        },
        { type: 'breadcrumbs', data: { values: crumbs } },
      ],
    },
    '1',
    '1',
  );
  assert.deepEqual(
    ev.exceptions.map((e) => e.type),
    ['KeyError', 'ValueError'],
  );
  assert.equal(ev.breadcrumbs.length, 30);
  assert.equal(ev.breadcrumbs.at(-1)?.message, 'crumb 49');
  assert.match(ev.breadcrumbs[0]!.timestamp!, /^2025-/);
});
