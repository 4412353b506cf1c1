// Connections the way `ssh ALIAS` makes them, against real sshd processes: config resolution, host key
// checks, authentication, failures of every kind, one result per host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { SshLogFetcher, parseLogSpec, type HostLogResult, type LogWindow } from '../../src/core/logs';
import { SshAgent } from '../servers/sshd/sshdServer';
import { PASSPHRASE, startSshTestEnv, T, type SshTestEnv } from './sshTestEnv';

let env: SshTestEnv;
let agent: SshAgent | undefined;

before(async () => {
  delete process.env.SSH_AUTH_SOCK;
  env = await startSshTestEnv();
});
after(async () => {
  await agent?.stop();
  await env?.stop();
});

const W: LogWindow = { since: T('2026-11-25T10:00:00Z'), until: T('2026-11-25T10:07:00Z') };

async function fetchHost(
  host: string,
  opts: ConstructorParameters<typeof SshLogFetcher>[0] = {},
): Promise<HostLogResult> {
  const f = new SshLogFetcher({ sshConfigPath: env.configPath, home: env.home, timeoutMs: 5000, ...opts });
  try {
    const [r] = await f.fetch([parseLogSpec(`${host}=file:${env.logDir}/app.log`)], W);
    return r!;
  } finally {
    f.dispose();
  }
}

describe('ssh config resolution', () => {
  test('a host from an Include file', async () => {
    const r = await fetchHost('included');
    assert.equal(r.status, 'ok', r.message);
    assert.equal(r.lines.length, 87);
  });

  test('a host matched by a Host pattern (web-*)', async () => {
    const r = await fetchHost('web-01');
    assert.equal(r.status, 'ok', r.message);
    assert.equal(r.lines.length, 87);
  });

  test('ProxyJump through a second sshd (whose known_hosts entry is hashed)', async () => {
    const before = env.jump.logs.join('').match(/Accepted publickey/g)?.length ?? 0;
    const r = await fetchHost('behind-jump');
    assert.equal(r.status, 'ok', r.message);
    assert.equal(r.lines.length, 87);
    const afterCount = env.jump.logs.join('').match(/Accepted publickey/g)?.length ?? 0;
    assert.equal(afterCount, before + 1, 'the jump host saw the login');
    assert.match(env.jump.logs.join(''), /direct-tcpip|Connection from 127\.0\.0\.1/);
  });

  test('ProxyJump with two hops, the second given as user@host:port', async () => {
    const count = () => env.jump.logs.join('').match(/Accepted publickey/g)?.length ?? 0;
    const before = count();
    const r = await fetchHost('behind-two-jumps');
    assert.equal(r.status, 'ok', r.message);
    assert.equal(r.lines.length, 87);
    assert.equal(count(), before + 2, 'both hops logged in to the jump sshd');
  });

  test('agent authentication with a real ssh-agent holding the only usable key', async () => {
    agent = await SshAgent.start();
    agent.add(env.keys.agentOnly.privatePath);
    const r = await fetchHost('agent', { identityAgent: agent.socket });
    assert.equal(r.status, 'ok', r.message);
    const without = await fetchHost('agent');
    assert.equal(without.status, 'auth-failed');
  });

  test('an encrypted key already in the agent: the passphrase is not asked for', async () => {
    const a = await SshAgent.start();
    try {
      a.add(env.keys.encrypted.privatePath, PASSPHRASE);
      const asked: string[] = [];
      const r = await fetchHost('encrypted', {
        identityAgent: a.socket,
        askPassphrase: async (p) => {
          asked.push(p);
          return undefined;
        },
      });
      assert.equal(r.status, 'ok', r.message);
      assert.deepEqual(asked, []);
    } finally {
      await a.stop();
    }
  });

  test('an encrypted key: passphrase asked once and used; without it a clear message', async () => {
    const asked: string[] = [];
    const ok = await fetchHost('encrypted', {
      askPassphrase: async (p) => {
        asked.push(p);
        return PASSPHRASE;
      },
    });
    assert.equal(ok.status, 'ok', ok.message);
    assert.deepEqual(asked, [env.keys.encrypted.privatePath]);
    const no = await fetchHost('encrypted');
    assert.equal(no.status, 'auth-failed');
    assert.match(no.message!, /is encrypted; add it to your agent \(ssh-add .*id_encrypted\)/);
    const wrong = await fetchHost('encrypted', { askPassphrase: async () => 'wrong' });
    assert.equal(wrong.status, 'auth-failed');
    assert.match(wrong.message!, /passphrase for .*id_encrypted is wrong/);
  });
});

