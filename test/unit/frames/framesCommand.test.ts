import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { framesCommand, type FramesJson, type IssueStoreLike } from '../../../src/cli/framesCommand';
import { RcaError } from '../../../src/core/common/errors';
import type { IssueStore } from '../../../src/core/store/issueStore';
import type { StoredEvent, StoredIssue } from '../../../src/core/store/model';
import { framesFixture, ingestEventFrames, runSdkApp, tempDir, writeTree } from './helpers';

// The lead's IssueStore must keep satisfying the narrow interface the command takes.
const _storeFits: (s: IssueStore) => IssueStoreLike = (s) => s;
void _storeFits;

const issue: StoredIssue = {
  id: '4711', shortId: 'SHOP-7', title: "TypeError: Cannot read properties of undefined (reading 'split')", culprit: 'parsePrice(src/lib/parse)',
  permalink: 'https://sentry.example/issues/4711/', level: 'error', status: 'unresolved', substatus: 'ongoing', platform: 'node',
  projectId: '42', projectSlug: 'shop', count: 12, userCount: 3, firstSeen: '2026-11-25T08:00:00Z', lastSeen: '2026-11-25T09:00:00Z',
  metadata: {}, isUnhandled: false, stats24h: [], firstRelease: 'shop@1.0.0', syncedAt: '2026-11-25T09:01:00Z',
};

function storeWith(events: StoredEvent[]): IssueStoreLike {
  return {
    findIssue: (id) => (id === issue.id || id === issue.shortId ? issue : undefined),
    events: (id) => (id === issue.id ? events : []),
  };
}

describe('sentry-rca frames', () => {
  let event: StoredEvent;
  let ws: string;
  before(async () => {
    const run = await runSdkApp('plain');
    const raw = run.events[0] as { event_id: string; exception: { values: Array<{ type: string; value: string }> } };
    event = {
      id: raw.event_id, issueId: issue.id, projectId: '42', timestamp: '2026-11-25T09:00:00.000Z', level: 'error', title: issue.title,
      message: '', platform: 'node', environment: 'production', release: 'shop@1.0.0',
      exceptions: [{ type: 'TypeError', value: raw.exception.values[0]!.value, module: null, handled: true, mechanism: 'generic', frames: ingestEventFrames(raw) }],
      tags: {}, breadcrumbs: [], traceId: null, requestId: null, request: null, contexts: {},
    };
    ws = tempDir('cli');
    // The checkout without its dependencies installed.
    cpSync(framesFixture('node-app'), ws, { recursive: true });
    rmSync(join(ws, '_node_modules'), { recursive: true });
    writeTree(ws, { '.gitignore': 'node_modules/\n' });
  });

  test('--json: every frame of the latest event with its local file or the reason', async () => {
    let out = '';
    const code = await framesCommand({ store: storeWith([event]), issueId: 'SHOP-7', workspace: ws, json: true }, (s) => { out += s; });
    assert.equal(code, 0);
    const r = JSON.parse(out) as FramesJson;
    assert.deepEqual(r.issue, { id: '4711', shortId: 'SHOP-7', title: issue.title, project: 'shop' });
    assert.equal(r.event?.id, event.id);
    assert.equal(r.frames.length, event.exceptions[0]!.frames.length);
    const crash = r.frames[r.frames.length - 1]!;
    assert.deepEqual(crash.local, { path: 'src/lib/parse.js', line: 4, column: 25 });
    assert.equal(crash.reason, null);
    assert.equal(crash.function, 'parsePrice');
    assert.equal(crash.inApp, true);
    assert.equal(crash.index, r.frames.length - 1);
    const retry = r.frames.find((f) => f.function === 'withRetry')!;
    assert.equal(retry.local, null);
    assert.equal(retry.code, 'no-match');
    assert.match(retry.reason!, /library frame/);
    const reduce = r.frames.find((f) => f.function === 'Array.reduce')!;
    assert.equal(reduce.code, 'not-a-file');
    for (const f of r.frames) assert.ok(f.local !== null || (f.reason && f.code), 'each frame has a location or a reason');
  });

  test('table: crash frame first, local location or reason per frame, summary line', async () => {
    let out = '';
    const code = await framesCommand({ store: storeWith([event]), issueId: '4711', workspace: ws, json: false }, (s) => { out += s; });
    assert.equal(code, 0);
    const lines = out.split('\n');
    assert.match(lines[0]!, /^SHOP-7  TypeError/);
    const firstRow = lines.findIndex((l) => /FUNCTION\s+FRAME\s+LOCAL/.test(l));
    assert.ok(firstRow > 0, out);
    assert.match(lines[firstRow + 1]!, /parsePrice .*src\/lib\/parse\.js:4:25$/);
    assert.match(out, /- .*Node\.js runtime/);
    assert.match(out, /\n\d+ of \d+ frames map to files in /);
  });

  test('path mappings from the caller are applied', async () => {
    const other = writeTree(tempDir('cli-map'), { 'services/shop/src/lib/parse.js': ['x'] });
    let out = '';
    await framesCommand({ store: storeWith([event]), issueId: 'SHOP-7', workspace: other, json: true, mappings: [{ from: event.exceptions[0]!.frames.at(-1)!.filename!.replace(/src\/lib\/parse\.js$/, ''), to: '${workspaceFolder}/services/shop/' }] }, (s) => { out += s; });
    const r = JSON.parse(out) as FramesJson;
    assert.deepEqual(r.frames.at(-1)!.local, { path: 'services/shop/src/lib/parse.js', line: 4, column: 25 });
    assert.equal(r.frames.at(-1)!.via, 'mapping');
  });

  test('without explicit mappings, the workspace\'s .vscode/settings.json applies (as in the extension)', async () => {
    const other = writeTree(tempDir('cli-settings'), {
      'services/shop/src/lib/parse.js': ['x'],
      '.vscode/settings.json': JSON.stringify({ 'sentryRca.pathMappings': [{ from: event.exceptions[0]!.frames.at(-1)!.filename!.replace(/src\/lib\/parse\.js$/, ''), to: '${workspaceFolder}/services/shop/' }] }),
    });
    let out = '';
    await framesCommand({ store: storeWith([event]), issueId: 'SHOP-7', workspace: other, json: true }, (s) => { out += s; });
    const r = JSON.parse(out) as FramesJson;
    assert.equal(r.frames.at(-1)!.via, 'mapping');
    assert.deepEqual(r.warnings, []);
  });

  test('unknown issue and a workspace that is not a folder are usage errors with a hint', async () => {
    await assert.rejects(framesCommand({ store: storeWith([event]), issueId: 'NOPE-1', workspace: ws, json: true }, () => {}), (e: unknown) => e instanceof RcaError && e.kind === 'usage' && /sentry-rca sync/.test(e.display));
    await assert.rejects(framesCommand({ store: storeWith([event]), issueId: 'SHOP-7', workspace: join(ws, 'main.js'), json: true }, () => {}), (e: unknown) => e instanceof RcaError && e.kind === 'usage' && /not a folder/.test(e.message));
  });

  test('no stored event: partial result (exit 3) that says so', async () => {
    let out = '';
    assert.equal(await framesCommand({ store: storeWith([]), issueId: 'SHOP-7', workspace: ws, json: true }, (s) => { out += s; }), 3);
    const r = JSON.parse(out) as FramesJson;
    assert.equal(r.event, null);
    assert.deepEqual(r.frames, []);
    assert.match(r.warnings[0]!, /No events of SHOP-7 are stored/);
  });
});
