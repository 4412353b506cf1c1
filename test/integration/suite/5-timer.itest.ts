import assert from 'node:assert/strict';
import { api, control, givenSynced, setSetting, waitFor } from './helpers';

describe('background sync on the timer', () => {
  before(async () => {
    await givenSynced(await api());
  });
  after(async () => {
    await setSetting('syncIntervalMinutes', undefined);
  });

  it('fires on a short interval and picks up a new event without Sync Now', async () => {
    const a = await api();
    const before = a.app.store.meta().lastSuccessfulSync!;
    const issue = a.app.store.issues().find((i) => i.projectSlug === 'billing')!;
    const countBefore = issue.count;
    await control('touch', { ids: [issue.id], newEvents: 2 });
    // 0.05 min = 3 s; the scheduler re-arms as soon as the setting changes.
    await setSetting('syncIntervalMinutes', 0.05);
    await waitFor(
      'a timer sync',
      () => a.app.scheduler.state.lastOutcome?.trigger === 'timer' && a.app.store.meta().lastSuccessfulSync !== before,
      20_000,
    );
    assert.equal(a.app.scheduler.state.lastOutcome?.ok, true);
    await waitFor(
      'the touched issue to be updated',
      () => (a.app.store.issue(issue.id)?.count ?? 0) >= countBefore + 2,
      10_000,
    );
    // Next run is armed again one interval later.
    const next = a.app.scheduler.state.nextRunAt;
    assert.ok(next !== null && next > Date.now() - 1000);
  });
});