describe('host keys', () => {
  test('an unknown host key is refused, with how to trust it', async () => {
    const r = await fetchHost('stranger');
    assert.equal(r.status, 'host-key-unknown');
    assert.match(r.message!, new RegExp(`ssh-keyscan -p ${env.stranger.port} 127\\.0\\.0\\.1 >> `));
    assert.match(r.message!, /ssh stranger/);
    assert.match(r.message!, /SHA256:[A-Za-z0-9+/]{43}/);
    assert.doesNotMatch(env.stranger.logs.join(''), /Accepted publickey/, 'no authentication was attempted');
  });

  test('a changed host key is refused loudly', async () => {
    const r = await fetchHost('reinstalled');
    assert.equal(r.status, 'host-key-changed');
    assert.match(r.message!, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    assert.match(r.message!, /man-in-the-middle/);
    assert.match(r.message!, /ssh-keygen -R/);
    assert.doesNotMatch(env.reinstalled.logs.join(''), /Accepted publickey/);
  });

  test('HostKeyAlias: the key is looked up under the alias', async () => {
    const kh = `${env.home}/alias_known_hosts`;
    const [type, key] = env.target.hostKey.publicLine.split(' ');
    writeFileSync(kh, `target-key ${type} ${key}\n`);
    const ok = await fetchHost('aliased-key', { knownHostsPath: kh });
    assert.equal(ok.status, 'ok', ok.message);
    writeFileSync(kh, `[127.0.0.1]:${env.target.port} ${type} ${key}\n`);
    const unknown = await fetchHost('aliased-key', { knownHostsPath: kh });
    assert.equal(unknown.status, 'host-key-unknown');
    assert.match(unknown.message!, /host key of target-key/);
  });

  test('a key marked @revoked is refused even though it is also listed as valid', async () => {
    const kh = `${env.home}/revoked_known_hosts`;
    const [type, key] = env.target.hostKey.publicLine.split(' ');
    writeFileSync(kh, `[127.0.0.1]:${env.target.port} ${type} ${key}\n@revoked * ${type} ${key}\n`);
    const r = await fetchHost('target', { knownHostsPath: kh });
    assert.equal(r.status, 'host-key-changed');
    assert.match(r.message!, /marked @revoked/);
  });

  test('an unknown key on the jump host refuses the whole chain', async () => {
    const f = new SshLogFetcher({
      sshConfigPath: env.configPath,
      home: env.home,
      knownHostsPath: `${env.home}/empty_known_hosts`,
      timeoutMs: 5000,
    });
    try {
      const [r] = await f.fetch([parseLogSpec(`behind-jump=file:${env.logDir}/app.log`)], W);
      assert.equal(r!.status, 'host-key-unknown');
      assert.match(r!.message!, /jump host jump for behind-jump/);
    } finally {
      f.dispose();
    }
  });
});

describe('failures', () => {
  test('a key the server does not accept', async () => {
    const r = await fetchHost('wrongkey');
    assert.equal(r.status, 'auth-failed');
    assert.match(r.message!, /Authentication to wrongkey \(root@127\.0\.0\.1:\d+\) failed/);
  });

  test('connection refused', async () => {
    const r = await fetchHost('closed');
    assert.equal(r.status, 'unreachable');
    assert.match(r.message!, /connection refused/);
  });

  test('a port that accepts but never speaks SSH times out (ConnectTimeout 1)', async () => {
    const t0 = Date.now();
    const r = await fetchHost('silent');
    assert.equal(r.status, 'timeout');
    assert.match(r.message!, /Timed out connecting to silent/);
    assert.ok(Date.now() - t0 < 4000, 'the config ConnectTimeout (1 s) applied, not the 5 s default');
  });

  test('an alias that resolves nowhere', async () => {
    const r = await fetchHost('no-such-host.invalid');
    assert.equal(r.status, 'unreachable');
  });

  test('parallel hosts: one result each, in order; a dead host does not hide the others', async () => {
    const f = new SshLogFetcher({ sshConfigPath: env.configPath, home: env.home, timeoutMs: 5000 });
    try {
      const hosts = ['target', 'closed', 'stranger', 'silent', 'wrongkey', 'web-02'];
      const t0 = Date.now();
      const rs = await f.fetch(
        hosts.map((h) => parseLogSpec(`${h}=file:${env.logDir}/app.log`)),
        W,
        { concurrency: 6 },
      );
      assert.deepEqual(
        rs.map((r) => r.host),
        hosts,
      );
      assert.deepEqual(
        rs.map((r) => r.status),
        ['ok', 'unreachable', 'host-key-unknown', 'timeout', 'auth-failed', 'ok'],
      );
      for (const r of rs) assert.ok(r.status === 'ok' || r.message, `${r.host} has a message`);
      assert.ok(Date.now() - t0 < 4000, 'hosts ran in parallel (the silent one alone takes 1 s)');
    } finally {
      f.dispose();
    }
  });

  test('connections are reused within a fetcher and closed by dispose()', async () => {
    const f = new SshLogFetcher({ sshConfigPath: env.configPath, home: env.home, timeoutMs: 5000 });
    const count = () => env.target.logs.join('').match(/Accepted publickey/g)?.length ?? 0;
    const before = count();
    await f.fetch(
      [parseLogSpec(`target=file:${env.logDir}/app.log`), parseLogSpec(`target=file:${env.logDir}/syslog`)],
      W,
      { concurrency: 1 },
    );
    await f.fetch([parseLogSpec(`target=file:${env.logDir}/access.log`)], W);
    assert.equal(count(), before + 1, 'one login for three fetches');
    const logged = env.target.logs.join('').length;
    f.dispose();
    // sshd logs the client's disconnect: wait for that line (written after dispose), not for a fixed time.
    const after = await env.target.waitForLog(
      /(Disconnected from|Connection closed by|Received disconnect from) .*127\.0\.0\.1/,
      logged,
    );
    assert.match(after, /(Disconnected from|Connection closed by|Received disconnect from) .*127\.0\.0\.1/);
  });
});
