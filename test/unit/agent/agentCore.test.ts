// The vscode-free tool bodies the MCP server and the agent-mode tools share (src/core/agent): input
// checks, issue search and paging, frames innermost first, the choice of configured log sources and the
// log window, and result text that stays valid JSON after redaction.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { capJson } from '../../../src/core/agent/resultText';
import { chooseLogSources, eventLogWindow } from '../../../src/core/agent/logsAroundEvent';
import { findIssueOrThrow, mapEventFrames, pickEvent, searchIssues } from '../../../src/core/agent/storedIssues';
import { ToolInput } from '../../../src/core/agent/toolInput';
import type { FrameMapping } from '../../../src/core/frames/frameMapper';
import { parseLogSpec } from '../../../src/core/logs';
import type { StoredEvent, StoredIssue } from '../../../src/core/store/model';
import { SENTRY_TOKEN, T0, event, issue } from '../investigate/scenario';

const HINTS = { listTool: 'list_issues', sync: 'run `sentry-rca sync`' };

function storeOf(issues: StoredIssue[], events: Record<string, StoredEvent[]> = {}) {
  return {
    issues: () => issues,
    findIssue: (id: string) => issues.find((i) => i.id === id || i.shortId.toLowerCase() === id.toLowerCase()),
    events: (id: string) => events[id] ?? [],
  };
}

describe('ToolInput', () => {
  test('reads valid fields and names the field, the rule and the quoted value on bad ones', () => {
    const a = new ToolInput({ issue: ' ORDERS-1 ', limit: 5, level: 'error', grep: ['x'] }, 'tool_x');
    assert.equal(a.string('issue', 200, true), 'ORDERS-1');
    assert.equal(a.int('limit', 1, 10), 5);
    assert.equal(a.oneOf('level', ['error', 'fatal'] as const), 'error');
    assert.deepEqual(a.strings('grep', 5, 10), ['x']);
    assert.equal(a.string('absent', 10), undefined);
    assert.throws(() => a.string('absent', 10, true), /tool_x: `absent` is required\./);
    const bad = new ToolInput({ limit: 0, level: 'loud\u001b[2J', issue: 'x'.repeat(300), grep: [''] }, 'tool_x');
    assert.throws(() => bad.int('limit', 1, 10), /`limit` must be a whole number from 1 to 10 \(got "0"\)/);
    assert.throws(
      () => bad.oneOf('level', ['error'] as const),
      (e: Error) => {
        assert.match(e.message, /`level` must be one of error \(got "loud\\u001b\[2J"\)/);
        assert.ok(!e.message.includes('\u001b'));
        return true;
      },
    );
    assert.throws(() => bad.string('issue', 200), /at most 200 characters/);
    assert.throws(() => bad.strings('grep', 5, 10), /`grep` must be a list/);
    assert.throws(() => new ToolInput(['x'], 'tool_x'), /tool_x: the input must be an object/);
  });
});

