import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Clock } from '../../../src/core/common/clock';
import { RcaError } from '../../../src/core/common/errors';
import { SentryClient, type SentryClientOptions } from '../../../src/core/sentry/sentryClient';
import { startSentryServer, type SentryTestServer } from '../../servers/sentry';
import { recordingLogger } from '../../support/recordingLogger';

describe('SentryClient against the test Sentry server', () => {
  let sentry: SentryTestServer;
  let log: ReturnType<typeof recordingLogger>;
  const client = (o: Partial<SentryClientOptions> = {}) =>
    new SentryClient({
      baseUrl: sentry.url,
      token: sentry.token,
      org: sentry.org,
      logger: log,
      backoffBaseMs: 20,
      backoffMaxMs: 100,
      timeoutMs: 5_000,
      ...o,
    });

  before(async () => {
    sentry = await startSentryServer();
    sentry.generateSynthetic({ projects: ['shop', 'api'], issues: 250, eventsPerIssue: 3, seed: 7 });
  });
  after(async () => {
    await sentry.close();
  });
  beforeEach(() => {
    sentry.clearFaults();
    sentry.resetRequests();
    log = recordingLogger();
  });

  const listAll = async (c: SentryClient) => {
    const all = [];
    for await (const page of c.issuePages({ query: '' })) all.push(...page);
    return all;
  };

  test('follows cursors until results="false"', async () => {
    const c = client();
    const issues = await listAll(c);
    assert.equal(issues.length, 250);
    assert.equal(new Set(issues.map((i) => i.id)).size, 250);
    assert.equal(sentry.requests.length, 3, '100 + 100 + 50');
    assert.equal(c.stats.requests, 3);
  });

  test('a cursor that repeats stops paging with a warning instead of looping', async () => {
    sentry.fault({ kind: 'repeat-cursor', match: '/issues/', times: Infinity });
    const c = client();
    const issues = await listAll(c);
    assert.ok(issues.length >= 100);
    assert.ok(sentry.requests.length <= 3, `stopped after ${sentry.requests.length} requests`);
    assert.match(c.warnings.join('\n'), /cursor .* again/);
  });

  for (const kind of [
    '429-retry-after',
    '429-reset',
    '429-bare',
    '500',
    '502',
    '503',
    'reset',
    'truncated-json',
    'malformed-json',
  ] as const) {
    test(`recovers from ${kind}`, async () => {
      sentry.fault({ kind, match: '/issues/', times: 2, retryAfterSec: 0, resetInSec: 0 });
      const c = client();
      const issues = await listAll(c);
      assert.equal(issues.length, 250);
      assert.equal(c.stats.retries, 2);
      if (kind.startsWith('429')) assert.equal(c.stats.rateLimited, 2);
    });
  }

  test('Retry-After is honoured (on the injected clock)', async () => {
    sentry.fault({ kind: '429-retry-after', match: '/projects/', times: 1, retryAfterSec: 20 });
    const sleeps: number[] = [];
    let now = Date.now();
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    };
    const c = client({ backoffBaseMs: 1, clock });
    await c.listProjects();
    assert.deepEqual(sleeps, [20_000], 'one wait of exactly the Retry-After, not the 1 ms back-off');
    assert.equal(sentry.requests.length, 2);
  });

  test('gives up after 5 retries with a message naming the endpoint', async () => {
    sentry.fault({ kind: '429-bare', match: '/projects/', times: Infinity });
    const c = client();
    await assert.rejects(
      c.listProjects(),
      (e: unknown) =>
        e instanceof RcaError &&
        /kept rate-limiting GET \/api\/0\/organizations\/acme\/projects\/ after 5 retries/.test(e.message),
    );
    assert.equal(sentry.requests.length, 6, 'one try and five retries');
  });

  test('401 is not retried and says which scopes a token needs', async () => {
    const c = client({ token: 'sntryu_wrong' });
    await assert.rejects(
      c.listProjects(),
      (e: unknown) =>
        e instanceof RcaError &&
        e.kind === 'auth' &&
        /401/.test(e.message) &&
        /org:read, project:read and event:read/.test(e.display),
    );
    assert.equal(sentry.requests.length, 1);
  });

  test('403 names the missing scope, and org tokens are called out', async () => {
    const token = 'sntrys_eyJpYXQiOjF9_secretpart';
    sentry.setToken(token, ['org:read', 'project:read']);
    try {
      const c = client({ token });
      await assert.rejects(
        listAll(c),
        (e: unknown) =>
          e instanceof RcaError &&
          /needs the event:read scope/.test(e.message) &&
          /Organization tokens/.test(e.display) &&
          !e.display.includes('secretpart'),
      );
    } finally {
      sentry.setToken('sntryu_test', ['org:read', 'project:read', 'event:read']);
    }
  });

  test("checkToken reads the token's scopes in one request and names what is missing", async () => {
    const ok = await client().checkToken();
    assert.deepEqual(ok.missingScopes, []);
    assert.ok(ok.ok);
    assert.equal(sentry.requests.length, 1);
    sentry.setToken('sntrys_abc_def', ['org:ci']);
    try {
      const orgToken = await client({ token: 'sntrys_abc_def' }).checkToken();
      assert.equal(orgToken.ok, false);
      assert.deepEqual(orgToken.missingScopes, ['org:read', 'project:read', 'event:read']);
      assert.match(orgToken.message, /Organization tokens/);
      sentry.setToken('sntryu_partial', ['org:write', 'project:read']);
      const partial = await client({ token: 'sntryu_partial' }).checkToken();
      assert.deepEqual(partial.missingScopes, ['event:read'], 'org:write implies org:read');
      await assert.rejects(
        client({ token: 'sntryu_wrong' }).checkToken(),
        (e: unknown) => e instanceof RcaError && e.kind === 'auth',
      );
    } finally {
      sentry.setToken('sntryu_test', ['org:read', 'project:read', 'event:read']);
    }
  });

  test('redirects within the allowed host are followed up to three times, a fourth is refused', async () => {
    sentry.fault({ kind: 'redirect', match: '/projects/', times: 3, redirectTo: sentry.url });
    assert.ok((await client().listProjects()).length > 0);
    assert.equal(sentry.requests.length, 4, 'three redirects, then the answer');
    sentry.resetRequests();
    sentry.fault({ kind: 'redirect', match: '/projects/', times: 4, redirectTo: sentry.url });
    await assert.rejects(
      client().listProjects(),
      (e: unknown) =>
        e instanceof RcaError &&
        /^Too many redirects for GET \/api\/0\/organizations\/acme\/projects\//.test(e.message),
    );
    assert.equal(sentry.requests.length, 4, 'the fourth redirect is not followed');
  });

  test('an unknown organization is a 404 that names it, not retried', async () => {
    const c = client({ org: 'no-such-org' });
    await assert.rejects(
      c.discoverRegion(),
      (e: unknown) =>
        e instanceof RcaError &&
        e.kind === 'remote' &&
        e.message === `Organization "no-such-org" was not found at ${sentry.url}.` &&
        /Check the organization slug/.test(e.display),
    );
    assert.equal(sentry.requests.length, 1);
  });

  test('a redirect to another host is refused and the token is not sent there', async () => {
    sentry.fault({ kind: 'redirect', match: '/projects/', times: 1 });
    const c = client();
    await assert.rejects(
      c.listProjects(),
      (e: unknown) => e instanceof RcaError && /redirected/.test(e.message) && /token is only sent to/.test(e.message),
    );
    assert.ok(
      sentry.requests.every((r) => r.origin === sentry.url || !r.headers.authorization),
      'no authorization header reached the decoy',
    );
  });

  test('region discovery switches to the region URL only when it is the same host', async () => {
    const region = await startSentryServer({ token: sentry.token });
    const home = await startSentryServer({ token: sentry.token, regionUrl: region.url });
    try {
      region.generateSynthetic({ projects: ['eu'], issues: 3, eventsPerIssue: 1 });
      const c = new SentryClient({ baseUrl: home.url, token: home.token, org: home.org });
      await c.discoverRegion();
      assert.equal(c.apiBase, `${region.url}/api/0`);
      assert.equal((await listAll(c)).length, 3);
      assert.equal(home.requests.length, 1, 'only the org lookup went to the configured host');

      const elsewhere = await startSentryServer({ token: sentry.token, regionUrl: 'https://evil.example.com' });
      try {
        const c2 = new SentryClient({
          baseUrl: elsewhere.url,
          token: elsewhere.token,
          org: elsewhere.org,
          logger: log,
        });
        await c2.discoverRegion();
        assert.equal(c2.apiBase, `${elsewhere.url}/api/0`, 'a foreign region URL is ignored');
        assert.match(log.lines.join('\n'), /ignoring region URL https:\/\/evil\.example\.com/);
      } finally {
        await elsewhere.close();
      }
    } finally {
      await home.close();
      await region.close();
    }
  });

  test('every request has a timeout', async () => {
    sentry.fault({ kind: 'slow', delayMs: 3_000, times: Infinity, match: '/projects/' });
    const c = client({ timeoutMs: 200, maxRetries: 1 });
    const t0 = Date.now();
    await assert.rejects(
      c.listProjects(),
      (e: unknown) => e instanceof RcaError && e.kind === 'network' && /did not answer within/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 2_500);
  });

  test('an unreachable host fails quickly with an actionable message', async () => {
    const c = new SentryClient({ baseUrl: 'http://127.0.0.1:9', token: 'sntryu_x', org: 'acme', backoffBaseMs: 10 });
    await assert.rejects(
      c.listProjects(),
      (e: unknown) =>
        e instanceof RcaError && /connection refused/.test(e.message) && /is the server running/.test(e.display),
    );
  });

  test('a 10 MB page is read', async () => {
    sentry.fault({ kind: 'huge-page', match: '/issues/', times: 1 });
    const c = client();
    assert.equal((await listAll(c)).length, 250);
  });

  test('cancellation stops at once, mid-request', async () => {
    // The server would answer after 30 s; Stop comes while the request is in flight.
    sentry.setLatency(30_000);
    try {
      const ctl = new AbortController();
      const c = client({ timeoutMs: 60_000 });
      const drained = (async () => {
        for await (const _ of c.issuePages({ query: '' }, ctl.signal)) {
          /* drain */
        }
      })();
      while (sentry.requests.length === 0) await new Promise((r) => setImmediate(r));
      const t0 = performance.now();
      ctl.abort();
      await assert.rejects(drained, (e: unknown) => e instanceof RcaError && e.kind === 'cancelled');
      assert.ok(
        performance.now() - t0 < 5_000,
        `stopped ${Math.round(performance.now() - t0)} ms after Stop, not when the 30 s answer came`,
      );
      assert.equal(sentry.requests.length, 1, 'no request after Stop');
      assert.equal(c.stats.retries, 0, 'a cancel is not retried');
    } finally {
      sentry.setLatency(0);
    }
  });

  test('bad configuration is refused before any request', () => {
    assert.throws(() => client({ baseUrl: 'not a url' }), /not a valid URL/);
    assert.throws(() => client({ baseUrl: 'ftp://sentry.io' }), /https/);
    assert.throws(() => client({ token: '' }), /No Sentry auth token/);
    assert.throws(() => client({ org: '../x' }), /not a valid organization slug/);
  });

  test('the token never appears in logs or errors', async () => {
    sentry.fault({ kind: '500', match: '/projects/', times: 2 });
    const c = client();
    await c.listProjects();
    sentry.fault({ kind: '502', match: '/projects/', times: Infinity });
    const err = await c.listProjects().catch((e: unknown) => e as RcaError);
    assert.ok(err instanceof RcaError);
    const text = [...log.lines, err.message, err.display, String(err.stack)].join('\n');
    assert.ok(log.lines.length > 0);
    assert.ok(!text.includes(sentry.token), 'token leaked');
  });
});
