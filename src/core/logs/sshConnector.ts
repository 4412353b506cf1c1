import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  Client,
  utils,
  type AnyAuthMethod,
  type AuthHandlerMiddleware,
  type ConnectConfig,
  type ParsedKey,
  type SFTPWrapper,
} from 'ssh2';
import type { Readable } from 'node:stream';
import type { Disposable } from '../common/lifecycle';
import { nullLogger, type Logger } from '../common/logger';
import { untilAborted } from '../common/clock';
import {
  fingerprint,
  hostKeyAlgorithmsFor,
  keyBlobType,
  knownHostsName,
  parseKnownHosts,
  verifyHostKey,
  type KnownHostEntry,
} from './knownHosts';
import { parseJumpHop, SshConfigResolver, type ResolvedHost } from './sshConfig';

export type HostStatus =
  'ok' | 'host-key-unknown' | 'host-key-changed' | 'auth-failed' | 'timeout' | 'unreachable' | 'no-such-file' | 'error';

/** A failure with the status a host result reports and a message a user can act on. */
export class SshFailure extends Error {
  constructor(
    readonly status: Exclude<HostStatus, 'ok'>,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SshFailure';
  }
}

export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'AbortError';
  }
}

export interface SshConnectorOptions {
  sshConfigPath?: string;
  /** Overrides UserKnownHostsFile / ~/.ssh/known_hosts. */
  knownHostsPath?: string;
  /** Agent socket; defaults to IdentityAgent from the config, then SSH_AUTH_SOCK. */
  identityAgent?: string;
  /** Connect (handshake) timeout when the config has no ConnectTimeout. */
  timeoutMs?: number;
  logger?: Logger;
  /** Asked for an encrypted key's passphrase; the answer is used once and never stored. */
  askPassphrase?: (keyPath: string) => Promise<string | undefined>;
  /** Home directory for `~` and the default files (tests point it elsewhere). */
  home?: string;
}

export interface ExecResult {
  code: number | null;
  signal?: string;
  stdout: Buffer;
  stderr: string;
  /** Bytes received on the channel (stdout + stderr). */
  bytes: number;
}

const STDERR_CAP = 64 * 1024;

/**
 * Opens ssh2 connections the way `ssh ALIAS` would (config, ProxyJump, agent and keys, known_hosts),
 * keeps one per alias for reuse, and runs commands on them with a timeout and cancellation.
 * Never connects to a host whose key is not in known_hosts or does not match it.
 */
export class SshConnector implements Disposable {
  private readonly pool = new Map<string, Promise<Client>>();
  private readonly clients = new Set<Client>();
  private readonly log: Logger;
  private resolverCache?: SshConfigResolver;

  constructor(private readonly opts: SshConnectorOptions = {}) {
    this.log = opts.logger ?? nullLogger;
  }

  get resolver(): SshConfigResolver {
    this.resolverCache ??= new SshConfigResolver(
      this.opts.sshConfigPath,
      this.opts.home ? { home: this.opts.home } : {},
    );
    return this.resolverCache;
  }

  private get home(): string {
    return this.opts.home ?? homedir();
  }

  /** A connected client for `alias`, reused while it stays open. */
  connect(alias: string, signal?: AbortSignal): Promise<Client> {
    let p = this.pool.get(alias);
    if (!p) {
      p = this.open(alias, signal);
      this.pool.set(alias, p);
      p.then(
        (c) =>
          c.once('close', () => {
            if (this.pool.get(alias) === p) this.pool.delete(alias);
          }),
        () => {
          if (this.pool.get(alias) === p) this.pool.delete(alias);
        },
      );
    }
    return withAbort(p, signal);
  }

  private async open(alias: string, signal?: AbortSignal): Promise<Client> {
    const target = this.resolver.resolve(alias);
    if (target.proxyCommand)
      throw new SshFailure(
        'error',
        `SSH host ${alias} uses ProxyCommand, which is not supported; use ProxyJump instead.`,
      );
    let sock: Readable | undefined;
    const hops: Client[] = [];
    try {
      for (const hop of target.proxyJump) {
        const parsed = parseJumpHop(hop);
        const h = this.resolver.resolve(parsed.host);
        if (parsed.user) h.user = parsed.user;
        if (parsed.port) h.port = parsed.port;
        const via = hops[hops.length - 1];
        if (via) sock = await forward(via, h, h.connectTimeoutMs ?? this.opts.timeoutMs ?? 15_000, signal);
        hops.push(await this.handshake(h, sock, signal, `jump host ${hop} for ${alias}`));
      }
      const via = hops[hops.length - 1];
      if (via) sock = await forward(via, target, target.connectTimeoutMs ?? this.opts.timeoutMs ?? 15_000, signal);
      const client = await this.handshake(target, sock, signal, alias);
      client.once('close', () => {
        for (const j of hops) j.end();
      });
      return client;
    } catch (e) {
      for (const j of hops) j.end();
      throw e;
    }
  }

