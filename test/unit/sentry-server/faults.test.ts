import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiIssue, SentryTestServer } from '../../servers/sentry';
import { get, parseLink, withServer } from './helpers';

const ISSUES = '/organizations/acme/issues/';

describe('faults on demand', () => {
  let server: SentryTestServer;
  before(async () => {
    server = await withServer();
    server.generateSynthetic({ projects: 1, issues: 30, eventsPerIssue: 2, seed: 3 });
  });
  beforeEach(() => {
    server.clearFaults();
    server.resetRequests();
  });
  after(() => server.close());

  test('429 with Retry-After, then normal again', async () => {
    server.fault({ kind: '429-retry-after', retryAfterSec: 3, match: '/issues/' });
    const r = await get(server, ISSUES);
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '3');
    assert.match(
      r.json<{ detail: string }>().detail,
      /^You are attempting to use this endpoint too frequently\. Limit is \d+ requests in 1 seconds$/,
    );
    assert.equal((await get(server, ISSUES)).status, 200);
    assert.equal(server.requests[0]!.fault, '429-retry-after');
  });

  test('429 with only X-Sentry-Rate-Limit-Reset, and 429 with neither', async () => {
    server.fault({ kind: '429-reset', resetInSec: 2 });
    server.fault({ kind: '429-bare' });
    const a = await get(server, ISSUES);
    assert.equal(a.status, 429);
    assert.equal(a.headers.get('retry-after'), null);
    const reset = Number(a.headers.get('x-sentry-rate-limit-reset'));
    assert.ok(reset >= Math.ceil(Date.now() / 1000) + 1 && reset <= Math.ceil(Date.now() / 1000) + 3, `reset ${reset}`);
    assert.equal(a.headers.get('x-sentry-rate-limit-remaining'), '0');
    const b = await get(server, ISSUES);
    assert.equal(b.status, 429);
    assert.equal(b.headers.get('retry-after'), null);
    assert.equal(b.headers.get('x-sentry-rate-limit-reset'), null);
    assert.equal((await get(server, ISSUES)).status, 200);
  });

  test('500, 502 and 503 (503 optionally with Retry-After), `times` and `match`', async () => {
    server.fault({ kind: '500', match: /\/events\//, times: 2 });
    server.fault({ kind: '502', match: '/projects/' });
    server.fault({ kind: '503', retryAfterSec: 1, match: /\/issues\/$/ });
    const issue = server.issues()[0]!;
    assert.equal((await get(server, '/organizations/acme/projects/')).status, 502);
    const e1 = await get(server, `/organizations/acme/issues/${issue.id}/events/`);
    assert.equal(e1.status, 500);
    assert.equal(e1.json<{ detail: string }>().detail, 'Internal Error');
    assert.equal((await get(server, `/organizations/acme/issues/${issue.id}/events/`)).status, 500);
    assert.equal((await get(server, `/organizations/acme/issues/${issue.id}/events/`)).status, 200);
    const u = await get(server, ISSUES);
    assert.equal(u.status, 503);
    assert.equal(u.headers.get('retry-after'), '1');
    assert.match(u.headers.get('content-type') ?? '', /text\/html/);
    assert.equal((await get(server, '/organizations/acme/projects/')).status, 200);
  });

  test('slow responses: per-request delay and global latency', async () => {
    server.fault({ kind: 'slow', delayMs: 300 });
    let t = Date.now();
    assert.equal((await get(server, ISSUES)).status, 200);
    assert.ok(Date.now() - t >= 290, 'slow fault delays');
    server.setLatency(100);
    try {
      t = Date.now();
      await get(server, ISSUES);
      assert.ok(Date.now() - t >= 95, 'latency applies to every request');
    } finally {
      server.setLatency(0);
    }
  });

  test('connection reset destroys the socket', async () => {
    server.fault({ kind: 'reset' });
    await assert.rejects(get(server, ISSUES), (e: Error) =>
      /fetch failed|socket|ECONNRESET/i.test(`${e.message} ${(e.cause as Error | undefined)?.message ?? ''}`),
    );
    assert.equal((await get(server, ISSUES)).status, 200);
  });

  test('truncated and malformed JSON bodies arrive as 200s that do not parse', async () => {
    server.fault({ kind: 'truncated-json' });
    server.fault({ kind: 'malformed-json' });
    const full = (await get(server, ISSUES)).text;
    server.fault({ kind: 'truncated-json' });
    const t = await get(server, ISSUES);
    assert.equal(t.status, 200);
    assert.equal(t.headers.get('content-length'), String(Buffer.byteLength(t.text)));
    assert.throws(() => JSON.parse(t.text));
    const m = await get(server, ISSUES);
    assert.equal(m.status, 200);
    assert.throws(() => JSON.parse(m.text));
    assert.ok(full.length > 1000);
  });

  test('a repeating cursor claims more results for ever', async () => {
    server.fault({ kind: 'repeat-cursor', times: Infinity });
    let url = `${server.url}/api/0${ISSUES}?limit=10`;
    const cursors: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await get(server, url);
      const next = parseLink(r.headers.get('link')).next!;
      assert.equal(next.results, true);
      cursors.push(next.cursor);
      url = next.url;
    }
    assert.equal(new Set(cursors.slice(1)).size, 1, `the cursor repeats: ${cursors.join(' ')}`);
    server.clearFaults();
    const normal = await get(server, url);
    assert.notEqual(parseLink(normal.headers.get('link')).next!.cursor, cursors.at(-1));
  });

  test('a 10 MB page is still valid JSON', async () => {
    server.fault({ kind: 'huge-page' });
    const r = await get(server, ISSUES);
    assert.ok(r.text.length >= 10 * 1024 * 1024, `${r.text.length} bytes`);
    const issues = r.json<ApiIssue[]>();
    assert.equal(issues.length, 30);
  });

  test('a 302 to another host: the decoy records whether the token followed', async () => {
    server.fault({ kind: 'redirect' });
    const r = await get(server, `${ISSUES}?limit=5`);
    assert.equal(r.status, 302);
    const location = r.headers.get('location')!;
    assert.equal(new URL(location).origin, server.decoyUrl);
    assert.notEqual(new URL(location).hostname, new URL(server.url).hostname);
    assert.equal(new URL(location).search, '?limit=5');
    // A careless client follows with the token; a careful one without. Both land on the decoy.
    await fetch(location, { headers: { Authorization: `Bearer ${server.token}` } });
    const noToken = await fetch(location);
    assert.equal(noToken.status, 401);
    const atDecoy = server.requests.filter((q) => q.origin === server.decoyUrl);
    assert.equal(atDecoy.length, 2);
    assert.equal(atDecoy[0]!.headers.authorization, `Bearer ${server.token}`);
    assert.equal(atDecoy[1]!.headers.authorization, undefined);
  });

  test('faults can be driven from another process through /__control', async () => {
    const post = (op: string, body: unknown) =>
      fetch(`${server.url}/__control/${op}`, { method: 'POST', body: JSON.stringify(body) });
    assert.equal((await post('fault', { kind: '503', matchRegex: '/issues/$', times: 2 })).status, 200);
    assert.equal((await get(server, ISSUES)).status, 503);
    assert.equal((await get(server, ISSUES)).status, 503);
    assert.equal((await get(server, ISSUES)).status, 200);
    await post('fault', { kind: '500', times: 'Infinity' });
    assert.equal((await get(server, ISSUES)).status, 500);
    await post('clear-faults', {});
    assert.equal((await get(server, ISSUES)).status, 200);
    await post('latency', { ms: 0 });
    const touched = (await (await post('touch', { n: 2, newEvents: 3 })).json()) as { ids: string[] };
    assert.equal(touched.ids.length, 2);
    const requests = (await (await fetch(`${server.url}/__control/requests`)).json()) as Array<{ path: string }>;
    assert.ok(requests.length > 0 && requests.every((q) => !q.path.startsWith('/__control')));
    const bad = await post('fault', { kind: 'nonsense' });
    assert.equal(bad.status, 400);
  });
});
