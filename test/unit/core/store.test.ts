import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { RcaError } from '../../../src/core/common/errors';
import { emptyStore, IssueStore, STORE_FILE } from '../../../src/core/store/issueStore';
import type { StoreData, StoredEvent, StoredIssue } from '../../../src/core/store/model';

const tmp = () => mkdtempSync(join(tmpdir(), 'rca-store-'));

function issue(id: string, extra: Partial<StoredIssue> = {}): StoredIssue {
  return {
    id,
    shortId: `SHOP-${id}`,
    title: `TypeError ${id}`,
    culprit: 'checkout',
    permalink: '',
    level: 'error',
    status: 'unresolved',
    substatus: null,
    platform: 'node',
    projectId: '1',
    projectSlug: 'shop',
    count: 3,
    userCount: 1,
    firstSeen: '2026-11-25T10:00:00.000Z',
    lastSeen: '2026-11-25T11:00:00.000Z',
    metadata: {},
    isUnhandled: false,
    stats24h: [],
    firstRelease: null,
    syncedAt: '2026-11-25T11:00:00.000Z',
    ...extra,
  };
}

function event(id: string, issueId: string): StoredEvent {
  return {
    id,
    issueId,
    projectId: '1',
    timestamp: '2026-11-25T11:00:00.000Z',
    level: 'error',
    title: 'TypeError',
    message: '',
    platform: 'node',
    environment: 'prod',
    release: '1.0.0',
    tags: { server_name: 'web1' },
    breadcrumbs: [],
    traceId: null,
    requestId: null,
    request: null,
    contexts: {},
    exceptions: [
      {
        type: 'TypeError',
        value: 'x is undefined',
        module: null,
        handled: false,
        mechanism: 'onerror',
        frames: [
          {
            filename: 'src/cart.js',
            absPath: '/app/src/cart.js',
            module: null,
            package: null,
            platform: null,
            function: 'total',
            lineNo: 12,
            colNo: 5,
            inApp: true,
            context: [[12, 'return x.y;']],
          },
        ],
      },
    ],
  };
}

function sample(): StoreData {
  const data = emptyStore();
  data.issues = [issue('1'), issue('2')];
  data.events = { '1': [event('a', '1'), event('b', '1')], '2': [event('c', '2')] };
  data.meta.org = 'acme';
  return data;
}

