// The panel protocol's guards (both sides trust nothing they receive) and the log-source settings parser.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isHostToWebview, isWebviewToHost, MAX_COPY_CHARS } from '../../../src/shared/protocol';
import { parseLogSources } from '../../../src/core/investigate/adapters';

describe('webview → host guard', () => {
  test('accepts every declared message', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'stop' },
      { type: 'rerun' },
      { type: 'openInSentry' },
      { type: 'openRef', requestId: 1, path: 'src/a.ts', line: 3 },
      { type: 'openRef', requestId: 2, path: 'src/a.ts', line: 3, column: 7 },
      { type: 'openEvent', eventId: '0123456789abcdef0123456789abcdef' },
      { type: 'copyMarkdown', requestId: 3, markdown: '# x' },
      { type: 'setUpAi', requestId: 4 },
    ])
      assert.ok(isWebviewToHost(m), JSON.stringify(m));
  });

  test('rejects malformed, oversized and unknown messages', () => {
    for (const m of [
      null,
      'ready',
      [],
      {},
      { type: 'exec', command: 'rm -rf /' },
      { type: 'openRef', requestId: 1, path: 'a.ts', line: 0 },
      { type: 'openRef', requestId: 1, path: 'a.ts', line: 1.5 },
      { type: 'openRef', requestId: '1', path: 'a.ts', line: 1 },
      { type: 'openRef', requestId: 1, path: '', line: 1 },
      { type: 'openRef', requestId: 1, path: 'x'.repeat(2000), line: 1 },
      { type: 'openRef', requestId: 1, path: 'a.ts', line: 1, column: 0 },
      { type: 'openEvent', eventId: '../../admin' },
      { type: 'openEvent', eventId: 'javascript:alert(1)' },
      { type: 'copyMarkdown', requestId: 1, markdown: 'x'.repeat(MAX_COPY_CHARS + 1) },
      { type: 'copyMarkdown', requestId: 1 },
      { type: 'setUpAi' },
      { type: 'setUpAi', requestId: 'x' },
    ])
      assert.equal(isWebviewToHost(m), false, JSON.stringify(m)?.slice(0, 80));
  });
});

const diagnosis = {
  hypotheses: [{ title: 't', kind: 'data', confidence: 'low', score: 0.3, evidence: ['e'], check: 'c' }],
  culprit: {
    path: 'a.ts',
    line: 3,
    column: null,
    mapped: true,
    function: null,
    exception: 'E: x',
    why: 'w',
    excerpt: [[3, 'x']],
  },
  frames: [{ path: 'b.ts', line: 1, function: 'f' }],
  changes: [],
  related: [
    { shortId: 'B-1', projectSlug: 'b', title: 't', relation: 'spiked-in-window', minutesFromThis: 2, links: [] },
  ],
  notes: [],
  logTerms: ['E'],
};

