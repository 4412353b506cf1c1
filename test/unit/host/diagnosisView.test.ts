// The panel's diagnosis and event rows from a run's report and evidence, or from a saved investigation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnosisView, eventRows } from '../../../src/host/panel/diagnosisView';
import type { StoredEvent } from '../../../src/core/store/model';
import type { Hypothesis } from '../../../src/core/investigate/analyzer';
import { event as scenarioEvent } from '../investigate/scenario';

/** The shared scenario event at an ISO time, with no request or transaction unless given. */
function event(id: string, iso: string, over: Partial<StoredEvent> = {}): StoredEvent {
  return scenarioEvent(id, Date.parse(iso), { tags: {}, request: null, ...over });
}

const hyp: Hypothesis = {
  title: 'Connection pool exhausted shortly before the errors',
  kind: 'infrastructure',
  score: 0.6,
  confidence: 'medium',
  evidence: ['log a'],
  check: 'Check the pool.',
};

test('event rows: latest first, the request path (never the host or scheme) or the transaction', () => {
  const rows = eventRows([
    event('a', '2026-12-03T07:59:12.100Z', {
      request: { method: 'GET', url: 'https://orders.internal:8443/orders/ord_1002/receipt?x=1' },
    }),
    event('b', '2026-12-03T08:00:00Z', { tags: { transaction: 'POST /checkout' } }),
    event('c', '2026-12-03T07:00:00Z', { request: { method: null, url: '/relative/path' } }),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.id, r.request]),
    [
      ['b', 'POST /checkout'],
      ['a', 'GET /orders/ord_1002/receipt?x=1'],
      ['c', '/relative/path'],
    ],
  );
  assert.equal(rows[0]!.message, scenarioEvent('x', 0).title, 'the title when no message');
});

test('diagnosis: the culprit gets its own frame’s excerpt; other frames listed; log terms from the events', () => {
  const excerpt: Array<[number, string]> = [[44, 'throw new PoolExhaustedError()']];
  const d = diagnosisView(
    {
      hypotheses: [hyp],
      culprit: {
        function: 'acquire',
        path: 'src/db/pool.mjs',
        mapped: true,
        line: 44,
        column: 13,
        exceptionType: 'PoolExhaustedError',
        exceptionValue: 'connection pool exhausted',
        why: 'innermost in-app frame',
      },
      frames: [
        { function: 'acquire', path: 'src/db/pool.mjs', line: 44, column: 13, inApp: true, frameIndex: 9, excerpt },
        { function: 'handle', path: 'src/server.mjs', line: 31, column: 1, inApp: true, frameIndex: 5, excerpt: [] },
      ],
      changes: ['`abc` changed it'],
      related: [],
      notes: [],
    },
    [event('a', '2026-12-03T08:00:00Z', { traceId: 'f'.repeat(32), requestId: 'req-1' })],
  );
  assert.deepEqual(d.culprit?.excerpt, excerpt);
  assert.equal(d.culprit?.exception, 'PoolExhaustedError: connection pool exhausted');
  assert.deepEqual(d.frames, [{ path: 'src/server.mjs', line: 31, function: 'handle' }]);
  assert.deepEqual(d.logTerms, ['PoolExhaustedError', 'f'.repeat(32), 'req-1'], 'the culprit type, then the ids');
  assert.deepEqual(d.hypotheses, [hyp]);
});

test('a saved investigation from before the diagnosis was kept draws hypotheses only', () => {
  const d = diagnosisView({ hypotheses: [hyp] }, []);
  assert.equal(d.culprit, null);
  assert.deepEqual([d.frames, d.changes, d.related, d.notes, d.logTerms], [[], [], [], [], []]);
});
