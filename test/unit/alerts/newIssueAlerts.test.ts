import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALERT_NAMED_ISSUES, alertMessage, notificationText } from '../../../src/core/alerts/alertMessage';
import {
  alertBaseline,
  findAlerts,
  newestRelease,
  type AlertInput,
  type AlertSettings,
} from '../../../src/core/alerts/newIssueAlerts';
import type { StoredEvent, StoredIssue } from '../../../src/core/store/model';
import { event as scenarioEvent, issue as scenarioIssue } from '../investigate/scenario';

const PREV = '2026-12-01T10:00:00.000Z';
const NOW = '2026-12-01T10:10:00.000Z';
const KEY = 'https://sentry.io|acme|all|warning';

/** The investigation scenario's issue, as a fatal one first seen just before this sync. */
function issue(id: string, extra: Partial<StoredIssue> = {}): StoredIssue {
  return scenarioIssue(id, {
    title: `TypeError ${id}`,
    level: 'fatal',
    projectSlug: 'orders',
    firstSeen: '2026-12-01T10:08:00.000Z',
    lastSeen: '2026-12-01T10:08:00.000Z',
    firstRelease: 'orders@2.5.0',
    syncedAt: NOW,
    ...extra,
  });
}

function event(issueId: string, extra: Partial<StoredEvent> = {}): StoredEvent {
  return scenarioEvent(`${issueId}-e`, Date.parse('2026-12-01T10:08:00.000Z'), {
    issueId,
    release: 'orders@2.5.0',
    ...extra,
  });
}

const ON: AlertSettings = { minLevel: 'fatal', projects: [], environments: [], release: '' };

function input(
  before: StoredIssue[],
  after: StoredIssue[],
  o: Partial<AlertInput> = {},
  lastListing: string | null = PREV,
) {
  const events = new Map<string, StoredEvent[]>(after.map((i) => [i.id, [event(i.id)]]));
  return {
    baseline: alertBaseline({ meta: { lastListing, lastSuccessfulSync: lastListing, filterKey: KEY }, issues: before }),
    after: { meta: { filterKey: KEY }, issues: after },
    syncStartedAt: NOW,
    events: (id: string) => events.get(id) ?? [],
    allEvents: () => [...events.values()].flat(),
    settings: ON,
    ...o,
  } satisfies AlertInput;
}

