// Progressive sync (issue 12): issues committed before events, events in batches, resume after a
// kill, priority order, jump-the-queue, the eager cap, and Sentry's project/count semantics.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { toStoredIssue } from '../../../src/core/sentry/convert';
import { SentryClient } from '../../../src/core/sentry/sentryClient';
import type { ApiIssue } from '../../../src/core/sentry/apiTypes';
import { IssueStore } from '../../../src/core/store/issueStore';
import { eventsDue, levelRank } from '../../../src/core/store/model';
import { byEventPriority } from '../../../src/core/sync/eventQueue';
import { SyncEngine } from '../../../src/core/sync/syncEngine';
import { fullListingQueries, type SyncOptions } from '../../../src/core/sync/syncOptions';
import { startSentryServer, type SentryTestServer } from '../../servers/sentry';
import { repoRoot } from '../../support/paths';

const tmp = (p = 'rca-psync-') => mkdtempSync(join(tmpdir(), p));

async function setup(sentry: SentryTestServer, opts: Partial<SyncOptions> = {}, dir = tmp()) {
  const store = await IssueStore.open(dir);
  const client = new SentryClient({
    baseUrl: sentry.url,
    token: sentry.token,
    org: sentry.org,
    backoffBaseMs: 10,
    backoffMaxMs: 50,
  });
  const engine = new SyncEngine(
    { client, store, baseUrl: sentry.url },
    { minLevel: 'warning', concurrency: 4, ...opts },
  );
  return { dir, store, client, engine };
}

const eventRequests = (sentry: SentryTestServer) =>
  sentry.requests.filter((r) => /\/issues\/[^/]+\/events\/$/.test(r.path));
const issueIdOf = (path: string) => /\/issues\/([^/]+)\/events\//.exec(path)![1]!;
const withEvents = (store: IssueStore) => store.issues().filter((i) => store.events(i.id).length > 0).length;

