/**
 * The world the SSH tests run in: a home directory with .ssh/config (Include, Host patterns, ProxyJump),
 * known_hosts (plain and hashed entries), user keys; real sshd processes (target, jump host, a stranger
 * not in known_hosts, a "reinstalled" server whose key changed); a silent TCP port and a closed one;
 * log files in several formats with known lines at known times.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { freePort, generateKey, SilentServer, SshdServer, tempDir, type KeyPair } from '../servers/sshd/sshdServer';

export const PASSPHRASE = 'correct horse battery staple';
/** All fixture lines are on 2026-11-23..25 UTC; windows in the tests sit inside them. */
export const T = (iso: string) => new Date(iso);

export interface SshTestEnv {
  home: string;
  configPath: string;
  knownHostsPath: string;
  logDir: string;
  binDir: string;
  keys: { user: KeyPair; wrong: KeyPair; encrypted: KeyPair; agentOnly: KeyPair };
  target: SshdServer;
  jump: SshdServer;
  stranger: SshdServer;
  reinstalled: SshdServer;
  silent: SilentServer;
  closedPort: number;
  stop(): Promise<void>;
}

function isoLines(fromMs: number, toMs: number, stepMs: number, text: (i: number, ms: number) => string): string {
  const out: string[] = [];
  for (let t = fromMs, i = 0; t <= toMs; t += stepMs, i++) out.push(text(i, t));
  return out.join('\n') + '\n';
}

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function writeLogs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const day = (d: number) => Date.UTC(2026, 10, d);
  // Rotated set: app.log.2.gz (Nov 23), app.log.1 (Nov 24), app.log (Nov 25 until 12:00).
  const iso = (i: number, ms: number) => `${new Date(ms).toISOString()} INFO app[42]: request ${i} served`;
  writeFileSync(
    join(dir, 'app.log.2.gz'),
    gzipSync(isoLines(day(23), day(24) - 10_000, 10_000, (i, ms) => `${iso(i, ms)} (gz)`)),
  );
  utimesSync(join(dir, 'app.log.2.gz'), new Date(day(24)), new Date(day(24)));
  writeFileSync(
    join(dir, 'app.log.1'),
    isoLines(day(24), day(25) - 10_000, 10_000, (i, ms) => `${iso(i, ms)} (rotated)`),
  );
  utimesSync(join(dir, 'app.log.1'), new Date(day(25)), new Date(day(25)));
  writeFileSync(
    join(dir, 'app.log'),
    isoLines(day(25), day(25) + 12 * 3_600_000, 5_000, (i, ms) => {
      const base = iso(i, ms);
      // An exception with a stack trace (continuation lines without a timestamp) at 10:05:00.
      if (ms === Date.parse('2026-11-25T10:05:00Z'))
        return `${base.replace('INFO', 'ERROR')} TypeError: Cannot read properties of undefined (reading 'id') trace=4bf92f3577b34da6a3ce929d0e0e4736\n    at handler (/srv/app/api.js:42:7)\n    at next (/srv/app/router.js:9:3)`;
      if (ms === Date.parse('2026-11-25T10:04:00Z'))
        return `${base} Authorization: Bearer abc.def.ghi password=hunter2 AKIAIOSFODNN7EXAMPLE`;
      return base;
    }),
  );
  // syslog, no zone: the server's TZ (Europe/Berlin, +01:00 in November) applies. 11:00 local = 10:00Z.
  writeFileSync(
    join(dir, 'syslog'),
    isoLines(Date.UTC(2026, 10, 25, 9), Date.UTC(2026, 10, 25, 12), 15_000, (i, ms) => {
      const d = new Date(ms + 3_600_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} web1 app[42]: syslog line ${i}`;
    }),
  );
  // nginx access log in +0100.
  writeFileSync(
    join(dir, 'access.log'),
    isoLines(Date.UTC(2026, 10, 25, 9), Date.UTC(2026, 10, 25, 12), 20_000, (i, ms) => {
      const d = new Date(ms + 3_600_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `10.0.0.${i % 250} - - [${pad(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0100] "GET /api/orders/${i} HTTP/1.1" ${i % 7 === 0 ? 500 : 200} 512 "-" "curl/8"`;
    }),
  );
  // JSON lines: epoch seconds, and epoch millis in another file.
  writeFileSync(
    join(dir, 'json-s.log'),
    isoLines(Date.UTC(2026, 10, 25, 9), Date.UTC(2026, 10, 25, 12), 30_000, (i, ms) =>
      JSON.stringify({ ts: ms / 1000, level: 'info', msg: `json seconds ${i}` }),
    ),
  );
  writeFileSync(
    join(dir, 'json-ms.log'),
    isoLines(Date.UTC(2026, 10, 25, 9), Date.UTC(2026, 10, 25, 12), 30_000, (i, ms) =>
      JSON.stringify({ level: 'info', time: ms, msg: `json millis ${i}` }),
    ),
  );
  // ISO with explicit offsets that are not UTC.
  writeFileSync(
    join(dir, 'offset.log'),
    isoLines(Date.UTC(2026, 10, 25, 9), Date.UTC(2026, 10, 25, 12), 60_000, (i, ms) => {
      const d = new Date(ms - 5 * 3_600_000);
      return `${d.toISOString().slice(0, 19)}-05:00 offset line ${i}`;
    }),
  );
  // Junk: ANSI colours, binary bytes, NUL, a 3 MB line inside the window.
  const junk: Buffer[] = [];
  for (let t = Date.UTC(2026, 10, 25, 9, 50); t <= Date.UTC(2026, 10, 25, 10, 20); t += 30_000) {
    const ts = new Date(t).toISOString();
    junk.push(Buffer.from(`${ts} \x1b[31mERROR\x1b[0m \x1b]0;title\x07coloured line\n`));
    junk.push(
      Buffer.concat([
        Buffer.from(`${ts} binary `),
        Buffer.from([0, 1, 2, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a, 0x80, 0x0d]),
        Buffer.from(' end\n'),
      ]),
    );
    if (t === Date.UTC(2026, 10, 25, 10, 5)) junk.push(Buffer.from(`${ts} HUGE ${'x'.repeat(3 * 1024 * 1024)} tail\n`));
  }
  writeFileSync(join(dir, 'junk.log'), Buffer.concat(junk));
  writeFileSync(join(dir, 'unreadable-dir-marker'), '');
}

const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';

/** A real systemd journal file (written by systemd-journal-remote from the export format) with entries
 *  of app.service every 30 s from 09:50 to 10:20 UTC, and of other.service in between. */
function writeJournal(dir: string): void {
  if (!existsSync(JOURNAL_REMOTE))
    throw new Error(
      `${JOURNAL_REMOTE} is missing: apt-get install systemd-journal-remote (scripts/ensure-test-env.sh does).`,
    );
  mkdirSync(dir, { recursive: true });
  const entries: string[] = [];
  let i = 0;
  for (let t = Date.UTC(2026, 10, 25, 9, 50); t <= Date.UTC(2026, 10, 25, 10, 20); t += 30_000, i++) {
    for (const unit of ['app.service', 'other.service']) {
      entries.push(
        [
          `__REALTIME_TIMESTAMP=${t * 1000}`,
          `__MONOTONIC_TIMESTAMP=${i * 30_000_000 + 1000}`,
          '_BOOT_ID=0123456789abcdef0123456789abcdef',
          `_SYSTEMD_UNIT=${unit}`,
          `SYSLOG_IDENTIFIER=${unit.split('.')[0]}`,
          '_PID=42',
          '_HOSTNAME=web1',
          `MESSAGE=${unit} entry ${i} at ${new Date(t).toISOString()}`,
        ].join('\n') + '\n',
      );
    }
  }
  const exportFile = join(dir, 'export.txt');
  writeFileSync(exportFile, entries.join('\n') + '\n');
  const r = spawnSync(JOURNAL_REMOTE, [`--output=${join(dir, 'remote.journal')}`, exportFile], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`systemd-journal-remote failed: ${r.stderr}`);
  rmSync(exportFile);
}

function writeStubs(binDir: string, logDir: string, journalDir: string): void {
  mkdirSync(binDir, { recursive: true });
  // journalctl is the real one; the only change is where it looks (no journald runs in a container).
  writeFileSync(join(binDir, 'journalctl'), `#!/bin/sh\nexec /usr/bin/journalctl --directory=${journalDir} "$@"\n`);
  chmodSync(join(binDir, 'journalctl'), 0o755);
  // docker: no daemon runs here, so a stand-in answers as the docker 28 CLI does (its messages and exit
  // codes were taken from the real CLI): "api" is running and "batch" has exited (docker logs reads a
  // stopped container's log all the same, exit 0); any other name is "No such container" (exit 1);
  // with docker.denied present the user may not use the daemon's socket (exit 1). It records its argv
  // (one per line, so quoting mistakes show).
  writeFileSync(
    join(binDir, 'docker'),
    `#!/bin/sh
printf '%s\\n' "$@" > ${logDir}/docker.args
for last; do :; done
if [ -e ${logDir}/docker.denied ]; then
  echo "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \\"http://%2Fvar%2Frun%2Fdocker.sock/v1.50/containers/$last/json\\": dial unix /var/run/docker.sock: connect: permission denied" >&2
  exit 1
fi
case "$last" in
  api) cat ${logDir}/docker-api.txt ;;
  batch) cat ${logDir}/docker-batch.txt ;;
  *) echo "Error response from daemon: No such container: $last" >&2; exit 1 ;;
esac
`,
  );
  chmodSync(join(binDir, 'docker'), 0o755);
  const lines: string[] = [];
  for (let t = Date.UTC(2026, 10, 25, 10); t <= Date.UTC(2026, 10, 25, 10, 7); t += 30_000)
    lines.push(
      `${new Date(t).toISOString().replace('.000Z', '.123456789Z')} container line at ${new Date(t).toISOString()}`,
    );
  writeFileSync(join(logDir, 'docker-api.txt'), lines.join('\n') + '\n');
  writeFileSync(
    join(logDir, 'docker-batch.txt'),
    [
      '2026-11-25T10:03:00.000000001Z batch job started',
      '2026-11-25T10:04:30.500000000Z batch job exited with code 137',
    ].join('\n') + '\n',
  );
}

export async function startSshTestEnv(): Promise<SshTestEnv> {
  const home = tempDir('sentry-rca-home-');
  const ssh = join(home, '.ssh');
  mkdirSync(join(ssh, 'config.d'), { recursive: true });
  const logDir = join(home, 'logs');
  const binDir = join(home, 'bin');
  writeLogs(logDir);
  writeJournal(join(home, 'journal'));
  writeStubs(binDir, logDir, join(home, 'journal'));
  const keys = {
    user: generateKey(ssh, 'id_test'),
    wrong: generateKey(ssh, 'id_wrong'),
    encrypted: generateKey(ssh, 'id_encrypted', 'ed25519', PASSPHRASE),
    agentOnly: generateKey(home, 'agent_key', 'ecdsa'),
  };
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const env = { TZ: 'Europe/Berlin' };
    const target = await SshdServer.start({
      authorizedKeys: [keys.user.publicLine, keys.encrypted.publicLine, keys.agentOnly.publicLine],
      binDir,
      env,
    });
    started.push(target);
    const jump = await SshdServer.start({ authorizedKeys: [keys.user.publicLine] });
    started.push(jump);
    const stranger = await SshdServer.start({ authorizedKeys: [keys.user.publicLine] });
    started.push(stranger);
    const reinstalled = await SshdServer.start({ authorizedKeys: [keys.user.publicLine], hostKeyType: 'ed25519' });
    started.push(reinstalled);
    const silent = await SilentServer.start();
    started.push(silent);
    const closedPort = await freePort();

    // known_hosts: target plain, jump hashed (as HashKnownHosts=yes writes it), reinstalled with an
    // old key of the same type, stranger absent.
    const oldKey = generateKey(home, 'old_host_key');
    const knownHostsPath = join(ssh, 'known_hosts');
    const jumpOnly = join(home, 'jump_known_hosts');
    writeFileSync(jumpOnly, jump.knownHostsLine() + '\n');
    const h = spawnSync('ssh-keygen', ['-H', '-f', jumpOnly], { encoding: 'utf8' });
    if (h.status !== 0) throw new Error(`ssh-keygen -H failed: ${h.stderr}`);
    const hashedJump = readFileSync(jumpOnly, 'utf8').trim();
    if (!hashedJump.startsWith('|1|')) throw new Error(`ssh-keygen -H wrote no hashed entry: ${hashedJump}`);
    writeFileSync(
      knownHostsPath,
      [
        '# test known_hosts',
        target.knownHostsLine(),
        hashedJump,
        `[127.0.0.1]:${reinstalled.port} ${oldKey.publicLine.split(' ').slice(0, 2).join(' ')}`,
      ].join('\n') + '\n',
    );

    writeFileSync(
      join(ssh, 'config.d', 'included.conf'),
      `Host included\n  HostName 127.0.0.1\n  Port ${target.port}\n`,
    );
    const configPath = join(ssh, 'config');
    writeFileSync(
      configPath,
      `# sentry-rca test ssh config
Include config.d/*.conf

Host target
  HostName 127.0.0.1
  Port ${target.port}

Host web-*
  HostName 127.0.0.1
  Port ${target.port}

Host jump
  HostName 127.0.0.1
  Port ${jump.port}

Host behind-jump
  # The jump host connects on to 127.0.0.1:<target port> for us.
  HostName 127.0.0.1
  Port ${target.port}
  ProxyJump jump

Host behind-two-jumps
  # Two hops (the same jump sshd twice): client → jump → jump → target.
  HostName 127.0.0.1
  Port ${target.port}
  ProxyJump jump,root@127.0.0.1:${jump.port}

Host aliased-key
  # Looked up in known_hosts as "target-key", not as [127.0.0.1]:port.
  HostName 127.0.0.1
  Port ${target.port}
  HostKeyAlias target-key

Host stranger
  HostName 127.0.0.1
  Port ${stranger.port}

Host reinstalled
  HostName 127.0.0.1
  Port ${reinstalled.port}

Host silent
  HostName 127.0.0.1
  Port ${silent.port}
  ConnectTimeout 1

Host closed
  HostName 127.0.0.1
  Port ${closedPort}

Host wrongkey
  HostName 127.0.0.1
  Port ${target.port}
  IdentityFile ~/.ssh/id_wrong

Host encrypted
  HostName 127.0.0.1
  Port ${target.port}
  IdentityFile ~/.ssh/id_encrypted

Host agent
  HostName 127.0.0.1
  Port ${target.port}
  IdentityFile ~/.ssh/does_not_exist

Host * !wrongkey !encrypted !agent
  IdentityFile ~/.ssh/id_test

Host *
  User root
  ConnectTimeout 5
`,
    );
    return {
      home,
      configPath,
      knownHostsPath,
      logDir,
      binDir,
      keys,
      target,
      jump,
      stranger,
      reinstalled,
      silent,
      closedPort,
      async stop() {
        await Promise.allSettled(started.map((s) => s.stop()));
        rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await Promise.allSettled(started.map((s) => s.stop()));
    rmSync(home, { recursive: true, force: true });
    throw e;
  }
}
