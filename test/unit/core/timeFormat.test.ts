import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localDateTime, localDay, relativeTime, span, timeTooltip } from '../../../src/shared/timeFormat';

const NOW = Date.parse('2026-12-03T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

test('relative times read like speech and round to the largest unit', () => {
  assert.equal(relativeTime(ago(10_000), NOW), 'just now');
  assert.equal(relativeTime(ago(50_000), NOW), '1 min ago');
  assert.equal(relativeTime(ago(12 * MIN), NOW), '12 min ago');
  assert.equal(relativeTime(ago(59 * MIN), NOW), '59 min ago');
  assert.equal(relativeTime(ago(3 * HOUR + 10 * MIN), NOW), '3 h ago');
  assert.equal(relativeTime(ago(DAY + HOUR), NOW), 'yesterday');
  assert.equal(relativeTime(ago(5 * DAY), NOW), '5 days ago');
  assert.equal(relativeTime(ago(21 * DAY), NOW), '3 weeks ago');
  assert.equal(relativeTime(ago(120 * DAY), NOW), '4 months ago');
  assert.equal(relativeTime(NOW - 800 * DAY, NOW, { timeZone: 'UTC' }), '2024-09-24');
});

test('a clock ahead of ours, garbage and Date/number inputs', () => {
  assert.equal(relativeTime(new Date(NOW + 5 * MIN), NOW), 'in 5 min');
  assert.equal(relativeTime(NOW + 20_000, NOW), 'just now');
  assert.equal(relativeTime('garbage', NOW), 'unknown time');
  assert.equal(relativeTime(Number.NaN, NOW), 'unknown time');
  assert.equal(span(90 * MIN), '2 h');
  assert.equal(span(DAY), '1 day');
  assert.equal(span(3_000), '3 s');
});

test('absolute local time carries the zone, in winter and in summer (DST)', () => {
  const winter = '2026-12-03T07:59:12.345Z';
  const summer = '2026-07-01T07:59:12.345Z';
  assert.equal(localDateTime(winter, { timeZone: 'Europe/Berlin' }), '2026-12-03 08:59:12 GMT+1');
  assert.equal(localDateTime(summer, { timeZone: 'Europe/Berlin' }), '2026-07-01 09:59:12 GMT+2');
  assert.equal(localDateTime(winter, { timeZone: 'America/New_York' }), '2026-12-03 02:59:12 EST');
  assert.equal(localDateTime(summer, { timeZone: 'America/New_York' }), '2026-07-01 03:59:12 EDT');
  assert.equal(localDateTime(winter, { timeZone: 'UTC' }), '2026-12-03 07:59:12 UTC');
  assert.equal(localDateTime(winter, { timeZone: 'Asia/Kolkata', zone: false }), '2026-12-03 13:29:12');
  assert.equal(localDateTime(winter, { timeZone: 'UTC', millis: true, timeOnly: true }), '07:59:12.345 UTC');
  assert.equal(localDateTime(winter, { timeZone: 'UTC', seconds: false, zone: false }), '2026-12-03 07:59');
});

test('the DST switch itself: the hour that repeats reads twice with different zones', () => {
  // Europe/Berlin leaves summer time on 2026-10-25 at 03:00 CEST → 02:00 CET.
  const beforeSwitch = '2026-10-25T00:30:00Z'; // 02:30 CEST
  const afterSwitch = '2026-10-25T01:30:00Z'; // 02:30 CET
  assert.equal(localDateTime(beforeSwitch, { timeZone: 'Europe/Berlin' }), '2026-10-25 02:30:00 GMT+2');
  assert.equal(localDateTime(afterSwitch, { timeZone: 'Europe/Berlin' }), '2026-10-25 02:30:00 GMT+1');
  // Midnight is 00, never 24.
  assert.equal(
    localDateTime('2026-12-02T23:00:00Z', { timeZone: 'Europe/Berlin', zone: false }),
    '2026-12-03 00:00:00',
  );
});

test('local day crosses midnight by zone, and tooltips join both forms', () => {
  const late = '2026-12-02T23:30:00Z';
  assert.equal(localDay(late, { timeZone: 'UTC' }), '2026-12-02');
  assert.equal(localDay(late, { timeZone: 'Asia/Tokyo' }), '2026-12-03');
  assert.equal(localDay('nope'), '');
  assert.equal(timeTooltip(ago(3 * HOUR), NOW, { timeZone: 'UTC' }), '3 h ago · 2026-12-03 09:00:00 UTC');
  assert.equal(localDateTime('not a time'), 'not a time');
});

test('the runtime zone is the default (TZ of the process)', () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  assert.equal(localDateTime(NOW), localDateTime(NOW, { timeZone: zone }));
});
