import assert from 'node:assert/strict';
import { levelRank } from '../../../src/core/store/model';
import { api, control, givenSynced, rows, waitFor } from './helpers';

describe('issue tree after a sync (read back through the tree provider)', () => {
  before(async () => {
    await givenSynced(await api());
  });

  it('shows projects, then issues with level icon, short id, count and last seen', async () => {
    const a = await api();
    await waitFor('synced data', () => a.app.store.issues().length > 0, 30_000);
    const projects = await rows(a);
    assert.deepEqual(
      projects.map((p) => p.label),
      ['billing', 'orders'],
    );
    assert.ok(projects.every((p) => p.contextValue === 'sentryRca.project'));
    const billing = projects[0]!;
    // What the server holds for billing at the default minimum level (warning).
    const server = (await control('issues')) as Array<{ project: { slug: string }; level: string; status: string }>;
    const expected = server.filter(
      (i) => i.project.slug === 'billing' && i.status === 'unresolved' && levelRank(i.level) >= levelRank('warning'),
    ).length;
    assert.ok(expected > 0);
    assert.equal(billing.description, `${expected} issues`);
    const issues = await rows(a, billing.node);
    assert.equal(issues.length, expected);
    for (const i of issues) {
      assert.equal(i.contextValue, 'sentryRca.issue');
      assert.match(
        i.description,
        /^BILLING-\w+ · [\d.]+k? events? in 90 d · (just now|\d+ (min|h|days|weeks|months) ago|yesterday)/,
      );
      assert.ok(['error', 'warning', 'flame', 'info', 'debug'].includes(i.icon), i.icon);
    }
  });

  it('expands the real SDK issue down to its events and stack frames', async () => {
    const a = await api();
    const [, orders] = await rows(a);
    const issues = await rows(a, orders!.node);
    assert.ok(issues.length >= 1);
    const withFrames = [];
    for (const issue of issues) {
      const events = await rows(a, issue.node);
      assert.ok(events.length >= 1, `${issue.label} has events`);
      assert.equal(events[0]!.contextValue, 'sentryRca.event');
      // Latest first, labelled by relative time plus what differs; no two event rows read the same.
      const eventRows = events.filter((r) => r.contextValue === 'sentryRca.event');
      assert.match(
        eventRows[0]!.label,
        /^(just now|\d+ (min|h) ago|yesterday|\d+ days ago|(\d\d-\d\d )?\d\d:\d\d:\d\d)/,
      );
      assert.equal(
        new Set(eventRows.map((r) => r.label)).size,
        eventRows.length,
        JSON.stringify(eventRows.map((r) => r.label)),
      );
      const frames = await rows(a, events[0]!.node);
      withFrames.push(...frames);
    }
    const inApp = withFrames.filter((f) => f.contextValue === 'sentryRca.frame');
    assert.ok(inApp.length > 0, 'in-app frames are shown directly');
    assert.ok(
      // file:line first, so it stays visible in a narrow side bar; the function follows in the description.
      inApp.every((f) => /:\d+$/.test(f.label) && f.description !== ''),
      'frames show file:line first',
    );
    // The real SDK stacks pass through node internals and node_modules: they are grouped, not dropped.
    const lib = withFrames.find((f) => f.contextValue === 'sentryRca.libraryFrames');
    assert.ok(lib, `a library-frames group among ${withFrames.map((f) => f.contextValue).join(', ')}`);
    assert.match(lib.label, /^\d+ library frames?$/);
    const inner = await rows(a, lib.node);
    assert.ok(inner.length > 0);
    assert.equal(inner.length, Number(lib.label.split(' ')[0]));
  });

  it('status bar shows the unresolved count and the last sync time', async () => {
    const a = await api();
    const unresolved = a.app.store.issues().filter((i) => i.status === 'unresolved').length;
    assert.match(
      a.app.statusBar.item.text,
      new RegExp(`^\\$\\(bug\\) Sentry: ${unresolved} issues? · synced (just now|\\d+ min ago)$`),
    );
    assert.equal(a.app.statusBar.item.name, 'Sentry RCA');
    assert.equal(a.app.statusBar.item.command, 'sentryRca.syncNow');
  });
});
