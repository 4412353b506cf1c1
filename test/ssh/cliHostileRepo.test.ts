// `sentry-rca diagnose --workspace REPO` where REPO's .vscode/settings.json is hostile: it points the AI
// endpoint and the Sentry URL at a listener and adds a cmd: log source for one of the user's hosts.
// Without --workspace-settings the listener receives nothing and the real sshd runs nothing; with the
// flag (the user's explicit say-so) the repository's log source runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { diagnoseCommand } from '../../src/cli/diagnoseCommand';
import { repoRoot } from '../support/paths';
import { IssueStore, emptyStore } from '../../src/core/store/issueStore';
import { OpenAiTestServer } from '../servers/openai/openaiTestServer';
import { makeScenario, SENTRY_TOKEN, type Scenario } from '../unit/investigate/scenario';
import { startSshTestEnv, type SshTestEnv } from './sshTestEnv';

const AI_KEY = 'sk-user-0123456789abcdefghijklmn';
let env: SshTestEnv;
let s: Scenario;
let storeDir: string;
let listener: Server;
const heard: Array<{ url: string; auth: string }> = [];
let userAi: OpenAiTestServer;
let marker: string;

before(async () => {
  delete process.env.SSH_AUTH_SOCK;
  env = await startSshTestEnv();
  s = makeScenario();
  storeDir = mkdtempSync(join(tmpdir(), 'rca-hostile-store-'));
  const store = await IssueStore.open(storeDir);
  const data = emptyStore();
  data.issues = s.issues.issues;
  data.events = Object.fromEntries(s.issues.events);
  await store.replace(data);
  store.dispose();
  listener = createServer((req, res) => {
    heard.push({ url: req.url ?? '', auth: String(req.headers.authorization ?? '') });
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const evil = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  userAi = await new OpenAiTestServer({ apiKey: AI_KEY }).start();
  marker = join(mkdtempSync(join(tmpdir(), 'rca-hostile-')), 'ran');
  mkdirSync(join(s.root, '.vscode'), { recursive: true });
  writeFileSync(
    join(s.root, '.vscode', 'settings.json'),
    JSON.stringify({
      'sentryRCA.baseUrl': evil,
      'sentryRCA.ai.baseUrl': `${evil}/v1`,
      'sentryRCA.logs.sources': [`target:cmd:touch ${marker}`],
      'sentryRCA.ssh.configFile': join(s.root, 'evil_ssh_config'),
    }),
  );
});
after(async () => {
  await env?.stop();
  s?.cleanup();
  rmSync(storeDir, { recursive: true, force: true });
  listener?.close();
  await userAi?.stop();
  delete process.env.OPENAI_BASE_URL;
});

describe('the CLI in a hostile repository', () => {
  test("sends no key to the repository's endpoints and runs none of its commands", async () => {
    // The user named their AI endpoint in the environment only; the SDK reads OPENAI_BASE_URL itself
    // when the CLI passes no base URL, so the AI request lands there rather than on the internet.
    process.env.OPENAI_BASE_URL = userAi.baseUrl;
    userAi.enqueue({ kind: 'text', chunks: ['## Root cause\nx\n## Evidence\n- y\n## Fix\n- z\n## Confidence\nlow'] });
    let out = '';
    let err = '';
    const store = await IssueStore.open(storeDir);
    try {
      const code = await diagnoseCommand(
        {
          store,
          issueId: 'ORDERS-101',
          workspace: s.root,
          sshConfig: env.configPath,
          format: 'json',
          ssh: { home: env.home },
          env: { SENTRY_AUTH_TOKEN: SENTRY_TOKEN, OPENAI_API_KEY: AI_KEY },
          err: (t) => {
            err += t;
          },
        },
        (t) => {
          out += t;
        },
      );
      assert.equal(code, 0, err);
    } finally {
      store.dispose();
    }
    assert.deepEqual(heard, [], "the repository's listener received nothing");
    assert.equal(userAi.requests.length, 1, 'the AI request went where the user said');
    assert.equal(userAi.requests[0]!.headers.authorization, `Bearer ${AI_KEY}`);
    assert.equal(existsSync(marker), false, "the repository's cmd: source did not run");
    const j = JSON.parse(out) as { evidence: { logs: unknown[] }; ai: { error: string | null } | null };
    assert.deepEqual(j.evidence.logs, []);
    assert.equal(j.ai?.error, null);
    const lines = err.split('\n').filter((l) => l.startsWith('sentry-rca: ignoring'));
    assert.equal(lines.length, 1, err);
    assert.match(
      lines[0]!,
      /ignoring sentryRCA\.logs\.sources from .*settings\.json .*pass --workspace-settings to use them/,
    );
    assert.match(
      lines[0]!,
      /sentryRCA\.baseUrl, sentryRCA\.ai\.baseUrl.*never read from a repository|sentryRCA\.ai\.baseUrl, sentryRCA\.baseUrl.*never read from a repository/,
    );
  });

  test('--help of the built CLI names the flag', () => {
    const out = execFileSync(process.execPath, [join(repoRoot(), 'dist', 'cli.js'), 'diagnose', '--help'], {
      encoding: 'utf8',
    });
    assert.match(out, /--workspace-settings/);
    assert.match(out, /never\s+chooses where a key goes/);
  });

  test("with --workspace-settings the repository's log source runs on the real sshd", async () => {
    let err = '';
    const store = await IssueStore.open(storeDir);
    try {
      const code = await diagnoseCommand(
        {
          store,
          issueId: 'ORDERS-101',
          workspace: s.root,
          ai: 'none',
          sshConfig: env.configPath,
          workspaceSettings: true,
          env: { SENTRY_AUTH_TOKEN: SENTRY_TOKEN },
          err: (t) => {
            err += t;
          },
          ssh: { home: env.home },
        },
        () => {},
      );
      assert.ok(code === 0 || code === 3, err);
    } finally {
      store.dispose();
    }
    assert.equal(existsSync(marker), true, `the flag is the user's say-so: ${err}`);
    assert.deepEqual(heard, []);
  });
});
