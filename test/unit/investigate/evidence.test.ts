import { workspaceAccess } from '../../../src/core/investigate/adapters';
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { EvidenceCollector } from '../../../src/core/investigate/evidenceCollector';
import { analyze } from '../../../src/core/investigate/analyzer';
import { SecretScrubber } from '../../../src/core/investigate/secretScrubber';
import { estimateTokens, renderEvidence } from '../../../src/core/investigate/evidenceRender';
import { parseLogTime } from '../../../src/core/investigate/logCorrelation';
import { AWS_KEY, CRASH_LINE, SENTRY_TOKEN, T0, event, makeScenario, type Scenario } from './scenario';

const scenarios: Scenario[] = [];
after(() => {
  for (const s of scenarios) s.cleanup();
});

function collector(s: Scenario, tokenBudget?: number) {
  return new EvidenceCollector(
    { issues: s.issues, frames: s.frames, logs: s.logs, ...workspaceAccess(s.root) },
    { tokenBudget, now: () => T0 + 3600_000, scrubber: new SecretScrubber([SENTRY_TOKEN]) },
  );
}

describe('EvidenceCollector + Analyzer on a pool-exhaustion incident', () => {
  test('culprit, code excerpt, git history, logs, related issue', async () => {
    const s = makeScenario();
    scenarios.push(s);
    const e = await collector(s).collect('101');
    assert.equal(e.culprit?.path, 'src/db/orders.ts');
    assert.equal(e.culprit?.line, CRASH_LINE);
    assert.match(e.culprit!.why, /Innermost/);
    const excerpt = e.code.frames[0]!.excerpt.find(([n]) => n === CRASH_LINE);
    assert.equal(excerpt?.[1], '  return result.rows[0];');
    // The second commit changed line 7-8 of orders.ts five days before first seen.
    assert.ok(e.git.available);
    const change = e.git.changes.find((c) => c.summary === 'Do not wait forever for a DB connection');
    assert.ok(change, JSON.stringify(e.git.changes));
    assert.equal(change.author, 'Dana Dev');
    assert.equal(Math.round(change.minutesBeforeFirstSeen / 1440), 5);
    assert.match(e.git.history, /Do not wait forever/);
    // Logs: the window covers the events with margin, each line is phased and marked.
    assert.equal(s.logs.queries.length, 1);
    assert.ok(s.logs.queries[0]!.window.since.getTime() <= T0 - 15 * 60_000);
    const app1 = e.logs.find((h) => h.host === 'app1')!;
    const warn = app1.lines.find((l) => l.text.includes('pool exhausted'))!;
    assert.equal(warn.phase, 'before');
    assert.equal(warn.minutesFromFirstEvent, -1);
    assert.deepEqual(warn.marks, ['warn-level']);
    const err = app1.lines.find((l) => l.text.includes('/orders/7 500'))!;
    assert.equal(err.phase, 'during');
    assert.ok(err.marks.includes('exception-type') && err.marks.includes('message') && err.marks.includes('trace-id'));
    const app2 = e.logs.find((h) => h.host === 'app2')!;
    assert.equal(app2.status, 'unreachable');
    assert.match(e.rendered, /app2 journal:orders: unreachable \(connect ECONNREFUSED/);
    // Related: billing's pool timeout began two minutes earlier.
    assert.equal(e.related[0]?.shortId, 'BILLING-7');
    assert.equal(e.related[0]?.minutesFromThis, -2);
    assert.ok(!e.related.some((r) => r.shortId === 'ORDERS-3'), 'an old unrelated issue is not related');
  });

  test('the analyzer ranks the commit that changed the crash lines first, with the pool warning as evidence beside it', async () => {
    const s = makeScenario();
    scenarios.push(s);
    const e = await collector(s).collect('101');
    const r = analyze(e);
    const top = r.hypotheses[0]!;
    const titles = r.hypotheses.map((h) => `${h.kind} ${h.title}`);
    // The commit swapped acquire() for tryAcquire(200), whose undefined result the crash line reads.
    assert.equal(top.kind, 'code-change', titles.join(' | '));
    assert.match(top.title, /Regression from commit 696ef7370ea7/);
    assert.ok(
      top.evidence.some((x) => /touches src\/db\/orders.ts, the crash frame's file/.test(x)),
      top.evidence.join('\n'),
    );
    const pool = r.hypotheses.find((h) => /pool exhausted/i.test(h.title))!;
    assert.equal(pool.kind, 'infrastructure');
    assert.ok(
      pool.evidence.some((x) => x.includes('connection pool exhausted (max=10')),
      pool.evidence.join('\n'),
    );
    assert.ok(pool.evidence.some((x) => /1 min before the first error/.test(x)));
    // BILLING-7 began two minutes earlier but nothing links it: a note under Related, never a hypothesis.
    assert.ok(!titles.some((t) => /BILLING-7/.test(t)), titles.join(' | '));
    assert.match(r.markdown, /## Related \(not ranked\)\n- BILLING-7 .*timing only, nothing links them/);
    assert.ok(titles.some((t) => /Missing null\/undefined check at src\/db\/orders.ts:9/.test(t)));
    const app1 = r.logCounts.find((c) => c.host === 'app1')!;
    assert.deepEqual([app1.before, app1.during, app1.after], [3, 4, 1]);
    assert.match(r.markdown, /## Hypotheses \(ranked\)\n1\. \*\*Regression from commit 696ef7370ea7/);
    assert.match(r.markdown, /`src\/db\/orders.ts:9`/);
  });

  test('without the pool warning, the recent commit or the null check lead', async () => {
    const s = makeScenario();
    scenarios.push(s);
    s.logs.fetch = async () => [{ host: 'app1', source: 'file:/var/log/orders/app.log', status: 'ok', lines: [] }];
    const r = analyze(await collector(s).collect('101'));
    assert.ok(!r.hypotheses.some((h) => /pool/i.test(h.title)));
    assert.match(r.hypotheses[0]!.title, /Regression from commit|Missing null/);
  });

  test('secrets in logs never reach the rendered evidence', async () => {
    const s = makeScenario();
    scenarios.push(s);
    const e = await collector(s).collect('101');
    assert.ok(!e.rendered.includes(SENTRY_TOKEN));
    assert.ok(!e.rendered.includes(AWS_KEY));
    assert.ok(!JSON.stringify(e).includes(SENTRY_TOKEN));
    assert.match(e.rendered, /deploy-bot connecting with token \[REDACTED\]/);
  });

  test('a small budget keeps the lines nearest the errors and says what was cut', async () => {
    const s = makeScenario({ noise: 3000 });
    scenarios.push(s);
    const big = await collector(s).collect('101');
    assert.ok(big.budget.usedTokens <= 12_000, `used ${big.budget.usedTokens}`);
    const e = await collector(s, 2500).collect('101');
    assert.ok(e.budget.usedTokens <= 2500, `used ${e.budget.usedTokens}`);
    assert.equal(e.budget.usedTokens, estimateTokens(e.rendered));
    assert.ok(e.rendered.includes('connection pool exhausted (max=10, in use=10, waiting=23)'));
    assert.ok(e.rendered.includes('return result.rows[0];'));
    assert.ok(
      e.budget.cuts.some((c) => /^logs: kept \d+ of 3009 log lines/.test(c)),
      e.budget.cuts.join('\n'),
    );
    assert.match(e.rendered, /## Left out to stay within 2500 tokens/);
    // Noise far from the window goes first: the oldest health check is gone, the newest kept.
    assert.ok(!e.rendered.includes(new Date(T0 - 1800_000).toISOString()));
  });

  test('no git repository: said plainly, the rest still works', async () => {
    const s = makeScenario({ gitRepo: false });
    scenarios.push(s);
    const e = await collector(s).collect('101');
    assert.equal(e.git.available, false);
    assert.match(e.git.reason ?? '', /not a git repository/);
    assert.equal(e.culprit?.line, CRASH_LINE);
  });

  test('unknown issue id is a usage error with a hint', async () => {
    const s = makeScenario({ gitRepo: false });
    scenarios.push(s);
    await assert.rejects(
      collector(s).collect('nope'),
      (err: Error & { kind?: string; hint?: string }) => err.kind === 'usage' && /sync/.test(err.hint ?? ''),
    );
  });
});

describe('log timestamps', () => {
  test('ISO, space-separated, syslog and access-log forms', () => {
    assert.equal(parseLogTime('2026-11-25T14:01:00.123Z WARN x', 2026), Date.parse('2026-11-25T14:01:00.123Z'));
    assert.equal(parseLogTime('2026-11-25 14:01:00,5 x', 2026), Date.parse('2026-11-25T14:01:00Z'));
    assert.equal(parseLogTime('2026-11-25T15:01:00+01:00 x', 2026), Date.parse('2026-11-25T14:01:00Z'));
    assert.equal(parseLogTime('Nov 25 14:01:00 app1 orders[12]: x', 2026), Date.parse('2026-11-25T14:01:00Z'));
    assert.equal(
      parseLogTime('10.0.0.1 - - [25/Nov/2026:14:01:00 +0000] "GET / HTTP/1.1" 200', 2026),
      Date.parse('2026-11-25T14:01:00Z'),
    );
    assert.equal(parseLogTime('    at getOrder (/srv/app/src/db/orders.ts:9:17)', 2026), null);
  });
});

describe('evidence budget', () => {
  test('the rendered evidence never exceeds the budget, whatever the budget', async () => {
    const s = makeScenario({ noise: 2000 });
    scenarios.push(s);
    const e = await collector(s).collect('101');
    for (const limit of [200, 500, 1000, 2000, 4000, 8000, 12_000, 50_000]) {
      const r = renderEvidence(e, limit);
      assert.ok(r.budget.usedTokens <= limit, `limit ${limit}: used ${r.budget.usedTokens}`);
      assert.equal(r.budget.usedTokens, estimateTokens(r.rendered));
      if (limit >= 2000)
        assert.ok(r.rendered.includes('return result.rows[0];'), `limit ${limit} keeps the crash line`);
      if (limit < 50_000) assert.ok(r.budget.cuts.length > 0, `limit ${limit} says what it cut`);
    }
  });
});

describe('events newer than the sync', () => {
  test('the latest event is fetched from Sentry when the stored ones are older than last seen', async () => {
    const s = makeScenario({ gitRepo: false });
    scenarios.push(s);
    const fresh = event('e9', T0 + 200_000, { message: 'fresh one' });
    const asked: string[] = [];
    const e = await new EvidenceCollector(
      {
        issues: s.issues,
        frames: s.frames,
        ...workspaceAccess(s.root),
        latestEvent: async (i) => {
          asked.push(i.id);
          return fresh;
        },
      },
      { now: () => T0 + 3600_000 },
    ).collect('101');
    assert.deepEqual(asked, ['101']);
    assert.equal(e.events[0]?.id, 'e9');
    assert.equal(e.eventWindow?.last, new Date(T0 + 200_000).toISOString());
    assert.match(e.notes[0]!, /Event e9 .* was fetched from Sentry/);
    assert.match(analyze(e).markdown, /_Note: Event e9/);
  });

  test('a failed fetch is said, and the stored events are used', async () => {
    const s = makeScenario({ gitRepo: false });
    scenarios.push(s);
    const e = await new EvidenceCollector(
      {
        issues: s.issues,
        frames: s.frames,
        ...workspaceAccess(s.root),
        latestEvent: async () => {
          throw new Error(`401 for token ${SENTRY_TOKEN}`);
        },
      },
      { now: () => T0 + 3600_000, scrubber: new SecretScrubber([SENTRY_TOKEN]) },
    ).collect('101');
    assert.equal(e.events[0]?.id, 'e3');
    assert.match(e.notes[0]!, /Could not fetch the latest event from Sentry \(401 for token \[REDACTED\]\)/);
    assert.ok(!e.rendered.includes(SENTRY_TOKEN));
  });

  test('no fetch when the stored events are current', async () => {
    const s = makeScenario({ gitRepo: false });
    scenarios.push(s);
    s.issues.issues[0]!.lastSeen = new Date(T0 + 70_000).toISOString();
    let calls = 0;
    await new EvidenceCollector({
      issues: s.issues,
      frames: s.frames,
      ...workspaceAccess(s.root),
      latestEvent: async () => {
        calls++;
        return null;
      },
    }).collect('101');
    assert.equal(calls, 0);
  });
});