describe('new-issue alerts', () => {
  test('a new fatal issue listed by this sync alerts once, as new', () => {
    const old = issue('1', { firstSeen: '2026-11-20T00:00:00.000Z', substatus: 'ongoing' });
    const fresh = issue('2');
    const alerts = findAlerts(input([old], [old, fresh]));
    assert.deepEqual(
      alerts.map((a) => [a.issue.id, a.reason]),
      [['2', 'new']],
    );
  });

  test('no storm on the first sync: a store never listed alerts nothing', () => {
    const many = Array.from({ length: 50 }, (_, i) => issue(String(i)));
    assert.deepEqual(findAlerts(input([], many, {}, null)), []);
  });

  test('a filter change alerts only issues first seen since the previous listing, never old ones', () => {
    const born = issue('1');
    const oldRegressed = issue('2', { firstSeen: '2026-10-01T00:00:00.000Z', substatus: 'regressed' });
    const i = input([], [born, oldRegressed]);
    const alerts = findAlerts({ ...i, after: { ...i.after, meta: { filterKey: 'other-scope' } } });
    assert.deepEqual(
      alerts.map((a) => a.issue.id),
      ['1'],
    );
    // In the same scope the unknown regressed issue counts (it was resolved before we ever listed it).
    assert.deepEqual(
      findAlerts(input([], [born, oldRegressed])).map((a) => a.issue.id),
      ['1', '2'],
    );
  });

  test('regressed: stored resolved, listed unresolved again; and a substatus change to regressed; once only', () => {
    const wasResolved = issue('1', { firstSeen: '2026-11-01T00:00:00.000Z', status: 'resolved', substatus: null });
    const nowBack = { ...wasResolved, status: 'unresolved', substatus: 'regressed' };
    const wasOngoing = issue('2', { firstSeen: '2026-11-01T00:00:00.000Z', substatus: 'ongoing' });
    const nowRegressed = { ...wasOngoing, substatus: 'regressed' };
    assert.deepEqual(
      findAlerts(input([wasResolved, wasOngoing], [nowBack, nowRegressed])).map((a) => [a.issue.id, a.reason]),
      [
        ['1', 'regressed'],
        ['2', 'regressed'],
      ],
    );
    // The next sync lists them again, still `regressed`: no second alert.
    assert.deepEqual(findAlerts(input([nowBack, nowRegressed], [nowBack, nowRegressed])), []);
  });

  test('issues this sync did not list, resolved ones and unchanged ones never alert', () => {
    const untouched = issue('1', { syncedAt: PREV });
    const resolved = issue('2', { status: 'resolved' });
    const known = issue('3');
    assert.deepEqual(findAlerts(input([known], [untouched, resolved, known])), []);
  });

  test('minimum level, projects, environments and release filter; off turns it off', () => {
    const fatal = issue('1');
    const error = issue('2', { level: 'error' });
    const billing = issue('3', { projectSlug: 'billing' });
    const all = [fatal, error, billing];
    assert.deepEqual(
      findAlerts(input([], all)).map((a) => a.issue.id),
      ['1', '3'],
    );
    assert.deepEqual(
      findAlerts(input([], all, { settings: { ...ON, minLevel: 'error' } }))
        .map((a) => a.issue.id)
        .sort(),
      ['1', '2', '3'],
    );
    assert.deepEqual(
      findAlerts(input([], all, { settings: { ...ON, projects: ['billing'] } })).map((a) => a.issue.id),
      ['3'],
    );
    assert.deepEqual(findAlerts(input([], all, { settings: { ...ON, environments: ['staging'] } })), []);
    assert.equal(findAlerts(input([], all, { settings: { ...ON, environments: ['production'] } })).length, 2);
    assert.deepEqual(findAlerts(input([], all, { settings: { ...ON, minLevel: 'off' } })), []);
    assert.deepEqual(findAlerts(input([], all, { settings: { ...ON, release: 'orders@2.4.0' } })), []);
    assert.equal(findAlerts(input([], all, { settings: { ...ON, release: 'orders@2.5.0' } })).length, 2);
  });

  test('release "latest" keeps issues seen in the release that appeared last', () => {
    const inOld = issue('1', { firstRelease: 'orders@2.4.0' });
    const inNew = issue('2');
    const events = new Map<string, StoredEvent[]>([
      ['1', [event('1', { release: 'orders@2.4.0', timestamp: '2026-12-01T09:00:00.000Z' })]],
      ['2', [event('2', { release: 'orders@2.5.0', timestamp: '2026-12-01T10:08:00.000Z' })]],
    ]);
    const alerts = findAlerts(
      input([], [inOld, inNew], {
        settings: { ...ON, release: 'latest' },
        events: (id) => events.get(id) ?? [],
        allEvents: () => [...events.values()].flat(),
      }),
    );
    assert.deepEqual(
      alerts.map((a) => a.issue.id),
      ['2'],
    );
    assert.equal(newestRelease([...events.values()].flat()), 'orders@2.5.0');
    assert.equal(newestRelease([]), null);
  });

  test('one message for several issues: counts, the first few named, the rest counted', () => {
    const many = Array.from({ length: 5 }, (_, i) => issue(String(i)));
    const alerts = findAlerts(input([], many));
    assert.equal(alerts.length, 5);
    const text = alertMessage(alerts);
    assert.match(text, /^Sentry RCA: 5 issues \(5 new\): ORDERS-\d TypeError \d; /);
    assert.match(text, new RegExp(`and ${5 - ALERT_NAMED_ISSUES} more$`));
    assert.match(alertMessage(alerts.slice(0, 1)), /^Sentry RCA: New fatal issue in orders: ORDERS-\d TypeError \d$/);
    assert.equal(alertMessage([]), '');
  });

  test('hostile titles become inert text: no control characters, no link syntax', () => {
    const t = notificationText('Boom\u0007\u001b[31m [click](command:workbench.action.terminal.new)\u202e\nnext');
    assert.doesNotMatch(t, /\]\(/);

    assert.doesNotMatch(t, /[\u0000-\u001f\u202e]/);
    assert.match(t, /^Boom \[31m \[click\] \(command:workbench\.action\.terminal\.new\) next$/);
    assert.equal(notificationText('x'.repeat(500), 50).length, 50);
  });
});
