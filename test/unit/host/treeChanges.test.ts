import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StoredEvent, StoredIssue } from '../../../src/core/store/model';
import { IssueTreeModel } from '../../../src/host/tree/issueTreeModel';
import { changedRows, lookHash, ShownRows, type TreeChange } from '../../../src/host/tree/treeChanges';
import { FakeSource, issue, NOW, render, treeOf, type Row } from './treeFixtures';

function ids(change: TreeChange<Row>): string[] | 'all' {
  return change.all ? 'all' : change.rows.map((r) => r.id);
}

function event(id: string, issueId: string, minutesAgo: number, environment = 'production'): StoredEvent {
  return {
    id,
    issueId,
    projectId: '1',
    timestamp: new Date(NOW - minutesAgo * 60_000).toISOString(),
    level: 'error',
    title: 'Error',
    message: '',
    platform: 'node',
    environment,
    release: null,
    exceptions: [],
    tags: {},
  } as unknown as StoredEvent;
}

describe('tree changes: which rows refresh', () => {
  const base = () => [
    issue(1, { count: 5 }),
    issue(2, { count: 9, title: 'Timeout' }),
    issue(3, { projectId: '2', projectSlug: 'api' }),
  ];
  function setUp(open = new Set<string>()) {
    const source = new FakeSource(base());
    const model = new IssueTreeModel(source);
    const reader = treeOf(model, source);
    const shown = new ShownRows();
    render(reader, shown, open);
    return { source, model, reader, shown };
  }

  test('nothing changed (a sync brought the same issues again as new objects): nothing fires', () => {
    const { source, reader, shown } = setUp();
    const before = reader.children(undefined);
    source.change(base().map((i) => ({ ...i, syncedAt: new Date(NOW + 60_000).toISOString() })));
    assert.deepEqual(ids(changedRows(shown, reader)), []);
    assert.deepEqual(reader.children(undefined), before, 'the same project row objects');
    assert.equal(reader.children(before[1])[0], reader.children(before[1])[0], 'the same issue row objects');
  });

  test("one issue's count changed: that issue's row only, the very object VS Code was given", () => {
    const { source, reader, shown } = setUp();
    const shop = reader.children(undefined).find((r) => r.id === 'project:1')!;
    const given = reader.children(shop).find((r) => r.id === 'issue:1002')!;
    source.change(base().map((i) => (i.id === '1002' ? { ...i, count: 1234 } : i)));
    const change = changedRows(shown, reader);
    assert.deepEqual(ids(change), ['issue:1002']);
    assert.equal((change as { rows: Row[] }).rows[0], given, 'the row object is kept, with the new data');
    assert.equal((given.data as StoredIssue).count, 1234);
    // Once refreshed, the same state fires nothing more.
    shown.refreshed('issue:1002', reader.look(given));
    assert.deepEqual(ids(changedRows(shown, reader)), []);
  });

  test("one issue's status changed: its row when it stays shown; its project when it leaves the list", () => {
    const { source, model, reader, shown } = setUp();
    model.setState({ show: 'all' });
    render(reader, shown, new Set());
    source.change(base().map((i) => (i.id === '1001' ? { ...i, status: 'resolved' as const } : i)));
    assert.deepEqual(ids(changedRows(shown, reader)), ['issue:1001'], 'shown with all statuses: the row says resolved');
    model.setState({ show: 'open' });
    render(reader, shown, new Set());
    source.change(base().map((i) => (i.id === '1002' ? { ...i, status: 'resolved' as const } : i)));
    assert.deepEqual(
      ids(changedRows(shown, reader)),
      ['project:1'],
      'resolved leaves the open list: the project row (its list and its count), not the whole tree',
    );
  });

  test('an issue added: its project; a new project: the whole tree', () => {
    const { source, reader, shown } = setUp();
    source.change([...base(), issue(4)]);
    assert.deepEqual(ids(changedRows(shown, reader)), ['project:1']);
    render(reader, shown, new Set());
    source.projectList = [...source.projectList, { id: '3', slug: 'billing', name: 'Billing', platform: 'node' }];
    source.change([...base(), issue(4), issue(5, { projectId: '3', projectSlug: 'billing' })]);
    assert.deepEqual(ids(changedRows(shown, reader)), 'all');
  });

  test('a filter that hides issues in one project refreshes that project, not the root', () => {
    const { model, reader, shown } = setUp();
    model.setState({ text: 'Error' });
    assert.deepEqual(ids(changedRows(shown, reader)), ['project:1']);
  });

  test('events: an open issue whose events came refreshes; a closed one costs nothing', () => {
    const { source, reader, shown } = setUp(new Set(['issue:1001']));
    source.eventsById.set('1001', [event('a', '1001', 5), event('b', '1001', 9, 'staging')]);
    source.eventsById.set('1002', [event('c', '1002', 5)]);
    source.change(base());
    assert.deepEqual(
      ids(changedRows(shown, reader)),
      ['issue:1001'],
      'issue 1002 is closed: VS Code asks when it opens',
    );
    render(reader, shown, new Set(['issue:1001']));
    assert.deepEqual(ids(changedRows(shown, reader)), []);
  });

  test('never shown: nothing to refresh', () => {
    const source = new FakeSource(base());
    const reader = treeOf(new IssueTreeModel(source), source);
    source.change([...base(), issue(4)]);
    assert.deepEqual(ids(changedRows(new ShownRows(), reader)), []);
  });

  test('a refreshed row forgets what was below it; clear forgets everything', () => {
    const shown = new ShownRows();
    shown.children(undefined, ['p']);
    shown.item('p', 1);
    shown.children('p', ['i']);
    shown.item('i', 2);
    shown.children('i', ['e']);
    shown.item('e', 3);
    shown.refreshed('p', 4);
    assert.equal(shown.lookOf('p'), 4);
    assert.equal(shown.childrenOf('p'), undefined);
    assert.equal(shown.lookOf('i'), undefined);
    assert.equal(shown.childrenOf('i'), undefined);
    assert.deepEqual(shown.childrenOf(undefined), ['p']);
    shown.clear();
    assert.equal(shown.childrenOf(undefined), undefined);
  });

  test('lookHash tells looks apart and is stable', () => {
    assert.equal(lookHash('SHOP-1 · 5 events'), lookHash('SHOP-1 · 5 events'));
    assert.notEqual(lookHash('SHOP-1 · 5 events'), lookHash('SHOP-1 · 6 events'));
    assert.notEqual(lookHash(''), lookHash(' '));
  });
});
