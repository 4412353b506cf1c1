import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syncSummaryText } from '../../../src/core/sync/syncSummaryText';
import { countOf } from '../../../src/shared/countOf';

describe('countOf', () => {
  it('puts the noun in the number the count asks for', () => {
    assert.equal(countOf(0, 'issue'), '0 issues');
    assert.equal(countOf(1, 'issue'), '1 issue');
    assert.equal(countOf(2_500, 'event'), '2,500 events');
    assert.equal(countOf(3, 'library frame'), '3 library frames');
    assert.equal(countOf(2, 'entry', 'entries'), '2 entries');
  });
});

describe('syncSummaryText', () => {
  const none = { issuesNew: 0, issuesUpdated: 0, issuesResolved: 0, eventsAdded: 0 };
  it('says "nothing new" when a sync changed nothing', () => {
    assert.equal(syncSummaryText(none), 'nothing new');
  });
  it('names only what changed, singular and plural', () => {
    assert.equal(syncSummaryText({ ...none, issuesUpdated: 1, eventsAdded: 1 }), '1 issue updated · 1 new event');
    assert.equal(
      syncSummaryText({ ...none, issuesNew: 2, issuesUpdated: 1, eventsAdded: 5 }),
      '2 new issues, 1 updated · 5 new events',
    );
    assert.equal(syncSummaryText({ ...none, issuesResolved: 3 }), '3 issues resolved');
    assert.equal(syncSummaryText({ ...none, issuesNew: 1, issuesResolved: 2 }), '1 new issue, 2 resolved');
    assert.equal(syncSummaryText({ ...none, eventsAdded: 1_200 }), '1,200 new events');
  });
});
