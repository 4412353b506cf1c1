/**
 * Starts Debian's real OpenSSH server (/usr/sbin/sshd) for tests: a free loopback port, a generated
 * host key, an authorized_keys of our choosing, and a config that allows root only from loopback.
 * Every process started here is remembered and killed on stop() and, as a last resort, when the test
 * process exits — a failing test never leaves an sshd or agent behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set<ChildProcess>();
function killAll(): void {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
process.on('exit', killAll);
// The test runner stops a hung file with a signal; clean up, then die of that signal as before.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    killAll();
    process.kill(process.pid, sig);
  });
}

export const SSHD = '/usr/sbin/sshd';

export function sshdAvailable(): boolean {
  return spawnSync(SSHD, ['-V'], { encoding: 'utf8' }).error === undefined;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface KeyPair {
  privatePath: string;
  publicLine: string;
}

/** `ssh-keygen -t TYPE` into dir/name (optionally with a passphrase). */
export function generateKey(
  dir: string,
  name: string,
  type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519',
  passphrase = '',
): KeyPair {
  const path = join(dir, name);
  const r = spawnSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', `${name}@sentry-rca-test`, '-f', path], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  chmodSync(path, 0o600);
  return { privatePath: path, publicLine: readFileSync(`${path}.pub`, 'utf8').trim() };
}

export interface SshdOptions {
  /** Public key lines allowed to log in. */
  authorizedKeys: string[];
  /** Directory put first on PATH for sessions (stub tools such as journalctl/docker). */
  binDir?: string;
  /** Environment for sessions (sshd `SetEnv`), e.g. TZ to give the server a local time zone. */
  env?: Record<string, string>;
  hostKeyType?: 'ed25519' | 'ecdsa' | 'rsa';
  /** Reuse this host key (to simulate a reinstalled server, pass a different one). */
  hostKey?: KeyPair;
}

function sessionEnv(opts: SshdOptions): string[] {
  const env: Record<string, string> = { ...(opts.env ?? {}) };
  if (opts.binDir) env.PATH = `${opts.binDir}:/usr/local/bin:/usr/bin:/bin`;
  const pairs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? [`SetEnv ${pairs.join(' ')}`] : [];
}

