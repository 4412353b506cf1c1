// Triage commands in a real VS Code against the test Sentry server: the exact requests the tree rows,
// a multi-selection and `{ issueId }` (the new-issue notification's call) send; a read-only token turns
// the actions off (context key, tooltip reason); "Show Issues…" filters.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TriageOutcome } from '../../../src/core/triage/triageService';
import { api, control, givenSynced, rows, sentryEnv } from './helpers';

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body?: unknown;
}

const WRITE = ['org:read', 'project:read', 'event:read', 'event:write', 'member:read'];
const READ = ['org:read', 'project:read', 'event:read'];

/** Runs a triage command; an undefined answer (the command failed at its error edge) fails with the log's tail. */
async function exec<T>(command: string, ...args: unknown[]): Promise<T> {
  const out = await vscode.commands.executeCommand<T>(command, ...args);
  if (out === undefined) {
    const a = await api();
    assert.fail(`${command} returned nothing; log:\n${a.app.log.tail.slice(-15).join('\n')}`);
  }
  return out;
}

async function writes(): Promise<Recorded[]> {
  return ((await control('requests')) as Recorded[]).filter((r) => r.method !== 'GET');
}

describe('triage commands (resolve, archive, assign, bookmark, notes)', () => {
  before(async () => {
    const a = await api();
    // Run alone (SENTRY_RCA_TEST_GREP), the settings restored by givenSynced can restart its first
    // sync ("Sync cancelled"); the second call starts from settled settings.
    await givenSynced(a).catch(() => givenSynced(a));
    await control('token', { token: sentryEnv().token, scopes: WRITE });
    // givenSynced's token check saw a read-only token (actions off); checking again turns them on.
    assert.equal(a.app.triage.writeAccess.canWrite, false);
    await vscode.commands.executeCommand('sentryRca.setAuthToken', sentryEnv().token);
    assert.equal(a.app.triage.writeAccess.canWrite, true);
  });
  after(async () => {
    await control('token', { token: sentryEnv().token, scopes: READ });
    await vscode.commands.executeCommand('sentryRca.clearFilters');
  });
  beforeEach(async () => {
    await control('reset-requests', {});
  });

  async function issueRows() {
    const a = await api();
    const out = [];
    for (const p of await rows(a)) out.push(...(await rows(a, p.node)));
    return out;
  }

  it('Resolve on a tree row: PUT to that issue; the row leaves the tree', async () => {
    const [first] = await issueRows();
    const issue = (first!.node as unknown as { issue: { id: string; shortId: string } }).issue;
    const out = await exec<TriageOutcome>('sentryRca.resolveIssue', first!.node, [first!.node]);
    assert.deepEqual(out.changed, [issue.id]);
    const w = await writes();
    assert.deepEqual(
      w.map((r) => [r.method, r.path, r.query, r.body]),
      [
        [
          'PUT',
          `/api/0/organizations/acme/issues/${issue.id}/`,
          {},
          { status: 'resolved', statusDetails: {}, substatus: null },
        ],
      ],
    );
    assert.ok(!(await issueRows()).some((r) => r.description.startsWith(issue.shortId + ' ')));
    await vscode.commands.executeCommand('sentryRca.unresolveIssue', { issueId: issue.id });
    assert.deepEqual((await writes())[1]!.body, { status: 'unresolved', statusDetails: {}, substatus: 'ongoing' });
  });

  it('Resolve on a multi-selection of two rows: one bulk PUT with both ids; then archive them by ids', async () => {
    const [r1, r2] = await issueRows();
    const issues = [r1, r2].map((r) => (r!.node as unknown as { issue: { id: string; projectId: string } }).issue);
    const ids = issues.map((i) => i.id).sort();
    const out = await exec<TriageOutcome>('sentryRca.resolveIssue', r2!.node, [r1!.node, r2!.node]);
    assert.equal(out.requests, 1);
    await vscode.commands.executeCommand('sentryRca.archiveIssue', {
      issueIds: ids,
      mode: { until: 'count', count: 10, windowMinutes: 60 },
    });
    const w = await writes();
    assert.deepEqual(
      w.map((r) => [r.method, r.path, [r.query.id].flat().sort(), r.body]),
      [
        ['PUT', '/api/0/organizations/acme/issues/', ids, { status: 'resolved', statusDetails: {}, substatus: null }],
        [
          'PUT',
          '/api/0/organizations/acme/issues/',
          ids,
          {
            status: 'ignored',
            statusDetails: { ignoreCount: 10, ignoreWindow: 60 },
            substatus: 'archived_until_condition_met',
          },
        ],
      ],
    );
    await vscode.commands.executeCommand('sentryRca.filterByTriage', 'archived');
    assert.equal((await issueRows()).length, 2);
    await vscode.commands.executeCommand('sentryRca.filterByTriage', 'open');
  });

  it('archiveIssue with { issueId, mode } (the new-issue notification), bookmark and a note', async () => {
    const a = await api();
    const issue = a.app.store.issues().find((i) => i.status === 'unresolved')!;
    await vscode.commands.executeCommand('sentryRca.archiveIssue', {
      issueId: issue.id,
      mode: { until: 'escalating' },
    });
    await vscode.commands.executeCommand('sentryRca.toggleBookmark', { issueId: issue.id });
    const note = await vscode.commands.executeCommand<{ noteId: string }>('sentryRca.addNote', {
      issueId: issue.shortId,
      text: 'Looked at it: <b>not</b> ours',
    });
    assert.ok(note?.noteId);
    assert.deepEqual(
      (await writes()).map((r) => [r.method, r.path, r.body]),
      [
        [
          'PUT',
          `/api/0/organizations/acme/issues/${issue.id}/`,
          { status: 'ignored', statusDetails: {}, substatus: 'archived_until_escalating' },
        ],
        ['PUT', `/api/0/organizations/acme/issues/${issue.id}/`, { isBookmarked: true }],
        ['POST', `/api/0/organizations/acme/issues/${issue.id}/comments/`, { text: 'Looked at it: <b>not</b> ours' }],
      ],
    );
    assert.equal(a.app.store.issue(issue.id)!.isBookmarked, true);
    await vscode.commands.executeCommand('sentryRca.filterByTriage', 'bookmarked');
    assert.equal((await issueRows()).length, 1);
    await vscode.commands.executeCommand('sentryRca.filterByTriage', 'open');
  });

  it('a read-only token: 403 → rolled back, actions off with the reason in the tooltip', async () => {
    const a = await api();
    await control('token', { token: sentryEnv().token, scopes: READ });
    const issue = a.app.store.issues().find((i) => i.status === 'unresolved')!;
    const out = await exec<TriageOutcome>('sentryRca.resolveIssue', { issueId: issue.id });
    assert.equal(out.changed.length, 0);
    assert.equal(out.forbidden?.scope, 'event:write');
    assert.equal(a.app.store.issue(issue.id)!.status, 'unresolved', 'rolled back');
    assert.equal(a.app.triage.writeAccess.canWrite, false);
    const row = (await issueRows())[0]!;
    const item = await a.app.issues.provider.getTreeItem(row.node);
    const tip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip);
    assert.match(tip, /Triage actions are off: .*event:write/);
    // Off now: the command refuses before sending anything.
    await control('reset-requests', {});
    await vscode.commands.executeCommand('sentryRca.resolveIssue', { issueId: issue.id });
    assert.equal((await writes()).length, 0);
    // Set Auth Token with a token that may write turns them back on.
    await control('token', { token: sentryEnv().token, scopes: WRITE });
    await vscode.commands.executeCommand('sentryRca.setAuthToken', sentryEnv().token);
    assert.equal(a.app.triage.writeAccess.canWrite, true);
  });
});
