import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import SSHConfig from 'ssh-config';
import { RcaError } from '../common/errors';

/** What `ssh ALIAS` would use to connect, resolved from an OpenSSH client config. */
export interface ResolvedHost {
  alias: string;
  hostName: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  /** Agent socket; undefined means SSH_AUTH_SOCK. `none` in the config disables the agent. */
  identityAgent?: string | 'none';
  /** Jump hosts in order, each an alias or `[user@]host[:port]`. */
  proxyJump: string[];
  connectTimeoutMs?: number;
  hostKeyAlias?: string;
  userKnownHostsFiles: string[];
  proxyCommand?: string;
}

/**
 * Reads an OpenSSH client config with `ssh-config`, adding what that package leaves out: `Include`
 * (globs, nesting, relative paths), `~`/`%` token expansion, defaults, and ProxyJump hop parsing.
 * `Match exec` is never evaluated: computing a config must not run commands.
 */
export class SshConfigResolver {
  private readonly config: SSHConfig;
  private readonly home: string;

  constructor(
    readonly path: string | undefined,
    opts: { home?: string; text?: string } = {},
  ) {
    this.home = opts.home ?? homedir();
    const file = path ?? join(this.home, '.ssh', 'config');
    let text = opts.text;
    if (text === undefined) {
      if (path && !existsSync(path))
        throw new RcaError(
          'usage',
          `SSH config ${path} does not exist.`,
          'Check the path given with --ssh-config or the sentryRCA.ssh.configFile setting.',
        );
      text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    }
    // OpenSSH resolves relative Include paths against ~/.ssh; for a config elsewhere (tests, a project
    // file) its own directory is the only sensible base.
    const base =
      path && resolve(dirname(path)) !== resolve(this.home, '.ssh') ? dirname(resolve(path)) : join(this.home, '.ssh');
    this.config = SSHConfig.parse(this.expandIncludes(text, base, 0));
  }

  private expandIncludes(text: string, base: string, depth: number): string {
    if (depth > 16) throw new RcaError('usage', 'SSH config Include nesting is deeper than 16 levels (a loop?).');
    return text
      .split(/\r?\n/)
      .map((line) => {
        const m = /^\s*include(?:\s+|\s*=\s*)(.+)$/i.exec(line);
        if (!m) return line;
        const parts: string[] = [];
        for (const raw of m[1]!.trim().split(/\s+/)) {
          const p = this.expandTilde(raw.replace(/^"|"$/g, ''));
          for (const f of expandGlob(isAbsolute(p) ? p : join(base, p))) {
            parts.push(`# included from ${f}`, this.expandIncludes(readFileSync(f, 'utf8'), base, depth + 1));
          }
        }
        return parts.join('\n');
      })
      .join('\n');
  }

  private expandTilde(p: string): string {
    return p === '~' ? this.home : p.startsWith('~/') ? join(this.home, p.slice(2)) : p;
  }

  /** Aliases written literally in `Host` lines (no wildcards): the hosts a user can pick from. */
  listHostAliases(): string[] {
    const out = new Set<string>();
    for (const line of this.config) {
      if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
      const values = typeof line.value === 'string' ? line.value.split(/\s+/) : line.value.map((v) => v.val);
      for (const v of values) if (v && !/[*?!]/.test(v)) out.add(v);
    }
    return [...out];
  }

  hasAlias(alias: string): boolean {
    return this.listHostAliases().includes(alias);
  }

  resolve(alias: string): ResolvedHost {
    const c = this.config.compute(alias, { ignoreCase: true, matchExec: false }) as Record<
      string,
      string | string[] | undefined
    >;
    const one = (k: string): string | undefined => {
      const v = c[k];
      return Array.isArray(v) ? v[0] : v;
    };
    const many = (k: string): string[] => {
      const v = c[k];
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    };
    const hostName = (one('hostname') ?? alias).replace(/%h/g, alias);
    const portText = one('port') ?? '22';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new RcaError('usage', `Port "${portText}" for SSH host ${alias} is not a valid port.`);
    const user = one('user') ?? userInfo().username;
    const tokens = (s: string) =>
      this.expandTilde(s).replace(
        /%(.)/g,
        (_m, t: string) =>
          ({ '%': '%', d: this.home, u: userInfo().username, h: hostName, r: user, p: String(port), n: alias })[t] ??
          `%${t}`,
      );
    const explicitIds = many('identityfile')
      .flatMap((v) => v.split(/\s+(?=~|\/)/))
      .filter(Boolean)
      .map(tokens);
    const identityFiles = explicitIds.length
      ? explicitIds
      : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => join(this.home, '.ssh', n)).filter((f) => existsSync(f));
    const jump = one('proxyjump');
    const timeout = one('connecttimeout');
    const agent = one('identityagent');
    const r: ResolvedHost = {
      alias,
      hostName,
      port,
      user,
      identityFiles,
      identitiesOnly: (one('identitiesonly') ?? 'no').toLowerCase() === 'yes',
      proxyJump:
        jump && jump.toLowerCase() !== 'none'
          ? jump
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [],
      userKnownHostsFiles: many('userknownhostsfile')
        .flatMap((v) => v.split(/\s+/))
        .filter(Boolean)
        .map(tokens),
    };
    if (timeout && Number(timeout) > 0) r.connectTimeoutMs = Number(timeout) * 1000;
    if (agent)
      r.identityAgent =
        agent.toLowerCase() === 'none'
          ? 'none'
          : agent === 'SSH_AUTH_SOCK'
            ? undefined
            : tokens(agent.replace(/^\$SSH_AUTH_SOCK$/, process.env.SSH_AUTH_SOCK ?? ''));
    const alias2 = one('hostkeyalias');
    if (alias2) r.hostKeyAlias = alias2;
    const pc = one('proxycommand');
    if (pc && pc.toLowerCase() !== 'none') r.proxyCommand = pc;
    return r;
  }
}

/** A ProxyJump hop `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
export function parseJumpHop(hop: string): { user?: string; host: string; port?: number } {
  const m = /^(?:ssh:\/\/)?(?:([^@\s]+)@)?(\[[^\]]+\]|[^:\s]+)(?::(\d+))?$/.exec(hop);
  if (!m) throw new RcaError('usage', `ProxyJump hop "${hop}" is not [user@]host[:port].`);
  const r: { user?: string; host: string; port?: number } = { host: m[2]!.replace(/^\[|\]$/g, '') };
  if (m[1]) r.user = m[1];
  if (m[3]) r.port = Number(m[3]);
  return r;
}

/** Expands `*` and `?` in the last path segment (what Include lines use in practice). */
function expandGlob(p: string): string[] {
  const name = basename(p);
  if (!/[*?]/.test(name)) return existsSync(p) ? [p] : [];
  const dir = dirname(p);
  if (!existsSync(dir)) return [];
  const re = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return readdirSync(dir)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => join(dir, f));
}