export class SshdServer {
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly hostKey: KeyPair,
    private proc: ChildProcess | undefined,
    readonly logs: string[],
  ) {}

  static async start(opts: SshdOptions): Promise<SshdServer> {
    mkdirSync('/run/sshd', { recursive: true });
    const dir = tempDir('sentry-rca-sshd-');
    const hostKey =
      opts.hostKey ?? generateKey(dir, `host_${opts.hostKeyType ?? 'ed25519'}`, opts.hostKeyType ?? 'ed25519');
    writeFileSync(join(dir, 'authorized_keys'), opts.authorizedKeys.join('\n') + '\n', { mode: 0o600 });
    const port = await freePort();
    const config =
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey.privatePath}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'UsePAM no',
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'AllowTcpForwarding yes',
        'PrintMotd no',
        `LogLevel ${process.env.SENTRY_RCA_SSHD_LOGLEVEL ?? 'VERBOSE'}`,
        'Subsystem sftp internal-sftp',
        // Tests run as root here: allowed from loopback only.
        ...sessionEnv(opts),
        'PermitRootLogin no',
        'Match Address 127.0.0.1',
        '  PermitRootLogin prohibit-password',
      ].join('\n') + '\n';
    const configPath = join(dir, 'sshd_config');
    writeFileSync(configPath, config);
    const check = spawnSync(SSHD, ['-t', '-f', configPath], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`sshd rejected its test config: ${check.stderr}`);
    const proc = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(proc);
    const logs: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd did not start within 10 s:\n${logs.join('')}`)), 10_000);
      proc.stderr!.setEncoding('utf8');
      proc.stderr!.on('data', (d: string) => {
        logs.push(d);
        if (logs.join('').includes('Server listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        children.delete(proc);
        reject(new Error(`sshd exited (${code}) at start:\n${logs.join('')}`));
      });
    });
    proc.removeAllListeners('exit');
    proc.once('exit', () => children.delete(proc));
    return new SshdServer(dir, port, hostKey, proc, logs);
  }

  /**
   * Resolves with sshd's log (stderr) from character `from` on, once that part matches `re`: the event
   * a test waits for, instead of a sleep. `from` is `logs.join('').length` taken before the action.
   */
  waitForLog(re: RegExp, from = 0, timeoutMs = 10_000): Promise<string> {
    const text = () => this.logs.join('').slice(from);
    if (re.test(text())) return Promise.resolve(text());
    const stderr = this.proc?.stderr;
    if (!stderr) return Promise.reject(new Error(`sshd is not running; its log:\n${text()}`));
    return new Promise((resolve, reject) => {
      const onData = () => {
        if (re.test(text())) {
          clearTimeout(timer);
          stderr.off('data', onData);
          resolve(text());
        }
      };
      const timer = setTimeout(() => {
        stderr.off('data', onData);
        reject(new Error(`sshd never logged ${re} within ${timeoutMs} ms; its log:\n${text().slice(-2000)}`));
      }, timeoutMs);
      stderr.on('data', onData);
    });
  }

  /** known_hosts line for this server, as `ssh-keyscan -p PORT 127.0.0.1` would write it. */
  knownHostsLine(name = '127.0.0.1'): string {
    const [type, key] = this.hostKey.publicLine.split(/\s+/);
    return `[${name}]:${this.port} ${type} ${key}`;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p && p.exitCode === null && p.signalCode === null) {
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
        setTimeout(() => {
          try {
            p.kill('SIGKILL');
          } catch {
            /* gone */
          }
        }, 3000).unref();
      });
    }
    children.delete(p!);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A real `ssh-agent` on its own socket, with keys added by `ssh-add`. */
export class SshAgent {
  private constructor(
    readonly socket: string,
    private proc: ChildProcess | undefined,
    private readonly dir: string,
  ) {}

  static async start(): Promise<SshAgent> {
    const dir = tempDir('sentry-rca-agent-');
    const socket = join(dir, 'agent.sock');
    const proc = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'ignore', 'ignore'] });
    children.add(proc);
    proc.once('exit', () => children.delete(proc));
    const deadline = Date.now() + 5000;
    for (;;) {
      if (spawnSync('ssh-add', ['-l'], { env: { ...process.env, SSH_AUTH_SOCK: socket } }).status !== 2) break;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error('ssh-agent did not start');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return new SshAgent(socket, proc, dir);
  }

  /** `ssh-add KEY`; an encrypted key's passphrase goes in through SSH_ASKPASS, as a desktop would. */
  add(keyPath: string, passphrase?: string): void {
    const env: NodeJS.ProcessEnv = { ...process.env, SSH_AUTH_SOCK: this.socket };
    if (passphrase !== undefined) {
      const askpass = join(this.dir, 'askpass.sh');
      writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' "$SENTRY_RCA_TEST_PASSPHRASE"\n`, { mode: 0o700 });
      Object.assign(env, {
        SSH_ASKPASS: askpass,
        SSH_ASKPASS_REQUIRE: 'force',
        DISPLAY: 'none',
        SENTRY_RCA_TEST_PASSPHRASE: passphrase,
      });
    }
    const r = spawnSync('ssh-add', [keyPath], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`ssh-add failed: ${r.stderr}`);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p && p.exitCode === null && p.signalCode === null) {
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A TCP listener that accepts connections and never says anything (an SSH port that hangs). */
export class SilentServer {
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {});
    });
  }

  static async start(): Promise<SilentServer> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return new SilentServer(server, (server.address() as { port: number }).port);
  }

  get connections(): number {
    return this.sockets.size;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
