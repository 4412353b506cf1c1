import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RcaError } from '../../../src/core/common/errors';
import { SentryClient } from '../../../src/core/sentry/sentryClient';
import { IssueStore, STORE_FILE } from '../../../src/core/store/issueStore';
import type { Level } from '../../../src/core/store/model';
import { SyncEngine } from '../../../src/core/sync/syncEngine';
import type { SyncOptions } from '../../../src/core/sync/syncOptions';
import { runSampleApp, startSentryServer, type SentryTestServer } from '../../servers/sentry';
import { recordingLogger } from '../../support/recordingLogger';

const tmp = (p = 'rca-sync-') => mkdtempSync(join(tmpdir(), p));

async function setup(sentry: SentryTestServer, opts: Partial<SyncOptions> = {}, dir = tmp()) {
  const log = recordingLogger();
  const store = await IssueStore.open(dir, { logger: log });
  const client = new SentryClient({
    baseUrl: sentry.url,
    token: sentry.token,
    org: sentry.org,
    logger: log,
    backoffBaseMs: 10,
    backoffMaxMs: 50,
  });
  const engine = new SyncEngine({ client, store, baseUrl: sentry.url, logger: log }, { concurrency: 4, ...opts });
  return { dir, store, client, engine, log };
}

describe('SyncEngine with real @sentry/node events', () => {
  let sentry: SentryTestServer;
  before(async () => {
    sentry = await startSentryServer();
    const orders = sentry.addProject({ slug: 'orders', platform: 'node' });
    await runSampleApp({ dsn: orders.dsn, logFile: join(tmp('rca-app-'), 'orders.log') });
  });
  after(async () => {
    await sentry.close();
  });

  test("a first sync stores the SDK's issues, events and frames", async () => {
    const { store, engine } = await setup(sentry, { minLevel: 'debug' });
    const s = await engine.run();
    assert.equal(s.kind, 'full');
    const issues = store.issues();
    assert.ok(issues.length >= 2, `got ${issues.length} issues`);
    assert.equal(s.issuesNew, issues.length);
    const pool = issues.find((i) => /PoolExhausted/i.test(i.title));
    assert.ok(pool, `a pool-exhausted issue among ${issues.map((i) => i.title).join(' | ')}`);
    const ev = store.latestEvent(pool.id);
    assert.ok(ev, 'events stored');
    assert.equal(ev.release, 'orders@2.4.0');
    const frames = ev.exceptions.at(-1)!.frames;
    const inApp = frames.filter((f) => f.inApp);
    assert.ok(
      inApp.length > 0 && inApp.every((f) => f.absPath?.includes('sample-app')),
      'in-app frames point into the sample app',
    );
    assert.ok(inApp.at(-1)!.context.length > 0, 'the crashing frame keeps its source lines');
    assert.ok(
      frames.some((f) => !f.inApp),
      'library/internal frames are kept too',
    );
    assert.equal(store.meta().lastSync?.requests, s.requests);
  });

  test('the minimum level filters issues in the query and locally', async () => {
    // Fatal, error and warning issues exist, so both filters have something to drop and something to keep.
    const mixed = await startSentryServer();
    try {
      mixed.generateSynthetic({
        projects: ['orders'],
        issues: 6,
        eventsPerIssue: 1,
        seed: 11,
        levels: ['fatal', 'error', 'warning'],
      });
      const { store, engine } = await setup(mixed, { minLevel: 'fatal' as Level });
      await engine.run();
      assert.deepEqual(
        store.issues().map((i) => i.level),
        ['fatal', 'fatal'],
      );
      const q = mixed.requests.filter((r) => r.path.endsWith('/issues/')).at(-1)!.query.query;
      assert.match(String(q), /level:(\[fatal\]|fatal\b)/);
      // A server that ignores the level search (older self-hosted, or a level changed since) still yields only fatal issues.
      const { store: local, client, log } = await setup(mixed, { minLevel: 'fatal' as Level });
      const ignoresLevel = Object.assign(Object.create(client) as SentryClient, {
        issuePages: (p: Parameters<SentryClient['issuePages']>[0], signal?: AbortSignal) =>
          client.issuePages({ ...p, query: p.query?.replace(/level:(\[[^\]]*\]|\w+)/, '') }, signal),
      });
      await new SyncEngine(
        { client: ignoresLevel, store: local, baseUrl: mixed.url, logger: log },
        { concurrency: 4, minLevel: 'fatal' },
      ).run();
      assert.doesNotMatch(
        String(mixed.requests.filter((r) => r.path.endsWith('/issues/')).at(-1)!.query.query),
        /level:/,
        'all six issues were listed',
      );
      assert.deepEqual(
        local.issues().map((i) => i.level),
        ['fatal', 'fatal'],
      );
    } finally {
      await mixed.close();
    }
  });

  test('an unknown project slug is a usage error that lists the real ones', async () => {
    const { engine, dir } = await setup(sentry, { projects: ['nope'] });
    await assert.rejects(
      engine.run(),
      (e: unknown) =>
        e instanceof RcaError && e.kind === 'usage' && /"nope" not found/.test(e.message) && /orders/.test(e.display),
    );
    assert.equal((await IssueStore.open(dir)).issues().length, 0);
  });
});

