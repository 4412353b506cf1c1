import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StoredIssue } from '../../../src/core/store/model';
import type { CrashSite } from '../../../src/core/frames/crashSites';
import {
  currentIssue,
  diagnoseBlocker,
  issueOfSelection,
  type DiagnoseReadiness,
} from '../../../src/host/commands/diagnoseTarget';
import { Commands } from '../../../src/host/ids';

const issue = (id: string) => ({ id, shortId: `SHOP-${id}`, title: `Error ${id}` }) as StoredIssue;

describe('the issue Diagnose means from the palette', () => {
  const stored = new Map([
    ['1', issue('1')],
    ['2', issue('2')],
  ]);
  const find = (id: string) => stored.get(id);

  test('a selected issue row, or the issue above a selected event, frame or "more events" row', () => {
    const issueRow = { issue: { ...issue('1'), title: 'stale copy' }, parent: { project: {} } };
    assert.equal(issueOfSelection([issueRow], find), stored.get('1'), "the stored issue, not the row's old copy");
    const eventRow = { event: { id: 'e', issueId: '2' }, parent: { issue: issue('2') } };
    const frameRow = { frame: {}, parent: { exception: {}, parent: eventRow } };
    assert.equal(issueOfSelection([frameRow], find), stored.get('2'));
    assert.equal(issueOfSelection([{ issue: issue('1'), parent: issueRow }], find), stored.get('1'));
  });

  test('nothing selected, or a project row: no issue (the cursor or a pick decides)', () => {
    assert.equal(issueOfSelection([], find), undefined);
    assert.equal(issueOfSelection([{ project: { slug: 'shop' } }], find), undefined);
    assert.equal(issueOfSelection([{ event: { issueId: 'gone' } }], find), undefined);
  });
});

describe('the tree selection first, then the crash site at the cursor', () => {
  const stored = new Map([
    ['1', issue('1')],
    ['2', issue('2')],
    ['3', issue('3')],
  ]);
  const site = (issueId: string, line: number, count: number) =>
    ({ issueId, shortId: `SHOP-${issueId}`, path: '/w/src/db/pool.mjs', line, count }) as CrashSite;
  const sites = [site('1', 44, 3), site('2', 44, 120), site('3', 12, 9)];
  const deps = (selection: unknown[], cursor?: { path: string; line: number }) => ({
    findIssue: (id: string) => stored.get(id),
    treeSelection: () => selection,
    cursor: () => cursor,
    crashSites: () => ({ sitesIn: async (path: string) => (path === '/w/src/db/pool.mjs' ? sites : []) }),
  });

  test('a tree selection wins over the cursor', async () => {
    assert.equal(
      await currentIssue(deps([{ issue: issue('3') }], { path: '/w/src/db/pool.mjs', line: 44 })),
      stored.get('3'),
    );
  });

  test('no selection: the busiest issue crashing on the cursor line', async () => {
    assert.equal(await currentIssue(deps([], { path: '/w/src/db/pool.mjs', line: 44 })), stored.get('2'));
    assert.equal(await currentIssue(deps([], { path: '/w/src/db/pool.mjs', line: 12 })), stored.get('3'));
  });

  test('a line or file without a crash site, no editor, or no crash-site index yet: nothing (the pick asks)', async () => {
    assert.equal(await currentIssue(deps([], { path: '/w/src/db/pool.mjs', line: 45 })), undefined);
    assert.equal(await currentIssue(deps([], { path: '/w/other.mjs', line: 44 })), undefined);
    assert.equal(await currentIssue(deps([])), undefined);
    assert.equal(
      await currentIssue({ ...deps([], { path: '/w/src/db/pool.mjs', line: 44 }), crashSites: () => undefined }),
      undefined,
    );
  });
});

describe('what Diagnose says when there is nothing to diagnose', () => {
  const fresh: DiagnoseReadiness = {
    restricted: false,
    hasToken: false,
    hasOrganization: false,
    syncing: false,
    synced: false,
    issues: 0,
  };

  test('no token: set the token first (not "Sync Now")', () => {
    const b = diagnoseBlocker(fresh)!;
    assert.match(b.message, /^Set your Sentry token first/);
    assert.doesNotMatch(b.message, /Sync/);
    assert.deepEqual(b.actions, [
      { label: 'Set Auth Token', command: Commands.setAuthToken },
      { label: 'Try the Demo', command: Commands.tryDemo },
    ]);
  });

  test('a token but no organization: set the organization', () => {
    const b = diagnoseBlocker({ ...fresh, hasToken: true })!;
    assert.match(b.message, /^Set your Sentry organization first/);
    assert.equal(b.actions[0]?.command, Commands.openSettings);
  });

  test('set up but nothing synced: sync first; while syncing: wait for it', () => {
    const ready = { ...fresh, hasToken: true, hasOrganization: true };
    const b = diagnoseBlocker(ready)!;
    assert.match(b.message, /^Sync first/);
    assert.deepEqual(b.actions, [{ label: 'Sync Now', command: Commands.syncNow }]);
    assert.match(diagnoseBlocker({ ...ready, syncing: true })!.message, /still fetching/);
    assert.match(diagnoseBlocker({ ...ready, synced: true })!.message, /found no unresolved issue/);
  });

  test('Restricted Mode comes before everything else; stored issues mean no blocker', () => {
    assert.match(diagnoseBlocker({ ...fresh, restricted: true })!.message, /^Trust this workspace first/);
    assert.equal(diagnoseBlocker({ ...fresh, issues: 3 }), undefined);
  });
});