  private knownHosts(h: ResolvedHost): { entries: KnownHostEntry[]; file: string } {
    const files = this.opts.knownHostsPath
      ? [this.opts.knownHostsPath]
      : h.userKnownHostsFiles.length
        ? h.userKnownHostsFiles
        : [join(this.home, '.ssh', 'known_hosts'), join(this.home, '.ssh', 'known_hosts2')];
    const entries: KnownHostEntry[] = [];
    for (const f of files) if (existsSync(f)) entries.push(...parseKnownHosts(readFileSync(f, 'utf8')));
    return { entries, file: files[0]! };
  }

  /**
   * Authentication in OpenSSH's order: the agent's keys first, then each IdentityFile, read only when
   * its turn comes, so an encrypted key's passphrase is asked for only if the agent could not log in.
   * `notes` collects why each method was skipped, for the auth-failed message.
   */
  private authHandler(
    h: ResolvedHost,
    notes: string[],
  ): { handler: NonNullable<ConnectConfig['authHandler']>; summary: string } {
    const configured = h.identityAgent === 'none' ? null : h.identityAgent;
    const agentSock =
      this.opts.identityAgent ?? (configured === null ? undefined : (configured ?? process.env.SSH_AUTH_SOCK));
    const attempts: Array<() => Promise<AnyAuthMethod | undefined>> = [];
    const usableFiles = h.identityFiles.filter((f) => {
      if (existsSync(f)) return true;
      notes.push(`identity file ${f} does not exist`);
      return false;
    });
    // IdentitiesOnly: OpenSSH offers only the configured keys (agent copies of them included); without
    // the public halves at hand, the agent is used only when no identity file is usable.
    if (agentSock && existsSync(agentSock) && !(h.identitiesOnly && usableFiles.length > 0)) {
      attempts.push(async () => ({ type: 'agent', username: h.user, agent: agentSock }));
    } else if (!agentSock) notes.push('no SSH agent (SSH_AUTH_SOCK is not set)');
    else if (!existsSync(agentSock)) notes.push(`agent socket ${agentSock} does not exist`);
    for (const file of usableFiles) attempts.push(() => this.loadKey(file, h.user, notes));
    let next = 0;
    const handler: AuthHandlerMiddleware = (_methodsLeft, _partial, callback) => {
      const step = async (): Promise<void> => {
        while (next < attempts.length) {
          const method = await attempts[next++]!();
          if (method) {
            callback(method);
            return;
          }
        }
        callback(false as unknown as AnyAuthMethod);
      };
      step().catch(() => callback(false as unknown as AnyAuthMethod));
    };
    const summary =
      [agentSock ? 'agent' : '', ...usableFiles.map((f) => `key ${f}`)].filter(Boolean).join(', ') || 'none';
    return { handler, summary };
  }

  private async loadKey(file: string, user: string, notes: string[]): Promise<AnyAuthMethod | undefined> {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (e) {
      notes.push(`cannot read ${file}: ${(e as Error).message}`);
      return undefined;
    }
    let key = utils.parseKey(data);
    if (key instanceof Error && /encrypted|passphrase/i.test(key.message)) {
      const pass = await this.opts.askPassphrase?.(file);
      if (pass === undefined) {
        notes.push(
          `key ${file} is encrypted; add it to your agent (ssh-add ${file}) or enter its passphrase when asked`,
        );
        return undefined;
      }
      key = utils.parseKey(data, pass);
      if (key instanceof Error) {
        notes.push(`the passphrase for ${file} is wrong`);
        return undefined;
      }
    }
    if (key instanceof Error) {
      notes.push(`${file} is not a private key ssh2 can read (${key.message})`);
      return undefined;
    }
    return { type: 'publickey', username: user, key: Array.isArray(key) ? (key[0] as ParsedKey) : key };
  }

