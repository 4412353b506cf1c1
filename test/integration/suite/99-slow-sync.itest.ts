import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { emptyStore } from '../../../src/core/store/issueStore';
import { eventsDue } from '../../../src/core/store/model';
import { byEventPriority } from '../../../src/core/sync/eventQueue';
import type { SyncOutcome } from '../../../src/core/sync/syncScheduler';
import type { ProjectNode } from '../../../src/host/tree/nodes/projectNode';
import { api, control, rows, sentryEnv, waitFor } from './helpers';

interface Recorded {
  path: string;
}
const eventRequests = async () =>
  ((await control('requests')) as Recorded[]).filter((r) => /\/issues\/[^/]+\/events\/$/.test(r.path));

// Last (after 9-large-store): it adds a project to the test server and empties the store.
// A first sync against a slow Sentry: the issues show at once with "events loading…", and the issue
// the user expands in the real tree is fetched next, long before the queue would have reached it.
describe('a slow first sync: issues at once, the expanded issue first', () => {
  const slow = 'slowpoke';
  let added: string[] = [];

  before(async () => {
    const a = await api();
    if (!a.app.configured) {
      // Run on its own: set the token as a user would, and let the sync that starts finish.
      const previous = a.app.scheduler.state.lastOutcome;
      await vscode.commands.executeCommand('sentryRca.setAuthToken', sentryEnv().token);
      // A token change starts a sync (and would cancel one started before it): let it finish.
      await waitFor(
        'the sync the token started',
        () => a.app.scheduler.state.lastOutcome !== previous && !a.app.scheduler.state.running,
        60_000,
      );
    }
    await waitFor('no sync running', () => !a.app.scheduler.state.running, 60_000);
    await control('synthetic', {
      projects: [slow],
      issues: 60,
      eventsPerIssue: 2,
      seed: 12,
      levels: ['error', 'warning'],
    });
    added = ((await control('issues')) as Array<{ id: string; project: { slug: string } }>)
      .filter((i) => i.project.slug === slow)
      .map((i) => i.id);
    // A store with no data: the next sync is a first sync.
    const store = await a.app.store.ready;
    await store.replace(emptyStore());
    await control('latency', { ms: 250 });
  });

  after(async () => {
    await control('latency', { ms: 0 });
    for (const id of added) await control('resolve', { id });
  });

  it('shows every issue before any event, and fetches the issue expanded in the tree next', async () => {
    const a = await api();
    const store = await a.app.store.ready;
    // Sync Now, as the user starts it (with its progress notification).
    const outcome = Promise.resolve(vscode.commands.executeCommand<SyncOutcome>('sentryRca.syncNow'));
    await waitFor('the issue listing committed', () => store.issues().length >= 60, 60_000);
    const withEvents = () => store.issues().filter((i) => store.events(i.id).length > 0).length;
    const total = store.issues().length;
    assert.ok(
      withEvents() < total / 4,
      `the listing is there before the events (${withEvents()} / ${total} with events)`,
    );

    // The issue the queue would fetch last.
    const target = [...store.issues()]
      .filter((i) => eventsDue(i, store.events(i.id).length))
      .sort(byEventPriority)
      .at(-1)!;
    const projectRow = (await rows(a)).find((r) => (r.node as ProjectNode).group?.project.id === target.projectId)!;
    const issueRow = (await rows(a, projectRow.node)).find(
      (r) => r.label === target.title && r.description.startsWith(target.shortId),
    )!;
    assert.match(issueRow.description, /events loading…/, 'the row says its events are on their way');
    const loading = await rows(a, issueRow.node);
    assert.deepEqual(
      loading.map((r) => r.label),
      ['Events loading…'],
    );

    const sentBefore = (await eventRequests()).length;
    // Expanding it in the real tree view (the workbench sends the expand event to the extension).
    await vscode.commands.executeCommand('workbench.view.extension.sentryRca');
    await a.app.issues.view.reveal(issueRow.node, { expand: true, select: false, focus: false });
    await waitFor("the expanded issue's events", () => store.events(target.id).length > 0, 30_000);
    const doneWhenTargetArrived = withEvents();
    assert.ok(
      doneWhenTargetArrived < total / 2,
      `its events arrived while most were still missing (${doneWhenTargetArrived} / ${total})`,
    );
    const order = (await eventRequests()).map((r) => /\/issues\/([^/]+)\/events\//.exec(r.path)![1]);
    const at = order.indexOf(target.id);
    // Requests already on their way (5 workers) and those sent while the expand travels from the
    // workbench to the extension go first; the rest of the queue does not.
    assert.ok(
      at >= 0 && at - sentBefore <= 10,
      `sent ${at - sentBefore} requests between the expand and its own (the queue had ${total - sentBefore} left)`,
    );
    const children = await rows(a, issueRow.node);
    assert.ok(
      // (Its events, and "N more events in Sentry…" when Sentry counted more than the sync keeps.)
      children.some((r) => r.contextValue === 'sentryRca.event') &&
        children.every((r) => r.contextValue === 'sentryRca.event' || r.contextValue === 'sentryRca.moreEvents'),
      'the expanded row now holds its events',
    );

    const o = await outcome;
    assert.ok(o?.ok, `the sync finished (${String(o?.error ?? '')})`);
    assert.equal(withEvents(), store.issues().filter((i) => i.status === 'unresolved').length);
  });
});