describe('progressive sync', () => {
  let sentry: SentryTestServer;
  before(async () => {
    sentry = await startSentryServer();
    sentry.generateSynthetic({
      projects: ['shop', 'api'],
      issues: 200,
      eventsPerIssue: 3,
      seed: 5,
      levels: ['warning', 'error', 'info', 'fatal', 'warning'],
    });
  });
  after(async () => {
    await sentry.close();
  });

  test('the issue list is committed before any event, then events in batches of at most 50 issues', async () => {
    const { store, engine } = await setup(sentry, { commitEveryMs: 60_000 });
    const commits: Array<{ issues: number; withEvents: number }> = [];
    store.onDidChange(() => commits.push({ issues: store.issues().length, withEvents: withEvents(store) }));
    const s = await engine.run();
    const listed = s.issuesNew;
    assert.ok(listed > 100, `${listed} issues`);
    assert.deepEqual(commits[0], { issues: listed, withEvents: 0 }, 'first commit: every issue, no event yet');
    const eventCommits = commits.slice(1, -1);
    assert.ok(eventCommits.length >= Math.floor(listed / 50), `${eventCommits.length} event commits`);
    for (let i = 1; i < commits.length; i++)
      assert.ok(
        commits[i]!.withEvents - commits[i - 1]!.withEvents <= 50 + 4,
        `commit ${i} adds ${commits[i]!.withEvents - commits[i - 1]!.withEvents} issues`,
      );
    assert.equal(commits.at(-1)!.withEvents, listed);
    assert.equal(s.issuesWithEvents, listed);
  });

  test('events are also committed every commitEveryMs while fetching is slow', async () => {
    const { store, engine } = await setup(sentry, {
      commitEveryMs: 150,
      commitEveryIssues: 1000,
      concurrency: 2,
      minLevel: 'fatal',
    });
    const seen: number[] = [];
    store.onDidChange(() => seen.push(withEvents(store)));
    sentry.setLatency(30);
    try {
      await engine.run();
    } finally {
      sentry.setLatency(0);
    }
    const total = store.issues().length;
    const partial = seen.filter((n) => n > 0 && n < total);
    assert.ok(partial.length >= 2, `time-based commits with part of the events: ${seen.join(', ')}`);
  });

  test('events come fatal/error first, then warning; recent and frequent first within a level', async () => {
    const { store, engine } = await setup(sentry, { concurrency: 1 });
    sentry.resetRequests();
    await engine.run();
    const order = eventRequests(sentry).map((r) => store.issue(issueIdOf(r.path))!);
    assert.equal(order.length, store.issues().length);
    const severe = (l: string) => levelRank(l) >= levelRank('error');
    const lastSevere = order.length - 1 - [...order].reverse().findIndex((i) => severe(i.level));
    const firstWarning = order.findIndex((i) => !severe(i.level));
    assert.ok(
      lastSevere < firstWarning,
      `every fatal/error issue (last at ${lastSevere}) before the first warning (${firstWarning})`,
    );
    for (let k = 1; k < order.length; k++)
      assert.ok(byEventPriority(order[k - 1]!, order[k]!) < 0, `request ${k} is in priority order`);
  });

  test('an issue asked for during the sync is the next request sent, and committed at once', async () => {
    const { store, engine } = await setup(sentry, { concurrency: 2, commitEveryMs: 60_000 });
    sentry.setLatency(25);
    sentry.resetRequests();
    try {
      const run = engine.run();
      while (eventRequests(sentry).length < 6) await new Promise((r) => setTimeout(r, 5));
      // The issue the queue would fetch last.
      const last = [...store.issues()]
        .filter((i) => eventsDue(i, store.events(i.id).length))
        .sort(byEventPriority)
        .at(-1)!;
      const sentBefore = eventRequests(sentry).length;
      assert.ok(engine.isLoading(last.id), 'it is queued (events loading…)');
      await engine.fetchNow(last.id);
      assert.ok(store.events(last.id).length > 0, 'its events are committed when fetchNow resolves');
      assert.ok(withEvents(store) < store.issues().length / 2, 'long before the rest of the sync');
      const at = eventRequests(sentry).findIndex((r) => issueIdOf(r.path) === last.id);
      assert.ok(at - sentBefore <= 1, `${at - sentBefore} requests went out between the ask and its request`);
      await run;
    } finally {
      sentry.setLatency(0);
    }
    assert.equal(
      eventRequests(sentry).filter((r) => issueIdOf(r.path) === store.issues()[0]!.id).length,
      1,
      'nothing is fetched twice',
    );
  });

  test('the full listing runs one chain per level in parallel and still lists every issue exactly once', async () => {
    const { store, engine } = await setup(sentry, { minLevel: 'debug', eagerEventIssues: 1 });
    sentry.resetRequests();
    const s = await engine.run();
    const queries = sentry.requests.filter((r) => r.path.endsWith('/issues/')).map((r) => String(r.query.query));
    assert.deepEqual([...new Set(queries)].sort(), fullListingQueries('debug').sort());
    assert.deepEqual(
      fullListingQueries('debug').at(-1),
      'is:unresolved !level:fatal !level:error !level:warning !level:info',
      'the last chain takes every other level (debug, sample, unset)',
    );
    assert.deepEqual(fullListingQueries('warning'), [
      'is:unresolved level:fatal',
      'is:unresolved level:error',
      'is:unresolved level:warning',
    ]);
    const unresolved = sentry.issues().filter((i) => i.status === 'unresolved');
    assert.equal(store.issues().length, unresolved.length);
    assert.equal(s.issuesNew, unresolved.length);
  });

  test('eagerEventIssues caps the eager fetches; the others are fetched on demand', async () => {
    const { store, engine } = await setup(sentry, { eagerEventIssues: 10 });
    sentry.resetRequests();
    const s = await engine.run();
    assert.equal(eventRequests(sentry).length, 10);
    assert.equal(s.eventsOnDemand, store.issues().length - 10);
    assert.equal(withEvents(store), 10);
    const eager = new Set(
      store
        .issues()
        .filter((i) => store.events(i.id).length > 0)
        .map((i) => i.id),
    );
    const top = [...store.issues()]
      .sort(byEventPriority)
      .slice(0, 10)
      .map((i) => i.id);
    assert.deepEqual([...eager].sort(), top.sort(), 'the 10 most urgent ones');
    const later = store.issues().find((i) => !eager.has(i.id))!;
    sentry.resetRequests();
    await engine.fetchNow(later.id);
    assert.equal(eventRequests(sentry).length, 1);
    assert.ok(store.events(later.id).length > 0);
    assert.equal(store.issue(later.id)!.eventsLastSeen, later.lastSeen);
    sentry.resetRequests();
    await engine.fetchNow(later.id);
    assert.equal(sentry.requests.length, 0, 'asking again fetches nothing');
  });
});

describe('kill -9 of the CLI mid-events, then a resumed sync', () => {
  let sentry: SentryTestServer;
  const cli = join(repoRoot(), 'dist', 'cli.js');
  before(async () => {
    assert.ok(existsSync(cli), 'dist/cli.js is built (node esbuild.mjs)');
    sentry = await startSentryServer({ latencyMs: 15 });
    sentry.generateSynthetic({
      projects: ['shop', 'api'],
      issues: 400,
      eventsPerIssue: 3,
      seed: 9,
      levels: ['error', 'warning', 'fatal'],
    });
  });
  after(async () => {
    await sentry.close();
  });

  const cliEnv = () => ({
    PATH: process.env.PATH,
    SENTRY_AUTH_TOKEN: sentry.token,
    SENTRY_URL: sentry.url,
    SENTRY_ORG: sentry.org,
  });

  test('the killed sync leaves a readable store listing every issue; the next one fetches only the missing events', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, [cli, 'sync', '--store', dir], { env: cliEnv(), stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    // Kill it once a commit with some events is on disk, while most events are still missing.
    let killedAt = 0;
    for (let i = 0; i < 2000 && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 20));
      if (!existsSync(join(dir, 'sentry-rca.json'))) continue;
      const peek = await IssueStore.open(dir);
      killedAt = withEvents(peek);
      peek.dispose();
      if (killedAt >= 50) {
        child.kill('SIGKILL');
        break;
      }
    }
    assert.equal(await exited, 'SIGKILL', 'the CLI was killed mid-sync');
    const store = await IssueStore.open(dir);
    assert.equal(store.recovery, undefined, 'the store is readable');
    assert.equal(store.issues().length, 400, 'every issue is listed');
    const missing = store.issues().filter((i) => eventsDue(i, store.events(i.id).length)).length;
    assert.ok(missing > 0 && missing < 400 - 49, `${missing} issues without events`);
    assert.equal(store.meta().lastSuccessfulSync, null, 'the killed sync is not counted as done');
    store.dispose();

    sentry.resetRequests();
    const resumed = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [cli, 'sync', '--store', dir], { env: cliEnv(), stdio: 'ignore' }).once('exit', (code) =>
        resolve(code),
      );
    });
    assert.equal(resumed, 0);
    assert.equal(eventRequests(sentry).length, missing, 'only the missing events are fetched');
    assert.equal(
      sentry.requests.filter((r) => r.path.endsWith('/issues/')).length,
      1,
      'one page of changes since the committed listing, not the full list again',
    );
    const done = await IssueStore.open(dir);
    assert.ok(done.issues().every((i) => done.events(i.id).length > 0));
    done.dispose();
  });
});