describe('SyncEngine: incremental sync, resolution, failures', () => {
  let sentry: SentryTestServer;
  before(async () => {
    sentry = await startSentryServer();
    sentry.generateSynthetic({
      projects: ['shop', 'api', 'jobs'],
      issues: 300,
      eventsPerIssue: 4,
      seed: 3,
      levels: ['error', 'warning', 'fatal'],
    });
  });
  after(async () => {
    await sentry.close();
  });

  test('an incremental sync with nothing new makes at most 2 requests; changed issues get their new events', async () => {
    const { store, engine } = await setup(sentry, { minLevel: 'warning', eventsPerIssue: 3 });
    const first = await engine.run();
    assert.equal(first.kind, 'full');
    assert.equal(store.issues().length, 300);
    assert.ok(store.issues().every((i) => store.events(i.id).length === 3));

    sentry.resetRequests();
    const quiet = await engine.run();
    assert.equal(quiet.kind, 'incremental');
    assert.ok(quiet.requests <= 2, `${quiet.requests} requests`);
    assert.equal(quiet.eventsAdded, 0);

    const touched = sentry.touchIssues(7, { newEvents: 2 });
    sentry.resetRequests();
    const inc = await engine.run();
    assert.equal(inc.issuesUpdated, 7);
    assert.equal(inc.eventsAdded, 14);
    const eventRequests = sentry.requests.filter((r) => r.path.includes('/events/'));
    assert.equal(eventRequests.length, 7, 'events fetched only for the changed issues');
    for (const id of touched) {
      const evs = store.events(id);
      assert.equal(evs.length, 3, 'capped per issue');
      assert.ok(Date.parse(evs[0]!.timestamp) >= Date.parse(evs[1]!.timestamp), 'newest first');
    }
  });

  test('issues resolved in Sentry are marked resolved by the next full sync', async () => {
    const { store, engine } = await setup(sentry, { minLevel: 'warning' });
    await engine.run();
    const victim = store.issues()[5]!;
    sentry.resolveIssue(victim.id);
    try {
      const s = await engine.run({ mode: 'full' });
      assert.equal(s.issuesResolved, 1);
      assert.equal(store.issue(victim.id)?.status, 'resolved');
    } finally {
      sentry.touchIssues([victim.id]);
    }
  });

  test('a failed sync keeps the listing and the events it had; the next sync fetches only what is still due', async () => {
    const { store, engine, dir } = await setup(sentry, { minLevel: 'warning' });
    await engine.run();
    const touched = sentry.touchIssues(20);
    sentry.fault({ kind: '500', match: '/events/', times: Infinity });
    try {
      await assert.rejects(engine.run(), (e: unknown) => e instanceof RcaError && /HTTP 500/.test(e.message));
    } finally {
      sentry.clearFaults();
    }
    const reread = await IssueStore.open(dir);
    assert.equal(reread.issues().length, 300);
    assert.ok(
      reread.issues().every((i) => reread.events(i.id).length > 0),
      'no stored event was lost',
    );
    const moved = touched.map((id) => reread.issue(id)!);
    assert.ok(
      moved.every((i) => i.lastSeen !== i.eventsLastSeen),
      'the touched issues are listed with their new lastSeen and marked as due',
    );
    sentry.resetRequests();
    const next = await engine.run();
    assert.equal(next.kind, 'incremental');
    assert.equal(
      sentry.requests.filter((r) => r.path.includes('/events/')).length,
      20,
      "only the touched issues' events are fetched again",
    );
    assert.ok(touched.every((id) => store.issue(id)!.eventsLastSeen === store.issue(id)!.lastSeen));
  });

  test('a cancelled sync keeps what it fetched, says so, and the next sync fetches the rest', async () => {
    const { engine, dir } = await setup(sentry, { minLevel: 'warning', concurrency: 2, commitEveryIssues: 2 });
    await engine.run();
    const touched = sentry.touchIssues(30);
    sentry.setLatency(50);
    const ctl = new AbortController();
    try {
      const run = engine.run({
        signal: ctl.signal,
        onProgress: (p) => {
          if (p.phase === 'events' && p.eventsDone >= 3) ctl.abort();
        },
      });
      await assert.rejects(
        run,
        (e: unknown) =>
          e instanceof RcaError &&
          e.kind === 'cancelled' &&
          /what was fetched is kept/.test(e.message) &&
          /\/ 300 issues with events/.test(e.message),
      );
    } finally {
      sentry.setLatency(0);
    }
    const reread = await IssueStore.open(dir);
    const current = touched.filter((id) => reread.issue(id)!.eventsLastSeen === reread.issue(id)!.lastSeen);
    assert.ok(
      current.length >= 3 && current.length < 30,
      `${current.length} of the touched issues kept their new events`,
    );
    sentry.resetRequests();
    await engine.run();
    assert.equal(
      sentry.requests.filter((r) => r.path.includes('/events/')).length,
      30 - current.length,
      'the resumed sync fetches only the rest',
    );
  });

  test('a malformed event is skipped with a warning, the rest is stored, hostile text stays text', async () => {
    const target = await startSentryServer({ token: sentry.token });
    try {
      target.generateSynthetic({ projects: ['shop'], issues: 5, eventsPerIssue: 2 });
      const projectId = String(target.issues()[0]!.project.id);
      target.ingestEvent(projectId, {
        event_id: 'f'.repeat(32),
        level: 'error',
        platform: 'node',
        exception: { values: [{ type: 'Hostile', value: '<img src=x onerror=alert(1)> $(touch /tmp/pwned)' }] },
      });
      const { store, engine, client } = await setup(target, { minLevel: 'debug' });
      // The server speaks well-formed JSON; a broken event body arrives in the middle of a real page.
      const real = client.eventPages.bind(client);
      client.eventPages = async function* (issueId, params, signal) {
        for await (const page of real(issueId, params, signal))
          yield [{ eventID: null, dateCreated: 'yesterday' } as never, ...page];
      };
      const s = await engine.run();
      assert.equal(store.issues().length, 6);
      assert.ok(
        store.issues().every((i) => store.events(i.id).length > 0),
        'the good events of every issue are stored',
      );
      assert.equal(s.warnings.filter((w) => /Skipped a malformed event/.test(w)).length, 6);
      const hostile = store.issues().find((i) => i.title.startsWith('Hostile'));
      assert.ok(hostile?.title.includes('<img src=x onerror=alert(1)>'), 'stored verbatim; every view escapes it');
    } finally {
      await target.close();
    }
  });

  test('progress is reported and the summary adds up; the token is nowhere in the store or logs', async () => {
    const { engine, dir, log } = await setup(sentry, { minLevel: 'warning' });
    const phases = new Set<string>();
    let lastDone = 0;
    const s = await engine.run({
      onProgress: (p) => {
        phases.add(p.phase);
        lastDone = p.eventsDone;
      },
    });
    assert.deepEqual([...phases], ['projects', 'issues', 'events', 'writing']);
    assert.equal(lastDone, 300);
    assert.equal(s.requests, 1 + 1 + 3 + 300, 'org, projects, 3 issue pages, one events page per issue');
    assert.equal(s.issuesWithEvents, 300);
    assert.equal(s.issuesTotal, 300);
    const disk = readFileSync(join(dir, STORE_FILE), 'utf8');
    assert.ok(!disk.includes(sentry.token));
    assert.ok(!log.lines.join('\n').includes(sentry.token));
  });

  test('changing the filters starts over with a full sync', async () => {
    const { dir } = await setup(sentry, { minLevel: 'warning' });
    const a = await setup(sentry, { minLevel: 'warning' }, dir);
    await a.engine.run();
    const b = await setup(sentry, { minLevel: 'warning', projects: ['shop'] }, dir);
    const s = await b.engine.run();
    assert.equal(s.kind, 'full');
    assert.ok(b.store.issues().length > 0 && b.store.issues().every((i) => i.projectSlug === 'shop'));
  });
});
