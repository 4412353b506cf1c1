import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SentryClient } from '../../../src/core/sentry/sentryClient';
import { sentryHost, syncFailure, tokenCheckFailure } from '../../../src/host/failureMessages';
import { startSentryServer, type SentryTestServer } from '../../servers/sentry';

/** Runs of 3+ words that occur twice in a message ("Sentry rejected the … Sentry rejected the"). */
function repeatedPhrase(message: string): string | undefined {
  const words = message.toLowerCase().match(/[a-z0-9.:]+/g) ?? [];
  const seen = new Set<string>();
  for (let i = 0; i + 3 <= words.length; i++) {
    const run = words.slice(i, i + 3).join(' ');
    if (seen.has(run)) return run;
    seen.add(run);
  }
  return undefined;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to fail');
}

describe('failure messages say each thing once', () => {
  let sentry: SentryTestServer;
  before(async () => {
    sentry = await startSentryServer();
  });
  after(async () => {
    await sentry.close();
  });

  const client = (baseUrl: string, token: string) =>
    new SentryClient({ baseUrl, token, org: sentry.org, timeoutMs: 5_000, maxRetries: 0 });

  test('a token Sentry rejects (401): the client says so once, not "rejected the token: … rejected the auth token"', async () => {
    const e = await failureOf(client(sentry.url, 'sntryu_wrong_token_000000000000000').checkToken());
    const { rejected, message } = tokenCheckFailure(e, sentry.url);
    assert.equal(rejected, true);
    assert.match(message, /^Sentry rejected the auth token \(401\)/);
    assert.equal(repeatedPhrase(message), undefined, message);
    const sync = syncFailure(e, sentry.url);
    assert.match(
      sync,
      new RegExp(`^Sync failed talking to ${sentryHost(sentry.url).replace(/\./g, '\\.')}: Sentry rejected`),
    );
    assert.equal(repeatedPhrase(sync), undefined, sync);
  });

  test('a server that cannot be reached: the host is named once', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const e = await failureOf(client(url, sentry.token).checkToken());
    const token = tokenCheckFailure(e, url);
    assert.equal(token.rejected, false);
    assert.match(token.message, /^Could not check the token: Cannot connect to Sentry at 127\.0\.0\.1:\d+/);
    assert.equal(repeatedPhrase(token.message), undefined, token.message);
    const sync = syncFailure(e, url);
    assert.match(sync, /^Sync failed: Cannot connect to Sentry at 127\.0\.0\.1:\d+/);
    assert.equal(sync.split(sentryHost(url)).length - 1, 1, `the host once: ${sync}`);
  });

  test('a server error that does not name the host gets it from the caller', async () => {
    sentry.fault({ kind: '502', times: 5 });
    const e = await failureOf(client(sentry.url, sentry.token).checkToken());
    const sync = syncFailure(e, sentry.url);
    assert.ok(sync.startsWith(`Sync failed talking to ${sentryHost(sentry.url)}: `), sync);
    assert.equal(repeatedPhrase(sync), undefined, sync);
    const token = tokenCheckFailure(e, sentry.url);
    assert.ok(token.message.startsWith(`Could not check the token with ${sentryHost(sentry.url)}: `), token.message);
  });
});
