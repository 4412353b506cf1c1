// Triage over the real client and store against the test Sentry server: the exact requests each
// action sends, bulk splitting at 1,000, rollback when Sentry refuses, 403 → the missing scope.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { toStoredIssue } from '../../../src/core/sentry/convert';
import { IssueWrites } from '../../../src/core/sentry/issueWrites';
import { SentryClient } from '../../../src/core/sentry/sentryClient';
import { IssueStore } from '../../../src/core/store/issueStore';
import { AssigneeCache } from '../../../src/core/triage/assignees';
import { planRequests, TriageService } from '../../../src/core/triage/triageService';
import { startSentryServer, type RecordedRequest, type SentryTestServer } from '../../servers/sentry';

const WRITE_SCOPES = ['org:read', 'project:read', 'event:read', 'event:write', 'member:read'];

describe('triage against the test Sentry server', () => {
  let sentry: SentryTestServer;
  let store: IssueStore;
  let client: SentryClient;
  let service: TriageService;
  let shop: string[];
  let api: string[];

  before(async () => {
    sentry = await startSentryServer({ scopes: WRITE_SCOPES });
    sentry.generateSynthetic({ projects: ['shop', 'api'], issues: 12, eventsPerIssue: 1, seed: 3 });
    store = await IssueStore.open(mkdtempSync(join(tmpdir(), 'rca-triage-')));
  });
  after(async () => {
    store.dispose();
    await sentry.close();
  });
  beforeEach(async () => {
    sentry.setToken(sentry.token, WRITE_SCOPES);
    // Fresh server-side state each test: everything unresolved, unassigned, not bookmarked.
    const all = sentry.issues().map((i) => `id=${i.id}`);
    for (let n = 0; n < all.length; n += 1000) {
      const res = await fetch(
        `${sentry.url}/api/0/organizations/acme/issues/?project=-1&${all.slice(n, n + 1000).join('&')}`,
        {
          method: 'PUT',
          headers: { Authorization: `Bearer ${sentry.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ status: 'unresolved', assignedTo: '', isBookmarked: false }),
        },
      );
      assert.equal(res.status, 200);
    }
    const now = new Date().toISOString();
    const issues = sentry.issues().map((i) => toStoredIssue(i as never, now));
    await store.update((d) => {
      d.issues = issues;
    });
    shop = issues.filter((i) => i.projectSlug === 'shop').map((i) => i.id);
    api = issues.filter((i) => i.projectSlug === 'api').map((i) => i.id);
    client = new SentryClient({ baseUrl: sentry.url, token: sentry.token, org: sentry.org, backoffBaseMs: 1 });
    service = new TriageService({ writes: new IssueWrites(client), store });
    sentry.resetRequests();
  });

  const writes = (): RecordedRequest[] => sentry.requests.filter((r) => r.method !== 'GET');

  test('resolve one issue: PUT to the issue, Sentry says resolved, the store agrees', async () => {
    const id = shop[0]!;
    const out = await service.apply([id], { kind: 'resolve' });
    assert.deepEqual(out.changed, [id]);
    assert.equal(out.requests, 1);
    const [r] = writes();
    assert.equal(r!.method, 'PUT');
    assert.equal(r!.path, `/api/0/organizations/acme/issues/${id}/`);
    assert.deepEqual(r!.query, {});
    assert.deepEqual(r!.body, { status: 'resolved', statusDetails: {}, substatus: null });
    assert.equal(r!.headers['content-type'], 'application/json');
    assert.equal(sentry.issues().find((i) => i.id === id)!.status, 'resolved');
    assert.equal(store.issue(id)!.status, 'resolved');
  });

  test('archive two issues until escalating: one bulk PUT with both ids and their project', async () => {
    const ids = [shop[0]!, shop[1]!];
    const out = await service.apply(ids, { kind: 'archive', mode: { until: 'escalating' } });
    assert.deepEqual(out.changed.sort(), [...ids].sort());
    const reqs = writes();
    assert.equal(reqs.length, 1);
    assert.equal(reqs[0]!.path, '/api/0/organizations/acme/issues/');
    const shopProject = store.issue(shop[0]!)!.projectId;
    assert.deepEqual(reqs[0]!.query, { id: ids, project: shopProject });
    assert.deepEqual(reqs[0]!.body, { status: 'ignored', statusDetails: {}, substatus: 'archived_until_escalating' });
    for (const id of ids) {
      const s = sentry.issues().find((i) => i.id === id)!;
      assert.equal(s.status, 'ignored');
      assert.equal(s.substatus, 'archived_until_escalating');
      assert.deepEqual(store.issue(id)!.statusDetails, { ignoreUntilEscalating: true });
      assert.equal(store.issue(id)!.status, 'ignored');
    }
  });

  test('archive for 30 minutes, until 100 more events in an hour, until 10 more users', async () => {
    await service.apply([shop[0]!], { kind: 'archive', mode: { until: 'duration', minutes: 30 } });
    await service.apply([shop[1]!], { kind: 'archive', mode: { until: 'count', count: 100, windowMinutes: 60 } });
    await service.apply([shop[2]!], { kind: 'archive', mode: { until: 'users', count: 10 } });
    assert.deepEqual(
      writes().map((r) => r.body),
      [
        { status: 'ignored', statusDetails: { ignoreDuration: 30 }, substatus: 'archived_until_condition_met' },
        {
          status: 'ignored',
          statusDetails: { ignoreCount: 100, ignoreWindow: 60 },
          substatus: 'archived_until_condition_met',
        },
        { status: 'ignored', statusDetails: { ignoreUserCount: 10 }, substatus: 'archived_until_condition_met' },
      ],
    );
    const until = store.issue(shop[0]!)!.statusDetails?.ignoreUntil;
    assert.equal(typeof until, 'string', 'Sentry answered ignoreUntil; the store keeps it');
    assert.ok(Math.abs(Date.parse(until as string) - Date.now() - 30 * 60_000) < 60_000);
    assert.equal(store.issue(shop[1]!)!.statusDetails?.ignoreCount, 100);
  });

  test('an archive window over a week is refused before anything is sent', async () => {
    await assert.rejects(
      service.apply([shop[0]!], { kind: 'archive', mode: { until: 'count', count: 5, windowMinutes: 20_000 } }),
      /1 to 10080 minutes/,
    );
    assert.equal(writes().length, 0);
    assert.equal(store.issue(shop[0]!)!.status, 'unresolved');
  });

  test('Sentry refuses (400): the store goes back and the reason is Sentry’s', async () => {
    // A project with no release: "resolve in the next release" has no basis (StatusDetailsValidator).
    const p = sentry.addProject({ slug: 'norelease' });
    const eventId = sentry.ingestEvent(p.id, {
      event_id: 'a'.repeat(32),
      timestamp: Date.now() / 1000,
      level: 'error',
      platform: 'node',
      exception: { values: [{ type: 'Error', value: 'no release here' }] },
    });
    assert.ok(eventId);
    const apiIssue = sentry.issues().find((i) => i.project.slug === 'norelease')!;
    const issue = toStoredIssue(apiIssue as never, new Date().toISOString());
    await store.update((d) => {
      d.issues = [...d.issues, issue];
    });
    const seen: string[] = [];
    const sub = store.onDidChange(() => seen.push(store.issue(issue.id)!.status));
    const out = await service.apply([issue.id], { kind: 'resolveInNextRelease' });
    sub.dispose();
    assert.deepEqual(out.changed, []);
    assert.equal(out.failed.length, 1);
    assert.match(
      out.failed[0]!.message,
      /refused PUT .*\(400\): "statusDetails.inNextRelease: No release data present in the system to form a basis for 'Next Release'"/,
    );
    assert.deepEqual(seen, ['resolved', 'unresolved'], 'optimistic first, then rolled back');
    assert.equal(sentry.issues().find((i) => i.id === issue.id)!.status, 'unresolved');
    assert.equal(out.forbidden, undefined);
  });

  test('resolve in the next release across projects: one bulk request per project', async () => {
    sentry.setReleaseCommits('shop', 'shop@1.0.0', []);
    sentry.setReleaseCommits('api', 'api@2.0.0', []);
    const ids = [shop[0]!, api[0]!, shop[1]!, api[1]!];
    const out = await service.apply(ids, { kind: 'resolveInNextRelease' });
    assert.equal(out.failed.length, 0, out.failed[0]?.message);
    const reqs = writes();
    assert.equal(reqs.length, 2);
    assert.deepEqual(
      reqs.map((r) => r.query.id),
      [
        [shop[0], shop[1]],
        [api[0], api[1]],
      ],
    );
    assert.deepEqual(reqs[0]!.body, { status: 'resolved', statusDetails: { inNextRelease: true }, substatus: null });
    assert.equal(store.issue(api[0]!)!.statusDetails?.inNextRelease, true);
  });

  test('a read-only token: 403 names event:write, nothing more is sent, everything rolls back', async () => {
    sentry.setToken(sentry.token, ['org:read', 'project:read', 'event:read']);
    const check = await client.checkToken();
    assert.equal(check.ok, true);
    assert.equal(check.canWrite, false);
    assert.match(check.writeMessage!, /event:write/);
    const out = await service.apply([shop[0]!, api[0]!], { kind: 'resolveInCurrentRelease' });
    assert.equal(out.requests, 1, 'the second project’s request is not sent after a 403');
    assert.equal(out.failed.length, 2);
    assert.equal(out.forbidden?.status, 403);
    assert.equal(out.forbidden?.scope, 'event:write');
    assert.match(out.failed[0]!.message, /needs the event:write scope \(or event:admin\)/);
    assert.equal(store.issue(shop[0]!)!.status, 'unresolved');
    assert.equal(store.issue(api[0]!)!.status, 'unresolved');
  });

  test('checkToken with event:write says write actions are available and names the user', async () => {
    const check = await client.checkToken();
    assert.equal(check.canWrite, true);
    assert.equal(check.userId, '1');
  });

  test('assign to a member and to a team, unassign; bookmark subscribes', async () => {
    const alice = sentry.addMember({ name: 'Alice <b>Admin</b>', email: 'alice@example.com' });
    const team = sentry.addTeam({ slug: 'backend' });
    const cache = new AssigneeCache({ now: () => 0 });
    const dir = await cache.get('acme', new IssueWrites(client));
    const member = dir.members.find((m) => m.email === 'alice@example.com')!;
    assert.equal(member.name, 'Alice <b>Admin</b>', 'names stay raw text; views escape them');
    assert.equal(dir.membersUnavailable, null);
    await service.apply([shop[0]!], { kind: 'assign', assignee: member });
    await service.apply([shop[1]!, shop[2]!], { kind: 'assign', assignee: dir.teams.find((t) => t.id === team.id)! });
    await service.apply([shop[0]!], { kind: 'assign', assignee: null });
    await service.apply([api[0]!], { kind: 'bookmark', value: true });
    assert.deepEqual(
      writes().map((r) => r.body),
      [
        { assignedTo: `user:${alice.userId}` },
        { assignedTo: `team:${team.id}` },
        { assignedTo: '' },
        { isBookmarked: true },
      ],
    );
    assert.equal(store.issue(shop[0]!)!.assignedTo, undefined);
    assert.deepEqual(store.issue(shop[1]!)!.assignedTo, { type: 'team', id: team.id, name: 'backend' });
    assert.equal(store.issue(api[0]!)!.isBookmarked, true);
    assert.equal(sentry.issues().find((i) => i.id === api[0])!.isSubscribed, true);
    // The directory is cached: a second open sends no request.
    const before = sentry.requests.length;
    await cache.get('acme', new IssueWrites(client));
    assert.equal(sentry.requests.length, before);
  });

  test('assigning to someone Sentry does not know is refused and rolled back', async () => {
    const out = await service.apply([shop[0]!], {
      kind: 'assign',
      assignee: { type: 'user', id: '999', name: 'Ghost' },
    });
    assert.match(out.failed[0]!.message, /assignedTo: Unknown actor input/);
    assert.equal(store.issue(shop[0]!)!.assignedTo, undefined);
  });

  test('without member:read the member list is unavailable, with the reason', async () => {
    sentry.setToken(sentry.token, ['org:read', 'project:read', 'event:read', 'event:write']);
    const dir = await new AssigneeCache({ now: () => 0 }).get('acme', new IssueWrites(client));
    assert.deepEqual(dir.members, []);
    assert.match(dir.membersUnavailable!, /member:read/);
  });

  test('a note: POST to comments/ with the text; the same text again is Sentry’s 400', async () => {
    const text = 'Root cause: <script>alert(1)</script>\n`null` deref';
    const note = await service.addNote(shop[0]!, text);
    assert.equal(typeof note.id, 'string');
    const [r] = writes();
    assert.equal(r!.method, 'POST');
    assert.equal(r!.path, `/api/0/organizations/acme/issues/${shop[0]}/comments/`);
    assert.deepEqual(r!.body, { text });
    assert.deepEqual(
      sentry.notes(shop[0]!).map((n) => n.text),
      [text],
    );
    await assert.rejects(service.addNote(shop[0]!, text), /You have already posted that comment/);
  });

  test('a POST is not retried after a 500 (it may have been created); a PUT is', async () => {
    sentry.fault({ kind: '500', match: '/comments/', times: 1 });
    await assert.rejects(service.addNote(shop[0]!, 'once'), /HTTP 500/);
    assert.equal(writes().length, 1);
    sentry.resetRequests();
    sentry.fault({ kind: '500', match: `/issues/${shop[1]}/`, times: 1 });
    const out = await service.apply([shop[1]!], { kind: 'resolve' });
    assert.deepEqual(out.changed, [shop[1]]);
    assert.equal(writes().length, 2);
  });

  test('bulk of 2,500 issues: requests of 1,000, 1,000 and 500 ids', async () => {
    sentry.generateSynthetic({ projects: ['bulk'], issues: 2500, eventsPerIssue: 1, seed: 9 });
    const now = new Date().toISOString();
    const bulk = sentry
      .issues()
      .filter((i) => i.project.slug === 'bulk')
      .map((i) => toStoredIssue(i as never, now));
    await store.update((d) => {
      d.issues = [...d.issues, ...bulk];
    });
    sentry.resetRequests();
    const out = await service.apply(
      bulk.map((i) => i.id),
      { kind: 'archive', mode: { until: 'forever' } },
    );
    assert.equal(out.failed.length, 0, out.failed[0]?.message);
    assert.equal(out.changed.length, 2500);
    const sizes = writes().map((r) => [r.query.id].flat().length);
    assert.deepEqual(sizes, [1000, 1000, 500]);
    assert.ok(
      sentry
        .issues()
        .filter((i) => i.project.slug === 'bulk')
        .every((i) => i.status === 'ignored'),
    );
  });

  test('the server refuses more than 1,000 ids in one request, as Sentry does', async () => {
    const ids = Array.from({ length: 1001 }, (_, n) => String(100001 + n));
    const res = await fetch(`${sentry.url}/api/0/organizations/acme/issues/?${ids.map((i) => `id=${i}`).join('&')}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${sentry.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'resolved' }),
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { detail: string }).detail, /up to 1000/);
    await assert.rejects(
      new IssueWrites(client).bulkUpdate(ids, ['1'], { status: 'resolved' }),
      /at most 1000 issues per request/,
    );
  });
});

describe('planRequests', () => {
  const issues = (n: number, project: string) =>
    Array.from({ length: n }, (_, i) => ({ id: `${project}-${i}`, projectId: project }));
  test('one issue uses its own endpoint; more go in bulk, split at the limit', () => {
    assert.deepEqual(planRequests(issues(1, 'p'), { kind: 'resolve' }), [
      { issueIds: ['p-0'], projectIds: ['p'], single: true },
    ]);
    const plan = planRequests([...issues(3, 'p'), ...issues(2, 'q')], { kind: 'resolve' }, 2);
    assert.deepEqual(
      plan.map((r) => [r.issueIds.length, r.projectIds]),
      [
        [2, ['p']],
        [2, ['p', 'q']],
        [1, ['q']],
      ],
    );
    assert.equal(plan[2]!.single, true);
  });
  test('resolving in a release: one project per request', () => {
    const plan = planRequests([...issues(2, 'p'), ...issues(2, 'q')], { kind: 'resolveInCurrentRelease' });
    assert.deepEqual(
      plan.map((r) => r.projectIds),
      [['p'], ['q']],
    );
  });
});