describe('host → webview guard', () => {
  const issue = {
    id: '1',
    shortId: 'A-1',
    title: 't',
    level: 'error',
    status: 'unresolved',
    projectSlug: 'p',
    count: 1,
    userCount: 0,
    firstSeen: 'x',
    lastSeen: 'y',
    release: null,
    environment: null,
    permalink: 'https://s/1/',
  };
  test('accepts well-formed messages', () => {
    for (const m of [
      { type: 'init', issue, aiEnabled: true, model: 'm', restoredFrom: null },
      { type: 'runStarted', runId: 1 },
      { type: 'phase', runId: 1, phase: 'ai', message: 'Asking…' },
      {
        type: 'trend',
        runId: 1,
        trend: { verdict: 'rising', why: 'w', hourly24h: [[1, 2]], daily14d: [], firstSeenVsRelease: null },
      },
      {
        type: 'evidence',
        runId: 1,
        sections: [{ name: 'code', text: 'x', chars: 1, tokens: 1 }],
        usedTokens: 1,
        limitTokens: 12000,
        cuts: [],
      },
      {
        type: 'logs',
        runId: 1,
        hosts: [{ host: 'h', source: 's', status: 'ok', totalLines: 0, counts: {}, lines: [] }],
      },
      { type: 'report', runId: 1, markdown: '# r' },
      { type: 'sent', runId: 1, step: 1, messages: [{ role: 'user', chars: 1, content: 'x' }] },
      { type: 'aiDelta', runId: 1, step: 1, text: 'x' },
      {
        type: 'toolCall',
        runId: 1,
        call: {
          id: 'c',
          step: 1,
          name: 'read_file',
          args: '{}',
          status: 'ok',
          resultChars: 1,
          sentChars: 1,
          truncated: false,
          preview: '',
          durationMs: 1,
        },
      },
      { type: 'aiDone', runId: 1, markdown: 'x', stopReason: 'answered', totalTokens: 10 },
      { type: 'aiError', runId: 1, kind: 'auth', message: 'no' },
      { type: 'openRefResult', requestId: 1, ok: false, message: 'not in workspace' },
      { type: 'copyResult', requestId: 1, ok: true },
      { type: 'setUpAiResult', requestId: 1, ok: false, message: 'No AI configured yet.' },
      { type: 'diagnosis', runId: 1, diagnosis },
      { type: 'diagnosis', runId: 1, diagnosis: { ...diagnosis, culprit: null } },
      {
        type: 'init',
        issue,
        aiEnabled: false,
        model: null,
        restoredFrom: null,
        events: [{ id: 'e', timestamp: 't', environment: null, release: null, message: 'm', request: 'GET /' }],
      },
    ])
      assert.ok(isHostToWebview(m), JSON.stringify(m));
  });
  test('rejects wrong shapes', () => {
    for (const m of [
      { type: 'report', markdown: 'no run id' },
      { type: 'report', runId: 1, markdown: 42 },
      { type: 'init', issue: { ...issue, count: '3' }, aiEnabled: true, model: null, restoredFrom: null },
      { type: 'trend', runId: 1, trend: { verdict: 'rising', why: 'w', hourly24h: [[1]], daily14d: [] } },
      { type: 'aiDelta', runId: 1, text: 'no step' },
      { type: 'nope', runId: 1 },
      { type: 'diagnosis', runId: 1, diagnosis: { ...diagnosis, logTerms: [1] } },
      {
        type: 'diagnosis',
        runId: 1,
        diagnosis: { ...diagnosis, hypotheses: [{ ...diagnosis.hypotheses[0], confidence: 'sure' }] },
      },
      {
        type: 'diagnosis',
        runId: 1,
        diagnosis: { ...diagnosis, culprit: { ...diagnosis.culprit, excerpt: [[3, 4]] } },
      },
      { type: 'init', issue, aiEnabled: false, model: null, restoredFrom: null, events: [{ id: 'e' }] },
    ])
      assert.equal(isHostToWebview(m), false, JSON.stringify(m));
  });
});

describe('log sources from settings and --logs', () => {
  test('HOST=SPEC and the HOST:SPEC form of the setting both parse', () => {
    const r = parseLogSources(
      ['web1=file:/var/log/app/*.log', 'web2:journald:api.service', ' db1=docker:postgres '],
      'sentryRCA.logs.sources',
    );
    assert.deepEqual(
      r.map((x) => x.host),
      ['web1', 'web2', 'db1'],
    );
    assert.deepEqual(
      r.map((x) => x.source.kind),
      ['file', 'journald', 'docker'],
    );
  });
  test('a bad entry is a usage error that names where it came from', () => {
    assert.throws(
      () => parseLogSources(['web1'], 'sentryRCA.logs.sources'),
      (e: Error & { kind?: string }) => e.kind === 'usage' && /^sentryRCA\.logs\.sources: /.test(e.message),
    );
    assert.throws(
      () => parseLogSources(['web1=file:relative.log'], '--logs'),
      (e: Error & { kind?: string }) => e.kind === 'usage' && /^--logs: /.test(e.message),
    );
    assert.throws(
      () => parseLogSources(['we b=file:/x.log'], '--logs'),
      (e: Error & { kind?: string }) => e.kind === 'usage',
    );
  });
});