  private async handshake(
    h: ResolvedHost,
    sock: Readable | undefined,
    signal: AbortSignal | undefined,
    label: string,
  ): Promise<Client> {
    const { entries, file } = this.knownHosts(h);
    // OpenSSH looks a HostKeyAlias up as written, without the [host]:port form.
    const name = h.hostKeyAlias ?? knownHostsName(h.hostName, h.port);
    const notes: string[] = [];
    const auth = this.authHandler(h, notes);
    if (signal?.aborted) throw new CancelledError();
    let keyProblem: SshFailure | undefined;
    const config: ConnectConfig = {
      host: h.hostName,
      port: h.port,
      username: h.user,
      readyTimeout: h.connectTimeoutMs ?? this.opts.timeoutMs ?? 15_000,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
      authHandler: auth.handler,
      hostVerifier: (key: Buffer) => {
        const v = verifyHostKey(entries, name, key);
        const desc = `${keyBlobType(key)} ${fingerprint(key)}`;
        if (v.status === 'ok') return true;
        if (v.status === 'unknown') {
          keyProblem = new SshFailure(
            'host-key-unknown',
            `The host key of ${name} (${desc}) is not in ${file}, so ${label} is not trusted and was not contacted further. ` +
              `To trust it, confirm the fingerprint with the server's administrator, then run: ssh-keyscan -p ${h.port} ${h.hostName} >> ${file}  (or connect once with: ssh ${h.alias}).`,
          );
        } else {
          const lines = v.lines;
          keyProblem = new SshFailure(
            'host-key-changed',
            `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${name} (${label}): it now presents ${desc}, which does not match ${file} line ${lines.join(', ')}` +
              `${v.status === 'revoked' ? ' (the key is marked @revoked)' : ''}. Someone could be intercepting the connection (man-in-the-middle), or the server was reinstalled. Refusing to connect. ` +
              `If you have verified the new key with the administrator: ssh-keygen -R '${name}' -f ${file}, then add the new key.`,
          );
        }
        return false;
      },
    };
    const algos = hostKeyAlgorithmsFor(entries, name);
    if (algos)
      config.algorithms = { serverHostKey: algos as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] };
    if (sock) config.sock = sock;
    this.log.debug(
      `connecting to ${label}: ${h.user}@${h.hostName}:${h.port}${sock ? ' (via jump host)' : ''}, auth: ${auth.summary}`,
    );

