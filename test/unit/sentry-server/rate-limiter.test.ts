import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../servers/sentry/rate-limiter';
import { get, withServer } from './helpers';

describe('rate limiter', () => {
  test("fixed one-second window per key, honest Remaining/Reset, Sentry's 429 wording", () => {
    let now = 1_000_000_250;
    const rl = new RateLimiter({ perSecond: 3, concurrency: 10 }, () => now);
    const results = [1, 2, 3, 4].map(() => rl.admit('tok|org-issues'));
    results.forEach((r) => r.done());
    assert.deepEqual(
      results.map((r) => r.allowed),
      [true, true, true, false],
    );
    assert.deepEqual(
      results.map((r) => r.headers['X-Sentry-Rate-Limit-Remaining']),
      ['2', '1', '0', '0'],
    );
    assert.equal(results[0]!.headers['X-Sentry-Rate-Limit-Reset'], '1000001');
    assert.equal(results[3]!.reason, 'rate');
    assert.deepEqual(results[3]!.body, {
      detail: 'You are attempting to use this endpoint too frequently. Limit is 3 requests in 1 seconds',
    });
    // Another endpoint family has its own window.
    assert.equal(rl.admit('tok|issue-events').allowed, true);
    now += 750; // the next second starts
    const fresh = rl.admit('tok|org-issues');
    assert.equal(fresh.allowed, true);
    assert.equal(fresh.headers['X-Sentry-Rate-Limit-Remaining'], '2');
    assert.equal(fresh.headers['X-Sentry-Rate-Limit-Reset'], '1000002');
  });

  test('concurrency limit counts requests in flight until done()', () => {
    const rl = new RateLimiter({ perSecond: 100, concurrency: 2 }, () => 5_000);
    const a = rl.admit('k');
    const b = rl.admit('k');
    assert.equal(b.headers['X-Sentry-Rate-Limit-ConcurrentRemaining'], '0');
    const c = rl.admit('k');
    assert.equal(c.allowed, false);
    assert.equal(c.reason, 'concurrency');
    assert.deepEqual(c.body, {
      detail: 'You are attempting to go above the allowed concurrency for this endpoint. Concurrency limit is 2',
    });
    a.done();
    a.done(); // idempotent
    assert.equal(rl.admit('k').allowed, true);
    b.done();
  });

  test('no limit configured: no headers at all (like self-hosted Sentry)', () => {
    const rl = new RateLimiter(null, Date.now);
    assert.deepEqual(rl.admit('k').headers, {});
  });

  test('over HTTP: bursts beyond the limit get 429s, concurrency beyond the limit too', async () => {
    // A frozen clock keeps the burst in one window however slow the machine is.
    const server = await withServer({ rateLimit: { perSecond: 4, concurrency: 2 }, now: () => 1_795_000_000_000 });
    try {
      server.generateSynthetic({ projects: 1, issues: 3, eventsPerIssue: 1 });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await get(server, '/organizations/acme/projects/')).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
      const limited = server.requests.filter((r) => r.fault === 'rate-limit');
      assert.equal(limited.length, 2);
      const ok = await get(server, '/organizations/acme/');
      assert.equal(ok.headers.get('x-sentry-rate-limit-limit'), '4');
      assert.equal(ok.headers.get('x-sentry-rate-limit-remaining'), '3');
      assert.equal(ok.headers.get('x-sentry-rate-limit-reset'), '1795000001');
      assert.equal(ok.headers.get('x-sentry-rate-limit-concurrentlimit'), '2');

      server.setRateLimit({ perSecond: 100, concurrency: 2 });
      server.setLatency(400); // long enough that all four overlap even on a loaded machine
      const burst = await Promise.all([1, 2, 3, 4].map(() => get(server, '/organizations/acme/issues/')));
      assert.deepEqual(burst.map((r) => r.status).sort(), [200, 200, 429, 429]);
      assert.match(burst.find((r) => r.status === 429)!.json<{ detail: string }>().detail, /concurrency/);
      const after = await get(server, '/organizations/acme/issues/');
      assert.equal(after.status, 200, 'slots are freed when responses finish');
    } finally {
      await server.close();
    }
  });
});
