import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { emptyStore, IssueStore } from '../../../src/core/store/issueStore';
import type { StoredIssue } from '../../../src/core/store/model';
import { StoreHandle } from '../../../src/host/storeHandle';

function issue(id: string): StoredIssue {
  return {
    id,
    shortId: `APP-${id}`,
    title: `Error ${id}`,
    culprit: '',
    permalink: '',
    level: 'error',
    status: 'unresolved',
    substatus: null,
    platform: null,
    projectId: '1',
    projectSlug: 'app',
    count: 1,
    userCount: 0,
    firstSeen: '2026-11-25T00:00:00Z',
    lastSeen: '2026-11-25T00:00:00Z',
    metadata: {},
    isUnhandled: false,
    stats24h: [],
    firstRelease: null,
    syncedAt: '2026-11-25T00:00:00Z',
  };
}

describe('StoreHandle', () => {
  test('answers empty while the store loads, then fires once it is read, and forwards later changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-handle-'));
    try {
      const seed = await IssueStore.open(dir);
      await seed.replace({
        ...emptyStore(),
        issues: [issue('1'), issue('2')],
        meta: { ...emptyStore().meta, lastSuccessfulSync: '2026-11-25T10:00:00Z' },
      });
      seed.dispose();
      const handle = new StoreHandle(() => IssueStore.open(dir));
      let changes = 0;
      handle.onDidChange(() => changes++);
      assert.equal(handle.issues().length, 0);
      assert.equal(handle.meta().lastSuccessfulSync, null);
      assert.equal(handle.findIssue('APP-1'), undefined);
      const store = await handle.ready;
      assert.equal(changes, 1);
      assert.equal(handle.issues().length, 2);
      assert.equal(handle.findIssue('app-2')?.id, '2');
      assert.equal(handle.meta().lastSuccessfulSync, '2026-11-25T10:00:00Z');
      await store.update((d) => {
        d.issues.push(issue('3'));
      });
      assert.equal(changes, 2);
      assert.equal(handle.issues().length, 3);
      handle.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a store that cannot be read rejects ready and leaves the handle empty', async () => {
    const handle = new StoreHandle(() => Promise.reject(new Error('disk on fire')));
    await assert.rejects(handle.ready, /disk on fire/);
    assert.deepEqual(handle.issues(), []);
    handle.dispose();
  });
});