describe('Sentry semantics: project=-1 and window-scoped counts', () => {
  let sentry: SentryTestServer;
  before(async () => {
    sentry = await startSentryServer();
    sentry.addProject({ slug: 'mine' });
    sentry.addProject({ slug: 'theirs', isMember: false });
    sentry.generateSynthetic({
      projects: ['mine', 'theirs'],
      issues: 20,
      eventsPerIssue: 2,
      seed: 2,
      levels: ['error'],
    });
  });
  after(async () => {
    await sentry.close();
  });

  test('no project filter covers a project the user is not a member of', async () => {
    const { store, engine } = await setup(sentry);
    sentry.resetRequests();
    await engine.run();
    assert.ok(
      store.issues().some((i) => i.projectSlug === 'theirs'),
      'issues of the non-member project are synced',
    );
    assert.ok(store.issues().some((i) => i.projectSlug === 'mine'));
    const list = sentry.requests.find((r) => r.path.endsWith('/issues/'))!;
    assert.equal(list.query.project, '-1');
    // The server really models membership: without `project`, Sentry answers for the user's teams only.
    const res = await fetch(`${sentry.url}/api/0/organizations/${sentry.org}/issues/?query=`, {
      headers: { Authorization: `Bearer ${sentry.token}` },
    });
    const bare = (await res.json()) as ApiIssue[];
    assert.ok(bare.length > 0 && bare.every((i) => i.project?.slug === 'mine'));
  });

  test("count and userCount are the 90-day window's; lifetime values and the real first-seen are kept", async () => {
    const project = sentry.addProject({ slug: 'old' });
    const day = 86_400_000;
    const ingest = (daysAgo: number, user: string) =>
      sentry.ingestEvent(project.id, {
        event_id: Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32),
        timestamp: (Date.now() - daysAgo * day) / 1000,
        level: 'error',
        platform: 'node',
        user: { id: user },
        exception: { values: [{ type: 'LongLivedError', value: 'still failing' }] },
      });
    ingest(120, 'u1');
    ingest(100, 'u2');
    ingest(1, 'u3');
    const { store, engine } = await setup(sentry, { projects: ['old'] });
    sentry.resetRequests();
    await engine.run();
    const list = sentry.requests.find((r) => r.path.endsWith('/issues/'))!;
    assert.equal(list.query.statsPeriod, '90d', 'the window is explicit');
    const issue = store.issues().find((i) => i.title.startsWith('LongLivedError'))!;
    assert.equal(issue.count, 1, 'events in the last 90 days');
    assert.equal(issue.userCount, 1);
    assert.equal(issue.lifetimeCount, 3);
    assert.equal(issue.lifetimeUserCount, 3);
    assert.ok(Date.now() - Date.parse(issue.firstSeen) > 119 * day, 'first seen ever, not first seen in the window');
  });

  test('the OpenAPI example of the issue list: count, userCount and lifetime are read as Sentry documents them', () => {
    const fixture = JSON.parse(
      readFileSync(join(repoRoot(), 'test', 'fixtures', 'sentry-api', 'openapi-org-issues-list.json'), 'utf8'),
    ) as ApiIssue[];
    const raw = fixture[0]!;
    assert.ok(raw.lifetime, 'the documented list item carries lifetime');
    const stored = toStoredIssue(raw, '2026-01-01T00:00:00.000Z');
    assert.equal(stored.count, Number(raw.count));
    assert.equal(stored.lifetimeCount, Number(raw.lifetime!.count));
    assert.equal(stored.lifetimeUserCount, raw.lifetime!.userCount);
    assert.equal(stored.firstSeen, raw.lifetime!.firstSeen);
    const collapsed = toStoredIssue({ ...raw, lifetime: undefined }, '2026-01-01T00:00:00.000Z');
    assert.equal(collapsed.lifetimeCount, null, 'collapse=lifetime: no lifetime count, not a guess');
  });
});
