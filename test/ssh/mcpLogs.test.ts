// `sentry-rca mcp --logs HOST=SPEC` against the real sshd: fetch_logs reads the configured source around
// the issue's event, redacted, and refuses hosts that are in the user's ssh config but not configured.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IssueStore, emptyStore } from '../../src/core/store/issueStore';
import { event, issue } from '../unit/investigate/scenario';
import { startMcp, type McpSession } from '../support/mcpClient';
import { startSshTestEnv, type SshTestEnv } from './sshTestEnv';

let env: SshTestEnv;
let storeDir: string;
let workspace: string;
let mcp: McpSession;

before(async () => {
  env = await startSshTestEnv();
  storeDir = mkdtempSync(join(tmpdir(), 'rca-mcp-logs-'));
  workspace = mkdtempSync(join(tmpdir(), 'rca-mcp-ws-'));
  const store = await IssueStore.open(storeDir);
  const data = emptyStore();
  data.issues = [issue('404', { shortId: 'API-404' })];
  // The fixture's app.log has a TypeError with this trace id at 10:05:00Z.
  data.events = {
    '404': [
      event('ev1', Date.parse('2026-11-25T10:05:00Z'), { issueId: '404', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }),
    ],
  };
  await store.replace(data);
  store.dispose();
  mcp = await startMcp(
    [
      '--store',
      storeDir,
      '--workspace',
      workspace,
      '--ssh-config',
      env.configPath,
      '--logs',
      `target=file:${env.logDir}/app.log`,
    ],
    { HOME: env.home },
  );
});
after(async () => {
  await mcp?.close();
  await env?.stop();
  for (const d of [storeDir, workspace]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('sentry-rca mcp fetch_logs over SSH', () => {
  test('the tool description names the configured hosts', async () => {
    const { tools } = await mcp.client.listTools();
    assert.match(tools.find((t) => t.name === 'fetch_logs')!.description!, /\(target \(file:\/.*\/app\.log\)\)/);
  });

  test('fetches the configured source around the event, marks the exception and trace, redacts secrets', async () => {
    const r = await mcp.call('fetch_logs', { issue: 'API-404', before: '2m', after: '1m' });
    assert.equal(r.isError, false, r.text);
    const j = JSON.parse(r.text);
    assert.equal(j.event.id, 'ev1');
    assert.equal(j.hosts.length, 1);
    const h = j.hosts[0];
    assert.equal(h.host, 'target');
    assert.equal(h.status, 'ok', h.message);
    assert.equal(h.since, '2026-11-25T10:03:00.000Z');
    assert.equal(h.until, '2026-11-25T10:06:00.000Z');
    const hit = h.lines.find((l: { text: string }) => l.text.includes('TypeError'));
    assert.ok(hit, 'the error line is in the window');
    assert.ok(
      hit.match.includes('TypeError') && hit.match.includes('4bf92f3577b34da6a3ce929d0e0e4736'),
      JSON.stringify(hit.match),
    );
    assert.ok(
      !r.text.includes('hunter2') && !r.text.includes('AKIAIOSFODNN7EXAMPLE'),
      'secrets in the log are redacted',
    );
    assert.match(r.text, /10:04:00.000Z INFO app\[42\]: request \d+ served Authorization: \[REDACTED\]"/);
  });

  test('refuses a host that is in the ssh config but not configured, and hostile host names', async () => {
    const stranger = await mcp.call('fetch_logs', { issue: 'API-404', host: 'jump' });
    assert.equal(stranger.isError, true);
    assert.match(
      stranger.text,
      /Host "jump" is not a configured log source\. Configured: target \(file:.*app\.log\)\./,
    );
    const hostile = await mcp.call('fetch_logs', { issue: 'API-404', host: 'target; cat /etc/passwd' });
    assert.equal(hostile.isError, true);
    assert.match(hostile.text, /Host "target; cat \/etc\/passwd" is not a configured log source/);
  });

  test('bad windows are tool errors', async () => {
    const long = await mcp.call('fetch_logs', { issue: 'API-404', before: '3h' });
    assert.equal(long.isError, true);
    assert.match(long.text, /before "3h" is longer than 1h/);
    const garbled = await mcp.call('fetch_logs', { issue: 'API-404', after: 'soon' });
    assert.equal(garbled.isError, true);
    assert.match(garbled.text, /Duration "soon" is not understood/);
  });

  test('diagnose includes the configured logs', async () => {
    const r = await mcp.call('diagnose', { issue: 'API-404', format: 'json' });
    assert.equal(r.isError, false, r.text);
    const j = JSON.parse(r.text);
    assert.deepEqual(
      j.evidence.logs.map((l: { host: string; status: string }) => [l.host, l.status]),
      [['target', 'ok']],
    );
  });
});
