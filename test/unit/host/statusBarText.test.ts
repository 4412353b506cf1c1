import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failedStatusText, idleStatusText } from '../../../src/host/statusBarText';

const NOW = Date.parse('2026-12-03T10:00:00Z');

test("the status item reads as Sentry's, with the issue count in words and when it synced", () => {
  assert.equal(
    idleStatusText(2, new Date(NOW - 5_000).toISOString(), NOW),
    '$(bug) Sentry: 2 issues · synced just now',
  );
  assert.equal(
    idleStatusText(1, new Date(NOW - 12 * 60_000).toISOString(), NOW),
    '$(bug) Sentry: 1 issue · synced 12 min ago',
  );
  assert.equal(
    idleStatusText(1234, new Date(NOW - 3 * 3_600_000).toISOString(), NOW),
    '$(bug) Sentry: 1,234 issues · synced 3 h ago',
  );
  assert.equal(idleStatusText(0, null, NOW), '$(bug) Sentry: not synced yet');
  // Never a bare number beside the Problems counters ("🐞 2 · just now").
  assert.doesNotMatch(idleStatusText(2, new Date(NOW).toISOString(), NOW), /^\$\(bug\) \d/);
});

test('after a failure it says so and keeps the count', () => {
  assert.equal(failedStatusText(2), '$(error) Sentry: sync failed · 2 issues');
  assert.equal(failedStatusText(0), '$(error) Sentry: sync failed');
});
