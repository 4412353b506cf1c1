// The store's event journal (issue 12): event commits are appended as lines after a snapshot, so a
// sync that commits every 2 s writes its batches, not the whole store; the journal is folded into a
// new snapshot once it outgrows the last one.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { emptyStore, IssueStore, JOURNAL_FILE, STORE_FILE } from '../../../src/core/store/issueStore';
import type { StoredEvent, StoredIssue } from '../../../src/core/store/model';

const tmp = () => mkdtempSync(join(tmpdir(), 'rca-journal-'));

function issue(id: string): StoredIssue {
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
    lastSeen: `2026-11-25T11:00:${String(Number(id) % 60).padStart(2, '0')}.000Z`,
    metadata: {},
    isUnhandled: false,
    stats24h: [],
    firstRelease: null,
    syncedAt: '2026-11-25T11:00:00.000Z',
    eventsLastSeen: null,
  };
}

function event(id: string, issueId: string, line = 12): StoredEvent {
  return {
    id,
    issueId,
    projectId: '1',
    timestamp: '2026-11-25T11:00:00.000Z',
    level: 'error',
    title: 'TypeError',
    message: `boom ${id}`,
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
            lineNo: line,
            colNo: 5,
            inApp: true,
            context: [[line, 'return x.y; // '.padEnd(200, 'x')]],
          },
        ],
      },
    ],
  };
}

async function storeWith(n: number) {
  const dir = tmp();
  const store = await IssueStore.open(dir);
  const data = emptyStore();
  data.issues = Array.from({ length: n }, (_, i) => issue(String(i + 1)));
  await store.replace(data);
  return { dir, store };
}

const batch = (ids: string[]) =>
  new Map(ids.map((id) => [id, { events: [event(`e${id}`, id, Number(id))], lastSeen: issue(id).lastSeen }]));

describe('store journal', () => {
  test('an event commit appends one line and leaves the snapshot as it was; a reopen sees both', async () => {
    const { dir, store } = await storeWith(20);
    const snapshot = readFileSync(join(dir, STORE_FILE));
    await store.commitEvents(batch(['1', '2', '3']));
    assert.deepEqual(readFileSync(join(dir, STORE_FILE)), snapshot, 'the snapshot is not rewritten');
    const lines = readFileSync(join(dir, JOURNAL_FILE), 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    assert.equal(store.events('2')[0]?.id, 'e2');
    const again = await IssueStore.open(dir);
    assert.deepEqual(
      ['1', '2', '3'].map((id) => again.events(id)[0]?.id),
      ['e1', 'e2', 'e3'],
    );
    assert.equal(again.issue('2')!.eventsLastSeen, issue('2').lastSeen, 'the events are marked current');
    assert.equal(again.issue('4')!.eventsLastSeen, null);
    assert.equal(
      again.latestEvent('3')!.exceptions[0]!.frames[0]!.lineNo,
      3,
      'frames written in the line are read back',
    );
  });

  test('a torn last line (killed mid-append) is skipped; the lines before it count', async () => {
    const { dir, store } = await storeWith(20);
    await store.commitEvents(batch(['1']));
    await store.commitEvents(batch(['2']));
    const full = readFileSync(join(dir, JOURNAL_FILE), 'utf8');
    const torn = full.slice(0, full.length - 40);
    writeFileSync(join(dir, JOURNAL_FILE), torn);
    const again = await IssueStore.open(dir);
    assert.equal(again.recovery, undefined);
    assert.equal(again.events('1')[0]?.id, 'e1');
    assert.equal(again.events('2').length, 0, 'the torn commit is as if it never happened');
    // The next commit goes on its own line; the torn text does not swallow it.
    await again.commitEvents(batch(['5']));
    const third = await IssueStore.open(dir);
    assert.equal(third.events('5')[0]?.id, 'e5');
    assert.equal(third.events('1')[0]?.id, 'e1');
  });

  test('a journal left by an earlier snapshot (a compaction killed between its two steps) is ignored', async () => {
    const { dir, store } = await storeWith(20);
    await store.commitEvents(batch(['1']));
    const stale = readFileSync(join(dir, JOURNAL_FILE), 'utf8');
    await store.replace({ ...store.data, events: {} });
    assert.ok(!existsSync(join(dir, JOURNAL_FILE)), 'a snapshot absorbs and removes the journal');
    appendFileSync(join(dir, JOURNAL_FILE), stale);
    const again = await IssueStore.open(dir);
    assert.equal(again.events('1').length, 0, 'lines of another snapshot do not apply');
  });

  test('the journal is folded into a new snapshot once it outgrows it: bytes written stay proportional to the store', async () => {
    const { dir, store } = await storeWith(400);
    let written = store.fileSizes.snapshot;
    let snapshots = 0;
    for (let k = 1; k <= 400; k += 10) {
      const before = store.fileSizes;
      await store.commitEvents(batch(Array.from({ length: 10 }, (_, i) => String(k + i))));
      const after = store.fileSizes;
      assert.ok(after.journal <= after.snapshot, `journal ${after.journal} ≤ snapshot ${after.snapshot}`);
      if (after.journal === 0) {
        snapshots++;
        written += after.snapshot;
      } else written += after.journal - before.journal;
    }
    const final =
      readFileSync(join(dir, STORE_FILE)).length +
      (existsSync(join(dir, JOURNAL_FILE)) ? readFileSync(join(dir, JOURNAL_FILE)).length : 0);
    assert.ok(snapshots >= 1 && snapshots <= 8, `${snapshots} snapshots for 40 commits`);
    assert.ok(
      written < 5 * final,
      `${written} bytes written for a ${final}-byte store (a rewrite per commit would be ~20×)`,
    );
    const again = await IssueStore.open(dir);
    assert.ok(again.issues().every((i) => again.events(i.id).length === 1 && i.eventsLastSeen === i.lastSeen));
  });

  test('a snapshot rewrites issues whose events were never decoded with their text as it was', async () => {
    const { dir, store } = await storeWith(5);
    await store.update((d) => {
      d.events['1'] = [event('a', '1')];
      d.events['2'] = [event('b', '2', 40)];
    });
    const before = JSON.parse(readFileSync(join(dir, STORE_FILE), 'utf8')) as { events: Record<string, string> };
    const reopened = await IssueStore.open(dir);
    await reopened.update((d) => {
      d.events['3'] = [event('c', '3')];
    });
    const after = JSON.parse(readFileSync(join(dir, STORE_FILE), 'utf8')) as { events: Record<string, string> };
    assert.equal(after.events['1'], before.events['1']);
    assert.equal(after.events['2'], before.events['2']);
    const last = await IssueStore.open(dir);
    assert.equal(last.latestEvent('2')!.exceptions[0]!.frames[0]!.lineNo, 40);
    assert.equal(last.latestEvent('3')!.id, 'c');
  });
});
