import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiEvent, ApiEventSummary, ApiIssue, SentryTestServer } from '../../servers/sentry';
import { get, parseLink, withServer } from './helpers';

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const HOUR = 3600_000;

describe('REST API shapes, paging and search', () => {
  let server: SentryTestServer;
  before(async () => {
    server = await withServer({ now: () => NOW, org: 'acme' });
    // 250 issues over 2 projects, lastSeen spread over the 72 h before NOW, 3 events each.
    server.generateSynthetic({ projects: ['web', 'worker'], issues: 250, eventsPerIssue: 3, seed: 7 });
  });
  after(() => server.close());

  test('Link header in Sentry\'s exact format, followed to results="false"', async () => {
    const first = await get(server, '/organizations/acme/issues/?query=&limit=100');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-hits'), '250');
    const base = `${server.url}/api/0/organizations/acme/issues/?query=&limit=100`;
    assert.equal(
      first.headers.get('link'),
      `<${base}&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", ` +
        `<${base}&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0"`,
    );
    const seen = new Set<string>();
    let url: string | null = `${server.url}/api/0/organizations/acme/issues/?query=&limit=100`;
    let pages = 0;
    while (url) {
      const r = await get(server, url);
      for (const i of r.json<ApiIssue[]>()) seen.add(i.id);
      pages++;
      const next = parseLink(r.headers.get('link')).next!;
      url = next.results ? next.url : null;
      if (!next.results) assert.ok(parseLink(r.headers.get('link')).previous!.results);
    }
    assert.equal(pages, 3);
    assert.equal(seen.size, 250);
  });

  test('without a query param the default is is:unresolved; limit is capped at 100; per_page over 100 is a 400', async () => {
    const ids = server.issues().map((i) => i.id);
    server.resolveIssue(ids[0]!);
    const unresolved = await get(server, '/organizations/acme/issues/?limit=500');
    assert.equal(unresolved.headers.get('x-hits'), '249');
    assert.equal(unresolved.json<ApiIssue[]>().length, 100);
    const resolved = (await get(server, '/organizations/acme/issues/?query=is:resolved')).json<ApiIssue[]>();
    assert.deepEqual(
      resolved.map((i) => i.id),
      [ids[0]],
    );
    const bad = await get(server, `/organizations/acme/issues/${ids[1]}/events/?per_page=101`);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json(), { detail: 'Invalid per_page value. Cannot exceed 100.' });
    const badProjects = await get(server, '/organizations/acme/projects/?per_page=1000');
    assert.equal(badProjects.status, 400);
  });

  test('sort orders: date (default), new, freq', async () => {
    const byDate = (await get(server, '/organizations/acme/issues/?query=&limit=100')).json<ApiIssue[]>();
    for (let i = 1; i < byDate.length; i++) assert.ok(byDate[i - 1]!.lastSeen >= byDate[i]!.lastSeen);
    const byNew = (await get(server, '/organizations/acme/issues/?query=&sort=new')).json<ApiIssue[]>();
    for (let i = 1; i < byNew.length; i++) assert.ok(byNew[i - 1]!.firstSeen >= byNew[i]!.firstSeen);
    server.touchIssues([byDate[50]!.id], { newEvents: 5 });
    const byFreq = (await get(server, '/organizations/acme/issues/?query=&sort=freq&limit=1')).json<ApiIssue[]>();
    assert.equal(byFreq[0]!.id, byDate[50]!.id);
    assert.equal(byFreq[0]!.count, '8');
    assert.equal((await get(server, '/organizations/acme/issues/?sort=bogus')).status, 400);
  });

  test('query tokens: level lists, negation, lastSeen/firstSeen absolute and relative, free text', async () => {
    const all = server.issues();
    const count = async (q: string, extra = '') => {
      const r = await get(server, `/organizations/acme/issues/?query=${encodeURIComponent(q)}${extra}`);
      assert.equal(r.status, 200, `${q}: ${r.text}`);
      return Number(r.headers.get('x-hits'));
    };
    const unresolved = all.filter((i) => i.status === 'unresolved');
    assert.equal(await count('is:unresolved level:error'), unresolved.filter((i) => i.level === 'error').length);
    assert.equal(
      await count('is:unresolved level:[warning, fatal]'),
      unresolved.filter((i) => ['warning', 'fatal'].includes(i.level)).length,
    );
    assert.equal(await count('is:unresolved !level:error'), unresolved.filter((i) => i.level !== 'error').length);
    const edge = new Date(NOW - 24 * HOUR).toISOString();
    const recent = unresolved.filter((i) => Date.parse(i.lastSeen) > NOW - 24 * HOUR).length;
    assert.ok(recent > 0 && recent < unresolved.length);
    assert.equal(await count(`is:unresolved lastSeen:>${edge}`), recent);
    assert.equal(
      await count('is:unresolved lastSeen:-24h'),
      unresolved.filter((i) => Date.parse(i.lastSeen) >= NOW - 24 * HOUR).length,
    );
    assert.equal(
      await count('is:unresolved lastSeen:+24h'),
      unresolved.filter((i) => Date.parse(i.lastSeen) <= NOW - 24 * HOUR).length,
    );
    assert.equal(
      await count(`firstSeen:>=${edge}`, ''),
      all.filter((i) => Date.parse(i.firstSeen) >= NOW - 24 * HOUR).length,
    );
    assert.equal(
      await count('is:unresolved', '&statsPeriod=24h'),
      unresolved.filter((i) => Date.parse(i.lastSeen) >= NOW - 24 * HOUR).length,
    );
    const title = all[3]!.title;
    const word = title.split(':')[0]!;
    assert.equal(
      await count(word),
      all.filter(
        (i) =>
          i.title.toLowerCase().includes(word.toLowerCase()) || i.culprit.toLowerCase().includes(word.toLowerCase()),
      ).length,
    );
    const bad = await get(server, '/organizations/acme/issues/?query=assignee:me');
    assert.equal(bad.status, 400);
    assert.match(bad.json<{ detail: string }>().detail, /Unsupported search key "assignee"/);
    assert.equal((await get(server, '/organizations/acme/issues/?query=lastSeen:yesterday')).status, 400);
  });

  test('project filter: numeric ids, -1 for all, unknown id is a 403, a slug is a 400', async () => {
    const projects = (await get(server, '/organizations/acme/projects/')).json<Array<{ id: string; slug: string }>>();
    assert.deepEqual(
      projects.map((p) => p.slug),
      ['web', 'worker'],
    );
    const web = projects[0]!.id;
    const onlyWeb = await get(server, `/organizations/acme/issues/?query=&project=${web}`);
    assert.equal(onlyWeb.headers.get('x-hits'), '125');
    assert.ok(onlyWeb.json<ApiIssue[]>().every((i) => i.project.slug === 'web'));
    assert.equal((await get(server, `/organizations/acme/issues/?query=&project=-1`)).headers.get('x-hits'), '250');
    assert.equal(
      (await get(server, `/organizations/acme/issues/?query=&project=${web}&project=${projects[1]!.id}`)).headers.get(
        'x-hits',
      ),
      '250',
    );
    assert.equal((await get(server, '/organizations/acme/issues/?project=999')).status, 403);
    assert.equal((await get(server, '/organizations/acme/issues/?project=web')).status, 400);
  });

  test('issue items: count as string, stats 24 hourly buckets from event times, permalink, project', async () => {
    const [issue] = (await get(server, '/organizations/acme/issues/?query=&limit=1')).json<ApiIssue[]>();
    assert.equal(typeof issue!.count, 'string');
    assert.equal(typeof issue!.userCount, 'number');
    const buckets = issue!.stats!['24h']!;
    assert.equal(buckets.length, 24);
    assert.equal(buckets[23]![0], Math.floor(NOW / HOUR) * 3600);
    assert.equal(buckets[1]![0] - buckets[0]![0], 3600);
    const events = (await get(server, `/organizations/acme/issues/${issue!.id}/events/`)).json<ApiEventSummary[]>();
    const inWindow = events.filter(
      (e) => Date.parse(e.dateCreated) >= Math.floor(NOW / HOUR) * HOUR - 23 * HOUR,
    ).length;
    assert.equal(
      buckets.reduce((s, [, n]) => s + n, 0),
      inWindow,
    );
    const fourteen = (await get(server, '/organizations/acme/issues/?query=&limit=1&groupStatsPeriod=14d')).json<
      ApiIssue[]
    >();
    assert.equal(fourteen[0]!.stats!['14d']!.length, 14);
    const collapsed = (
      await get(server, '/organizations/acme/issues/?query=&limit=1&collapse=stats&collapse=lifetime')
    ).json<ApiIssue[]>();
    assert.equal(collapsed[0]!.stats, undefined);
    assert.equal(collapsed[0]!.lifetime, undefined);
    assert.equal(collapsed[0]!.count, issue!.count);
  });

  test('issue detail by id and short id; events list simple vs full; latest/oldest/by id with neighbours', async () => {
    const [issue] = (await get(server, '/organizations/acme/issues/?query=&limit=1')).json<ApiIssue[]>();
    const byId = (await get(server, `/organizations/acme/issues/${issue!.id}/`)).json<ApiIssue>();
    const byShort = (await get(server, `/organizations/acme/issues/${issue!.shortId.toLowerCase()}/`)).json<ApiIssue>();
    assert.equal(byShort.id, byId.id);
    assert.ok(byId.stats?.['30d']);
    assert.equal((await get(server, '/organizations/acme/issues/424242/')).status, 404);

    const simple = (await get(server, `/organizations/acme/issues/${issue!.id}/events/`)).json<ApiEventSummary[]>();
    assert.ok(simple.length >= 3);
    assert.deepEqual(
      Object.keys(simple[0]!).sort(),
      [
        'crashFile',
        'culprit',
        'dateCreated',
        'event.type',
        'eventID',
        'groupID',
        'id',
        'location',
        'message',
        'metadata',
        'platform',
        'projectID',
        'tags',
        'title',
        'user',
      ].sort(),
    );
    for (let i = 1; i < simple.length; i++)
      assert.ok(simple[i - 1]!.dateCreated >= simple[i]!.dateCreated, 'newest first');
    const full = (await get(server, `/organizations/acme/issues/${issue!.id}/events/?full=true&per_page=2`)).json<
      ApiEvent[]
    >();
    assert.equal(full.length, 2);
    assert.ok(full[0]!.entries.some((e) => e.type === 'exception'));
    assert.equal(full[0]!.eventID, simple[0]!.eventID);

    const latest = (await get(server, `/organizations/acme/issues/${issue!.id}/events/latest/`)).json<ApiEvent>();
    const oldest = (await get(server, `/organizations/acme/issues/${issue!.id}/events/oldest/`)).json<ApiEvent>();
    const recommended = (
      await get(server, `/organizations/acme/issues/${issue!.id}/events/recommended/`)
    ).json<ApiEvent>();
    assert.equal(latest.eventID, simple[0]!.eventID);
    assert.equal(oldest.eventID, simple.at(-1)!.eventID);
    assert.equal(recommended.eventID, latest.eventID);
    assert.equal(latest.nextEventID, null);
    assert.equal(oldest.previousEventID, null);
    const mid = (
      await get(server, `/organizations/acme/issues/${issue!.id}/events/${simple[1]!.eventID}/`)
    ).json<ApiEvent>();
    assert.equal(mid.nextEventID, simple[0]!.eventID);
    assert.equal(mid.previousEventID, simple[2]!.eventID);
    assert.equal((await get(server, `/organizations/acme/issues/${issue!.id}/events/${'f'.repeat(32)}/`)).status, 404);
  });

  test('events respect the time window (default 90 days, statsPeriod, start/end)', async () => {
    const [issue] = (await get(server, '/organizations/acme/issues/?query=&sort=new&limit=1')).json<ApiIssue[]>();
    const all = (await get(server, `/organizations/acme/issues/${issue!.id}/events/`)).json<ApiEventSummary[]>();
    const newest = Date.parse(all[0]!.dateCreated);
    const start = new Date(newest - 1).toISOString();
    const end = new Date(newest + 1).toISOString();
    const windowed = (
      await get(server, `/organizations/acme/issues/${issue!.id}/events/?start=${start}&end=${end}`)
    ).json<ApiEventSummary[]>();
    assert.deepEqual(
      windowed.map((e) => e.eventID),
      [all[0]!.eventID],
    );
    assert.equal((await get(server, `/organizations/acme/issues/${issue!.id}/events/?start=${start}`)).status, 400);
  });

  test('auth: missing or wrong token 401, missing scope 403 naming nothing secret, wrong org 404', async () => {
    const none = await get(server, '/organizations/acme/issues/', null);
    assert.equal(none.status, 401);
    const wrong = await get(server, '/organizations/acme/issues/', 'sntryu_wrong');
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json(), { detail: 'Invalid token' });
    server.setToken('sntrys_org_token', ['org:ci']);
    try {
      const forbidden = await get(server, '/organizations/acme/issues/', 'sntrys_org_token');
      assert.equal(forbidden.status, 403);
      assert.deepEqual(forbidden.json(), { detail: 'You do not have permission to perform this action.' });
      server.setToken('sntryu_orgonly', ['org:read']);
      assert.equal((await get(server, '/organizations/acme/', 'sntryu_orgonly')).status, 200);
      assert.equal((await get(server, '/organizations/acme/issues/', 'sntryu_orgonly')).status, 403);
    } finally {
      server.setToken('sntryu_test', ['org:read', 'project:read', 'event:read']);
    }
    assert.equal((await get(server, '/organizations/other/issues/')).status, 404);
  });

  test('organization detail points at the region URL (own URL by default, configurable)', async () => {
    const org = (await get(server, '/organizations/acme/')).json<{
      slug: string;
      links: { regionUrl: string; organizationUrl: string };
    }>();
    assert.equal(org.slug, 'acme');
    assert.deepEqual(org.links, { organizationUrl: server.url, regionUrl: server.url });
    const regional = await withServer({ regionUrl: 'http://127.0.0.1:9/region' });
    try {
      const r = (await get(regional, '/organizations/acme/')).json<{ links: { regionUrl: string } }>();
      assert.equal(r.links.regionUrl, 'http://127.0.0.1:9/region');
    } finally {
      await regional.close();
    }
  });

  test('every API request is recorded with its headers, status and origin', async () => {
    server.resetRequests();
    await get(server, '/organizations/acme/projects/');
    assert.equal(server.requests.length, 1);
    const r = server.requests[0]!;
    assert.equal(r.method, 'GET');
    assert.equal(r.path, '/api/0/organizations/acme/projects/');
    assert.equal(r.status, 200);
    assert.equal(r.headers.authorization, 'Bearer sntryu_test');
    assert.equal(r.origin, server.url);
  });
});
