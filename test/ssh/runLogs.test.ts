// Two diagnoses at once against the real sshd: each run owns its SSH connections, so a second run
// starting — and ending — while the first run's log command is still running on the host leaves the
// first one's logs intact (the panels used to share one fetcher that each new run disposed).
import { workspaceAccess } from '../../src/core/investigate/adapters';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInvestigation, type InvestigationOutcome } from '../../src/core/investigate/investigation';
import type { IssueSource } from '../../src/core/investigate/ports';
import { RunLogs, type RunLogLease } from '../../src/host/panel/runLogs';
import { event, issue } from '../unit/investigate/scenario';
import { startSshTestEnv, type SshTestEnv } from './sshTestEnv';

let env: SshTestEnv;
let workspace: string;
before(async () => {
  delete process.env.SSH_AUTH_SOCK;
  env = await startSshTestEnv();
  workspace = mkdtempSync(join(tmpdir(), 'run-logs-ws-'));
});
after(async () => {
  await env?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

/** The TypeError in the fixture's app.log is at 10:05:00Z; the issue's events are there too. */
const AT = Date.parse('2026-11-25T10:05:00Z');
const stored = issue('101', {
  firstSeen: new Date(AT).toISOString(),
  lastSeen: new Date(AT + 60_000).toISOString(),
  syncedAt: new Date(AT + 600_000).toISOString(),
});
const issues: IssueSource = {
  getIssue: (id) => (id === stored.id ? stored : undefined),
  getEvents: () => [event('e1', AT), event('e2', AT + 30_000)],
  listIssues: () => [stored],
};

async function waitForFile(path: string, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One diagnosis as the panel runs it: the run's own logs lease, released when the run ends. */
async function diagnose(lease: RunLogLease | undefined): Promise<InvestigationOutcome> {
  assert.ok(lease, 'log sources are configured');
  try {
    return await runInvestigation(
      {
        issues,
        frames: { resolve: () => ({ reason: 'no mapping in this test' }) },
        logs: lease.provider,
        ...workspaceAccess(workspace),
      },
      stored.id,
      { ai: null },
    );
  } finally {
    lease.dispose();
  }
}

function targetLogs(o: InvestigationOutcome) {
  const h = o.evidence.logs.find((x) => x.host === 'target');
  assert.ok(h, JSON.stringify(o.evidence.logs.map((x) => [x.host, x.status])));
  return h;
}

describe('RunLogs: each diagnosis run owns its SSH connections', () => {
  test("a second run starting and ending while the first one's log command runs leaves the first run its logs", async () => {
    const runLogs = new RunLogs({ home: env.home, timeoutMs: 5000 });
    const started = join(env.home, 'first-run-started');
    const release = join(env.home, 'second-run-done');
    try {
      // The first run's command signals that it runs on the host, then waits until the second run is over.
      const slow = `target:cmd:touch ${started}; while [ ! -e ${release} ]; do sleep 0.05; done; cat ${env.logDir}/app.log`;
      let firstEnded = false;
      const first = diagnose(runLogs.forRun([slow], env.configPath, 'sentryRCA.logs.sources')).finally(() => {
        firstEnded = true;
      });
      await waitForFile(started, "the first run's log command to start on the host");
      assert.equal(runLogs.openRuns, 1);

      // The second panel's run: opens its own connections, gets its logs and closes them.
      const second = await diagnose(
        runLogs.forRun([`target:file:${env.logDir}/app.log`], env.configPath, 'sentryRCA.logs.sources'),
      );
      const s = targetLogs(second);
      assert.equal(s.status, 'ok', s.message);
      assert.ok(
        s.lines.some((l) => l.text.includes('TypeError')),
        'the second run read the error line',
      );
      assert.equal(
        firstEnded,
        false,
        'the first run is still reading its logs: the second run did not close its connection',
      );
      assert.equal(runLogs.openRuns, 1, "the second run closed its own fetcher, not the first one's");

      writeFileSync(release, '');
      const f = targetLogs(await first);
      assert.equal(f.status, 'ok', f.message);
      assert.ok(
        f.lines.some((l) => l.text.includes('TypeError')),
        'the first run still got its logs',
      );
      assert.equal(runLogs.openRuns, 0, 'both runs released their connections');
    } finally {
      runLogs.dispose();
    }
  });

  test('disposing the feature closes the runs still open; no sources means no fetcher', () => {
    const runLogs = new RunLogs({ home: env.home, timeoutMs: 5000 });
    assert.equal(runLogs.forRun([], env.configPath, 'sentryRCA.logs.sources'), undefined);
    const lease = runLogs.forRun([`target:file:${env.logDir}/app.log`], env.configPath, 'sentryRCA.logs.sources');
    assert.ok(lease);
    assert.equal(runLogs.openRuns, 1);
    assert.throws(() => runLogs.forRun(['target:nonsense'], '', 'sentryRCA.logs.sources'), /sentryRCA\.logs\.sources/);
    runLogs.dispose();
    assert.equal(runLogs.openRuns, 0);
    assert.throws(
      () => runLogs.forRun([`target:file:${env.logDir}/app.log`], env.configPath, 'sentryRCA.logs.sources'),
      /shutting down/,
    );
  });
});