describe('stored issues for agents', () => {
  const issues = [
    issue('1', { shortId: 'ORDERS-1', lastSeen: '2026-11-25T10:00:00Z', level: 'warning' }),
    issue('2', { shortId: 'ORDERS-2', lastSeen: '2026-11-25T12:00:00Z', title: 'PoolTimeoutError: timed out' }),
    issue('3', { shortId: 'BILLING-3', projectSlug: 'billing', lastSeen: '2026-11-25T11:00:00Z' }),
    issue('4', { shortId: 'ORDERS-4', status: 'resolved', lastSeen: '2026-11-25T13:00:00Z' }),
  ];
  const store = storeOf(issues, { '2': [event('e2', T0, { issueId: '2' }), event('e1', T0 - 1000, { issueId: '2' })] });

  test('search: unresolved by default, newest first, filters, pages with the next offset', () => {
    const all = searchIssues(store, {});
    assert.deepEqual(
      all.issues.map((i) => i.shortId),
      ['ORDERS-2', 'BILLING-3', 'ORDERS-1'],
    );
    assert.equal(all.issues[0]!.storedEvents, 2);
    assert.equal(all.nextOffset, null);
    const p1 = searchIssues(store, { limit: 2 });
    assert.deepEqual([p1.total, p1.shown, p1.nextOffset], [3, 2, 2]);
    const p2 = searchIssues(store, { limit: 2, offset: p1.nextOffset! });
    assert.deepEqual(
      p2.issues.map((i) => i.shortId),
      ['ORDERS-1'],
    );
    assert.equal(p2.nextOffset, null);
    assert.deepEqual(
      searchIssues(store, { status: 'all' }).issues.map((i) => i.shortId),
      ['ORDERS-4', 'ORDERS-2', 'BILLING-3', 'ORDERS-1'],
    );
    assert.equal(searchIssues(store, { status: 'resolved' }).total, 1);
    assert.equal(searchIssues(store, { project: 'billing' }).total, 1);
    assert.equal(searchIssues(store, { minLevel: 'error' }).total, 2);
    assert.deepEqual(
      searchIssues(store, { query: 'pooltimeout' }).issues.map((i) => i.id),
      ['2'],
    );
  });

  test('unknown issues and events: usage errors that quote the input and say what to do', () => {
    assert.throws(
      () => findIssueOrThrow(store, 'NOPE\u0007', HINTS),
      (e: Error & { hint?: string }) => {
        assert.equal(e.message, 'Issue "NOPE\\u0007" is not in the store.');
        assert.equal(e.hint, 'Call list_issues to see the 4 stored issues.');
        return true;
      },
    );
    assert.throws(
      () => findIssueOrThrow(storeOf([]), 'X-1', HINTS),
      (e: Error & { hint?: string }) => {
        assert.equal(e.hint, 'The store is empty: run `sentry-rca sync` first.');
        return true;
      },
    );
    assert.equal(pickEvent(store, issues[1]!, undefined, HINTS).id, 'e2');
    assert.throws(() => pickEvent(store, issues[1]!, 'zz', HINTS), /Event "zz" of ORDERS-2 is not in the store/);
    assert.throws(
      () => pickEvent(store, issues[0]!, undefined, HINTS),
      (e: Error & { hint?: string }) => {
        assert.equal(e.hint, 'Run `sentry-rca sync` to fetch events.');
        return true;
      },
    );
  });

  test('frames come innermost first, mapped or with the reason, library frames beyond the first five left out', async () => {
    const e = event('e1', T0);
    const map = async (f: { filename: string | null; inApp: boolean }): Promise<FrameMapping> =>
      f.inApp
        ? ({ ok: true, path: `/ws/${f.filename}`, line: 7, column: 1 } as FrameMapping)
        : { ok: false, code: 'library-frame', reason: 'library code' };
    const { frames, omitted } = await mapEventFrames(e, 'orders', map, (p) => p.replace('/ws/', ''));
    assert.deepEqual(
      frames.map((f) => [f.function, f.local, f.reason]),
      [
        ['getOrder', 'src/db/orders.ts:7', null],
        ['getOrderRoute', 'src/routes/orders.ts:7', null],
        ['handle', null, 'library code'],
      ],
    );
    assert.equal(omitted, 0);
    const deep = event('e2', T0);
    const lib = deep.exceptions[0]!.frames[0]!;
    deep.exceptions[0]!.frames = [...Array.from({ length: 30 }, () => lib), ...deep.exceptions[0]!.frames];
    const capped = await mapEventFrames(deep, 'orders', map, (p) => p);
    assert.equal(capped.frames.length, 5, 'two in-app frames and the first three library frames');
    assert.equal(capped.omitted, 28);
  });
});

describe('logs around an event', () => {
  const sources = [parseLogSpec('web1=file:/var/log/app.log'), parseLogSpec('db1=journald:postgres')];

  test('only configured sources: all, one host, or a usage error naming the configured ones', () => {
    assert.equal(chooseLogSources(sources, undefined, 'hint', 'here').length, 2);
    assert.deepEqual(
      chooseLogSources(sources, 'db1', 'hint', 'here').map((r) => r.host),
      ['db1'],
    );
    assert.throws(
      () => chooseLogSources(sources, 'web1; id', 'hint', 'here'),
      /Host "web1; id" is not a configured log source\./,
    );
    assert.throws(
      () => chooseLogSources([], undefined, 'Configure some.', 'this server'),
      (e: Error & { hint?: string }) => {
        assert.equal(e.message, 'No log sources are configured for this server, so no logs can be fetched.');
        assert.equal(e.hint, 'Configure some.');
        return true;
      },
    );
  });

  test('the window: defaults around the event, at most an hour each side, the event ids marked', () => {
    const e = event('e1', T0);
    const w = eventLogWindow(e, {});
    assert.equal(w.since.toISOString(), new Date(T0 - 5 * 60_000).toISOString());
    assert.equal(w.until.toISOString(), new Date(T0 + 2 * 60_000).toISOString());
    assert.deepEqual(w.grep, ['TypeError', e.traceId]);
    assert.deepEqual(eventLogWindow(e, { before: '1m', grep: ['pool'] }).grep, ['pool', 'TypeError', e.traceId]);
    assert.throws(() => eventLogWindow(e, { after: '2h' }), /after "2h" is longer than 1h/);
  });
});

test('capJson: secrets redacted value by value, valid JSON even when cut to the compact form', () => {
  const value = {
    message: `Authorization: Bearer ${SENTRY_TOKEN}`,
    apiKey: 12345,
    items: Array.from({ length: 1500 }, (_, i) => ({ i })),
  };
  const text = capJson(value, 20_000);
  const back = JSON.parse(text);
  assert.equal(back.apiKey, '[REDACTED]');
  assert.ok(!text.includes(SENTRY_TOKEN));
  assert.ok(text.length <= 20_000);
  assert.ok(!text.includes('\n'), 'the indented form would not fit: compact JSON instead of a cut');
  assert.equal(back.items.length, 1500);
  const cut = capJson(value, 500);
  assert.equal(cut.length, 500);
  assert.match(cut, /… \[cut: \d+ more characters; ask for less/);
});
