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
  id: '4711',
  shortId: 'SHOP-7',
  title: "TypeError: Cannot read properties of undefined (reading 'split')",
  culprit: 'parsePrice(src/lib/parse)',
  permalink: 'https://sentry.example/issues/4711/',
  level: 'error',
  status: 'unresolved',
  substatus: 'ongoing',
  platform: 'node',
  projectId: '42',
  projectSlug: 'shop',
  count: 12,
  userCount: 3,
  firstSeen: '2026-11-25T08:00:00Z',
  lastSeen: '2026-11-25T09:00:00Z',
  metadata: {},
  isUnhandled: false,
  stats24h: [],
  firstRelease: 'shop@1.0.0',
  syncedAt: '2026-11-25T09:01:00Z',
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
      id: raw.event_id,
      issueId: issue.id,
      projectId: '42',
      timestamp: '2026-11-25T09:00:00.000Z',
      level: 'error',
      title: issue.title,
      message: '',
      platform: 'node',
      environment: 'production',
      release: 'shop@1.0.0',
      exceptions: [
        {
          type: 'TypeError',
          value: raw.exception.values[0]!.value,
          module: null,
          handled: true,
          mechanism: 'generic',
          frames: ingestEventFrames(raw),
        },
      ],
      tags: {},
      breadcrumbs: [],
      traceId: null,
      requestId: null,
      request: null,
      contexts: {},
    };
    ws = tempDir('cli');
    // The checkout without its dependencies installed.
    cpSync(framesFixture('node-app'), ws, { recursive: true });
    rmSync(join(ws, '_node_modules'), { recursive: true });
    writeTree(ws, { '.gitignore': 'node_modules/\n' });
  });

  test('--json: every frame of the latest event with its local file or the reason', async () => {
    let out = '';
    const code = await framesCommand(
      { store: storeWith([event]), issueId: 'SHOP-7', workspace: ws, json: true },
      (s) => {
        out += s;
      },
    );
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
    for (const f of r.frames)
      assert.ok(f.local !== null || (f.reason && f.code), 'each frame has a location or a reason');
  });

  test('table: crash frame first, local location or reason per frame, summary line', async () => {
    let out = '';
    const code = await framesCommand(
      { store: storeWith([event]), issueId: '4711', workspace: ws, json: false },
      (s) => {
        out += s;
      },
    );
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
    await framesCommand(
      {
        store: storeWith([event]),
        issueId: 'SHOP-7',
        workspace: other,
        json: true,
        mappings: [
          {
            from: event.exceptions[0]!.frames.at(-1)!.filename!.replace(/src\/lib\/parse\.js$/, ''),
            to: '${workspaceFolder}/services/shop/',
          },
        ],
      },
      (s) => {
        out += s;
      },
    );
    const r = JSON.parse(out) as FramesJson;
    assert.deepEqual(r.frames.at(-1)!.local, { path: 'services/shop/src/lib/parse.js', line: 4, column: 25 });
    assert.equal(r.frames.at(-1)!.via, 'mapping');
  });

  test("with --workspace-settings, the workspace's .vscode/settings.json mappings apply (as in the extension); without, they are ignored and said so", async () => {
    const other = writeTree(tempDir('cli-settings'), {
      'services/shop/src/lib/parse.js': ['x'],
      '.vscode/settings.json': JSON.stringify({
        'sentryRCA.pathMappings': [
          {
            from: event.exceptions[0]!.frames.at(-1)!.filename!.replace(/src\/lib\/parse\.js$/, ''),
            to: '${workspaceFolder}/services/shop/',
          },
        ],
      }),
    });
    let out = '';
    await framesCommand(
      { store: storeWith([event]), issueId: 'SHOP-7', workspace: other, json: true, workspaceSettings: true },
      (s) => {
        out += s;
      },
    );
    const r = JSON.parse(out) as FramesJson;
    assert.equal(r.frames.at(-1)!.via, 'mapping');
    assert.deepEqual(r.warnings, []);
    out = '';
    let err = '';
    await framesCommand(
      {
        store: storeWith([event]),
        issueId: 'SHOP-7',
        workspace: other,
        json: true,
        err: (s) => {
          err += s;
        },
      },
      (s) => {
        out += s;
      },
    );
    assert.notEqual((JSON.parse(out) as FramesJson).frames.at(-1)!.via, 'mapping');
    assert.match(err, /^sentry-rca: ignoring sentryRCA\.pathMappings from .*pass --workspace-settings to use them/);
    assert.equal(err.split('\n').filter(Boolean).length, 1);
  });

  test('unknown issue and a workspace that is not a folder are usage errors with a hint', async () => {
    await assert.rejects(
      framesCommand({ store: storeWith([event]), issueId: 'NOPE-1', workspace: ws, json: true }, () => {}),
      (e: unknown) => e instanceof RcaError && e.kind === 'usage' && /sentry-rca sync/.test(e.display),
    );
    await assert.rejects(
      framesCommand(
        { store: storeWith([event]), issueId: 'SHOP-7', workspace: join(ws, 'main.js'), json: true },
        () => {},
      ),
      (e: unknown) => e instanceof RcaError && e.kind === 'usage' && /not a folder/.test(e.message),
    );
  });

  test('no stored event: partial result (exit 3) that says so', async () => {
    let out = '';
    assert.equal(
      await framesCommand({ store: storeWith([]), issueId: 'SHOP-7', workspace: ws, json: true }, (s) => {
        out += s;
      }),
      3,
    );
    const r = JSON.parse(out) as FramesJson;
    assert.equal(r.event, null);
    assert.deepEqual(r.frames, []);
    assert.match(r.warnings[0]!, /No events of SHOP-7 are stored/);
  });

  test('table: each run of unmapped library frames is one row counting why; --all (expand) lists them', async () => {
    const lib = (i: number) => ({
      filename: `node_modules/express/lib/router/layer${i}.js`,
      absPath: `/srv/app/node_modules/express/lib/router/layer${i}.js`,
      module: null,
      package: null,
      platform: 'node',
      function: `handle${i}`,
      lineNo: 95,
      colNo: 5,
      inApp: false,
      context: [],
    });
    const internal = (i: number) => ({
      filename: `node:internal/process/task_queues${i}`,
      absPath: `node:internal/process/task_queues${i}`,
      module: null,
      package: null,
      platform: 'node',
      function: `processTicks${i}`,
      lineNo: 105,
      colNo: 5,
      inApp: false,
      context: [],
    });
    const crash = event.exceptions[0]!.frames.at(-1)!;
    // Oldest first: 2 runtime frames, 24 express frames, the crash frame (in-app).
    const frames = [internal(1), internal(2), ...Array.from({ length: 24 }, (_, i) => lib(i)), crash];
    const many: StoredEvent = { ...event, exceptions: [{ ...event.exceptions[0]!, frames }] };
    let out = '';
    assert.equal(
      await framesCommand({ store: storeWith([many]), issueId: 'SHOP-7', workspace: ws, json: false }, (s) => {
        out += s;
      }),
      0,
    );
    const lines = out.split('\n');
    const head = lines.findIndex((l) => /FUNCTION\s+FRAME\s+LOCAL/.test(l));
    assert.match(lines[head + 1]!, /^\s*26 {2}\* {2}parsePrice .*src\/lib\/parse\.js:4:25$/);
    // The 24 express frames and the 2 runtime frames run together: one row, counted by why.
    assert.match(
      lines[head + 2]!,
      /^\s*25-0 {5}26 library frames +node_modules\/express … +- not mapped: 24 not in the workspace, 2 Node\.js runtime$/,
    );
    assert.equal(lines[head + 3], '');
    assert.equal((out.match(/library frame/g) ?? []).length, 2, 'the long reason is not repeated per frame');
    assert.match(out, /26 library frames are folded into 1 row; --all lists each with its reason\./);
    let all = '';
    await framesCommand(
      { store: storeWith([many]), issueId: 'SHOP-7', workspace: ws, json: false, expand: true },
      (s) => {
        all += s;
      },
    );
    assert.equal((all.match(/It is a library frame/g) ?? []).length, 24);
    assert.match(all, /^\s*0 +processTicks1 .*Node\.js runtime/m);
    assert.ok(!/folded/.test(all));
    // A lone library frame between in-app frames stays a plain row.
    const lone: StoredEvent = { ...event, exceptions: [{ ...event.exceptions[0]!, frames: [crash, lib(1), crash] }] };
    let one = '';
    await framesCommand({ store: storeWith([lone]), issueId: 'SHOP-7', workspace: ws, json: false }, (s) => {
      one += s;
    });
    assert.match(one, /^\s*1 +handle1 .*It is a library frame/m);
    assert.ok(!/folded/.test(one));
  });
});
