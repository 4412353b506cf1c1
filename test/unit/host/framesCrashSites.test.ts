import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Emitter } from '../../../src/core/common/emitter';
import { nullLogger } from '../../../src/core/common/logger';
import { FrameMapper } from '../../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../../src/core/frames/workspaceFileIndex';
import type { StoredEvent, StoredFrame, StoredIssue } from '../../../src/core/store/model';
import {
  CrashSiteIndex,
  crashSiteItems,
  isOpenIssue,
  pathKey,
  sitesByLine,
} from '../../../src/host/editor/crashSiteIndex';
import { frame, tempDir, writeTree } from '../frames/helpers';

function issue(id: string, p: Partial<StoredIssue> = {}): StoredIssue {
  return {
    id,
    shortId: `ORDERS-${id}`,
    title: `Error ${id}`,
    culprit: '',
    permalink: '',
    level: 'error',
    status: 'unresolved',
    substatus: null,
    platform: 'node',
    projectId: '1',
    projectSlug: 'orders',
    count: 10,
    userCount: 1,
    firstSeen: '2026-11-24T00:00:00Z',
    lastSeen: '2026-11-25T00:00:00Z',
    metadata: {},
    isUnhandled: true,
    stats24h: [],
    firstRelease: null,
    syncedAt: '2026-11-25T00:00:00Z',
    ...p,
  };
}

function event(id: string, issueId: string, frames: StoredFrame[]): StoredEvent {
  return {
    id,
    issueId,
    projectId: '1',
    timestamp: '2026-11-25T00:00:00Z',
    level: 'error',
    title: '',
    message: '',
    platform: 'node',
    environment: null,
    release: null,
    tags: {},
    breadcrumbs: [],
    traceId: null,
    requestId: null,
    request: null,
    contexts: {},
    exceptions: [{ type: 'Error', value: '', module: null, handled: false, mechanism: null, frames }],
  };
}

/** The store as the host hands it out: issues, newest-first events, and a change event. */
class FakeStore {
  readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  issueList: StoredIssue[] = [];
  eventsBy = new Map<string, StoredEvent[]>();
  issues(): StoredIssue[] {
    return this.issueList;
  }
  events(id: string): StoredEvent[] {
    return this.eventsBy.get(id) ?? [];
  }
}

const POOL = [
  'export class Pool {',
  '  acquire() {',
  '    throw new PoolExhaustedError(this.inUse.size, this.size);',
  '  }',
  '}',
];
const RECEIPTS = ['export function renderReceipt(order) {', '  return order.shipping.address.line1;', '}'];

async function setup() {
  const ws = writeTree(tempDir('host-sites'), { 'src/db/pool.mjs': POOL, 'src/routes/receipts.mjs': RECEIPTS });
  const index = await WorkspaceFileIndex.build([{ name: 'orders', path: ws }]);
  const mapper = new FrameMapper(index);
  const mapperChanged = new Emitter<void>();
  const filesChanged = new Emitter<readonly string[]>();
  let mapperCalls = 0;
  const frames = {
    mapper: () => {
      mapperCalls++;
      return Promise.resolve(mapper);
    },
    onDidChange: mapperChanged.event,
    onDidChangeFiles: filesChanged.event,
  };
  const store = new FakeStore();
  // As deployed: /srv/orders/releases/…, the real SDK's absPath shape.
  const at = (file: string, line: number, text: string, inApp = true) =>
    frame({
      absPath: `/srv/orders/${file}`,
      filename: `/srv/orders/${file}`,
      lineNo: line,
      colNo: 5,
      inApp,
      context: [[line, text]],
    });
  const poolFrame = at('src/db/pool.mjs', 3, POOL[2]!);
  const receiptsFrame = at('src/routes/receipts.mjs', 2, RECEIPTS[1]!);
  const libFrame = frame({ absPath: '/srv/orders/node_modules/pg/lib/client.js', lineNo: 9, inApp: false });
  store.issueList = [
    issue('1', { count: 5 }),
    issue('2', { count: 50 }),
    issue('3', { status: 'resolved' }),
    issue('4'),
    issue('5'),
    issue('6', { status: 'ignored' }),
  ];
  store.eventsBy.set('1', [event('e1', '1', [receiptsFrame, poolFrame])]);
  store.eventsBy.set('2', [event('e2', '2', [poolFrame, libFrame])]);
  store.eventsBy.set('3', [event('e3', '3', [poolFrame])]);
  store.eventsBy.set('4', [event('e4', '4', [libFrame])]);
  // Newest event first: its crash site counts, not the older one's.
  store.eventsBy.set('5', [event('e5b', '5', [receiptsFrame]), event('e5a', '5', [poolFrame])]);
  store.eventsBy.set('6', [event('e6', '6', [poolFrame])]);
  const sites = new CrashSiteIndex(store, frames, nullLogger);
  return { ws, index, mapper, mapperChanged, filesChanged, store, sites, calls: () => mapperCalls, poolFrame };
}

