import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiEvent, ApiIssue } from '../../servers/sentry';
import { get, withServer } from './helpers';

const NOW = Date.parse('2026-11-25T12:00:00.000Z');

describe('synthetic data', () => {
  test('5,000 issues × 5 events and 10,000 × 10 are created quickly and hold what was asked', async () => {
    for (const [issues, events] of [
      [5000, 5],
      [10000, 10],
    ] as const) {
      const server = await withServer({ now: () => NOW });
      try {
        const t = performance.now();
        server.generateSynthetic({ projects: 4, issues, eventsPerIssue: events, seed: 1 });
        const ms = performance.now() - t;
        console.log(`generateSynthetic ${issues} × ${events}: ${ms.toFixed(0)} ms`);
        const first = await get(server, '/organizations/acme/issues/?query=&limit=100');
        assert.equal(first.headers.get('x-hits'), String(issues));
        const counts = first.json<ApiIssue[]>().map((i) => i.count);
        assert.ok(counts.every((c) => c === String(events)));
        const one = first.json<ApiIssue[]>()[0]!;
        const evs = (await get(server, `/organizations/acme/issues/${one.id}/events/?full=true`)).json<ApiEvent[]>();
        assert.equal(evs.length, events);
        assert.equal(new Set(evs.map((e) => e.eventID)).size, events);
        assert.ok(evs.every((e) => e.groupID === one.id && e.entries.some((x) => x.type === 'exception')));
      } finally {
        await server.close();
      }
    }
  });

  test('same seed, same data; levels and project split as asked', async () => {
    const make = async () => {
      const s = await withServer({ now: () => NOW });
      s.generateSynthetic({
        projects: ['a', 'b', 'c'],
        issuesPerProject: 20,
        eventsPerIssue: 3,
        levels: ['fatal', 'warning'],
        seed: 42,
      });
      return s;
    };
    const [x, y] = await Promise.all([make(), make()]);
    try {
      const ix = x.issues();
      const iy = y.issues();
      assert.equal(ix.length, 60);
      assert.deepEqual(
        ix.map((i) => [i.id, i.title, i.lastSeen, i.culprit]),
        iy.map((i) => [i.id, i.title, i.lastSeen, i.culprit]),
      );
      assert.deepEqual(new Set(ix.map((i) => i.level)), new Set(['fatal', 'warning']));
      for (const slug of ['a', 'b', 'c']) assert.equal(ix.filter((i) => i.project.slug === slug).length, 20);
      const ex = (await get(x, `/organizations/acme/issues/${ix[0]!.id}/events/latest/`)).json<ApiEvent>();
      const ey = (await get(y, `/organizations/acme/issues/${iy[0]!.id}/events/latest/`)).json<ApiEvent>();
      assert.deepEqual({ ...ex, dateReceived: '' }, { ...ey, dateReceived: '' });
    } finally {
      await Promise.all([x.close(), y.close()]);
    }
  });

  test('touchIssues moves lastSeen to now and adds events: an incremental lastSeen:> query finds exactly them', async () => {
    let now = NOW;
    const server = await withServer({ now: () => now });
    try {
      server.generateSynthetic({ projects: 2, issues: 200, eventsPerIssue: 2, seed: 5 });
      const syncedAt = new Date(now).toISOString();
      now += 60_000;
      const touched = server.touchIssues(7, { newEvents: 2 });
      assert.equal(touched.length, 7);
      const r = await get(
        server,
        `/organizations/acme/issues/?query=${encodeURIComponent(`is:unresolved lastSeen:>${syncedAt}`)}`,
      );
      const moved = r.json<ApiIssue[]>();
      assert.deepEqual(moved.map((i) => i.id).sort(), [...touched].sort());
      for (const i of moved) {
        assert.equal(i.count, '4');
        assert.ok(Date.parse(i.lastSeen) <= now && Date.parse(i.lastSeen) > now - 1000);
      }
      const newer = (
        await get(
          server,
          `/organizations/acme/issues/${touched[0]}/events/?start=${syncedAt}&end=${new Date(now).toISOString()}`,
        )
      ).json<ApiEvent[]>();
      assert.equal(newer.length, 2);
      // Resolved issues regress when touched.
      server.resolveIssue(touched[1]!);
      server.touchIssues([touched[1]!]);
      assert.equal(server.issues().find((i) => i.id === touched[1])!.substatus, 'regressed');
    } finally {
      await server.close();
    }
  });
});
