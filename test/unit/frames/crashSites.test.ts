import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { collectCrashSites, crashFrame } from '../../../src/core/frames/crashSites';
import { FrameMapper } from '../../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../../src/core/frames/workspaceFileIndex';
import type { StoredEvent, StoredFrame, StoredIssue } from '../../../src/core/store/model';
import { frame, tempDir, writeTree } from './helpers';

function issue(id: string, count: number): StoredIssue {
  return {
    id,
    shortId: `SHOP-${id}`,
    title: `TypeError ${id}`,
    culprit: '',
    permalink: '',
    level: 'error',
    status: 'unresolved',
    substatus: null,
    platform: 'node',
    projectId: '1',
    projectSlug: 'shop',
    count,
    userCount: 1,
    firstSeen: '2026-11-24T00:00:00Z',
    lastSeen: '2026-11-25T00:00:00Z',
    metadata: {},
    isUnhandled: true,
    stats24h: [],
    firstRelease: null,
    syncedAt: '2026-11-25T00:00:00Z',
  };
}

function event(id: string, ...chain: StoredFrame[][]): StoredEvent {
  return {
    id,
    issueId: id,
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
    exceptions: chain.map((frames, i) => ({
      type: `E${i}`,
      value: '',
      module: null,
      handled: false,
      mechanism: null,
      frames,
    })),
  };
}

describe('crash sites for the editor', () => {
  test('the crash frame is the newest in-app frame of the exception raised last', () => {
    const cause = [frame({ filename: '/srv/shop/src/db.js', lineNo: 9 })];
    const top = [
      frame({ filename: '/srv/shop/src/api.js', lineNo: 3 }),
      frame({ filename: '/srv/shop/src/cart.js', lineNo: 7 }),
      frame({ filename: 'node:events', inApp: false }),
    ];
    assert.equal(crashFrame(event('1', cause, top))?.filename, '/srv/shop/src/cart.js');
    assert.equal(crashFrame(event('2', [frame({ filename: 'node:events', inApp: false })])), undefined);
    assert.equal(crashFrame(event('3')), undefined);
  });

  test('grouped by local file, ordered by line, unmapped crashes left out', async () => {
    const ws = writeTree(tempDir('sites'), {
      'src/cart.js': [
        'function total(order) {',
        '  let sum = 0;',
        '  return order.lines.reduce((s, l) => s + l.price, sum);',
        '}',
      ],
      'src/api.js': ['x'],
    });
    const index = await WorkspaceFileIndex.build([{ name: 'shop', path: ws }]);
    const mapper = new FrameMapper(index);
    const sites = await collectCrashSites(
      [
        {
          issue: issue('1', 1200),
          event: event('1', [
            frame({
              filename: '/srv/shop/src/cart.js',
              lineNo: 3,
              colNo: 22,
              context: [[3, '  return order.lines.reduce((s, l) => s + l.price, sum);']],
            }),
          ]),
        },
        {
          issue: issue('2', 5),
          event: event('2', [frame({ filename: '/srv/shop/src/cart.js', lineNo: 1, colNo: 1 })]),
        },
        { issue: issue('3', 9), event: event('3', [frame({ filename: '/srv/shop/src/gone.js', lineNo: 1 })]) },
        { issue: issue('4', 9), event: undefined },
      ],
      mapper,
    );
    assert.deepEqual([...sites.keys()], [join(ws, 'src/cart.js')]);
    const list = sites.get(join(ws, 'src/cart.js'))!;
    assert.deepEqual(
      list.map((s) => [s.shortId, s.line, s.column, s.count, s.lineStatus]),
      [
        ['SHOP-2', 1, 1, 5, 'unknown'],
        ['SHOP-1', 3, 22, 1200, 'same'],
      ],
    );
  });
});
