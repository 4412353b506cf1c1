// Hostile strings along the whole path: an exception type chosen by whoever holds the public DSN, sent
// by the real @sentry/node SDK to the test Sentry server, synced by the real SyncEngine, becomes a grep
// term of the evidence's log fetch, and reaches a cmd: template on the real sshd — as a pattern that
// finds the matching log line, never as code (no marker file appears).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshLogFetcher, parseLogSpec } from '../../src/core/logs';
import { SentryClient } from '../../src/core/sentry/sentryClient';
import { SyncEngine } from '../../src/core/sync/syncEngine';
import { IssueStore } from '../../src/core/store/issueStore';
import { FrameMapper } from '../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../src/core/frames/workspaceFileIndex';
import {
  frameResolverFromMapper,
  issueSourceFromStore,
  sshLogProvider,
  workspaceAccess,
} from '../../src/core/investigate/adapters';
import { runInvestigation } from '../../src/core/investigate/investigation';
import { startSentryServer, type SentryTestServer } from '../servers/sentry';
import { repoRoot } from '../support/paths';
import { startSshTestEnv, type SshTestEnv } from './sshTestEnv';

const tag = `sentry-rca-e2e-inj-${process.pid}-${randomBytes(3).toString('hex')}`;
const m = (n: number) => join(tmpdir(), `${tag}-${n}`);
/** One exception type carrying several ways to start a command. */
const HOSTILE = `Evil'; touch ${m(1)}; '$(touch ${m(2)})\`touch ${m(3)}\`|touch ${m(4)}"; touch ${m(5)}; "\u2019$(touch ${m(6)})`;

let env: SshTestEnv;
let sentry: SentryTestServer;
const dirs: string[] = [];
const tmp = (p: string) => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), p)));
  dirs.push(d);
  return d;
};

before(async () => {
  delete process.env.SSH_AUTH_SOCK;
  env = await startSshTestEnv();
  sentry = await startSentryServer();
});
after(async () => {
  await env?.stop();
  await sentry?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const f of readdirSync(tmpdir()).filter((n) => n.startsWith(tag))) rmSync(join(tmpdir(), f), { force: true });
});

describe('hostile strings from a Sentry event to a log fetch', () => {
  test('the exception type arrives at the remote command as a pattern, and nothing runs', async () => {
    const project = sentry.addProject({ slug: 'api', platform: 'node' });
    const app = tmp('rca-e2e-app-');
    writeFileSync(
      join(app, 'main.js'),
      `const Sentry = require('@sentry/node');
Sentry.init({ dsn: process.env.DSN, defaultIntegrations: false });
const e = new Error('checkout failed');
e.name = process.env.HOSTILE;
Sentry.captureException(e);
Sentry.flush(5000).then(() => process.exit(0));
`,
    );
    await promisify(execFile)(process.execPath, [join(app, 'main.js')], {
      env: { ...process.env, NODE_PATH: join(repoRoot(), 'node_modules'), DSN: project.dsn, HOSTILE },
      timeout: 30_000,
    });

    const store = await IssueStore.open(tmp('rca-e2e-store-'));
    const ws = tmp('rca-e2e-ws-');
    const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws }], {});
    const mapper = new FrameMapper(index, {});
    const fetcher = new SshLogFetcher({ sshConfigPath: env.configPath, home: env.home, timeoutMs: 8000 });
    try {
      const client = new SentryClient({ baseUrl: sentry.url, token: sentry.token, org: sentry.org });
      await new SyncEngine({ client, store, baseUrl: sentry.url }, { minLevel: 'debug' }).run();
      const issue = store.issues().find((i) => i.title.startsWith('Evil'));
      assert.ok(
        issue,
        store
          .issues()
          .map((i) => i.title)
          .join('\n'),
      );
      const type = store.events(issue.id)[0]!.exceptions[0]!.type;
      assert.equal(type, HOSTILE, 'the SDK and the sync kept the exception type as it was thrown');

      // The service's log on the server, around the event: one line names the exception type.
      const at = Date.parse(store.events(issue.id)[0]!.timestamp);
      const log = join(env.logDir, `${tag}.log`);
      const line = (ms: number, text: string) => `${new Date(ms).toISOString()} ${text}`;
      writeFileSync(
        log,
        [
          line(at - 60_000, 'INFO request served'),
          line(at, `ERROR unhandled ${HOSTILE}: checkout failed`),
          line(at + 30_000, 'INFO request served'),
        ].join('\n') + '\n',
      );

      // A plain template, and one that quotes its placeholder (as settings written before this check, or
      // a spec built in code, could): the first gets the value as one argument, the second is refused.
      const logs = sshLogProvider(fetcher, [
        parseLogSpec(`target=cmd:grep -a -E {grep} ${log}`),
        { host: 'target', source: { kind: 'command', template: `grep -a -E '{grep}' ${log}` } },
      ]);
      const { evidence } = await runInvestigation(
        { issues: issueSourceFromStore(store), frames: frameResolverFromMapper(mapper), logs, ...workspaceAccess(ws) },
        issue.id,
        { ai: null },
      );
      assert.equal(evidence.logs.length, 2);
      const quoted = evidence.logs[1]!;
      assert.notEqual(quoted.status, 'ok');
      assert.match(quoted.message ?? '', /Unsafe command template: \{grep\} is inside '…' quotes/);
      const host = evidence.logs[0]!;
      assert.equal(host.status, 'ok', host.message);
      assert.deepEqual(
        host.lines.map((l) => l.text).filter((t) => t.includes('ERROR')),
        [`ERROR unhandled ${HOSTILE}: checkout failed`].map((t) => line(at, t)),
        'grep found exactly the line with the hostile type, so the value arrived intact',
      );
      assert.equal(
        host.lines.some((l) => l.text.includes('INFO request served')),
        false,
        'the template filtered by the pattern',
      );
      for (let n = 1; n <= 6; n++) assert.equal(existsSync(m(n)), false, `marker ${n}`);
    } finally {
      fetcher.dispose();
      mapper.dispose();
      index.dispose();
      store.dispose();
    }
  });
});