    const client = new Client();
    this.clients.add(client);
    client.once('close', () => this.clients.delete(client));
    return new Promise<Client>((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          client.end();
          client.destroy();
          reject(err);
        } else resolve(client);
      };
      const onAbort = () => finish(new CancelledError());
      signal?.addEventListener('abort', onAbort, { once: true });
      client.once('ready', () => {
        this.log.debug(`connected to ${label}`);
        finish();
      });
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        if (settled) {
          this.log.debug(`connection to ${label}: ${err.message}`);
          return;
        }
        finish(keyProblem ?? classify(err, h, label, notes));
      });
      client.once('close', () =>
        finish(
          keyProblem ??
            new SshFailure(
              'unreachable',
              `${label} (${h.hostName}:${h.port}) closed the connection before it was ready.`,
            ),
        ),
      );
      try {
        client.connect(config);
      } catch (e) {
        finish(new SshFailure('error', `Cannot connect to ${label}: ${(e as Error).message}`, { cause: e }));
      }
    });
  }

  /** Runs `command` with `stdin` on `alias`; rejects on timeout or abort (closing the channel). */
  async exec(
    alias: string,
    command: string,
    stdin: string,
    o: { signal?: AbortSignal; timeoutMs: number; maxStdoutBytes?: number },
  ): Promise<ExecResult> {
    const client = await this.connect(alias, o.signal);
    return new Promise<ExecResult>((resolve, reject) => {
      const out: Buffer[] = [];
      let outBytes = 0;
      let stderr = '';
      let bytes = 0;
      let settled = false;
      let channel: { close(): void; signal(name: string): void } | undefined;
      const timer = setTimeout(
        () =>
          fail(
            new SshFailure(
              'timeout',
              `The command on ${alias} did not finish within ${Math.round(o.timeoutMs / 1000)} s and was stopped.`,
            ),
          ),
        o.timeoutMs,
      );
      const onAbort = () => fail(new CancelledError());
      o.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
      };
      function fail(e: Error) {
        if (settled) return;
        settled = true;
        cleanup();
        // sshd delivers the signal to the session's whole process group, so the remote pipeline stops
        // instead of running on after we stopped listening.
        try {
          channel?.signal('KILL');
        } catch {
          /* server may not support signals */
        }
        try {
          channel?.close();
        } catch {
          /* already closed */
        }
        reject(e);
      }
      if (o.signal?.aborted) {
        fail(new CancelledError());
        return;
      }
      client.exec(command, (err, stream) => {
        if (err) {
          fail(new SshFailure('error', `Cannot start a command on ${alias}: ${err.message}`, { cause: err }));
          return;
        }
        channel = stream;
        if (settled) {
          stream.close();
          return;
        }
        stream.on('data', (d: Buffer) => {
          bytes += d.length;
          if (o.maxStdoutBytes === undefined || outBytes < o.maxStdoutBytes) {
            out.push(d);
            outBytes += d.length;
          }
        });
        stream.stderr.on('data', (d: Buffer) => {
          bytes += d.length;
          if (stderr.length < STDERR_CAP) stderr += d.toString('utf8');
        });
        stream.on('close', (code: number | null, signalName?: string) => {
          if (settled) return;
          settled = true;
          cleanup();
          const r: ExecResult = { code: code ?? null, stdout: Buffer.concat(out), stderr, bytes };
          if (signalName) r.signal = signalName;
          resolve(r);
        });
        // stdin stays open: ssh2 only sends a signal on a writable channel. The script ends with `exit`
        // so the remote shell does not wait for more input.
        stream.write(stdin);
      });
    });
  }

  /** Opens an SFTP session on a pooled connection (used by the download baseline in the benchmark). */
  async sftp(alias: string, signal?: AbortSignal): Promise<SFTPWrapper> {
    const client = await this.connect(alias, signal);
    return new Promise((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
  }

  /** Closes every connection, jump hosts included. */
  dispose(): void {
    this.pool.clear();
    for (const c of [...this.clients]) {
      c.end();
      c.destroy();
    }
    this.clients.clear();
  }
}

function forward(via: Client, to: ResolvedHost, timeoutMs: number, signal?: AbortSignal): Promise<Readable> {
  return withAbort(
    new Promise<Readable>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new SshFailure(
              'timeout',
              `The jump host did not open a connection to ${to.hostName}:${to.port} within ${Math.round(timeoutMs / 1000)} s.`,
            ),
          ),
        timeoutMs,
      );
      via.forwardOut('127.0.0.1', 0, to.hostName, to.port, (err, stream) => {
        clearTimeout(timer);
        if (err)
          reject(
            new SshFailure(
              'unreachable',
              `The jump host could not open a connection to ${to.hostName}:${to.port} (${err.message}).`,
              { cause: err },
            ),
          );
        else resolve(stream);
      });
    }),
    signal,
  );
}

function classify(
  err: Error & { level?: string; code?: string },
  h: ResolvedHost,
  label: string,
  notes: string[],
): SshFailure {
  const where = `${label} (${h.user}@${h.hostName}:${h.port})`;
  if (err.level === 'client-authentication') {
    return new SshFailure(
      'auth-failed',
      `Authentication to ${where} failed: the server accepted none of the offered keys` +
        `${notes.length ? ` (${notes.join('; ')})` : ''}. Check User and IdentityFile in your ssh config, that the key is in the server's authorized_keys, and that your agent holds it (ssh-add -l).`,
      { cause: err },
    );
  }
  if (err.level === 'client-timeout' || err.code === 'ETIMEDOUT') {
    return new SshFailure(
      'timeout',
      `Timed out connecting to ${where}: no SSH handshake within the connect timeout. Is it the right port, and is sshd answering?`,
      { cause: err },
    );
  }
  if (
    ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET'].includes(err.code ?? '')
  ) {
    const why =
      err.code === 'ECONNREFUSED'
        ? 'connection refused (nothing listens on that port)'
        : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
          ? 'the host name does not resolve'
          : err.code === 'ECONNRESET'
            ? 'the connection was reset'
            : 'the host is unreachable';
    return new SshFailure('unreachable', `Cannot reach ${where}: ${why}.`, { cause: err });
  }
  return new SshFailure('error', `SSH to ${where} failed: ${err.message}`, { cause: err });
}

function withAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  return untilAborted(p, signal, () => new CancelledError());
}
