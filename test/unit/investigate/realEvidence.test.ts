// Evidence and analysis from real parts: real @sentry/node events synced from the test Sentry server,
// the sample service's own log fetched over real sshd, a git workspace replaying its releases.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { runInvestigation, savedInvestigations } from '../../../src/core/investigate/investigation';
import { diagnoseCommand, type DiagnoseJson } from '../../../src/cli/diagnoseCommand';
import { OpenAiTestServer } from '../../servers/openai/openaiTestServer';
import { describeNeeding } from '../../support/needs';
import { buildRealIncident, realIncidentUnavailable, type RealIncident } from './realIncident';

const unavailable = realIncidentUnavailable();

describeNeeding('investigation of a real incident (SDK events, sshd logs, git history)', unavailable, {}, () => {
  let inc: RealIncident;
  before(async () => {
    inc = await buildRealIncident({ hosts: 1, unreachableHost: true });
  });
  after(async () => {
    await inc?.cleanup();
  });

  test('the pool-exhausted warning in the service log leads the ranked hypotheses', async () => {
    const issue = inc.poolIssue();
    const { deps, dispose } = inc.deps();
    try {
      const { evidence: e, report: r } = await runInvestigation(deps, issue.id, { ai: null });
      // Culprit: the throw in the pool, an in-app frame of the real SDK event, mapped into the workspace.
      assert.equal(e.culprit?.path, 'src/db/pool.mjs');
      assert.equal(e.culprit?.mapped, true);
      assert.match(e.culprit!.exceptionType, /PoolExhaustedError/);
      assert.ok(
        e.code.frames.some((f) => f.path === 'src/routes/checkout.mjs' || f.path === 'src/routes/receipts.mjs'),
        e.code.frames.map((f) => f.path).join(', '),
      );
      // Git: blame and git log -L ran on the workspace.
      assert.ok(e.git.available, e.git.reason);
      // The release history is replayed from this repository: 2.3 (the history's first commit, so its
      // lines are the boundary, not changes), then 2.4.0 (the promo-code change to the checkout route)
      // an hour before the errors. 2.4.0 left the stack's files alone, so blame and log -L on them
      // report no change; the checkout route is where 2.4.0 is.
      assert.equal(inc.history, 'releases', "the sample app's history was replayed from git");
      const lastCommit = (path: string) =>
        execFileSync('git', ['log', '-1', '--format=%s', '--', path], { cwd: inc.workspace, encoding: 'utf8' }).trim();
      assert.equal(lastCommit('src/routes/checkout.mjs'), 'orders 2.4.0: apply promo codes at checkout');
      assert.equal(lastCommit('src/db/pool.mjs'), 'orders 2.3');
      assert.deepEqual(
        e.git.changes.map((c) => [c.path, c.summary]),
        [],
        "no change on the stack's files (2.4.0 did not touch them)",
      );
      // Logs over real SSH: the host that is up has the window, the one that is down says so.
      const up = e.logs.find((h) => h.host === 'orders-api-1')!;
      assert.equal(up.status, 'ok', up.message);
      const warn = up.lines.find((l) => /WARN pool nearly exhausted \(9\/10 in use\)/.test(l.text));
      assert.ok(
        warn,
        up.lines
          .slice(0, 20)
          .map((l) => l.text)
          .join('\n'),
      );
      assert.equal(warn.phase, 'before');
      assert.ok(
        up.lines.some(
          (l) => l.phase !== 'before' && l.marks.includes('exception-type') && l.marks.includes('trace-id'),
        ),
        'the error lines carry the exception type and the trace id',
      );
      const down = e.logs.find((h) => h.host === 'orders-api-down')!;
      assert.notEqual(down.status, 'ok');
      assert.ok(down.message && down.message.length > 10);
      // Analysis: the release's commit that leaks the connection first, citing the early return; the
      // pool exhaustion in the log is there too, as its effect.
      const ranked = r.hypotheses.map((h) => `${h.score} ${h.kind} ${h.title}`).join('\n');
      assert.equal(e.history.release.resolvedBy, 'tag');
      assert.equal(e.history.release.previousVersion, 'orders@2.3.0');
      assert.match(e.history.suspects.list[0]!.summary, /^orders 2\.4\.0/);
      assert.equal(r.hypotheses[0]!.kind, 'code-change', ranked);
      assert.match(r.hypotheses[0]!.title, /orders 2\.4\.0: apply promo codes/, ranked);
      assert.ok(
        r.hypotheses[0]!.evidence.some((x) =>
          /src\/routes\/checkout\.mjs:16 .*return .*leaves before conn\.release\(\)/.test(x),
        ),
        r.hypotheses[0]!.evidence.join('\n'),
      );
      const pool = r.hypotheses.find((h) => /pool exhausted/i.test(h.title));
      assert.ok(pool && pool.evidence.some((x) => x.includes('pool nearly exhausted')), ranked);
      assert.equal(e.history.skew?.relation, 'same');
      assert.ok(e.budget.usedTokens <= 12_000);
      assert.equal(e.issue.release, 'orders@2.4.0');
    } finally {
      dispose();
    }
  });

  test('the CLI gives the same result headless, and the AI sees the same evidence', async () => {
    const ai = await new OpenAiTestServer({ apiKey: 'sk-real-0123456789abcdefghijkl' }).start();
    try {
      ai.enqueue(
        {
          kind: 'tools',
          calls: [
            {
              name: 'fetch_logs',
              arguments: {
                host: 'orders-api-1',
                source: `file:${inc.logFile}`,
                since: new Date(Date.now() - 3600_000).toISOString(),
                until: new Date().toISOString(),
                grep: 'pool nearly exhausted',
              },
            },
          ],
        },
        {
          kind: 'text',
          chunks: [
            '## Root cause\nLeak in `src/routes/checkout.mjs:15`.\n## Evidence\n- x\n## Fix\n- y\n## Confidence\nhigh',
          ],
        },
      );
      let out = '';
      const code = await diagnoseCommand(
        {
          store: inc.store,
          issueId: inc.poolIssue().shortId,
          workspace: inc.workspace,
          sshConfig: inc.sshConfig,
          logs: [`orders-api-1=file:${inc.logFile}`],
          ai: 'openai',
          format: 'json',
          env: {
            OPENAI_API_KEY: 'sk-real-0123456789abcdefghijkl',
            OPENAI_BASE_URL: ai.baseUrl,
            SENTRY_AUTH_TOKEN: inc.sentry.token,
          },
          ssh: { home: inc.home, identityAgent: '' },
        },
        (t) => {
          out += t;
        },
      );
      assert.equal(code, 0);
      const j = JSON.parse(out) as DiagnoseJson;
      assert.equal(j.culprit?.path, 'src/db/pool.mjs');
      assert.equal(j.evidence.logs[0]?.host, 'orders-api-1');
      assert.equal(j.evidence.logs[0]?.status, 'ok');
      assert.ok(j.evidence.logs[0]!.lines.length > 0);
      assert.equal(j.hypotheses[0]!.kind, 'code-change');
      assert.equal(j.release.version, 'orders@2.4.0');
      assert.equal(j.release.resolvedBy, 'tag');
      assert.match(j.suspects[0]!.summary, /^orders 2\.4\.0/);
      assert.ok(j.suspects[0]!.cites.some((c) => c.path === 'src/routes/checkout.mjs' && /return/.test(c.text)));
      assert.equal(j.skew?.changedSinceRelease, false);
      // The saved record carries the suspects, so a reopened panel shows the section again.
      const saved = savedInvestigations(inc.store.investigations(inc.poolIssue().id))[0]!;
      assert.match(saved.history!.suspects.list[0]!.summary, /^orders 2\.4\.0/);
      // The model's fetch_logs call went over real SSH and returned only the grep'd lines.
      const toolResult = String(ai.requests[1]!.body!.messages!.find((m) => m.role === 'tool')!.content);
      assert.match(toolResult, /^orders-api-1 file:.*: ok, \d+ line\(s\)\n.*WARN pool nearly exhausted/);
      assert.ok(!toolResult.includes(' INFO '));
      assert.ok(!ai.allReceivedText().includes(inc.sentry.token));
      assert.match(j.ai!.markdown, /Root cause/);
    } finally {
      await ai.stop();
    }
  });

  test('events newer than the sync come from Sentry (CLI with SENTRY_AUTH_TOKEN)', async () => {
    const issue = inc.poolIssue();
    const newest = inc.store.events(issue.id)[0]!;
    // As if the last sync saw the issue move on (lastSeen) but did not store its newest event.
    await inc.store.update((d) => {
      d.events[issue.id] = (d.events[issue.id] ?? []).slice(1);
      d.issues = d.issues.map((i) =>
        i.id === issue.id ? { ...i, lastSeen: new Date(Date.parse(newest.timestamp) + 5 * 60_000).toISOString() } : i,
      );
    });
    let out = '';
    const code = await diagnoseCommand(
      {
        store: inc.store,
        issueId: issue.id,
        workspace: inc.workspace,
        ai: 'none',
        format: 'json',
        env: { SENTRY_AUTH_TOKEN: inc.sentry.token },
      },
      (t) => {
        out += t;
      },
    );
    assert.equal(code, 0);
    const j = JSON.parse(out) as DiagnoseJson;
    assert.match(j.notes[0] ?? '', new RegExp(`Event ${newest.id} .* was fetched from Sentry`));
    assert.ok(
      inc.sentry.requests.some((r) => r.path.endsWith(`/issues/${issue.id}/events/latest/`)),
      'asked the Sentry API for the latest event',
    );
    assert.ok(!out.includes(inc.sentry.token));
  });
});