describe('crash sites for the editor (store ↔ frame mapper adapter)', () => {
  test('open issues only, each with its newest event', () => {
    const store = new FakeStore();
    store.issueList = [issue('1'), issue('2', { status: 'resolved' }), issue('3', { status: 'ignored' }), issue('4')];
    store.eventsBy.set('1', [event('new', '1', []), event('old', '1', [])]);
    const items = crashSiteItems(store);
    assert.deepEqual(
      items.map((i) => [i.issue.id, i.event?.id]),
      [
        ['1', 'new'],
        ['4', undefined],
      ],
    );
    assert.equal(isOpenIssue(issue('x', { status: 'unresolved' })), true);
  });

  test('sites by local file and line; resolved, ignored and library-only crashes leave no mark', async () => {
    const { ws, sites } = await setup();
    const all = await sites.all();
    assert.deepEqual([...all.keys()].sort(), [
      join(ws, 'src', 'db', 'pool.mjs'),
      join(ws, 'src', 'routes', 'receipts.mjs'),
    ]);
    const pool = await sites.sitesIn(join(ws, 'src', 'db', 'pool.mjs'));
    assert.deepEqual(
      pool.map((s) => [s.issueId, s.line, s.column, s.lineStatus]),
      [
        ['2', 3, 5, 'same'],
        ['1', 3, 5, 'same'],
      ],
    );
    const receipts = await sites.sitesIn(join(ws, 'src', 'routes', 'receipts.mjs'));
    assert.deepEqual(
      receipts.map((s) => [s.issueId, s.eventId, s.line]),
      [['5', 'e5b', 2]],
    );
    assert.deepEqual(await sites.sitesIn(join(ws, 'nothing.js')), []);
  });

  test('several issues on one line are grouped, busiest first', async () => {
    const { ws, sites } = await setup();
    const byLine = sitesByLine(await sites.sitesIn(join(ws, 'src', 'db', 'pool.mjs')));
    assert.deepEqual([...byLine.keys()], [3]);
    assert.deepEqual(
      byLine.get(3)!.map((s) => s.count),
      [50, 5],
    );
  });

  test('computed once until the store or the mapper changes, then again on request', async () => {
    const { ws, store, sites, mapperChanged, calls } = await setup();
    let fired = 0;
    sites.onDidChange(() => fired++);
    await sites.all();
    await sites.all();
    assert.equal(calls(), 1, 'one computation serves every request');
    store.issueList = [...store.issueList, issue('9', { count: 900 })];
    store.eventsBy.set('9', [
      event('e9', '9', [frame({ absPath: '/srv/orders/src/db/pool.mjs', lineNo: 2, inApp: true })]),
    ]);
    store.changed.fire();
    assert.equal(fired, 1);
    assert.equal(calls(), 1, 'nothing is computed until asked');
    const pool = await sites.sitesIn(join(ws, 'src', 'db', 'pool.mjs'));
    assert.deepEqual(
      pool.map((s) => s.issueId),
      ['9', '2', '1'],
    );
    mapperChanged.fire();
    assert.equal(fired, 2);
    await sites.all();
    assert.equal(calls(), 3);
  });

  test('after a sync only issues with a new newest event are mapped again; counts and titles are fresh', async () => {
    const { ws, store, sites, mapper } = await setup();
    await sites.all();
    let maps = 0;
    const real = mapper.map.bind(mapper);
    mapper.map = (f, p) => {
      maps++;
      return real(f, p);
    };
    store.issueList = store.issueList.map((i) => (i.id === '2' ? { ...i, count: 51, title: 'Error 2 (renamed)' } : i));
    store.eventsBy.set('1', [
      event('e1-new', '1', [frame({ absPath: '/srv/orders/src/routes/receipts.mjs', lineNo: 2, inApp: true })]),
      ...store.eventsBy.get('1')!,
    ]);
    store.changed.fire();
    const pool = await sites.sitesIn(join(ws, 'src', 'db', 'pool.mjs'));
    assert.equal(maps, 1, 'only issue 1 has a new newest event');
    assert.deepEqual(
      pool.map((s) => [s.issueId, s.count, s.title]),
      [['2', 51, 'Error 2 (renamed)']],
    );
    const receipts = await sites.sitesIn(join(ws, 'src', 'routes', 'receipts.mjs'));
    assert.deepEqual(receipts.map((s) => [s.issueId, s.eventId]).sort(), [
      ['1', 'e1-new'],
      ['5', 'e5b'],
    ]);
  });

  test('a crash line that moved in an edited file is found again where it is now', async () => {
    const { ws, index, sites, filesChanged } = await setup();
    const file = join(ws, 'src', 'db', 'pool.mjs');
    assert.equal((await sites.sitesIn(file))[0]!.line, 3);
    writeFileSync(file, ['// added', '// added too', ...POOL].join('\n') + '\n');
    index.changed(file);
    let fired = 0;
    sites.onDidChange(() => fired++);
    filesChanged.fire([join(ws, 'src', 'other.mjs')]);
    assert.equal(fired, 0, 'an edit elsewhere changes nothing');
    filesChanged.fire([file]);
    assert.equal(fired, 1);
    const [top] = await sites.sitesIn(file);
    assert.equal(top!.line, 5);
    assert.deepEqual(top!.moved, { from: 3, to: 5 });
    assert.equal(top!.lineStatus, 'moved');
  });

  test('no open folder: no sites, no error', async () => {
    const store = new FakeStore();
    store.issueList = [issue('1')];
    store.eventsBy.set('1', [
      event('e', '1', [frame({ absPath: '/srv/orders/src/db/pool.mjs', lineNo: 3, inApp: true })]),
    ]);
    const sites = new CrashSiteIndex(
      store,
      { mapper: () => Promise.resolve(undefined), onDidChange: new Emitter<void>().event },
      nullLogger,
    );
    assert.equal((await sites.all()).size, 0);
  });

  test('no synced events: the workspace is not indexed for nothing', async () => {
    const store = new FakeStore();
    store.issueList = [issue('1')];
    let asked = 0;
    const sites = new CrashSiteIndex(
      store,
      {
        mapper: () => {
          asked++;
          return Promise.resolve(undefined);
        },
        onDidChange: new Emitter<void>().event,
      },
      nullLogger,
    );
    assert.equal((await sites.all()).size, 0);
    assert.equal(asked, 0);
  });

  test('a failing mapper is retried on the next request', async () => {
    const { mapper } = await setup();
    const store = new FakeStore();
    let fail = true;
    const warnings: string[] = [];
    const logger = {
      ...nullLogger,
      warn: (m: string) => {
        warnings.push(m);
      },
    };
    store.issueList = [issue('1')];
    store.eventsBy.set('1', [
      event('e', '1', [frame({ absPath: '/srv/orders/src/db/pool.mjs', lineNo: 3, inApp: true })]),
    ]);
    const sites = new CrashSiteIndex(
      store,
      {
        mapper: () => (fail ? Promise.reject(new Error('EACCES: folder unreadable')) : Promise.resolve(mapper)),
        onDidChange: new Emitter<void>().event,
      },
      logger,
    );
    assert.equal((await sites.all()).size, 0);
    assert.match(warnings[0]!, /crash sites could not be computed: EACCES/);
    fail = false;
    assert.equal((await sites.all()).size, 1);
  });

  test('Windows paths are keyed case-insensitively', () => {
    assert.equal(pathKey('C:\\Work\\App\\x.ts', 'win32'), 'c:\\work\\app\\x.ts');
    assert.equal(pathKey('/Work/App/x.ts', 'linux'), '/Work/App/x.ts');
  });
});