describe('IssueStore', () => {
  test('starts empty, writes atomically, and reads back what it wrote', async () => {
    const dir = tmp();
    const store = await IssueStore.open(dir);
    assert.equal(store.issues().length, 0);
    assert.equal(store.recovery, undefined);
    let changes = 0;
    store.onDidChange(() => changes++);
    await store.replace(sample());
    assert.equal(changes, 1);
    assert.deepEqual(readdirSync(dir).sort(), [STORE_FILE], 'no temp file is left behind');
    const again = await IssueStore.open(dir);
    assert.equal(again.issues().length, 2);
    assert.equal(again.findIssue('shop-2')?.id, '2', 'short ids match case-insensitively');
    assert.deepEqual(
      again.events('1').map((e) => e.id),
      ['a', 'b'],
    );
    assert.equal(again.latestEvent('1')?.exceptions[0]?.frames[0]?.function, 'total');
    assert.equal(again.meta().org, 'acme');
  });

  test('writes each distinct frame list once, and what events share once per issue', async () => {
    const dir = tmp();
    const store = await IssueStore.open(dir);
    await store.replace(sample());
    const disk = JSON.parse(readFileSync(join(dir, STORE_FILE), 'utf8'));
    assert.equal(Object.keys(disk.frames).length, 1, 'three events with one stack share its frames');
    const group = JSON.parse(disk.events['1']);
    assert.equal(group.base.release, '1.0.0', 'shared fields are written once per issue');
    assert.ok(Array.isArray(group.list[0]), 'each event keeps only its own fields, as a tuple');
  });

  test('an issue whose event text is damaged reads as having no events (the next sync refetches them)', async () => {
    const dir = tmp();
    const store = await IssueStore.open(dir);
    await store.replace(sample());
    const file = join(dir, STORE_FILE);
    const disk = JSON.parse(readFileSync(file, 'utf8'));
    disk.events['1'] = '{"base":{},"list":[["a",';
    writeFileSync(file, JSON.stringify(disk));
    const back = await IssueStore.open(dir);
    assert.equal(back.recovery, undefined);
    assert.deepEqual(back.events('1'), []);
    assert.equal(back.events('2').length, 1);
  });

  test('the compact disk form reads back exactly what was written', async () => {
    const dir = tmp();
    const store = await IssueStore.open(dir);
    const data = sample();
    data.issues[0]!.stats24h = [
      [1_700_000_000, 1],
      [1_700_003_600, 0],
      [1_700_007_200, 5],
    ];
    data.issues[1]!.stats24h = [
      [1_700_000_000, 1],
      [1_700_000_001, 2],
      [1_700_009_999, 3],
    ];
    data.issues[0]!.permalink = 'https://sentry.io/organizations/acme/issues/1/';
    data.issues[1]!.permalink = 'https://elsewhere.example/issues/2';
    data.issues[1]!.firstSeen = '2026-11-25T10:00:00Z';
    data.meta.lastSuccessfulSync = data.issues[0]!.syncedAt;
    const crumbs = [
      {
        timestamp: '2026-11-25T10:59:59.123Z',
        type: 'http',
        category: 'xhr',
        level: 'info',
        message: 'GET /x',
        data: { status: '500' },
      },
      { timestamp: 'yesterday', type: null, category: null, level: null, message: null, data: null },
    ];
    data.events['1'] = [
      { ...event('a', '1'), breadcrumbs: crumbs, traceId: 't1' },
      { ...event('b', '1'), tags: { server_name: 'web2', extra: 'x' }, timestamp: '2026-11-25T10:00:00Z' },
    ];
    await store.replace(data);
    const back = await IssueStore.open(dir);
    assert.deepEqual(back.issues(), data.issues);
    assert.deepEqual(back.events('1'), data.events['1']);
    assert.deepEqual(back.events('2'), data.events['2']);
  });

  test('a corrupted file is moved aside, reported, and never overwritten', async () => {
    const dir = tmp();
    const file = join(dir, STORE_FILE);
    writeFileSync(file, '{"app":"sentry-rca","issues":[{"id":"1"');
    const store = await IssueStore.open(dir);
    assert.ok(store.recovery, 'recovery is reported');
    assert.match(store.recovery.reason, /not valid JSON/);
    assert.equal(
      readFileSync(store.recovery.movedTo, 'utf8'),
      '{"app":"sentry-rca","issues":[{"id":"1"',
      'the damaged content is kept',
    );
    assert.equal(store.issues().length, 0);
  });

  test('a foreign JSON file is moved aside', async () => {
    const dir = tmp();
    writeFileSync(join(dir, STORE_FILE), JSON.stringify({ hello: 'world' }));
    const store = await IssueStore.open(dir);
    assert.match(store.recovery?.reason ?? '', /not a sentry-rca store/);
    assert.deepEqual(JSON.parse(readFileSync(store.recovery!.movedTo, 'utf8')), { hello: 'world' });
  });

  test('a store with damaged structure is moved aside', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, STORE_FILE),
      JSON.stringify({
        app: 'sentry-rca',
        schemaVersion: 1,
        meta: {},
        projects: [],
        issues: 'nope',
        events: {},
        stacks: {},
      }),
    );
    const store = await IssueStore.open(dir);
    assert.match(store.recovery?.reason ?? '', /issues is not a list/);
  });

  test('a store from a newer version is refused, and left in place', async () => {
    const dir = tmp();
    const file = join(dir, STORE_FILE);
    writeFileSync(file, JSON.stringify({ ...emptyStore(), schemaVersion: 99, stacks: {} }));
    await assert.rejects(
      IssueStore.open(dir),
      (e: unknown) => e instanceof RcaError && e.kind === 'store' && /newer sentry-rca/.test(e.message),
    );
    assert.ok(statSync(file).isFile());
  });

  test('migrations run in order on load and the result is written back', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, STORE_FILE),
      JSON.stringify({
        app: 'sentry-rca',
        schemaVersion: 1,
        meta: emptyStore().meta,
        projects: [],
        issues: [],
        events: {},
        stacks: {},
      }),
    );
    const seen: number[] = [];
    const store = await IssueStore.open(dir, {
      schemaVersion: 3,
      migrations: {
        1: (raw) => {
          seen.push(1);
          return { ...raw, investigations: { x: [] } };
        },
        2: (raw) => {
          seen.push(2);
          return { ...raw, projects: [{ id: '9', slug: 'migrated', name: 'm', platform: null }] };
        },
      },
    });
    assert.deepEqual(seen, [1, 2]);
    assert.equal(store.projects()[0]?.slug, 'migrated');
    const disk = JSON.parse(readFileSync(join(dir, STORE_FILE), 'utf8'));
    assert.equal(disk.schemaVersion, 3);
  });

  test('a missing migration moves the file aside instead of guessing', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, STORE_FILE),
      JSON.stringify({
        app: 'sentry-rca',
        schemaVersion: 1,
        meta: emptyStore().meta,
        projects: [],
        issues: [],
        events: {},
        stacks: {},
      }),
    );
    const store = await IssueStore.open(dir, { schemaVersion: 2, migrations: {} });
    assert.match(store.recovery?.reason ?? '', /could not be migrated/);
  });

  test('update() changes a copy and writes it', async () => {
    const dir = tmp();
    const store = await IssueStore.open(dir);
    await store.replace(sample());
    const before = store.data;
    await store.update((d) => {
      d.issues = d.issues.filter((i) => i.id !== '1');
    });
    assert.equal(before.issues.length, 2, 'the previous snapshot is not mutated');
    assert.deepEqual(
      store.issues().map((i) => i.id),
      ['2'],
    );
    assert.equal((await IssueStore.open(dir)).issues().length, 1);
  });

  test('reload() picks up a file written by another process', async () => {
    const dir = tmp();
    const a = await IssueStore.open(dir);
    const b = await IssueStore.open(dir);
    await b.replace(sample());
    let fired = false;
    a.onDidChange(() => {
      fired = true;
    });
    await a.reload();
    assert.equal(a.issues().length, 2);
    assert.ok(fired);
  });
});
