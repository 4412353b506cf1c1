import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StoredException, StoredFrame } from '../../../src/core/store/model';
import {
  describeFrame,
  describeIssue,
  escapeMarkdown,
  frameRows,
  relativeTime,
} from '../../../src/host/tree/issueTreeFormat';
import { IssueTreeModel, toViewState } from '../../../src/host/tree/issueTreeModel';
import { FakeSource, issue, NOW } from './treeFixtures';

function frame(fn: string, inApp: boolean, line = 10): StoredFrame {
  return {
    filename: `/srv/app/src/${fn}.js`,
    absPath: `/srv/app/src/${fn}.js`,
    module: null,
    package: null,
    platform: null,
    function: fn,
    lineNo: line,
    colNo: 3,
    inApp,
    context: [
      [line - 1, 'a'],
      [line, 'b'],
      [line + 1, 'c'],
    ],
  };
}

describe('IssueTreeModel', () => {
  const data = [
    issue(1, { level: 'warning', count: 50 }),
    issue(2, { level: 'fatal', count: 3 }),
    issue(3, {
      level: 'info',
      count: 7,
      projectId: '2',
      projectSlug: 'api',
      title: 'Slow query',
      metadata: { value: 'timeout after 30s' },
    }),
    issue(4, { level: 'error', count: 900 }),
  ];

  test('groups by project (by slug), issues newest first by default', () => {
    const m = new IssueTreeModel(new FakeSource(data));
    const g = m.projectGroups();
    assert.deepEqual(
      g.map((x) => x.project.slug),
      ['api', 'shop'],
    );
    assert.deepEqual(
      g[1]!.issues.map((i) => i.shortId),
      ['SHOP-1', 'SHOP-2', 'SHOP-4'],
    );
    assert.equal(m.visibleCount(), 4);
  });

  test('sorts by count and by level (ties by last seen)', () => {
    const m = new IssueTreeModel(new FakeSource(data), { ...toViewState({}), sort: 'count' });
    assert.deepEqual(
      m.group('1')!.issues.map((i) => i.count),
      [900, 50, 3],
    );
    m.setState({ sort: 'level' });
    assert.deepEqual(
      m.group('1')!.issues.map((i) => i.level),
      ['fatal', 'error', 'warning'],
    );
  });

  test('filters by level, project and text (title, short id, message), and says it is filtered', () => {
    const m = new IssueTreeModel(new FakeSource(data));
    assert.equal(m.isFiltered, false);
    m.setState({ minLevel: 'error' });
    assert.deepEqual(
      m
        .projectGroups()
        .flatMap((g) => g.issues.map((i) => i.shortId))
        .sort(),
      ['SHOP-2', 'SHOP-4'],
    );
    assert.equal(m.group('1')!.total, 3, 'the total stays the unfiltered count');
    m.setState({ minLevel: null, project: 'api' });
    assert.deepEqual(
      m.projectGroups().map((g) => g.project.slug),
      ['api'],
    );
    m.setState({ project: null, text: 'TIMEOUT' });
    assert.deepEqual(
      m.projectGroups().flatMap((g) => g.issues.map((i) => i.shortId)),
      ['SHOP-3'],
    );
    m.setState({ text: 'shop-4' });
    assert.deepEqual(
      m.projectGroups().flatMap((g) => g.issues.map((i) => i.shortId)),
      ['SHOP-4'],
    );
    assert.equal(m.isFiltered, true);
  });

  test('rebuilds when the store changes and tells the view', () => {
    const src = new FakeSource(data);
    const m = new IssueTreeModel(src);
    let fired = 0;
    m.onDidChange(() => fired++);
    assert.equal(m.visibleCount(), 4);
    src.change([...data, issue(5)]);
    assert.equal(fired, 1);
    assert.equal(m.visibleCount(), 5);
  });

  test('a persisted view state is sanitised', () => {
    assert.deepEqual(toViewState({ sort: 'bogus', minLevel: 'loud', project: 7, text: null }), {
      sort: 'lastSeen',
      minLevel: null,
      project: null,
      text: '',
      show: 'open',
    });
    assert.deepEqual(
      toViewState({ sort: 'count', minLevel: 'warning', project: 'shop', text: 'x', show: 'archived' }),
      {
        sort: 'count',
        minLevel: 'warning',
        project: 'shop',
        text: 'x',
        show: 'archived',
      },
    );
  });
});

