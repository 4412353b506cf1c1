import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { levelRank } from '../../../src/core/store/model';
import { api, givenSynced, rows } from './helpers';

async function visibleIssues(a: Awaited<ReturnType<typeof api>>) {
  const out = [];
  for (const p of await rows(a)) out.push(...(await rows(a, p.node)).map((r) => ({ ...r, project: p.label })));
  return out;
}

describe('sorting and filters (view title bar commands)', () => {
  before(async () => {
    await givenSynced(await api());
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('sentryRca.clearFilters');
    await vscode.commands.executeCommand('sentryRca.sortIssues', 'lastSeen');
  });

  it('filters by level', async () => {
    const a = await api();
    const all = a.app.store.issues();
    await vscode.commands.executeCommand('sentryRca.filterByLevel', 'error');
    const shown = await visibleIssues(a);
    const expected = all.filter((i) => levelRank(i.level) >= levelRank('error')).length;
    assert.ok(expected > 0 && expected < all.length, 'the data has issues on both sides of the filter');
    assert.equal(shown.length, expected);
    assert.ok(shown.every((r) => r.icon === 'error' || r.icon === 'flame'));
    assert.equal(a.app.issues.model.isFiltered, true);
    assert.match(a.app.issues.view.description ?? '', /≥ error/);
  });

  it('filters by project and by text', async () => {
    const a = await api();
    await vscode.commands.executeCommand('sentryRca.filterByProject', 'orders');
    let shown = await visibleIssues(a);
    assert.ok(shown.length > 0 && shown.every((r) => r.project === 'orders'));
    await vscode.commands.executeCommand('sentryRca.filterByProject', null);
    const target = a.app.store.issues().find((i) => i.projectSlug === 'billing')!;
    await vscode.commands.executeCommand('sentryRca.filterByText', target.shortId.toLowerCase());
    shown = await visibleIssues(a);
    assert.deepEqual(
      shown.map((r) => r.description.split(' · ')[0]),
      [target.shortId],
    );
    await vscode.commands.executeCommand('sentryRca.filterByText', 'no issue has this text 42');
    assert.equal((await visibleIssues(a)).length, 0);
    assert.match(a.app.issues.view.message ?? '', /No issue matches/);
  });

  it('sorts by event count', async () => {
    const a = await api();
    await vscode.commands.executeCommand('sentryRca.sortIssues', 'count');
    const [billing] = await rows(a);
    const issues = await rows(a, billing!.node);
    const counts = issues.map((r) => Number(r.description.split(' · ')[1]!.split(' ')[0]!.replace(/,/g, '')));
    assert.deepEqual(
      counts,
      [...counts].sort((x, y) => y - x),
    );
  });

  it('copies the short id and link of an issue from its tree row', async () => {
    const a = await api();
    const [billing] = await rows(a);
    const [first] = await rows(a, billing!.node);
    const id = await vscode.commands.executeCommand<string>('sentryRca.copyShortId', first!.node);
    assert.equal(await vscode.env.clipboard.readText(), id);
    assert.match(id, /^BILLING-/);
    const link = await vscode.commands.executeCommand<string>('sentryRca.copyLink', first!.node);
    assert.match(link, /^https?:\/\//);
  });
});
