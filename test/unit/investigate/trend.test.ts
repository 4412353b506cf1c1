// How the first occurrence relates to its release, in words a reader takes in at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeTrend } from '../../../src/core/investigate/trend';
import type { StoredIssue } from '../../../src/core/store/model';

const releaseStart = Date.parse('2026-12-03T14:26:17.899Z');
const issue = (firstSeen: string) =>
  ({
    id: '1',
    shortId: 'ORDERS-2',
    title: 'PoolExhaustedError',
    firstSeen,
    lastSeen: firstSeen,
    stats24h: [],
  }) as unknown as StoredIssue;
const trend = (firstSeen: string) =>
  computeTrend(
    issue(firstSeen),
    [],
    Date.parse('2026-12-03T15:00:00Z'),
    new Map([['orders@2.4.0', releaseStart]]),
    'orders@2.4.0',
  ).firstSeenVsRelease;

test('first seen within seconds of the release: said so, not "0 ms after"', () => {
  assert.equal(
    trend('2026-12-03T14:26:18.017Z'),
    'First seen within seconds of the first event of release orders@2.4.0 elsewhere (2026-12-03T14:26:17.899Z).',
  );
});

test('first seen minutes after the release, or before any other issue reported it', () => {
  assert.equal(
    trend('2026-12-03T14:38:17.899Z'),
    'First seen 12 min after release orders@2.4.0 reported its first event elsewhere (2026-12-03T14:26:17.899Z).',
  );
  assert.match(
    trend('2026-12-03T14:20:17.899Z') ?? '',
    /^First seen in release orders@2\.4\.0, 6 min before any other issue/,
  );
});
