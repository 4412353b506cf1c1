/**
 * The demo's "production host" orders-api-1: the real OpenSSH server (/usr/sbin/sshd) on a free
 * loopback port, with generated user and host keys, that serves the demo's service log. It writes an
 * ssh config and known_hosts next to the keys, so the extension reads the log over SSH exactly as it
 * would from a real server. Only the demo process starts it, and it stops with that process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD_PATH = '/usr/sbin/sshd';
export const DEMO_HOST = 'orders-api-1';

export interface DemoSshd {
  port: number;
  /** ssh config with `Host orders-api-1` (for sentryRCA.ssh.configFile). */
  configFile: string;
  /** The log source in the form sentryRCA.logs.sources takes. */
  logSource: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', resolve);
  });
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Reuses a key from an earlier start, so known_hosts and authorized_keys stay the same across restarts. */
function ensureKey(path: string, comment: string): string {
  if (!existsSync(path) || !existsSync(`${path}.pub`)) {
    rmSync(path, { force: true });
    rmSync(`${path}.pub`, { force: true });
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], {
      encoding: 'utf8',
    });
    if (r.error || r.status !== 0)
      throw new Error(`ssh-keygen failed (is openssh-client installed?): ${r.error?.message ?? r.stderr.trim()}`);
  }
  chmodSync(path, 0o600);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

/**
 * An sshd of an earlier demo process that was killed hard (SIGKILL skips exit handlers) would hold
 * its port for ever; its pid file names it, and /proc confirms it is our sshd before it is stopped.
 */
function stopLeftover(pidFile: string, configPath: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(configPath)) return;
    process.kill(pid, 'SIGTERM');
  } catch {
    /* gone already, or no /proc: nothing we can safely identify */
  }
}

/** Starts sshd for the demo in `dir` (keys, configs, its log) serving `logFile` as host orders-api-1. */
export async function startDemoSshd(dir: string, logFile: string, timeoutMs = 10_000): Promise<DemoSshd> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // sshd running as root insists on its privilege separation directory; other users do not need it.
  try {
    mkdirSync('/run/sshd', { recursive: true });
  } catch {
    /* not root */
  }
  const user = userInfo().username;
  const userKey = join(dir, 'id_ed25519');
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const userPub = ensureKey(userKey, `${user}@sentry-rca-demo`);
  const hostPub = ensureKey(hostKey, 'orders-api-1@sentry-rca-demo');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, userPub + '\n', { mode: 0o600 });
  const sshdConfig = join(dir, 'sshd_config');
  const pidFile = join(dir, 'sshd.pid');
  stopLeftover(pidFile, sshdConfig);
  const port = await freePort();
  writeFileSync(
    sshdConfig,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${pidFile}`,
      `AuthorizedKeysFile ${authorized}`,
      'UsePAM no',
      // The files live in the extension's storage, whose modes sshd's strict checks do not expect.
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'PrintMotd no',
      'LogLevel INFO',
      // A root user (containers) may log in with the demo key, and only from loopback.
      'PermitRootLogin no',
      'Match Address 127.0.0.1',
      '  PermitRootLogin prohibit-password',
      '',
    ].join('\n'),
  );
  const check = spawnSync(SSHD_PATH, ['-t', '-f', sshdConfig], { encoding: 'utf8' });
  if (check.error || check.status !== 0)
    throw new Error(`sshd rejected the demo config: ${check.error?.message ?? check.stderr.trim()}`);

  const sshdLog = join(dir, 'sshd.log');
  writeFileSync(sshdLog, '');
  const out = openSync(sshdLog, 'a');
  // Its log goes to a file: a pipe nobody reads would stall sshd once full.
  const proc: ChildProcess = spawn(SSHD_PATH, ['-D', '-e', '-f', sshdConfig], { stdio: ['ignore', 'ignore', out] });
  closeSync(out);
  let exited: string | null = null;
  proc.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  proc.once('error', (e) => {
    exited = `could not start: ${e.message}`;
  });
  const kill = () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      try {
        proc.kill('SIGTERM');
      } catch {
        /* gone */
      }
    }
  };
  process.on('exit', kill);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(sshdLog, 'utf8');
    if (text.includes('Server listening on')) break;
    if (exited || Date.now() > deadline) {
      kill();
      throw new Error(
        `sshd ${exited ?? `did not start within ${timeoutMs / 1000} s`}: ${text.trim().split('\n').slice(-3).join(' | ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  const knownHosts = join(dir, 'known_hosts');
  const [type, key] = hostPub.split(/\s+/);
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${type} ${key}\n`);
  const configFile = join(dir, 'config');
  writeFileSync(
    configFile,
    [
      `Host ${DEMO_HOST}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${userKey}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHosts}`,
      '',
    ].join('\n'),
  );

  return {
    port,
    configFile,
    logSource: `${DEMO_HOST}=file:${logFile}`,
    stop: async () => {
      process.removeListener('exit', kill);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        kill();
        setTimeout(() => {
          try {
            proc.kill('SIGKILL');
          } catch {
            /* gone */
          }
          resolve();
        }, 3000).unref();
      });
    },
  };
}