describe('tree row wording', () => {
  test('issue: short id, count and relative last seen in the description; markdown tooltip escapes event text', () => {
    const d = describeIssue(issue(3, { title: 'Bad *input* [x](y)', count: 1234, culprit: 'POST /pay' }), NOW);
    assert.equal(d.description, 'SHOP-3 · 1.2k events in 90 d · 3 min ago · POST /pay');
    assert.equal(d.icon?.id, 'error');
    assert.match(d.tooltip!, /\*\*Bad \\\*input\\\* \\\[x\\\]\\\(y\\\)\*\*/);
    assert.match(d.tooltip!, /Events: 1,234 in the last 90 d/);
    assert.match(d.tooltip!, /\[Open in Sentry\]\(https:\/\/sentry\.example\/issues\/1003\/\)/);
  });

  test('issue counts say their window; the lifetime count is in the tooltip when Sentry sent it', () => {
    const d = describeIssue(issue(4, { count: 1, userCount: 1, lifetimeCount: 5678, lifetimeUserCount: 40 }), NOW);
    assert.match(d.description!, /^SHOP-4 · 1 event in 90 d · /);
    assert.match(d.tooltip!, /Events: 1 in the last 90 d \(5,678 since first seen\)/);
    assert.match(d.tooltip!, /Users: 1 in the last 90 d \(40 since first seen\)/);
    assert.doesNotMatch(describeIssue(issue(5), NOW).tooltip!, /since first seen/, 'no lifetime line is invented');
  });

  test('an issue whose events are on their way, or wait to be opened, says so', () => {
    assert.match(describeIssue(issue(6), NOW, 'loading').description!, / · events loading…/);
    assert.match(describeIssue(issue(6), NOW, 'loading').tooltip!, /Stack traces: loading…/);
    assert.match(describeIssue(issue(6), NOW, 'onOpen').description!, / · events when opened/);
    assert.doesNotMatch(describeIssue(issue(6), NOW).description!, /events loading|when opened/);
  });

  test('relative times', () => {
    assert.equal(relativeTime(new Date(NOW - 10_000).toISOString(), NOW), 'just now');
    assert.equal(relativeTime(new Date(NOW - 5 * 60_000).toISOString(), NOW), '5 min ago');
    assert.equal(relativeTime(new Date(NOW - 3 * 3_600_000).toISOString(), NOW), '3 h ago');
    assert.equal(relativeTime(new Date(NOW - 2 * 86_400_000).toISOString(), NOW), '2 days ago');
    assert.equal(relativeTime('garbage', NOW), 'unknown time');
  });

  test('frames: crashing frame first, runs of library frames folded into one row', () => {
    const exc: StoredException = {
      type: 'Error',
      value: 'boom',
      module: null,
      handled: false,
      mechanism: null,
      frames: [
        frame('main', true),
        frame('lib1', false),
        frame('lib2', false),
        frame('handler', true),
        frame('lib3', false),
        frame('crash', true),
      ],
    };
    const rows = frameRows(exc);
    assert.deepEqual(
      rows.map((r) => (r.kind === 'frame' ? r.frame.function : `lib×${r.frames.length}`)),
      ['crash', 'lib×1', 'handler', 'lib×2', 'main'],
    );
    const d = describeFrame(frame('handler', true, 42));
    assert.equal(d.label, 'src/handler.js:42');
    assert.equal(d.description, 'handler');
    assert.match(d.tooltip!, />\s+42 {2}b/);
  });

  test('markdown escaping leaves no active syntax', () => {
    assert.equal(escapeMarkdown('a_b*c[d](e)`f`'), 'a\\_b\\*c\\[d\\]\\(e\\)\\`f\\`');
  });
});

describe('triage filters and rows', () => {
  const data = [
    issue(1),
    issue(2, { status: 'resolved' }),
    issue(3, {
      status: 'ignored',
      substatus: 'archived_until_escalating',
      statusDetails: { ignoreUntilEscalating: true },
    }),
    issue(4, { assignedTo: { type: 'user', id: '7', name: 'Me' } }),
    issue(5, { assignedTo: { type: 'team', id: '2', name: 'backend' }, isBookmarked: true }),
    issue(6, { status: 'ignored', isBookmarked: true, projectId: '2', projectSlug: 'api' }),
  ];
  const shown = (m: IssueTreeModel) =>
    m
      .projectGroups()
      .flatMap((g) => g.issues.map((i) => i.shortId))
      .sort();

  test('open by default: resolved and archived issues leave the tree (and an emptied project with them)', () => {
    const m = new IssueTreeModel(new FakeSource(data));
    assert.deepEqual(shown(m), ['SHOP-1', 'SHOP-4', 'SHOP-5']);
    assert.deepEqual(
      m.projectGroups().map((g) => g.project.slug),
      ['shop'],
    );
    assert.equal(m.isFiltered, false);
  });

  test('assigned to me, unassigned, bookmarked, archived, resolved, all', () => {
    const m = new IssueTreeModel(new FakeSource(data));
    m.setState({ show: 'assignedToMe' });
    assert.deepEqual(shown(m), [], 'who "me" is is unknown until the token check');
    m.setTriageContext('7', null);
    assert.deepEqual(shown(m), ['SHOP-4']);
    m.setState({ show: 'unassigned' });
    assert.deepEqual(shown(m), ['SHOP-1']);
    m.setState({ show: 'bookmarked' });
    assert.deepEqual(shown(m), ['SHOP-5', 'SHOP-6']);
    m.setState({ show: 'archived' });
    assert.deepEqual(shown(m), ['SHOP-3', 'SHOP-6']);
    m.setState({ show: 'resolved' });
    assert.deepEqual(shown(m), ['SHOP-2']);
    m.setState({ show: 'all' });
    assert.equal(shown(m).length, 6);
    assert.equal(m.isFiltered, true);
  });

  test('assignee, bookmark and archive state in the row; hostile names stay text; the reason when actions are off', () => {
    const hostile = issue(9, {
      assignedTo: { type: 'user', id: '1', name: '<img src=x onerror=alert(1)> **Eve** [x](cmd:y)\u0007' },
      isBookmarked: true,
      status: 'ignored',
      statusDetails: { ignoreUntilEscalating: true },
    });
    const row = describeIssue(hostile, NOW, 'ready', { viewerId: '1', unavailable: 'needs event:write' });
    assert.match(String(row.description), /^★ SHOP-9 → <img src=x onerror=alert\(1\)> \*\*Eve\*\*/);
    const tip = String(row.tooltip);
    assert.ok(tip.includes(`Assigned to: ${escapeMarkdown(hostile.assignedTo!.name)} (you)`), tip);
    assert.doesNotMatch(tip, /(^|[^\\])<img/, 'markup is escaped in the markdown tooltip');
    assert.doesNotMatch(tip, /(^|[^\\])\[x\]\(cmd:y\)/, 'no link is formed');
    assert.match(tip, /Archived until it escalates/);
    assert.match(tip, /Bookmarked/);
    assert.match(tip, /Triage actions are off: needs event:write/);
  });
});
